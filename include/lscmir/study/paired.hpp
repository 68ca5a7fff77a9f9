// SPDX-License-Identifier: GPL-3.0-or-later
// Per-patient consistency: the within-patient differences A - B of each feature on the normalized
// log scale (paired_A_vs_B.tsv), and in how many patients a call holds (docs/statistics.md,
// "Per-patient consistency").
#pragma once

#include <string>
#include <vector>

#include <Eigen/Dense>

#include "lscmir/io/result_table.hpp"
#include "lscmir/io/sample_sheet.hpp"

namespace lscmir::study {

/// Feature x patient differences A - B (NaN where a patient lacks a finite value in A or in B).
struct PairedDifferences {
  std::string a, b, tag;              ///< populations and the file tag "A_vs_B"
  std::vector<std::string> features;  ///< rows
  std::vector<std::string> patients;  ///< columns, in order of first appearance in the sheet
  Eigen::MatrixXd diff;               ///< features x patients
  std::string path;                   ///< the file read (empty in memory)
  /// The differences B - A.
  PairedDifferences flipped() const;
};

/// The within-patient differences of `log_expr` (features x samples, the sheet's sample order):
/// per patient, the mean over its samples of A minus the mean over its samples of B, each mean
/// over finite values only. Empty (no patients) when the sheet has no patient column.
PairedDifferences paired_differences(const Eigen::MatrixXd& log_expr, const std::vector<std::string>& features,
                                     const io::SampleSheet& sheet, const std::string& a, const std::string& b);

/// paired_<tag>.tsv: feature, then one column per patient.
io::NamedTable paired_table(const PairedDifferences& p);

/// Reads paired_A_vs_B.tsv from a folder of `lscmir de` outputs (or paired_B_vs_A.tsv, flipped).
/// Returns false when neither file exists. @throws core::InputError for a bad cell or a duplicate feature.
bool read_paired(const std::string& dir, const std::string& a, const std::string& b, PairedDifferences& out);

/// The consistency of one feature's call: patients with a difference, the share of them whose
/// difference has the sign of `logfc` (0 differences count as not consistent), and the two-sided
/// exact sign test P over the non-zero differences (1 when there are none). The share is NaN when
/// no patient has a difference or `logfc` is NaN or 0; the P is NaN when no patient has one.
struct Consistency {
  int n_patients = 0;
  double fraction = 0.0, sign_p = 1.0;
};
Consistency consistency(const Eigen::Ref<const Eigen::RowVectorXd>& differences, double logfc);

/// Two-sided exact binomial test of k successes in n trials at p = 1/2.
double sign_test_p(int k, int n);

}  // namespace lscmir::study
