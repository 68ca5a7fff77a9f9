// SPDX-License-Identifier: GPL-3.0-or-later
// An output file written in pieces and published by a rename, for outputs too large to build in memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace lscmir::io {

/// A file written in pieces to a temporary name beside it (".NAME.tmp.PID.s") and renamed to its
/// name by commit(); destroyed uncommitted, the temporary is removed, so a failure never leaves a
/// partial output. (Genome-wide sites.tsv files run to gigabytes, so they are streamed instead of
/// built in memory for io::write_file_atomic.)
///
/// The bytes bypass the page cache where the file system allows (O_DIRECT on Linux): they are
/// gathered in a 16 MiB aligned buffer and written block-aligned, the last block padded and the
/// file then cut to its length. Gigabytes copied into fresh page-cache memory cost the kernel
/// more CPU than formatting them (bench/README.md, "lscmir targets"), and a direct write needs
/// none. Where O_DIRECT is refused (tmpfs, some network file systems, devices) the same bytes go
/// through write(2) normally.
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
  /// Writes `n` bytes at `data` with write(2), retrying short writes; false on failure (errno set).
  bool write_all(const char* data, std::size_t n);
  /// Writes the staging buffer's whole blocks (all of it when `tail`, padded to a block).
  void flush_buffer(bool tail);
  /// Leaves direct I/O after the file system refused it (EINVAL), keeping what was written.
  void fall_back_to_buffered();

  int fd_ = -1;
  bool direct_ = false;
  struct FreeDeleter {
    void operator()(char* p) const noexcept;
  };
  std::unique_ptr<char, FreeDeleter> buffer_;  ///< staging for direct I/O
  std::size_t fill_ = 0;                        ///< bytes in the staging buffer
  std::uint64_t size_ = 0;                      ///< bytes accepted so far (the file's length)
  bool committed_ = false;
};

}  // namespace lscmir::io
