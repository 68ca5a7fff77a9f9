// SPDX-License-Identifier: GPL-3.0-or-later
// Test helpers: text compressed as one gzip member (zlib), for the readers' gzip tests, and every
// member of a gzip file inflated by zlib, for the writers' tests.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

#include <zlib.h>

namespace lscmir::test {

inline std::string gzip_text(const std::string& text, int level = 6) {
  std::string out(compressBound(static_cast<uLong>(text.size())) + 64, '\0');
  z_stream z{};
  deflateInit2(&z, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

/// Every member of a gzip file inflated by zlib (independent of the ISA-L build of lscmir); throws
/// std::runtime_error on anything but a clean sequence of complete members.
inline std::string gunzip_members(const std::string& bytes, std::size_t* members = nullptr) {
  std::string out;
  std::size_t pos = 0, n = 0;
  std::string buf(1 << 16, '\0');
  while (pos < bytes.size()) {
    z_stream z{};
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) throw std::runtime_error("inflateInit2");
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data() + pos));
    z.avail_in = static_cast<uInt>(bytes.size() - pos);
    int ret = Z_OK;
    while (ret != Z_STREAM_END) {
      z.next_out = reinterpret_cast<Bytef*>(buf.data());
      z.avail_out = static_cast<uInt>(buf.size());
      ret = inflate(&z, Z_NO_FLUSH);
      if (ret != Z_OK && ret != Z_STREAM_END) {
        inflateEnd(&z);
        throw std::runtime_error("inflate failed in member " + std::to_string(n + 1));
      }
      out.append(buf.data(), buf.size() - z.avail_out);
    }
    pos = bytes.size() - z.avail_in;
    inflateEnd(&z);
    ++n;
  }
  if (members) *members = n;
  return out;
}

}  // namespace lscmir::test
