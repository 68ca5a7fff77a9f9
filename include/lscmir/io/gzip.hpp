// SPDX-License-Identifier: GPL-3.0-or-later
// The one streaming gzip-aware text reader: FASTQ chunks, tables, FASTA, GMT all read through it.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "lscmir/core/error.hpp"

namespace lscmir::io {

/// How a gzip stream failed, for callers that word the message themselves.
enum class GzipFault { truncated, corrupt, trailing_data };

/// A damaged gzip stream: an InputError (file, line 0) that also says which way it failed.
class GzipError : public core::InputError {
 public:
  GzipError(GzipFault fault, std::string file, std::string problem, std::string hint = {});
  GzipFault fault() const noexcept { return fault_; }

 private:
  GzipFault fault_;
};

/// Bytes of a file or of a buffer, plain or gzip (magic 1f 8b; any number of concatenated
/// members), inflated as they are read: by ISA-L's igzip when lscmir is built with it (about 3x
/// zlib's speed on x86-64), else by zlib. Its own loop rather than zlib's gzread, so that a
/// truncated stream is reported after every byte before the cut was delivered, and data after the
/// last member is an error. Memory is bounded (a 1 MiB input buffer) for files.
/// Not thread-safe: one object per reading thread.
class TextSource {
 public:
  /// Opens `path`. @throws core::InputError when it cannot be opened or read.
  explicit TextSource(const std::string& path);
  /// Reads `bytes`, which must outlive the source; `name` is used in error messages.
  TextSource(std::string_view bytes, std::string name);
  ~TextSource();
  TextSource(const TextSource&) = delete;
  TextSource& operator=(const TextSource&) = delete;

  /// Up to n bytes of text into buf; returns 0 only at the clean end of the data. `where`, when
  /// given, describes the reader's position for error messages ("inside record 47") and is called
  /// only on an error.
  /// @throws GzipError: "the gzip stream is truncated (unexpected end of file) <where>",
  ///         "the gzip stream is damaged (<reason>) <where>",
  ///         "unexpected data after the end of the gzip stream <where>";
  ///         core::InputError on a read error.
  std::size_t read(char* buf, std::size_t n, const std::function<std::string()>& where = {});

  /// True when the data is gzip.
  bool gzipped() const noexcept;
  const std::string& name() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Everything a source still holds, as one string. Errors as TextSource::read, with "after N
/// bytes" as the position.
std::string read_all(TextSource& source);

/// Appends `text` to `out` as one complete gzip member (RFC 1952: a fixed 10-byte header with no
/// name and mtime 0, deflate at the fastest level, CRC-32 and length), by ISA-L's igzip when
/// lscmir is built with it, else by zlib. Concatenated members are one valid gzip file (gzip -d,
/// zcat and TextSource read them all), so independent pieces compressed by separate threads can
/// be written one after another. The bytes depend only on `text` and the library used.
/// Threads: no shared state; call it from any number of threads at once.
/// @throws std::bad_alloc when the compressor cannot be set up.
void append_gzip_member(std::string_view text, std::string& out);

}  // namespace lscmir::io
