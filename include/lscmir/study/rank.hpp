// SPDX-License-Identifier: GPL-3.0-or-later
// Therapy candidates: specificity, cohort outcome, HSC sparing and pathway targets combined into
// one documented score (docs/statistics.md, "Candidates").
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>
#include <cstdint>
#include <limits>

#include <nlohmann/json.hpp>

#include "lscmir/core/log.hpp"
#include "lscmir/io/result_table.hpp"
#include "lscmir/study/literature.hpp"
#include "lscmir/study/specificity.hpp"
#include "lscmir/targets/enrich.hpp"

namespace lscmir::study {

/// Mature-name keys: lower case without the species prefix ("hsa-miR-126-3p" -> "mir-126-3p").
std::string mirna_key(const std::string& name);

/// miRBase precursor <-> mature names (hsa_precursor_to_mature: precursor_name, mature_name).
struct MirnaNames {
  std::map<std::string, std::vector<std::string>> precursors_of;  ///< mature key -> precursor names
  std::map<std::string, std::vector<std::string>> families_of;    ///< mature key -> TargetScan family keys
  std::map<std::string, std::string> mature_by_accession;         ///< MIMAT accession -> current mature name
  std::map<std::string, std::vector<std::string>> matures_of;     ///< precursor name (exact) -> mature names
};
/// Reads a precursor-to-mature table (`precursor_name`, `mature_name`; `mature_acc` when present).
void read_precursor_map(const std::string& path, MirnaNames& names);
/// Reads TargetScan miR_Family_Info (`miR_family`, `mirbase_id`; other species' rows are kept too).
/// With a `mirbase_accession` column and a precursor map read first, members are matched by
/// accession, so names changed between miRBase releases still meet.
void read_family_info(const std::string& path, MirnaNames& names);

/// The miRNAs of `table_mirnas` (sorted, unique: a targets::TargetTable's) that `name` stands for,
/// as the ranking matches a candidate with its targets: `name` itself when the table has it, else
/// the table's miRNAs with the same mirna_key, and, when `name` is a precursor of the miRBase map
/// (an exact precursor name, as TCGA writes them: "hsa-mir-21"), those with the key of one of its
/// mature miRNAs. Empty when none match. `lscmir enrich --mirbase` and `lscmir run` both use it.
std::vector<std::string> target_mirnas(const std::string& name, const MirnaNames& names, const std::vector<std::string>& table_mirnas);

/// A gene-set category counted per candidate (e.g. apoptosis): sets whose names match a regex.
struct Category {
  std::string name;
  std::string pattern;  ///< ECMAScript regex, case-insensitive
};
std::vector<Category> default_categories();

struct RankWeights {
  double specificity = 1.0, outcome = 1.0, sparing = 1.0, targets = 1.0;
  double target_saturation = 20.0;  ///< category targets giving a full targets component
  /// LSC-HSC per-patient consistency below which a candidate is flagged and its score scaled by
  /// consistency / min_consistency (docs/statistics.md, "Candidates").
  double min_consistency = 0.75;
};

/// The DE evidence candidates are ranked on. Three-population studies: the LSC-HSC columns of the
/// specificity calls (specificity_input). Other designs: the primary contrasts (contrast_input),
/// with `cls` "up" / "down" (in every primary contrast at FDR < fdr) or "none".
struct SpecificityInput {
  std::vector<std::string> feature, cls;
  std::vector<double> logfc_lsc_hsc, adj_p_lsc_hsc, fdr_class;  ///< the ranking contrast (LSC-HSC or the first primary)
  bool has_hsc = true;                ///< false: no HSC population, so no HSC-sparing component
  std::vector<double> logfc_sparing;  ///< per feature LSC - HSC logFC for HSC sparing; empty = logfc_lsc_hsc
  std::string label = "LSC vs HSC";   ///< the ranking contrast in words, for the evidence text
  std::string ratio = "LSC/HSC";      ///< its fold change in words
  /// Per-patient consistency of the ranking contrast (frac_consistent, n_patients); empty when not available.
  std::vector<double> consistency;
  std::vector<int> n_patients;
  /// Per feature, the study's LSC-HSC, LSC-LPC and HSC-LPC logFC and adj.P.Val (three-population
  /// studies); empty otherwise. Only for the literature context.
  std::vector<StudyContrasts> contrasts;
};
struct CoxInput {
  std::map<std::string, std::size_t> index;  ///< cohort feature name (lower case) -> row
  std::vector<std::string> feature;
  std::vector<double> coef, hr, p;
};
struct TargetInput {
  std::map<std::string, std::vector<std::string>> genes_of;  ///< miRNA key -> genes (unique, sorted)
};
struct GeneSet {
  std::string name;
  std::vector<std::string> genes;  ///< unique, sorted
};

struct Candidate {
  std::string feature, intervention, cls;
  double score = 0.0;
  double s_specificity = 0.0, s_outcome = 0.0, s_sparing = 0.0, s_targets = 0.0;
  double logfc = 0.0, q_specificity = 0.0;
  double consistency = std::numeric_limits<double>::quiet_NaN();  ///< LSC-HSC, NaN when not available
  int n_patients = 0;
  bool low_consistency = false;  ///< consistency < RankWeights::min_consistency (score down-weighted)
  std::string cohort_feature;  ///< empty when the cohort has no match
  double hr = 0.0, p_cox = 0.0;
  double hsc_lsc_ratio = 0.0;  ///< HSC / LSC expression (2^-logFC(LSC-HSC)); NaN without an HSC population
  int n_targets = 0;
  std::vector<int> n_category;  ///< per category: targets in its sets
  std::vector<std::string> category_genes;  ///< per category: up to 10 gene names, comma-separated
  std::string evidence;
  std::string literature, literature_refs;  ///< add_literature: the verdict (context, never in the score)
};

/// Candidates are the features with adj.P.Val(LSC-HSC) < fdr or an aligned class; sorted by score
/// (descending), ties by name. `cox`, `targets` may be empty. Without sparing evidence for a
/// feature (!spec.has_hsc, or a NaN in spec.logfc_sparing) its score leaves the sparing weight out.
std::vector<Candidate> rank_candidates(const SpecificityInput& spec, const CoxInput& cox, const MirnaNames& names,
                                       const TargetInput& targets, const std::vector<GeneSet>& sets,
                                       const std::vector<Category>& categories, const RankWeights& w, double fdr);

// ---- the candidate stage -------------------------------------------------------------------------

struct SpecificityResult;

/// The LSC-HSC columns of the specificity calls, from memory.
SpecificityInput specificity_input(const SpecificityResult& result);
/// The same from specificity.tsv (columns logFC.<tag>, adj.P.Val.<tag>, FDR.class; tag "LSC_vs_HSC").
SpecificityInput read_specificity_input(const std::string& path, const std::string& tag);

/// The evidence of designs without the three populations: the DE tables of the primary contrasts
/// (each oriented as the config writes it; `labels` their names). A feature in every table is "up"
/// ("down") when every primary contrast has adj.P.Val < fdr with a positive (negative) logFC, an
/// intersection-union test whose q is the largest adj.P.Val; logFC is the first contrast's.
/// `lsc_hsc` (nullptr = no HSC population) gives the sparing logFC.
/// @throws core::UsageError when `primary` is empty.
SpecificityInput contrast_input(const std::vector<DeTable>& primary, const std::vector<std::string>& labels, const DeTable* lsc_hsc,
                                double fdr);

/// The cohort Cox rows the ranking uses (feature, coef, HR, P.Wald), indexed by lower-case name.
CoxInput make_cox_input(std::vector<std::string> feature, std::vector<double> coef, std::vector<double> hr, std::vector<double> p);
/// The same from cox.tsv of lscmir survival.
CoxInput read_cox_input(const std::string& path);

/// Adds a target table's miRNA -> genes to `out` (keyed by mirna_key); finish_targets sorts and
/// removes repeats once every table is in.
void add_targets(const targets::TargetTable& table, TargetInput& out);
void finish_targets(TargetInput& targets);

/// Gene sets as the ranking uses them (genes sorted), from GMT sets.
std::vector<GeneSet> rank_gene_sets(const std::vector<targets::GeneSet>& sets);

/// NAME=REGEX category definitions; the default categories when `specs` is empty.
/// @throws core::UsageError for a definition without a name or a pattern.
std::vector<Category> parse_categories(const std::vector<std::string>& specs);

/// @throws core::UsageError: a negative weight, all weights zero, a non-positive saturation.
void check_weights(const RankWeights& w);

struct RankResult {
  std::string tag;                       ///< LSC-HSC contrast tag of the logFC column
  std::vector<Category> categories;
  std::vector<Candidate> candidates;     ///< ranked, best first
  std::size_t matched = 0;               ///< candidates with a cohort feature
  std::string literature_source;         ///< add_literature: the table used (empty: none)
  std::size_t literature_agree = 0, literature_disagree = 0;
};

/// Sets each candidate's literature verdict (literature_verdict, with `spec.contrasts` and `fdr`);
/// candidates_table then adds the columns literature and literature_refs. Context only: the
/// scores and the order are not touched.
void add_literature(RankResult& result, const SpecificityInput& spec, const Literature& literature, double fdr);

/// Ranks (rank_candidates) and counts the cohort matches.
/// @throws core::UsageError for an invalid category regular expression.
RankResult rank(const SpecificityInput& spec, const CoxInput& cox, const MirnaNames& names, const TargetInput& targets,
                const std::vector<GeneSet>& sets, const std::vector<Category>& categories, const RankWeights& w, double fdr,
                const std::string& tag);

/// The stage's log: candidates, cohort matches and gene sets; a warning when a cohort was given and
/// no candidate matched it.
void log_rank(const RankResult& result, bool with_cohort, std::size_t gene_sets, core::Logger& log);

/// candidates.tsv (docs/formats.md).
io::ResultTable candidates_table(const RankResult& result);

/// run_info parameters of the stage.
nlohmann::json rank_parameters(const RankResult& result, const RankWeights& w, double fdr);

}  // namespace lscmir::study
