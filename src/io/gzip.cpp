// SPDX-License-Identifier: GPL-3.0-or-later
// Streaming gzip inflate (ISA-L igzip or zlib) behind io::TextSource.
#include "lscmir/io/gzip.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <new>
#include <vector>

#include <zlib.h>
#ifdef LSCMIR_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

namespace lscmir::io {

GzipError::GzipError(GzipFault fault, std::string file, std::string problem, std::string hint)
    : core::InputError(std::move(file), 0, std::move(problem), std::move(hint)), fault_(fault) {}

namespace {

/// One gzip member at a time.
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
    // Both libraries count in 32 bits.
    in_n = std::min<std::size_t>(in_n, 1u << 30);
    out_n = std::min<std::size_t>(out_n, 1u << 30);
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

std::string suffix(const std::function<std::string()>& where) {
  if (!where) return {};
  std::string w = where();
  return w.empty() ? w : " " + w;
}

}  // namespace

/// The input is a window [data + pos, data + pos + avail) over either the file buffer `buf` or
/// the caller's bytes (then refills find nothing more).
struct TextSource::Impl {
  std::string name;
  std::FILE* f = nullptr;
  std::vector<unsigned char> buf;
  const unsigned char* data = nullptr;
  std::size_t pos = 0, avail = 0;
  bool gz = false, in_member = false;
  std::unique_ptr<Inflater> inflater;

  ~Impl() {
    if (f != nullptr) std::fclose(f);
  }
  bool refill() {  // the window is empty: read the next block
    if (f == nullptr) return false;
    pos = 0;
    avail = std::fread(buf.data(), 1, buf.size(), f);
    if (std::ferror(f)) throw core::InputError(name, 0, std::string("read error: ") + std::strerror(errno));
    return avail > 0;
  }
  void refill_keep() {  // keep the unread bytes, append more
    if (f == nullptr) return;
    std::memmove(buf.data(), buf.data() + pos, avail);
    pos = 0;
    avail += std::fread(buf.data() + avail, 1, buf.size() - avail, f);
    if (std::ferror(f)) throw core::InputError(name, 0, std::string("read error: ") + std::strerror(errno));
  }
  void start() {
    gz = avail >= 2 && data[pos] == 0x1f && data[pos + 1] == 0x8b;
    if (gz) {
      inflater = std::make_unique<Inflater>();
      in_member = true;
    }
  }
};

TextSource::TextSource(const std::string& path) : impl_(std::make_unique<Impl>()) {
  impl_->name = path;
  impl_->f = std::fopen(path.c_str(), "rb");
  if (impl_->f == nullptr) {
    const int err = errno;
    throw core::InputError(path, 0, std::string("cannot open file: ") + std::strerror(err),
                           err == ENOENT ? "check the path; relative paths are taken from the working directory"
                                         : std::string());
  }
  impl_->buf.resize(std::size_t{1} << 20);
  impl_->data = impl_->buf.data();
  impl_->refill();
  impl_->start();
}

TextSource::TextSource(std::string_view bytes, std::string name) : impl_(std::make_unique<Impl>()) {
  impl_->name = std::move(name);
  impl_->data = reinterpret_cast<const unsigned char*>(bytes.data());
  impl_->avail = bytes.size();
  impl_->start();
}

TextSource::~TextSource() = default;

bool TextSource::gzipped() const noexcept { return impl_->gz; }
const std::string& TextSource::name() const noexcept { return impl_->name; }

std::size_t TextSource::read(char* out, std::size_t n, const std::function<std::string()>& where) {
  Impl& s = *impl_;
  std::size_t got = 0;
  if (!s.gz) {
    while (got < n) {
      if (s.avail == 0 && !s.refill()) break;
      const std::size_t take = std::min(n - got, s.avail);
      std::memcpy(out + got, s.data + s.pos, take);
      s.pos += take;
      s.avail -= take;
      got += take;
    }
    return got;
  }
  while (got < n) {
    if (!s.in_member) {
      // Between members: another member, or the end of the data.
      if (s.avail == 0 && !s.refill()) return got;
      if (s.avail < 2) s.refill_keep();
      if (s.avail >= 2 && s.data[s.pos] == 0x1f && s.data[s.pos + 1] == 0x8b) {
        s.inflater->reset();
        s.in_member = true;
      } else {
        throw GzipError(GzipFault::trailing_data, s.name, "unexpected data after the end of the gzip stream" + suffix(where));
      }
    }
    bool input_end = false;
    if (s.avail == 0) input_end = !s.refill();
    const Inflater::Step r = s.inflater->step(s.data + s.pos, s.avail, out + got, n - got);
    s.pos += r.used;
    s.avail -= r.used;
    got += r.produced;
    if (r.error != nullptr)
      throw GzipError(GzipFault::corrupt, s.name, std::string("the gzip stream is damaged (") + r.error + ")" + suffix(where));
    if (r.member_end) {
      s.in_member = false;
    } else if (input_end && r.produced == 0) {
      throw GzipError(GzipFault::truncated, s.name, "the gzip stream is truncated (unexpected end of file)" + suffix(where),
                      "the file was cut short: download or copy it again");
    }
  }
  return got;
}

std::string read_all(TextSource& source) {
  std::string out;
  std::size_t size = 0;
  constexpr std::size_t kStep = std::size_t{1} << 20;
  for (;;) {
    out.resize(size + kStep);
    const std::size_t got = source.read(out.data() + size, kStep, [&] { return "after " + std::to_string(size) + " bytes"; });
    size += got;
    if (got == 0) break;
  }
  out.resize(size);
  return out;
}

}  // namespace lscmir::io
