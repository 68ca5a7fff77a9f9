// SPDX-License-Identifier: GPL-3.0-or-later
// FASTQ, gzip: the fuzz input is gzip-compressed (zlib) before quant::collapse_fastq reads it, so
// mutations of the FASTQ text reach the parser through the inflate path; the tail of the stream is
// cut at a position taken from the input's first byte to exercise truncated streams too.
#include <zlib.h>

#include <vector>

#include "fuzz_common.hpp"
#include "lscmir/quant/sample.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lscmir;
  if (size == 0) return 0;
  const unsigned cut = data[0];  // 0: whole stream; else drop (cut % 16) bytes of its end
  ++data;
  --size;
  z_stream z{};
  if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) std::abort();
  std::vector<unsigned char> out(deflateBound(&z, size) + 32);
  z.next_in = const_cast<Bytef*>(data);
  z.avail_in = static_cast<uInt>(size);
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) std::abort();
  std::size_t n = z.total_out;
  deflateEnd(&z);
  if (cut != 0) n -= std::min<std::size_t>(n, cut % 16);
  const std::string path =
      fuzz::write_input(std::string_view(reinterpret_cast<const char*>(out.data()), n), "reads.fastq.gz");
  quant::TrimOptions o;
  fuzz::expect_input_errors_only([&] { (void)quant::collapse_fastq(path, o); });
  return 0;
}
