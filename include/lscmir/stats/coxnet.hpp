// SPDX-License-Identifier: GPL-3.0-or-later
// The lasso / elastic-net Cox path (glmnet 4.1 semantics: Friedman, Hastie & Tibshirani 2010;
// Simon, Friedman, Hastie & Tibshirani 2011) and its cross-validated partial-likelihood deviance
// (cv.glmnet, Verweij & Van Houwelingen 1993).
#pragma once

#include <vector>

#include <Eigen/Dense>

namespace lscmir::stats {

struct CoxnetOptions {
  double alpha = 1;  ///< 1 = lasso, 0 < alpha < 1 elastic net (alpha = 0, ridge, is allowed too)
  int nlambda = 100;
  /// lambda_min / lambda_max; <= 0 means glmnet's default: 0.01 when n < p, else 1e-4.
  double lambda_min_ratio = 0;
  /// A given decreasing sequence replaces the computed one (and disables the path stopping rules,
  /// as glmnet with a user lambda).
  std::vector<double> lambda;
  double fdev = 1e-5;    ///< glmnet.control fdev: stop when dev.ratio changes less than this (relative, over mnlam steps)
  double devmax = 0.999; ///< glmnet.control devmax: stop when dev.ratio exceeds this
  int mnlam = 5;         ///< glmnet.control mnlam: never stop before this many lambdas
  double thresh = 1e-9; ///< coordinate descent convergence (weighted squared change of the coefficients)
  int max_passes = 20000;
};

struct CoxnetPath {
  std::vector<double> lambda;     ///< decreasing
  std::vector<int> df;            ///< non-zero coefficients per lambda
  std::vector<double> dev_ratio;  ///< 1 - deviance / null deviance
  Eigen::MatrixXd beta;           ///< p x lambda.size(), on the scale of the input x
  double null_deviance = 0;
  bool converged = true;          ///< false when some lambda hit max_passes
};

/// Fits the path of  -loglik(beta) / n + lambda * sum_j [alpha |b_j| + (1 - alpha) b_j^2 / 2]  with
/// Breslow's partial likelihood, on the columns of x (n x p) standardized to mean 0 and variance
/// 1 (divisor n) and the coefficients returned on the original scale. A constant column keeps a
/// zero coefficient. lambda_max = max_j |score_j(0)| / (n max(alpha, 1e-3)), then nlambda values
/// geometrically down to lambda_min_ratio * lambda_max; the path stops early (glmnet.control
/// rules) once dev.ratio changes by less than fdev relative over mnlam - 1 steps or exceeds devmax.
/// Coordinate descent on the quadratic approximation of the partial likelihood (diagonal
/// Hessian), warm-started along the path, converged much tighter than glmnet's default (so the
/// fit is the exact minimizer, which glmnet approaches to its thresh).
/// @param event 1 = event, 0 = censored; time > 0 (a censoring tied with an event time is at risk).
/// @throws core::UsageError for alpha outside [0, 1], nlambda < 1, no event, or n < 2.
CoxnetPath coxnet_path(const std::vector<double>& time, const std::vector<int>& event, const Eigen::MatrixXd& x,
                       const CoxnetOptions& options);

/// Cox deviance 2 (l_saturated - l(eta)) of the linear predictors eta, Breslow ties, where
/// l_saturated = -sum_k d_k log d_k over the distinct event times (glmnet's coxnet.deviance).
double coxnet_deviance(const std::vector<double>& time, const std::vector<int>& event, const Eigen::VectorXd& eta);

struct CoxnetCv {
  CoxnetPath fit;                 ///< the path on all subjects
  std::vector<double> cvm, cvsd;  ///< per fit.lambda
  double lambda_min = 0, lambda_1se = 0;
  std::size_t index_min = 0, index_1se = 0;
};

/// cv.glmnet(family = "cox", type.measure = "deviance", grouped = TRUE) with fold ids 1..K:
/// fold k's path is fitted on the other folds at the full fit's lambdas; its raw value is
/// deviance(all, beta_k) - deviance(others, beta_k), divided by the events of fold k; cvm is the
/// event-weighted mean over folds and cvsd the square root of the event-weighted mean squared
/// deviation over K - 1. lambda.min is the largest lambda of minimal cvm; lambda.1se the largest
/// lambda with cvm <= cvm(min) + cvsd(min). Threads: folds in parallel (the result does not depend on it).
/// @throws core::UsageError: fold ids not 1..K with K >= 2, or a fold without an event.
CoxnetCv coxnet_cv(const std::vector<double>& time, const std::vector<int>& event, const Eigen::MatrixXd& x,
                   const std::vector<int>& foldid, const CoxnetOptions& options, int threads);

}  // namespace lscmir::stats
