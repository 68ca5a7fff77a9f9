// SPDX-License-Identifier: GPL-3.0-or-later
// Empirical Bayes moderation of gene-wise variances (Smyth 2004; Phipson et al. 2016 for the
// robust version), moderated t-statistics, B-statistics and treat (McCarthy & Smyth 2009).
#pragma once

#include <optional>
#include <vector>

#include <Eigen/Dense>

#include "lscmir/stats/lm_fit.hpp"

namespace lscmir::stats {

/// Scaled F prior fitted to sample variances: s2 ~ scale * F(df1, df2).
struct FDistFit {
  Eigen::VectorXd scale;       ///< per feature (constant without a covariate)
  double df2 = 0;              ///< prior df (may be +Inf)
  Eigen::VectorXd df2_shrunk;  ///< robust only: per-feature prior df
};

/// Moment estimation of the prior (limma's fitFDist): log-variance moments with digamma /
/// trigamma corrections, a natural-spline trend in `covariate` when given (df by feature count).
/// Entries with df1 <= 0 or non-finite x are left out of the estimation.
FDistFit fit_f_dist(const Eigen::VectorXd& x, const Eigen::VectorXd& df1, const Eigen::VectorXd* covariate);

/// Robust estimation (limma's fitFDistRobustly, Phipson et al. 2016): Winsorized moments and
/// per-feature shrinkage of the prior df for outlier variances.
FDistFit fit_f_dist_robust(const Eigen::VectorXd& x, const Eigen::VectorXd& df1, const Eigen::VectorXd* covariate,
                           double winsor_lower = 0.05, double winsor_upper = 0.1);

struct SqueezeResult {
  Eigen::VectorXd var_post;
  Eigen::VectorXd var_prior;
  Eigen::VectorXd df_prior;
};

/// Posterior variances (limma's squeezeVar).
SqueezeResult squeeze_var(Eigen::VectorXd var, const Eigen::VectorXd& df, const Eigen::VectorXd* covariate,
                          bool robust);

struct EBayesOptions {
  bool trend = false;
  bool robust = false;
  double proportion = 0.01;
  double stdev_coef_lim_lo = 0.1;
  double stdev_coef_lim_hi = 4.0;
};

/// Moderated statistics for every coefficient of a fit (typically a contrasts_fit result).
struct EBayesFit {
  Eigen::MatrixXd t, p_value, lods;  ///< features x coefficients
  Eigen::VectorXd s2_post, s2_prior, df_prior, df_total;
  Eigen::VectorXd var_prior;  ///< per coefficient
};

/// limma's eBayes. @throws core::NumericalError when no feature has residual df.
EBayesFit ebayes(const LmFit& fit, const EBayesOptions& options);

/// limma's treat: tests |coefficient| > lfc. Returns t and p (features x coefficients); other
/// moderated quantities as in ebayes (lods are not defined for treat and left empty).
EBayesFit treat(const LmFit& fit, double lfc, const EBayesOptions& options);

}  // namespace lscmir::stats
