// SPDX-License-Identifier: GPL-3.0-or-later
// Sample quality weights: limma's arrayWeights, gene-by-gene update (Ritchie et al. 2006, BMC
// Bioinformatics 7:261) and REML (Smyth 2002), and voomWithQualityWeights (Liu et al. 2015, NAR 43:e97).
#pragma once

#include <string>
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

/// Sample weights of the same model by REML over all features at once (Smyth 2002, J. Comput.
/// Graph. Stat. 11:836; arrayWeights(method = "reml"), which limma's default method "auto" picks
/// for values without NAs and without prior weights): Fisher scoring of gamma with each feature's
/// variance at its REML value given gamma. With H the hat matrix of the weighted fit (the same for
/// every feature), the information is Z'((I - H) o (I - H))Z with the intercept profiled out, times
/// the number of features, plus `prior_n` Z2'Z2; the score is Z2' of the features' mean of
/// w r^2 / s2 - (1 - h), times the number of features, plus prior_n (w - 1). Stops when
/// score'step / (n - 1) / (features + prior_n) < `tol`, after `maxiter` steps, or (with a
/// `warning`) when that criterion stops decreasing. Features with s2 < 1e-15 in the unweighted fit
/// are left out.
/// @param e features x samples, all finite.
/// @param warning when not null, receives a convergence warning (else left empty).
std::vector<double> array_weights_reml(const Eigen::MatrixXd& e, const Eigen::MatrixXd& design, double prior_n = 10.0,
                                       int maxiter = 50, double tol = 1e-5, std::string* warning = nullptr);

/// voomWithQualityWeights: voom, sample weights, voom again with the sample weights as prior
/// weights of the trend fit, sample weights again; `weights` of the result are voom's times the
/// sample weights. `sample_weights` receives the final sample weights.
/// @param model the model voom fits (patient may be absorbed); `design` the same model's full matrix.
VoomResult voom_with_quality_weights(const Eigen::MatrixXd& counts, const LinearModel& model, const Eigen::MatrixXd& design,
                                     const std::vector<double>& lib_size, int threads, std::vector<double>& sample_weights);

}  // namespace lscmir::stats
