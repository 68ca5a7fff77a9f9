// SPDX-License-Identifier: GPL-3.0-or-later
// Negative-binomial GLMs and edgeR 3.40's legacy quasi-likelihood pipeline: estimateDisp (Cox-Reid
// adjusted profile likelihood on a dispersion grid, weighted-likelihood empirical Bayes with an
// abundance trend; McCarthy et al. 2012, Chen, Lun & Smyth 2016), glmQLFit (QL dispersions
// squeezed by limma's squeezeVar; Lund et al. 2012) and glmQLFTest (docs/statistics.md).
#pragma once

#include <vector>

#include <Eigen/Dense>

namespace lscmir::stats {

/// Log-link NB GLM fits of every row of `counts` (features x samples) on `design` with log offsets
/// `offset` (per sample) and per-feature dispersions (0 = Poisson): damped Fisher scoring with
/// edgeR glmFit's start and stopping rules (src/stats/ql.cpp).
struct NbGlmFit {
  Eigen::MatrixXd beta;      ///< features x coefficients (natural log scale)
  Eigen::MatrixXd mu;        ///< fitted means, features x samples
  Eigen::VectorXd deviance;  ///< NB deviance per feature
};
NbGlmFit nb_glm_fit(const Eigen::MatrixXd& counts, const Eigen::MatrixXd& design, const Eigen::VectorXd& offset,
                    const Eigen::VectorXd& dispersion, int threads, const Eigen::MatrixXd* start = nullptr);

/// NB unit deviance summed over samples (edgeR's nbinomDeviance).
double nb_deviance(const Eigen::VectorXd& y, const Eigen::VectorXd& mu, double dispersion);

/// edgeR::aveLogCPM: the log2 CPM of an intercept-only NB fit of y + prior (the prior scaled by
/// library size over its mean, each library enlarged by twice its prior).
Eigen::VectorXd ave_log_cpm(const Eigen::MatrixXd& counts, const std::vector<double>& eff_lib_size,
                            const Eigen::VectorXd& dispersion, double prior_count = 2.0, int threads = 1);

/// The maximum of the FMM cubic spline through (x, y) near the largest y (edgeR's
/// maximizeInterpolant), per row of `y`.
Eigen::VectorXd maximize_interpolant(const Eigen::VectorXd& x, const Eigen::MatrixXd& y);

/// locfit(y ~ x, deg = 0, alpha = span) evaluated at the data as fitted() does: tricube local
/// means with the nearest-neighbour bandwidth (floor(n span) points) fitted at the vertices of
/// locfit's adaptive tree (cells bisected while wider than 0.8 of the smaller vertex bandwidth)
/// and linearly interpolated within each cell. Applied to every column of `y` (edgeR's locfitByCol).
Eigen::MatrixXd locfit_by_col(const Eigen::MatrixXd& y, const Eigen::VectorXd& x, double span);

struct DispersionResult {
  double common = 0;
  Eigen::VectorXd trended, tagwise;  ///< per feature
  Eigen::VectorXd ave_log_cpm;       ///< aveLogCPM at the common dispersion (stored as the DGEList's)
  double span = 0;
  double prior_df = 0;               ///< of the tagwise step (median when robust)
  std::size_t rows_used = 0;         ///< features with total count >= 5
};

/// edgeR::estimateDisp(y, design) with its defaults (grid of 21 points on [-10, 10], locfit trend).
DispersionResult estimate_disp(const Eigen::MatrixXd& counts, const Eigen::MatrixXd& design, const std::vector<double>& eff_lib_size,
                               bool robust, int threads);

struct QlFit {
  NbGlmFit fit;                       ///< prior.count 0 (deviance, fitted values)
  Eigen::MatrixXd coef_shrunk;        ///< predFC(prior.count 0.125) * log(2): the logFC source
  Eigen::VectorXd df_residual_zeros;  ///< residual df adjusted for fitted zeros
  Eigen::VectorXd var_post, var_prior, df_prior;
  Eigen::VectorXd dispersion, ave_log_cpm;
};

/// edgeR::glmQLFit(y, design, dispersion = trended) with abundance trend; `robust` as its option.
QlFit ql_fit(const Eigen::MatrixXd& counts, const Eigen::MatrixXd& design, const std::vector<double>& eff_lib_size,
             const Eigen::VectorXd& dispersion, const Eigen::VectorXd& ave_log_cpm, bool robust, int threads);

struct QlTest {
  std::vector<double> logfc, logcpm, f, p_value, fdr;
  std::vector<std::size_t> order;  ///< by PValue (stable)
  double df_total_min = 0;
};

/// edgeR::glmQLFTest(fit, contrast = c) with the Poisson bound, and topTags' BH FDR.
QlTest ql_test(const QlFit& fit, const Eigen::MatrixXd& counts, const Eigen::MatrixXd& design, const std::vector<double>& eff_lib_size,
               const Eigen::VectorXd& contrast, int threads);

}  // namespace lscmir::stats
