// SPDX-License-Identifier: GPL-3.0-or-later
// FASTQ through quant::collapse_fastq (chunker, parser, adapter trimming, UMI, QC) on the fuzz
// input as a file: plain or gzip by its first bytes (the seeds hold both).
#include "fuzz_common.hpp"
#include "lscmir/quant/sample.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lscmir;
  const std::string path = fuzz::write_input(fuzz::as_text(data, size), "reads.fastq");
  quant::TrimOptions o;
  o.adapter = quant::adapter_presets().front();
  o.qc_adapter = o.adapter.sequence.substr(0, 8);
  fuzz::expect_input_errors_only([&] {
    const quant::CollapsedReads r = quant::collapse_fastq(path, o);
    (void)r;
  });
  return 0;
}
