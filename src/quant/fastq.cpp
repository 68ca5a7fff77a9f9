// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/quant/fastq.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <zlib.h>

#include "lscmir/core/error.hpp"

namespace lscmir::quant {

namespace detail {
void fastq_error(const std::string& path, std::uint64_t line, std::uint64_t record, const std::string& what) {
  throw core::InputError(path, static_cast<std::size_t>(line), "record " + std::to_string(record) + ": " + what);
}
}  // namespace detail

namespace {

/// zlib's gz* interface inflates gzip (all members) and passes plain text through unchanged.
struct GzFile {
  gzFile f = nullptr;
  GzFile(const std::string& path) {
    f = gzopen(path.c_str(), "rb");
    if (f == nullptr)
      throw core::InputError(path, 0, std::string("cannot open the file: ") + (errno != 0 ? std::strerror(errno) : "out of memory"));
    gzbuffer(f, 1u << 20);
  }
  ~GzFile() {
    if (f != nullptr) gzclose(f);
  }
  GzFile(const GzFile&) = delete;
  GzFile& operator=(const GzFile&) = delete;

  /// Reads up to n bytes; returns 0 at a clean end of the data. `where` describes the position
  /// for the error message.
  std::size_t read(char* buf, std::size_t n, const std::string& path, const std::string& where) {
    const int got = gzread(f, buf, static_cast<unsigned>(n));
    int err = Z_OK;
    const char* msg = gzerror(f, &err);
    if (got < 0 || (err != Z_OK && err != Z_STREAM_END)) {
      std::string what = msg != nullptr ? msg : "read error";
      if (err == Z_BUF_ERROR || what.find("unexpected end") != std::string::npos)
        throw core::InputError(path, 0, "the gzip stream is truncated (" + what + ") " + where,
                               "the file was cut short: download or copy it again");
      if (err == Z_ERRNO) what = std::strerror(errno);
      throw core::InputError(path, 0, "the gzip stream is damaged (" + what + ") " + where);
    }
    return static_cast<std::size_t>(got);
  }
};

std::size_t count_newlines(const std::string& s, std::size_t from, std::size_t to) {
  return static_cast<std::size_t>(std::count(s.begin() + static_cast<std::ptrdiff_t>(from), s.begin() + static_cast<std::ptrdiff_t>(to), '\n'));
}

}  // namespace

struct FastqChunker::Impl {
  GzFile file;
  explicit Impl(const std::string& p) : file(p) {}
};

FastqChunker::FastqChunker(std::string path, std::size_t chunk_bytes)
    : path_(std::move(path)), chunk_bytes_(std::max<std::size_t>(chunk_bytes, 4096)), impl_(std::make_unique<Impl>(path_)) {}

FastqChunker::~FastqChunker() = default;

bool FastqChunker::fill() {
  const std::size_t old = carry_.size();
  carry_.resize(old + chunk_bytes_);
  const std::size_t lines_before = count_newlines(carry_, 0, old);
  const std::string where = "inside record " + std::to_string(next_record_ + lines_before / 4);
  const std::size_t got = impl_->file.read(carry_.data() + old, chunk_bytes_, path_, where);
  carry_.resize(old + got);
  return got > 0;
}

bool FastqChunker::next(FastqChunk& chunk) {
  chunk.text.clear();
  chunk.first_record = next_record_;
  chunk.first_line = (next_record_ - 1) * 4 + 1;
  for (;;) {
    while (!eof_ && carry_.size() < chunk_bytes_) {
      if (!fill()) eof_ = true;
    }
    if (eof_) {
      if (carry_.empty()) return false;
      // Whatever remains: whole records, possibly followed by an incomplete one (parse_chunk
      // reports it) or by blank lines.
      chunk.text.swap(carry_);
      carry_.clear();
      if (chunk.text.back() != '\n') chunk.text.push_back('\n');
      next_record_ += count_newlines(chunk.text, 0, chunk.text.size()) / 4;
      return true;
    }
    // Cut after the last newline that closes a 4-line record.
    std::size_t lines = 0, cut = 0;
    for (std::size_t p = carry_.find('\n'); p != std::string::npos; p = carry_.find('\n', p + 1)) {
      ++lines;
      if (lines % 4 == 0) cut = p + 1;
    }
    if (cut == 0) {  // one record longer than a chunk: read more
      if (!fill()) eof_ = true;
      continue;
    }
    chunk.text.assign(carry_, 0, cut);
    carry_.erase(0, cut);
    next_record_ += count_newlines(chunk.text, 0, chunk.text.size()) / 4;
    return true;
  }
}

std::string read_text_file(const std::string& path) {
  GzFile file(path);
  std::string out;
  std::size_t size = 0;
  for (;;) {
    out.resize(size + (std::size_t{1} << 20));
    const std::size_t got = file.read(out.data() + size, std::size_t{1} << 20, path, "");
    size += got;
    if (got == 0) break;
  }
  out.resize(size);
  return out;
}

}  // namespace lscmir::quant
