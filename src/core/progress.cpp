// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/core/progress.hpp"

#include <algorithm>
#include <cstdlib>
#include <string>

namespace lscmir::core {

double Progress::default_interval() {
  if (const char* env = std::getenv("LSCMIR_PROGRESS_INTERVAL"); env && *env) {
    char* end = nullptr;
    const double v = std::strtod(env, &end);
    if (end && *end == '\0' && v >= 0) return v;
  }
  return 2.0;
}

Progress::Progress(Logger& log, std::string context, std::string what, std::size_t total, double interval)
    : log_(&log),
      enabled_(log.level() <= LogLevel::kInfo),
      context_(std::move(context)),
      what_(std::move(what)),
      total_(total),
      interval_(interval < 0 ? default_interval() : interval),
      start_(std::chrono::steady_clock::now()) {}

Progress::~Progress() { finish(); }

void Progress::add(std::size_t n) noexcept {
  if (!enabled_) return;
  const std::size_t done = done_.fetch_add(n, std::memory_order_relaxed) + n;
  // The clock is read at most every 16th call (and at the end), and one thread reports at a time.
  if ((total_ == 0 || done < total_) && (done & 15) != 0 && n == 1) return;
  std::unique_lock<std::mutex> lock(mutex_, std::try_to_lock);
  if (!lock.owns_lock() || finished_) return;
  report(done, false);
}

void Progress::set(std::size_t done) noexcept {
  if (!enabled_) return;
  done_.store(done, std::memory_order_relaxed);
  std::unique_lock<std::mutex> lock(mutex_, std::try_to_lock);
  if (!lock.owns_lock() || finished_) return;
  report(done, false);
}

void Progress::finish() noexcept {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (finished_) return;
  finished_ = true;
  const std::size_t done = done_.load(std::memory_order_relaxed);
  if (lines_ > 0 && !(total_ > 0 && last_percent_ == 100 && done >= total_)) report(done, true);
}

void Progress::report(std::size_t done, bool last) {
  const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  // with an unknown total the "percentage" is the count itself, so any new count may be shown
  const long long percent = total_ == 0 ? static_cast<long long>(done)
                                        : static_cast<long long>(100.0 * static_cast<double>(std::min(done, total_)) / static_cast<double>(total_));
  if (!last && (t - last_time_ < interval_ || percent == last_percent_ || t < interval_)) return;
  last_time_ = t;
  last_percent_ = percent;
  ++lines_;
  const std::string secs = std::to_string(static_cast<long long>(t + 0.5)) + " s";
  try {
    if (total_ == 0)
      log_->info(context_, std::to_string(done) + " " + what_ + " (" + secs + ")" + (last ? " done" : ""));
    else
      log_->info(context_, std::to_string(percent) + "% (" + std::to_string(std::min(done, total_)) + " of " + std::to_string(total_) + " " +
                               what_ + ", " + secs + ")" + (last ? " done" : ""));
  } catch (...) {  // NOLINT(bugprone-empty-catch): a progress line must never fail the work
  }
}

}  // namespace lscmir::core
