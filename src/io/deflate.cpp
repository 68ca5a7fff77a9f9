// SPDX-License-Identifier: GPL-3.0-or-later
// gzip members for compressed outputs (ISA-L igzip level 1, or zlib level 1).
#include <algorithm>
#include <cstdint>
#include <memory>
#include <new>
#include <string>
#include <string_view>

#include <zlib.h>
#ifdef LSCMIR_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

#include "lscmir/io/gzip.hpp"

namespace lscmir::io {

namespace {

/// Both libraries count in 32 bits: feed and drain in pieces of at most 1 GiB.
constexpr std::size_t kStep = std::size_t{1} << 30;

/// Room for the next piece of output: at least `want` bytes past `used`, growing `out` by half
/// again so that the zero-filling of std::string::resize stays linear.
unsigned char* room(std::string& out, std::size_t used, std::size_t want) {
  if (out.size() - used < want) out.resize(used + std::max(want, out.size() / 2));
  return reinterpret_cast<unsigned char*>(out.data() + used);
}

}  // namespace

void append_gzip_member(std::string_view text, std::string& out) {
  std::size_t used = out.size();
  // A first guess at the member's size (text compresses 4-8x at level 1); room() grows it.
  const std::size_t first = text.size() / 3 + 1024;
  const auto* in = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t in_left = text.size();
#ifdef LSCMIR_HAVE_ISAL
  isal_zstream z;
  isal_deflate_init(&z);
  const auto level_buf = std::make_unique<std::uint8_t[]>(ISAL_DEF_LVL1_DEFAULT);
  z.level = 1;
  z.level_buf = level_buf.get();
  z.level_buf_size = ISAL_DEF_LVL1_DEFAULT;
  z.gzip_flag = IGZIP_GZIP;
  z.flush = NO_FLUSH;
  z.avail_in = 0;
  z.next_in = nullptr;
  while (z.internal_state.state != ZSTATE_END) {
    if (z.avail_in == 0) {
      const std::size_t n = std::min(in_left, kStep);
      z.next_in = const_cast<std::uint8_t*>(in);
      z.avail_in = static_cast<std::uint32_t>(n);
      in += n;
      in_left -= n;
      z.end_of_stream = in_left == 0 ? 1 : 0;
    }
    unsigned char* dst = room(out, used, used == out.size() ? first : 64 * 1024);
    const std::size_t avail = std::min(out.size() - used, kStep);
    z.next_out = dst;
    z.avail_out = static_cast<std::uint32_t>(avail);
    if (isal_deflate(&z) != COMP_OK) throw std::bad_alloc();  // only on bad parameters
    used += avail - z.avail_out;
  }
#else
  z_stream z{};
  if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) throw std::bad_alloc();
  int ret = Z_OK;
  while (ret != Z_STREAM_END) {
    if (z.avail_in == 0 && in_left > 0) {
      const std::size_t n = std::min(in_left, kStep);
      z.next_in = const_cast<Bytef*>(in);
      z.avail_in = static_cast<uInt>(n);
      in += n;
      in_left -= n;
    }
    unsigned char* dst = room(out, used, used == out.size() ? first : 64 * 1024);
    const std::size_t avail = std::min(out.size() - used, kStep);
    z.next_out = dst;
    z.avail_out = static_cast<uInt>(avail);
    ret = deflate(&z, in_left == 0 ? Z_FINISH : Z_NO_FLUSH);
    used += avail - z.avail_out;
    if (ret == Z_STREAM_ERROR) {
      deflateEnd(&z);
      throw std::bad_alloc();
    }
  }
  deflateEnd(&z);
#endif
  out.resize(used);
}

}  // namespace lscmir::io
