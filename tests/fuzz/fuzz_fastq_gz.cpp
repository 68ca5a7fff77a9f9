// SPDX-License-Identifier: GPL-3.0-or-later
// FASTQ, gzip: the fuzz input is gzip-compressed (zlib) and then read by quant::FastqChunker (4 KiB
// chunks) and quant::parse_chunk, so mutations of the FASTQ text reach the parser through the
// inflate path (io::TextSource); the input's first byte cuts the stream's tail (truncated streams).
#include <zlib.h>

#include <vector>

#include "fuzz_common.hpp"
#include "lscmir/quant/fastq.hpp"

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
  fuzz::expect_input_errors_only([&] {
    quant::FastqChunker chunker(path, 4096);
    quant::FastqChunk chunk;
    std::uint64_t next = 1;
    while (chunker.next(chunk)) {
      if (chunk.first_record != next) std::abort();
      quant::parse_chunk(chunk, path, [&](const quant::FastqRecord& r) {
        if (r.number != next++ || r.quality.size() != r.sequence.size()) std::abort();
      });
    }
  });
  return 0;
}
