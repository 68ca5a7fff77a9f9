// SPDX-License-Identifier: GPL-3.0-or-later
// FASTQ on the fuzz input as a file, plain or gzip by its first bytes (the seeds hold both):
// quant::FastqChunker with its smallest chunks (4 KiB, so records straddle chunk ends) and
// quant::parse_chunk; an input that parses is then read by quant::collapse_fastq (adapter trimming,
// UMI, QC). collapse_fastq's 4 MiB chunk buffer costs ~40 ms per call under ASan, so it runs on
// valid FASTQ only, where the trimming code has something to do.
#include "fuzz_common.hpp"
#include "lscmir/quant/fastq.hpp"
#include "lscmir/quant/sample.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lscmir;
  const std::string path = fuzz::write_input(fuzz::as_text(data, size), "reads.fastq");
  bool parsed = false;
  fuzz::expect_input_errors_only([&] {
    quant::FastqChunker chunker(path, 4096);
    quant::FastqChunk chunk;
    std::uint64_t next = 1;
    while (chunker.next(chunk)) {
      if (chunk.first_record != next) std::abort();  // chunks hold whole records, in order
      quant::parse_chunk(chunk, path, [&](const quant::FastqRecord& r) {
        if (r.number != next++ || r.quality.size() != r.sequence.size()) std::abort();
      });
    }
    parsed = true;
  });
  if (!parsed) return 0;
  quant::TrimOptions o;
  o.adapter = quant::adapter_presets().front();
  o.qc_adapter = o.adapter.sequence.substr(0, 8);
  fuzz::expect_input_errors_only([&] { (void)quant::collapse_fastq(path, o); });
  return 0;
}
