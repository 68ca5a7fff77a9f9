// SPDX-License-Identifier: GPL-3.0-or-later
// Progress of long work on the log's stream (stderr): "[I::simulate] 45% (9000 of 20000 virtual
// patients, 7 s)". The one progress helper of every command; silent with --quiet.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>

#include "lscmir/core/log.hpp"

namespace lscmir::core {

/// Counts units of work done and reports them at info level on `log` (so never on stdout, and
/// not at all when the logger is quieter than info, as with --quiet). The first line comes only
/// after `interval` seconds, so short runs stay silent; then a line at most every `interval`
/// seconds and only when the percentage moved; a last line at finish() (or destruction) when any
/// line was printed. Reporting never changes what is computed.
/// Threads: add() may be called from any thread (parallel_for workers) at any rate.
class Progress {
 public:
  /// `what`: the units, plural ("virtual patients", "permutations"); `total` 0 = not known in
  /// advance (lines then say how many so far, without a percentage). `interval` < 0 takes
  /// default_interval().
  Progress(Logger& log, std::string context, std::string what, std::size_t total, double interval = -1);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  /// Adds `n` units done.
  void add(std::size_t n = 1) noexcept;
  /// Sets the units done so far (for work that counts them itself, like a FASTQ reader).
  void set(std::size_t done) noexcept;
  /// The last line (when any was printed); later calls do nothing.
  void finish() noexcept;
  /// Lines printed so far.
  std::size_t lines() const { return lines_; }

  /// 2 seconds; the environment variable LSCMIR_PROGRESS_INTERVAL (seconds, >= 0) overrides it,
  /// e.g. 0 to see every step in a test.
  static double default_interval();

 private:
  void report(std::size_t done, bool last);
  Logger* log_;
  bool enabled_;
  std::string context_, what_;
  std::size_t total_;
  double interval_;
  std::chrono::steady_clock::time_point start_;
  std::atomic<std::size_t> done_{0};
  std::mutex mutex_;
  double last_time_ = 0;  // seconds since start_ of the last line (guarded by mutex_)
  long long last_percent_ = -1;
  std::size_t lines_ = 0;
  bool finished_ = false;
};

/// Adds to `p` when there is one (library functions take an optional `Progress*`).
inline void progress_add(Progress* p, std::size_t n = 1) noexcept {
  if (p) p->add(n);
}

}  // namespace lscmir::core
