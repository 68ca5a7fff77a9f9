// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/quant/fastq.hpp"

#include <algorithm>
#include <cstring>
#include <memory>

#include "lscmir/core/error.hpp"
#include "lscmir/io/gzip.hpp"

namespace lscmir::quant {

namespace detail {
void fastq_error(const std::string& path, std::uint64_t line, std::uint64_t record, const std::string& what) {
  throw core::InputError(path, static_cast<std::size_t>(line), "record " + std::to_string(record) + ": " + what);
}
}  // namespace detail

namespace {

std::size_t count_newlines(const std::string& s, std::size_t from, std::size_t to) {
  return static_cast<std::size_t>(std::count(s.begin() + static_cast<std::ptrdiff_t>(from), s.begin() + static_cast<std::ptrdiff_t>(to), '\n'));
}

}  // namespace

struct FastqChunker::Impl {
  io::TextSource file;
  explicit Impl(const std::string& p) : file(p) {}
};

FastqChunker::FastqChunker(std::string path, std::size_t chunk_bytes)
    : path_(std::move(path)), chunk_bytes_(std::max<std::size_t>(chunk_bytes, 4096)), impl_(std::make_unique<Impl>(path_)) {}

FastqChunker::~FastqChunker() = default;
bool FastqChunker::gzipped() const { return impl_->file.gzipped(); }

bool FastqChunker::fill() {
  const std::size_t old = carry_.size();
  carry_.resize(old + chunk_bytes_);
  auto where = [&] {
    // Bytes inflated before the error are in carry_ already.
    return "inside record " + std::to_string(next_record_ + count_newlines(carry_, 0, carry_.size()) / 4);
  };
  const std::size_t got = impl_->file.read(carry_.data() + old, chunk_bytes_, where);
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
      if (carry_.empty()) {
        // As for tables: an empty input is refused, not read as a library of zero reads.
        if (next_record_ == 1 && !seen_bytes_)
          throw core::InputError(path_, 0, "empty file (no reads); expected FASTQ records (@name, sequence, +, qualities)");
        return false;
      }
      seen_bytes_ = true;
      // Whatever remains: whole records, possibly followed by an incomplete one (parse_chunk
      // reports it) or by blank lines.
      chunk.text.swap(carry_);
      carry_.clear();
      if (chunk.text.back() != '\n') chunk.text.push_back('\n');
      next_record_ += count_newlines(chunk.text, 0, chunk.text.size()) / 4;
      return true;
    }
    seen_bytes_ = true;
    // Cut after the last newline that closes a 4-line record.
    std::size_t lines = 0, cut = 0, cut_lines = 0;
    for (const char* p = carry_.data(), *end = carry_.data() + carry_.size();
         (p = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)))) != nullptr; ++p) {
      if (++lines % 4 == 0) {
        cut = static_cast<std::size_t>(p - carry_.data()) + 1;
        cut_lines = lines;
      }
    }
    if (cut == 0) {  // one record longer than a chunk: read more
      if (!fill()) eof_ = true;
      continue;
    }
    // The chunk takes the buffer; the incomplete tail starts the next one.
    chunk.text.assign(carry_, cut, std::string::npos);
    carry_.resize(cut);
    chunk.text.swap(carry_);
    next_record_ += cut_lines / 4;
    return true;
  }
}

}  // namespace lscmir::quant
