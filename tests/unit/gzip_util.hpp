// SPDX-License-Identifier: GPL-3.0-or-later
// Test helper: text compressed as one gzip member (zlib), for the readers' gzip tests.
#pragma once

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

}  // namespace lscmir::test
