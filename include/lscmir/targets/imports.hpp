// SPDX-License-Identifier: GPL-3.0-or-later
// Imported target tables: TargetScan predictions and miRTarBase, as lscmir targets.tsv text.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace lscmir::targets {

struct ImportResult {
  std::string text;                   ///< targets.tsv
  std::size_t rows = 0;               ///< data rows written
  std::size_t records = 0;            ///< input records read
  std::vector<std::string> warnings;  ///< for the log and run_info.json
};

/// TargetScan predictions (gene x miRNA site counts). Recognized by header:
/// - TargetScan's Summary_Counts table ("Gene Symbol", "Representative miRNA" or "miRNA family",
///   "Number of conserved 8mer sites", ..., optional "Species ID" filtered to `species`): per-type
///   counts are conserved + nonconserved sites;
/// - a per-gene count table with a gene column ("gene_symbol"/"gene"), a miRNA column
///   ("mature_name_mirbase22"/"mirna"/"miRNA") and a count column ("n_conserved_sites"/"total"),
///   as SPONGE's TargetScan 7.1 conserved targets: per-type counts are NA, total = the count.
/// Repeated (miRNA, gene) rows are summed. Plain or gzip-compressed.
/// Output columns: mirna gene n_8mer n_7mer_m8 n_7mer_1a n_6mer total.
/// @throws core::InputError for an unrecognized header (naming the columns expected) or a
///         non-integer count (line).
ImportResult import_targetscan(const std::string& path, const std::string& species);

/// miRTarBase: the release table (columns "miRNA", "Target Gene", "Target Gene (Entrez ID)",
/// optional "Support Type") or a two-column miRNA,Entrez table (CSV or TSV). With `map_path`
/// (columns entrez and symbol, see read_symbol_map) Entrez ids become symbols; targets without a
/// symbol keep their Entrez id (counted in a warning). Output columns:
/// mirna gene entrez n_records support_types.
ImportResult import_mirtarbase(const std::string& path, const std::string& map_path);

struct SymbolMap {
  std::vector<std::pair<std::string, std::string>> pairs;  ///< (entrez, symbol), first symbol per id
  std::size_t conflicts = 0;                               ///< later rows giving an id another symbol
  std::string first_conflict;                              ///< "line N: ..." of the first one
};

/// Entrez -> symbol map: a TSV/CSV whose header has a column containing "entrez" and one containing
/// "symbol" (or named "Target Gene"), case-insensitive; otherwise its first two columns. An id given
/// two symbols keeps the first (old and new names of one gene); conflicts are counted for a warning.
/// @throws core::InputError for an unreadable file or fewer than two columns.
SymbolMap read_symbol_map(const std::string& path);

}  // namespace lscmir::targets
