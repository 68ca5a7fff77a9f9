// SPDX-License-Identifier: GPL-3.0-or-later
// Sample QC for the report: principal components of log-expression.
#pragma once

#include <vector>

#include <Eigen/Dense>

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

}  // namespace lscmir::study
