// SPDX-License-Identifier: GPL-3.0-or-later
// Intra-block correlation (limma's duplicateCorrelation; Smyth, Michaud & Scott 2005,
// Bioinformatics 21:2067): per feature, the REML variance components of y = X b + Z u + e with a
// random block effect u; the consensus is tanh of the 15%-trimmed mean of atanh(rho).
#pragma once

#include <vector>

#include <Eigen/Dense>

namespace lscmir::stats {

struct DupCorResult {
  double consensus = 0.0;           ///< tanh(trimmed mean of atanh(rho))
  Eigen::VectorXd atanh_correlation;  ///< per feature, after clamping; NaN where not estimable
  int estimated = 0;                ///< features with a finite correlation
  int max_block_size = 0;           ///< largest block over all samples (1: correlation set to 0)
};

/// @param y features x samples; NaN values are left out of that feature's fit.
/// @param design samples x p (the full fixed-effect design, no absorbed factor).
/// @param weights null, or features x samples precision weights (as in duplicateCorrelation, they
///        scale y and X, not the block indicators); weights <= 0 or NaN leave the value out.
/// @param block block index per sample (0..n_blocks-1).
/// A feature is estimated when it has more than p + 2 observations in more than one block and
/// fewer blocks than observations - 1; its correlation is sigma2_block / (sigma2_block + sigma2)
/// clamped to [1 / (1 - max block size) + 0.01, 0.99].
/// Threads: features in parallel; the result does not depend on `threads`.
DupCorResult duplicate_correlation(const Eigen::MatrixXd& y, const Eigen::MatrixXd& design, const Eigen::MatrixXd* weights,
                                   const std::vector<int>& block, int n_blocks, int threads, double trim = 0.15);

/// The REML variance components (residual, block) of one feature, or NaN when the fit fails.
/// Exposed for tests. `z_block` gives the block (0..nb-1) of each of the n observations.
Eigen::Vector2d block_variance_components(const Eigen::VectorXd& y, const Eigen::MatrixXd& x,
                                          const std::vector<int>& z_block, int nb);

}  // namespace lscmir::stats
