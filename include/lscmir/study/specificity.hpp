// SPDX-License-Identifier: GPL-3.0-or-later
// Specificity calls from the three paired contrasts LSC-HSC, LSC-LPC and HSC-LPC: which miRNAs are
// specific to LSCs or HSCs, shared by the stem populations, or leukemia-wide.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lscmir/core/log.hpp"
#include "lscmir/io/result_table.hpp"

namespace lscmir::study {

/// One DE table (limma topTable columns), oriented as A - B.
struct DeTable {
  std::string path;
  std::vector<std::string> features;
  std::vector<double> logfc, ci_l, ci_r, t, p_value, adj_p_value;
  /// Returns the table for B - A (logFC, t and the interval negated; p-values unchanged).
  DeTable flipped() const;
};

/// Reads `feature logFC CI.L CI.R ... t P.Value adj.P.Val` (other columns ignored).
/// @throws core::InputError: missing column, non-numeric cell, duplicate feature.
DeTable read_de_table(const std::string& path);

/// limma's treat p-value (McCarthy & Smyth 2009) for |logFC| > lfc, recovered from a topTable row:
/// se = logFC / t and the total df from the 95% interval half-width = qt(0.975, df) se.
/// NaN when the row has no estimate; 1 when logFC or t is exactly 0 (no direction to test).
double treat_p_from_row(double logfc, double ci_l, double ci_r, double t, double lfc);

enum class SpecificityClass { kLscSpecific, kLscDepleted, kHscSpecific, kStemShared, kLeukemiaWide, kNone };
const char* to_string(SpecificityClass c);

struct SpecificityOptions {
  double fdr = 0.05;
  double lfc = 1.0;
};

struct SpecificityRow {
  std::string feature;
  SpecificityClass cls = SpecificityClass::kNone;
  double p_class = 1.0, fdr_class = 1.0;  ///< IUT p and BH FDR of the assigned class (NaN for none)
  double logfc[3]{}, adj_p[3]{}, p_treat[3]{};  ///< LSC-HSC, LSC-LPC, HSC-LPC
  /// Per-patient consistency of each contrast (add_consistency): patients with both populations,
  /// the share whose difference has the sign of the logFC, the sign test P (NaN: no data).
  int n_patients[3]{};
  double frac_consistent[3]{}, sign_p[3]{};
};

/// Classifies every feature present in all three tables (oriented LSC-HSC, LSC-LPC, HSC-LPC).
/// Each class is an intersection-union test: its p is the larger of two treat p-values (1 when a
/// logFC points the wrong way), BH-adjusted over features; the first class (in enum order) with
/// FDR < fdr is assigned. stem-shared also needs LSC-HSC not significant (adj.P.Val >= fdr).
/// `missing` receives the number of features not present in all three tables.
std::vector<SpecificityRow> classify(const DeTable& lsc_hsc, const DeTable& lsc_lpc, const DeTable& hsc_lpc,
                                     const SpecificityOptions& options, std::size_t* missing = nullptr);

// ---- the specificity stage ----------------------------------------------------------------------

struct DeResult;

/// The population labels of the three sorted populations.
struct PopulationLabels {
  std::string lsc = "LSC", hsc = "HSC", lpc = "LPC";
};

/// The DE table of A - B from an in-memory DE result (flipped when the result holds B - A), in
/// topTable order. @throws core::UsageError when neither A-B nor B-A was fitted.
DeTable de_table(const DeResult& result, const std::string& a, const std::string& b);
/// The DE table of one contrast as the config or the command line wrote it ("A-B", a named
/// contrast's NAME or "NAME=EXPR", a coefficient), in topTable order, oriented as written.
/// @throws core::UsageError when no such contrast was fitted.
DeTable de_table(const DeResult& result, const std::string& label);

/// The DE table of A - B in a folder of `lscmir de` tables: de_A_vs_B.tsv, or de_B_vs_A.tsv
/// flipped. @throws core::UsageError naming the expected files and those found.
DeTable read_de_contrast(const std::string& dir, const std::string& a, const std::string& b);

struct SpecificityResult {
  PopulationLabels labels;
  SpecificityOptions options;
  std::string tags[3];                ///< contrast tags LSC_vs_HSC, LSC_vs_LPC, HSC_vs_LPC
  std::vector<SpecificityRow> rows;   ///< sorted by class, P.class (NA last), feature
  std::size_t missing = 0;            ///< features not in all three tables
  std::vector<std::string> inputs;    ///< paths of tables read from files (empty in memory)
  bool consistency[3]{};              ///< add_consistency had the paired differences of the contrast
};
struct PairedDifferences;
/// Adds the per-patient consistency of each contrast whose paired differences are given (in the
/// order LSC-HSC, LSC-LPC, HSC-LPC, each oriented as the contrast; nullptr = not available).
/// Features absent from a table get n_patients 0 and NaN.
void add_consistency(SpecificityResult& result, const PairedDifferences* const paired[3]);
/// add_consistency with the paired differences of an in-memory DE result (flipped as needed).
void add_consistency(SpecificityResult& result, const DeResult& de);

/// @throws core::UsageError: fdr outside (0, 1], a negative lfc, or labels that are not three
/// different populations.
void check_specificity_options(const PopulationLabels& labels, const SpecificityOptions& options);

/// Classifies (classify) and orders the rows; checks the options first (check_specificity_options).
SpecificityResult specificity(const DeTable& lsc_hsc, const DeTable& lsc_lpc, const DeTable& hsc_lpc,
                              const PopulationLabels& labels, const SpecificityOptions& options);

/// specificity.tsv and specificity_summary.tsv (class, n). With consistency, per contrast X
/// (LSC_HSC, LSC_LPC, HSC_LPC, from the labels): n_patients_X, frac_consistent_X, sign_P_X.
std::vector<io::NamedTable> specificity_tables(const SpecificityResult& result);

/// run_info parameters of the stage (lsc, hsc, lpc, fdr, lfc).
nlohmann::json specificity_parameters(const SpecificityResult& result);

/// The stage's log: features missing from a table (a warning) and the class counts.
void log_specificity(const SpecificityResult& result, core::Logger& log);

/// Number of features per class, in class order, for the log ("LSC-specific 17, ...").
std::string class_counts_text(const SpecificityResult& result);

}  // namespace lscmir::study
