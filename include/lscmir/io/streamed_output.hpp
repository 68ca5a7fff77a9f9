// SPDX-License-Identifier: GPL-3.0-or-later
// An output file written in pieces and published by a rename, for outputs too large to build in memory.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace lscmir::io {

/// A file written in pieces to a temporary name beside it (".NAME.tmp.PID.s") and renamed to its
/// name by commit(); destroyed uncommitted, the temporary is removed, so a failure never leaves a
/// partial output. (Genome-wide sites.tsv files run to gigabytes, so they are streamed instead of
/// built in memory for io::write_file_atomic.)
/// Threads: one object is used by one thread at a time.
class StreamedOutput {
 public:
  /// Opens the temporary file beside `path`.
  /// @throws core::OutputError (naming `path`) when it cannot be created.
  explicit StreamedOutput(const std::string& path);
  StreamedOutput(const StreamedOutput&) = delete;
  StreamedOutput& operator=(const StreamedOutput&) = delete;
  /// Closes and, unless committed, removes the temporary file; never throws.
  ~StreamedOutput();

  /// Appends `text`. @throws core::OutputError when the write fails (disk full, ...).
  void write(std::string_view text);
  /// Flushes, fsyncs, closes and renames the temporary file to `path`.
  /// @throws core::OutputError when any step fails (the temporary is then removed).
  void commit();

  const std::string& path() const { return path_; }
  /// The temporary file's path (for tests).
  const std::string& temporary_path() const { return tmp_; }

 private:
  std::string path_, tmp_;
  std::FILE* file_ = nullptr;
  bool committed_ = false;
};

}  // namespace lscmir::io
