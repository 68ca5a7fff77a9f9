// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/quant/fastq.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <new>
#include <vector>

#include <zlib.h>
#ifdef LSCMIR_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

#include "lscmir/core/error.hpp"

namespace lscmir::quant {

namespace detail {
void fastq_error(const std::string& path, std::uint64_t line, std::uint64_t record, const std::string& what) {
  throw core::InputError(path, static_cast<std::size_t>(line), "record " + std::to_string(record) + ": " + what);
}
}  // namespace detail

namespace {

/// One gzip member at a time, by ISA-L's igzip when lscmir is built with it (about 3x zlib's
/// speed on x86-64), else by zlib.
class Inflater {
 public:
  Inflater() {
#ifdef LSCMIR_HAVE_ISAL
    isal_inflate_init(&st_);
    st_.crc_flag = ISAL_GZIP;
#else
    if (inflateInit2(&zs_, 15 + 16) != Z_OK) throw std::bad_alloc();
#endif
  }
  ~Inflater() {
#ifndef LSCMIR_HAVE_ISAL
    inflateEnd(&zs_);
#endif
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
  void reset() {
#ifdef LSCMIR_HAVE_ISAL
    isal_inflate_reset(&st_);
    st_.crc_flag = ISAL_GZIP;
#else
    inflateReset(&zs_);
#endif
  }
  struct Step {
    std::size_t used = 0, produced = 0;
    bool member_end = false;
    const char* error = nullptr;
  };
  Step step(const unsigned char* in, std::size_t in_n, char* out, std::size_t out_n) {
    Step r;
#ifdef LSCMIR_HAVE_ISAL
    st_.next_in = const_cast<std::uint8_t*>(in);
    st_.avail_in = static_cast<std::uint32_t>(in_n);
    st_.next_out = reinterpret_cast<std::uint8_t*>(out);
    st_.avail_out = static_cast<std::uint32_t>(out_n);
    const int ret = isal_inflate(&st_);
    r.used = in_n - st_.avail_in;
    r.produced = out_n - st_.avail_out;
    r.member_end = st_.block_state == ISAL_BLOCK_FINISH;
    switch (ret) {
      case ISAL_DECOMP_OK: case ISAL_END_INPUT: case ISAL_OUT_OVERFLOW: break;
      case ISAL_INCORRECT_CHECKSUM: r.error = "incorrect data check"; break;
      case ISAL_INVALID_WRAPPER: r.error = "incorrect gzip header"; break;
      case ISAL_UNSUPPORTED_METHOD: r.error = "unknown compression method"; break;
      case ISAL_INVALID_LOOKBACK: r.error = "invalid distance too far back"; break;
      default: r.error = "invalid deflate data"; break;
    }
#else
    zs_.next_in = const_cast<Bytef*>(in);
    zs_.avail_in = static_cast<uInt>(in_n);
    zs_.next_out = reinterpret_cast<Bytef*>(out);
    zs_.avail_out = static_cast<uInt>(out_n);
    const int ret = inflate(&zs_, Z_NO_FLUSH);
    r.used = in_n - zs_.avail_in;
    r.produced = out_n - zs_.avail_out;
    r.member_end = ret == Z_STREAM_END;
    if (ret != Z_OK && ret != Z_BUF_ERROR && ret != Z_STREAM_END) r.error = zs_.msg != nullptr ? zs_.msg : "inflate error";
#endif
    return r;
  }

 private:
#ifdef LSCMIR_HAVE_ISAL
  inflate_state st_{};
#else
  z_stream zs_{};
#endif
};

/// Plain text, or gzip (one or more members) inflated by a streaming inflater. Own loop rather
/// than zlib's gzread, so that a truncated stream is reported after every byte before the cut
/// was delivered (gzread drops the last partial buffer), and trailing garbage is an error.
class Source {
 public:
  explicit Source(const std::string& path) : path_(path), in_(std::size_t{1} << 20) {
    f_ = std::fopen(path.c_str(), "rb");
    if (f_ == nullptr) throw core::InputError(path, 0, std::string("cannot open the file: ") + std::strerror(errno));
    refill();
    gz_ = avail_ >= 2 && in_[pos_] == 0x1f && in_[pos_ + 1] == 0x8b;
    if (gz_) {
      inflater_ = std::make_unique<Inflater>();
      in_member_ = true;
    }
  }
  ~Source() {
    if (f_ != nullptr) std::fclose(f_);
  }
  Source(const Source&) = delete;
  Source& operator=(const Source&) = delete;

