// SPDX-License-Identifier: GPL-3.0-or-later
// Sample QC for the report: principal components of log-expression.
#pragma once

#include <string>
#include <vector>

#include <Eigen/Dense>

#include "lscmir/io/matrix.hpp"
#include "lscmir/io/result_table.hpp"
#include "lscmir/io/sample_sheet.hpp"

namespace lscmir::study {

struct Pca {
  std::vector<double> pc1, pc2;      ///< sample scores
  double var1 = 0.0, var2 = 0.0;     ///< fraction of the variance of the used features
  int features_used = 0;
};

/// PCA of the `top` most variable features (rows without NA) of a features x samples
/// log-expression matrix; rows centred, not scaled. Signs are fixed so that the largest absolute
/// loading of each component is positive (deterministic across platforms).
Pca pca_top_variable(const Eigen::MatrixXd& logexpr, int top = 500);

/// The report's per-sample view of a study's expression matrix.
struct SampleQc {
  std::vector<std::string> features;  ///< matrix rows
  Eigen::MatrixXd logexpr;            ///< features x sheet samples: logCPM (prior 2) of counts, or the input
  io::ResultTable samples;            ///< qc_samples.tsv: sample patient population lib.size norm.factors PC1 PC2
  io::ResultTable pca;                ///< qc_pca.tsv: component variance (fraction) features (used)
  io::ResultTable sheet;              ///< qc_sheet.tsv: the sample sheet's columns (fastq, adapter left out)
};

/// Library sizes and normalization factors (counts; `norm` as for DE, TMM when empty or unknown),
/// log-expression and the PCA of its 500 most variable features, per sheet sample.
/// `de_lib_size` / `de_norm_factors` (counts; per sheet sample): the ones the DE fit used (after
/// --filter, spike-in factors), shown and used for the log-expression instead of recomputing.
SampleQc sample_qc(const io::LabeledMatrix& matrix, bool counts, const io::SampleSheet& sheet, const std::string& norm, int threads,
                   const std::vector<double>* de_lib_size = nullptr, const std::vector<double>* de_norm_factors = nullptr);

/// A feature the report shows per sample, with its role ("top" candidate or "specific") and class.
struct ShownFeature {
  std::string feature, role, cls;
};

/// report_expression.tsv: feature sample patient population value z role class, for the shown
/// features the matrix has (z: centred and scaled per feature over the samples).
io::ResultTable report_expression(const SampleQc& qc, const io::SampleSheet& sheet, const std::vector<ShownFeature>& shown);

}  // namespace lscmir::study
