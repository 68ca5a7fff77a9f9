// SPDX-License-Identifier: GPL-3.0-or-later
// Therapy candidates: specificity, cohort outcome, HSC sparing and pathway targets combined into
// one documented score (docs/statistics.md, "Candidates").
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace lscmir::study {

/// Mature-name keys: lower case without the species prefix ("hsa-miR-126-3p" -> "mir-126-3p").
std::string mirna_key(const std::string& name);

/// miRBase precursor <-> mature names (hsa_precursor_to_mature: precursor_name, mature_name).
struct MirnaNames {
  std::map<std::string, std::vector<std::string>> precursors_of;  ///< mature key -> precursor names
  std::map<std::string, std::vector<std::string>> families_of;    ///< mature key -> TargetScan family keys
  std::map<std::string, std::string> mature_by_accession;         ///< MIMAT accession -> current mature name
};
/// Reads a precursor-to-mature table (`precursor_name`, `mature_name`; `mature_acc` when present).
void read_precursor_map(const std::string& path, MirnaNames& names);
/// Reads TargetScan miR_Family_Info (`miR_family`, `mirbase_id`; other species' rows are kept too).
/// With a `mirbase_accession` column and a precursor map read first, members are matched by
/// accession, so names changed between miRBase releases still meet.
void read_family_info(const std::string& path, MirnaNames& names);

/// A gene-set category counted per candidate (e.g. apoptosis): sets whose names match a regex.
struct Category {
  std::string name;
  std::string pattern;  ///< ECMAScript regex, case-insensitive
};
std::vector<Category> default_categories();

struct RankWeights {
  double specificity = 1.0, outcome = 1.0, sparing = 1.0, targets = 1.0;
  double target_saturation = 20.0;  ///< category targets giving a full targets component
};

struct SpecificityInput {
  std::vector<std::string> feature, cls;
  std::vector<double> logfc_lsc_hsc, adj_p_lsc_hsc, fdr_class;
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
  std::string cohort_feature;  ///< empty when the cohort has no match
  double hr = 0.0, p_cox = 0.0;
  int n_targets = 0;
  std::vector<int> n_category;  ///< per category: targets in its sets
  std::vector<std::string> category_genes;  ///< per category: up to 10 gene names, comma-separated
  std::string evidence;
};

/// Candidates are the features with adj.P.Val(LSC-HSC) < fdr or an aligned class; sorted by score
/// (descending), ties by name. `cox`, `targets` may be empty.
std::vector<Candidate> rank_candidates(const SpecificityInput& spec, const CoxInput& cox, const MirnaNames& names,
                                       const TargetInput& targets, const std::vector<GeneSet>& sets,
                                       const std::vector<Category>& categories, const RankWeights& w, double fdr);

}  // namespace lscmir::study
