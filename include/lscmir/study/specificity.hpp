// SPDX-License-Identifier: GPL-3.0-or-later
// Specificity calls from the three paired contrasts LSC-HSC, LSC-LPC and HSC-LPC: which miRNAs are
// specific to LSCs or HSCs, shared by the stem populations, or leukemia-wide.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

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
};

/// Classifies every feature present in all three tables (oriented LSC-HSC, LSC-LPC, HSC-LPC).
/// Each class is an intersection-union test: its p is the larger of two treat p-values (1 when a
/// logFC points the wrong way), BH-adjusted over features; the first class (in enum order) with
/// FDR < fdr is assigned. stem-shared also needs LSC-HSC not significant (adj.P.Val >= fdr).
/// `missing` receives the number of features not present in all three tables.
std::vector<SpecificityRow> classify(const DeTable& lsc_hsc, const DeTable& lsc_lpc, const DeTable& hsc_lpc,
                                     const SpecificityOptions& options, std::size_t* missing = nullptr);

}  // namespace lscmir::study
