// SPDX-License-Identifier: GPL-3.0-or-later
// The output side of `lscmir targets` and `lscmir enrich` as library calls: families.tsv, the
// streamed sites.tsv / targets.tsv, gene-set files read together, and the run_info parameters.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lscmir/io/result_table.hpp"
#include "lscmir/io/streamed_output.hpp"
#include "lscmir/targets/enrich.hpp"
#include "lscmir/targets/scan.hpp"
#include "lscmir/targets/seed.hpp"
#include "lscmir/targets/utr.hpp"

namespace lscmir::targets {

/// families.tsv: family, seed, species (';'-joined), members (';'-joined, NA when none).
io::ResultTable families_table(const std::vector<Family>& families);

/// Writes the headers and rows of targets.tsv (rows per member miRNA) and, when `sites` is not
/// null, of sites.tsv, in gene order (the same text as format_targets / format_sites). Genes are
/// formatted by `threads` workers in pieces of 128 genes, 16 pieces a block, while one more thread
/// writes the block before. With `gzip`, each piece is one gzip member (io::append_gzip_member), so
/// the outputs are gzip files whose bytes do not depend on `threads`. Does not commit either output.
/// @returns the number of targets.tsv rows.
/// @throws core::OutputError when a write fails.
std::size_t write_scan_outputs(const UtrSet& utrs, const std::vector<GeneSites>& gene_sites, const SeedIndex& index,
                               const std::string& species, io::StreamedOutput* sites, io::StreamedOutput& targets,
                               int threads, bool gzip = false);

/// Sites over all genes.
std::size_t count_sites(const std::vector<GeneSites>& gene_sites);

/// Names of the site types in `types`, in the order 8mer, 7mer-m8, 7mer-1a, 6mer, offset-6mer.
std::vector<std::string> site_type_names(const SiteTypeSet& types);

/// Parses --method: "hypergeometric" or "empirical".
/// @throws core::UsageError on anything else.
EnrichMethod parse_enrich_method(const std::string& text);

/// The checks of an enrichment's gene sets: `warn` is called with one line per set with repeated
/// genes and per empty set. @throws core::InputError naming both places when a set name is
/// defined twice.
void check_gene_sets(const std::vector<GeneSet>& sets, const std::function<void(const std::string&)>& warn);

/// The gene sets of several GMT files, in file order, checked (check_gene_sets).
/// @throws core::InputError as read_gmt and check_gene_sets.
std::vector<GeneSet> read_gene_sets(const std::vector<std::string>& files, const std::function<void(const std::string&)>& warn);

/// The warning for the sets an enrichment could not test (no gene in the universe), naming up to
/// five of them; empty when every set was tested.
std::string dropped_sets_warning(const EnrichResult& result);

/// The run_info parameters of an enrichment: method, mirnas, universe_size, selected, sets_tested,
/// sets_dropped, threads and (empirical) permutations.
nlohmann::json enrich_parameters(const EnrichOptions& options, const EnrichResult& result);

}  // namespace lscmir::targets
