// SPDX-License-Identifier: GPL-3.0-or-later
// FASTA: io::parse_fasta (layout), quant::parse_fasta (miRBase mature / hairpin alphabet), and the
// tRNA / rRNA / artifact references of quant (RnaTypeClassifier, which reads files).
#include "fuzz_common.hpp"
#include "lscmir/io/fasta.hpp"
#include "lscmir/quant/qc.hpp"
#include "lscmir/quant/reference.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lscmir;
  const std::string_view text = fuzz::as_text(data, size);
  fuzz::expect_input_errors_only([&] {
    io::FastaOptions o;
    o.unique_names = true;
    for (const auto& r : io::parse_fasta(text, "fuzz.fa", o)) (void)r.line_of(r.sequence.size() / 2);
  });
  fuzz::expect_input_errors_only([&] { (void)quant::parse_fasta(text, "mature.fa"); });
  const std::string path = fuzz::write_input(text, "trna.fa");
  fuzz::expect_input_errors_only([&] {
    const quant::RnaTypeClassifier c("", path, path, 18);
    (void)c.classify("ACGTACGTACGTACGTACGTAC");
  });
  return 0;
}
