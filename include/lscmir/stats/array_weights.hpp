// SPDX-License-Identifier: GPL-3.0-or-later
// Sample quality weights: limma's arrayWeights, gene-by-gene update (Ritchie et al. 2006, BMC
// Bioinformatics 7:261), and voomWithQualityWeights (Liu et al. 2015, NAR 43:e97).
#pragma once

#include <vector>

#include <Eigen/Dense>

#include "lscmir/stats/design.hpp"
#include "lscmir/stats/voom.hpp"

namespace lscmir::stats {

/// Sample weights w_j = exp(-(Z2 gamma)_j) of the heteroscedastic model var(y_gj) = s2_g / w_j
/// (Z2 = sum-to-zero contrasts of the samples), estimated by one pass of REML scoring updates over
/// the features in matrix order, with a prior of `prior_n` features of unit weights
/// (arrayWeights(method = "genebygene")).
/// @param e features x samples; NaN values are left out of that feature's update.
/// @param design the full design matrix (samples x p, full column rank).
/// @param weights null, or features x samples precision weights (voom's).
/// Sequential over features by construction: the result does not depend on any thread count.
std::vector<double> array_weights(const Eigen::MatrixXd& e, const Eigen::MatrixXd& design, const Eigen::MatrixXd* weights,
                                  double prior_n = 10.0);

/// voomWithQualityWeights: voom, sample weights, voom again with the sample weights as prior
/// weights of the trend fit, sample weights again; `weights` of the result are voom's times the
/// sample weights. `sample_weights` receives the final sample weights.
/// @param model the model voom fits (patient may be absorbed); `design` the same model's full matrix.
VoomResult voom_with_quality_weights(const Eigen::MatrixXd& counts, const LinearModel& model, const Eigen::MatrixXd& design,
                                     const std::vector<double>& lib_size, int threads, std::vector<double>& sample_weights);

}  // namespace lscmir::stats