  /// Up to n bytes of text; 0 only at the clean end of the data. `where` names the position.
  std::size_t read(char* buf, std::size_t n, const std::function<std::string()>& where) {
    if (!gz_) {
      std::size_t got = 0;
      while (got < n) {
        if (avail_ == 0 && !refill()) break;
        const std::size_t take = std::min(n - got, avail_);
        std::memcpy(buf + got, in_.data() + pos_, take);
        pos_ += take;
        avail_ -= take;
        got += take;
      }
      return got;
    }
    std::size_t got = 0;
    while (got < n) {
      if (!in_member_) {
        // Between members: another member, or the end of the file.
        if (avail_ == 0 && !refill()) return got;
        if (avail_ < 2) refill_keep();
        if (avail_ >= 2 && in_[pos_] == 0x1f && in_[pos_ + 1] == 0x8b) {
          inflater_->reset();
          in_member_ = true;
        } else {
          throw core::InputError(path_, 0, "unexpected data after the end of the gzip stream " + where());
        }
      }
      bool input_end = false;
      if (avail_ == 0) input_end = !refill();
      const Inflater::Step r = inflater_->step(in_.data() + pos_, avail_, buf + got, n - got);
      pos_ += r.used;
      avail_ -= r.used;
      got += r.produced;
      if (r.error != nullptr) throw core::InputError(path_, 0, std::string("the gzip stream is damaged (") + r.error + ") " + where());
      if (r.member_end) {
        in_member_ = false;
      } else if (input_end && r.produced == 0) {
        throw core::InputError(path_, 0, "the gzip stream is truncated (unexpected end of file) " + where(),
                               "the file was cut short: download or copy it again");
      }
    }
    return got;
  }

 private:
  bool refill() {  // the buffer is empty: read the next block
    pos_ = 0;
    avail_ = std::fread(in_.data(), 1, in_.size(), f_);
    if (std::ferror(f_)) throw core::InputError(path_, 0, std::string("read error: ") + std::strerror(errno));
    return avail_ > 0;
  }
  bool refill_keep() {  // keep the unread bytes, append more
    std::memmove(in_.data(), in_.data() + pos_, avail_);
    pos_ = 0;
    const std::size_t more = std::fread(in_.data() + avail_, 1, in_.size() - avail_, f_);
    avail_ += more;
    return more > 0;
  }
  std::string path_;
  std::FILE* f_ = nullptr;
  std::vector<unsigned char> in_;
  std::size_t pos_ = 0, avail_ = 0;
  bool gz_ = false, in_member_ = false;
  std::unique_ptr<Inflater> inflater_;
};

std::size_t count_newlines(const std::string& s, std::size_t from, std::size_t to) {
  return static_cast<std::size_t>(std::count(s.begin() + static_cast<std::ptrdiff_t>(from), s.begin() + static_cast<std::ptrdiff_t>(to), '\n'));
}

}  // namespace

struct FastqChunker::Impl {
  Source file;
  explicit Impl(const std::string& p) : file(p) {}
};

FastqChunker::FastqChunker(std::string path, std::size_t chunk_bytes)
    : path_(std::move(path)), chunk_bytes_(std::max<std::size_t>(chunk_bytes, 4096)), impl_(std::make_unique<Impl>(path_)) {}

FastqChunker::~FastqChunker() = default;

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

std::string read_text_file(const std::string& path) {
  Source file(path);
  std::string out;
  std::size_t size = 0;
  for (;;) {
    out.resize(size + (std::size_t{1} << 20));
    const std::size_t got = file.read(out.data() + size, std::size_t{1} << 20, [&] { return "after " + std::to_string(size) + " bytes"; });
    size += got;
    if (got == 0) break;
  }
  out.resize(size);
  return out;
}

}  // namespace lscmir::quant
