// SPDX-License-Identifier: GPL-3.0-or-later
// The tables `lscmir targets` and `lscmir enrich` read, each on the same fuzz input written as a
// file (plain or gzip by its bytes): TargetScan UTR_Sequences / UTR FASTA (targets::read_utrs),
// miR_Family_info (read_families), mature FASTA (read_mature_fasta), the precomputed target pairs
// of enrich (read_target_table), and the imports (import_targetscan, import_mirtarbase,
// read_symbol_map). Documented guarantees are checked: sorted unique names, gene indices in range.
#include <algorithm>

#include "fuzz_common.hpp"
#include "lscmir/targets/enrich.hpp"
#include "lscmir/targets/imports.hpp"
#include "lscmir/targets/seed.hpp"
#include "lscmir/targets/utr.hpp"

namespace {
bool sorted_unique(const std::vector<std::string>& v) { return std::adjacent_find(v.begin(), v.end(), std::greater_equal<>()) == v.end(); }
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lscmir;
  const std::string path = fuzz::write_input(fuzz::as_text(data, size), "targets.txt");
  fuzz::expect_input_errors_only([&] {
    const targets::UtrSet u = targets::read_utrs(path, "9606");
    if (u.genes.empty()) std::abort();  // documented: no sequences at all is an error
  });
  fuzz::expect_input_errors_only([&] { (void)targets::read_families(path); });
  fuzz::expect_input_errors_only([&] { (void)targets::read_mature_fasta(path, "9606"); });
  fuzz::expect_input_errors_only([&] {
    const targets::TargetTable t = targets::read_target_table(path);
    if (!sorted_unique(t.mirnas) || !sorted_unique(t.genes) || t.targets.size() != t.mirnas.size()) std::abort();
    for (const auto& g : t.targets)
      for (std::size_t i = 0; i < g.size(); ++i)
        if (g[i] >= t.genes.size() || (i && g[i - 1] >= g[i])) std::abort();
  });
  fuzz::expect_input_errors_only([&] { (void)targets::import_targetscan(path, "9606"); });
  fuzz::expect_input_errors_only([&] { (void)targets::import_mirtarbase(path, ""); });
  fuzz::expect_input_errors_only([&] { (void)targets::read_symbol_map(path); });
  return 0;
}
