// SPDX-License-Identifier: GPL-3.0-or-later
// The genes behind each enrichment row: the set's genes that the chosen miRNAs target.
#include <algorithm>
#include <unordered_set>

#include "lscmir/targets/enrich.hpp"

namespace lscmir::targets {

io::ResultTable overlap_genes_table(const TargetTable& table, const std::vector<std::string>& mirnas, const std::vector<GeneSet>& sets,
                                    const EnrichResult& result) {
  std::unordered_set<std::string_view> targeted;
  for (const auto& m : mirnas) {
    const auto it = std::lower_bound(table.mirnas.begin(), table.mirnas.end(), m);
    if (it == table.mirnas.end() || *it != m) continue;
    for (const std::uint32_t g : table.targets[static_cast<std::size_t>(it - table.mirnas.begin())]) targeted.insert(table.genes[g]);
  }
  std::unordered_set<std::string_view> tested;
  for (const auto& r : result.rows) tested.insert(r.gene_set);
  std::vector<std::string> set_col, gene_col;
  for (const auto& s : sets) {
    if (!tested.count(s.name)) continue;
    for (const auto& g : s.genes)
      if (targeted.count(g)) {
        set_col.push_back(s.name);
        gene_col.push_back(g);
      }
  }
  io::ResultTable t;
  t.add_text("gene_set", std::move(set_col)).add_text("gene", std::move(gene_col));
  return t;
}

}  // namespace lscmir::targets
