// SPDX-License-Identifier: GPL-3.0-or-later
// The miRBase GFF3 of `lscmir quant --gff3`: quant::load_reference with a fixed small hairpin and
// mature FASTA (let-7a-1, let-7a-2, mir-21) and the fuzz input as the GFF3 (plain or gzip by its
// bytes). Checks the documented result: every mature kept once, every placement inside its hairpin.
#include "fuzz_common.hpp"
#include "lscmir/quant/reference.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lscmir;
  static const std::string hairpin = fuzz::write_input(
      ">hsa-let-7a-1 MI0000060 Homo sapiens let-7a-1 stem-loop\n"
      "UGGGAUGAGGUAGUAGGUUGUAUAGUUUUAGGGUCACACCCACCACUGGGAGAUAACUAUACAAUCUACUGUCUUUCCUA\n"
      ">hsa-let-7a-2 MI0000061 Homo sapiens let-7a-2 stem-loop\n"
      "AGGUUGAGGUAGUAGGUUGUAUAGUUUAGAAUUACAUCAAGGGAGAUAACUGUACAGCCUCCUAGCUUUCCU\n"
      ">hsa-mir-21 MI0000077 Homo sapiens miR-21 stem-loop\n"
      "UGUCGGGUAGCUUAUCAGACUGAUGUUGACUGUUGAAUCUCAUGGCAACACCAGUCGAUGGGCUGUCUGACA\n",
      "hairpin.fa");
  static const std::string mature = fuzz::write_input(
      ">hsa-let-7a-5p MIMAT0000062 Homo sapiens let-7a-5p\nUGAGGUAGUAGGUUGUAUAGUU\n"
      ">hsa-let-7a-3p MIMAT0004481 Homo sapiens let-7a-3p\nCUAUACAAUCUACUGUCUUUC\n"
      ">hsa-miR-21-5p MIMAT0000076 Homo sapiens miR-21-5p\nUAGCUUAUCAGACUGAUGUUGA\n",
      "mature.fa");
  const std::string gff3 = fuzz::write_input(fuzz::as_text(data, size), "mirbase.gff3");
  fuzz::expect_input_errors_only([&] {
    const quant::Reference ref = quant::load_reference(hairpin, mature, gff3, {});
    if (ref.hairpins.size() != 3 || ref.mature_names.size() != 3 || ref.mature_sequences.size() != 3) std::abort();
    for (const auto& h : ref.hairpins)
      for (const auto& a : h.arms)
        if (a.mature >= 3 || a.start < 0 || a.end <= a.start || a.end > static_cast<int>(h.sequence.size())) std::abort();
  });
  return 0;
}
