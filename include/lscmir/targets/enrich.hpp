// SPDX-License-Identifier: GPL-3.0-or-later
// Gene sets (GMT), miRNA target tables, and target-set enrichment: hypergeometric with BH, and the
// empirical test of Bleazard et al. (2015) against random miRNA sets of the same size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "lscmir/core/progress.hpp"
#include "lscmir/io/result_table.hpp"
#include "lscmir/io/gmt.hpp"

namespace lscmir::targets {

/// Gene sets are read by io (io::read_gmt); these names keep the targets spelling working.
using GeneSet = io::GeneSet;
inline std::vector<GeneSet> read_gmt(const std::string& path) { return io::read_gmt(path); }

/// miRNA -> target genes.
struct TargetTable {
  std::string path;
  std::vector<std::string> mirnas;                  ///< sorted, unique
  std::vector<std::string> genes;                   ///< sorted, unique
  std::vector<std::vector<std::uint32_t>> targets;  ///< per miRNA: gene indices, sorted, unique
};

/// Reads any TSV/CSV table with `mirna` and `gene` columns (more columns are ignored; repeated pairs
/// count once). @throws core::InputError for a missing column or an empty cell (line named).
TargetTable read_target_table(const std::string& path);

/// Builds a table from (mirna, gene) pairs.
TargetTable make_target_table(std::vector<std::pair<std::string, std::string>> pairs, std::string path = {});

enum class EnrichMethod { kHypergeometric, kEmpirical };

struct EnrichOptions {
  EnrichMethod method = EnrichMethod::kHypergeometric;
  std::size_t permutations = 10000;
  std::uint64_t seed = 1;
  int threads = 1;
  core::Progress* progress = nullptr;  ///< counts the empirical permutations (optional; never changes the result)
};

struct EnrichRow {
  std::string gene_set;
  std::size_t size = 0;     ///< |set and universe|
  std::size_t overlap = 0;  ///< |set and selected|
  double expected = 0;      ///< size * |selected| / |universe|
  double p = 1, fdr = 1;    ///< upper-tail hypergeometric P(X >= overlap); BH over sets
  double p_empirical = 0, fdr_empirical = 0;  ///< (1 + #{random >= observed}) / (1 + N); BH
};

struct EnrichResult {
  std::vector<EnrichRow> rows;  ///< in gene-set input order
  std::size_t universe = 0, selected = 0;
  std::vector<std::string> mirnas;  ///< the chosen miRNAs found in the table
  std::vector<std::string> dropped; ///< sets with no gene in the universe: not tested, not in BH
  /// GMT files none of whose sets shares a gene with the universe, each with its likely id type
  /// ("FILE (gene ids e.g. \"7157\": the gene sets look like Entrez ids ...)"); their sets are in `dropped`.
  std::vector<std::string> unmatched_files;
};

/// A guess at why gene-set ids and target ids do not meet (Entrez numbers vs symbols, Ensembl ids),
/// from one example id of each side.
std::string id_type_hint(const std::string& set_gene, const std::string& target_gene);

/// Universe = table genes in at least one set (intersected with `universe` when non-null);
/// selected = universe genes targeted by any chosen miRNA. Empirical P draws random sets of
/// |mirnas| distinct table miRNAs per permutation from a counter-based generator keyed by
/// (seed, permutation), so the result does not depend on the thread count.
/// Sets with no gene in the universe are left out of `rows` and listed in `dropped`.
/// @throws core::UsageError when a chosen miRNA is not in the table, or for no gene sets;
/// core::InputError (naming the first GMT file) when no set shares a gene with the table.
EnrichResult enrich(const TargetTable& table, const std::vector<std::string>& mirnas, const std::vector<GeneSet>& sets,
                    const std::vector<std::string>* universe, const EnrichOptions& options);

/// enrichment.tsv: gene_set size overlap expected P FDR [P.empirical FDR.empirical].
io::ResultTable enrichment_table(const EnrichResult& result, bool empirical);
/// The same as TSV text.
std::string format_enrichment(const EnrichResult& result, bool empirical);

/// overlap_<which>.tsv of a run: gene_set gene, one row per gene of a tested set that a chosen
/// miRNA targets (the genes behind each row's `overlap`, without a user universe), sets in input
/// order, genes in set order.
io::ResultTable overlap_genes_table(const TargetTable& table, const std::vector<std::string>& mirnas, const std::vector<GeneSet>& sets,
                                    const EnrichResult& result);

}  // namespace lscmir::targets
