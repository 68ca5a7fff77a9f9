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
  /// glmnet.control fdev: for the Cox family glmnet stops once dev.ratio changes by less than
  /// 100 fdev (relative, over mnlam - 1 steps).
  double fdev = 1e-5;
  /// glmnet.control devmax: for the Cox family glmnet stops once dev.ratio exceeds devmax * 0.99 / 0.999.
  double devmax = 0.999;
  int mnlam = 5;         ///< glmnet.control mnlam: never stop before this many lambdas
  /// glmnet's thresh: a coordinate-descent pass has converged when max_j v_j (delta b_j)^2 < thresh
  /// D0, v_j = x_j' W x_j, D0 = null deviance / 2n.
  double thresh = 1e-7;
  long maxit = 100000;   ///< glmnet's maxit: coordinate passes over the whole path
};

struct CoxnetPath {
  std::vector<double> lambda;     ///< decreasing
  std::vector<int> df;            ///< non-zero coefficients per lambda
  std::vector<double> dev_ratio;  ///< 1 - deviance / null deviance
  Eigen::MatrixXd beta;           ///< p x lambda.size(), on the scale of the input x
  double null_deviance = 0;
  /// false when the path ended before its last lambda because maxit passes were used (glmnet:
  /// "convergence for kth lambda value not reached after maxit iterations; solutions for larger
  /// lambdas returned") or a Hessian weight was not positive; the solved lambdas are kept.
  bool converged = true;
  enum class Stop { kNone, kMaxit, kNumerical };
  Stop stop = Stop::kNone;
  long passes = 0;                ///< coordinate passes used (glmnet's npasses)
};

/// Fits (glmnet's coxnet algorithm; see src/stats/coxnet.cpp) the path of  -loglik(beta) / n + lambda * sum_j [alpha |b_j| + (1 - alpha) b_j^2 / 2]  with
/// Breslow's partial likelihood, on the columns of x (n x p) standardized to mean 0 and variance
/// 1 (divisor n) and the coefficients returned on the original scale. A constant column keeps a
/// zero coefficient. lambda_max = max_j |score_j(0)| / (n max(alpha, 1e-3)), then nlambda values
/// geometrically down to lambda_min_ratio * lambda_max; the path stops early (glmnet.control
/// rules) once dev.ratio changes by less than fdev relative over mnlam - 1 steps or exceeds devmax.
/// Coordinate descent on the quadratic approximation of the partial likelihood (diagonal
/// Hessian), warm-started along the path, strong rules and active sets, converged to thresh as
/// glmnet is (so at glmnet's thresh the path follows glmnet's, not only the exact minimizer).
/// @param event 1 = event, 0 = censored; time > 0 (a censoring tied with an event time is at risk).
/// @throws core::UsageError for alpha outside [0, 1], nlambda < 1, no event, or n < 2.
CoxnetPath coxnet_path(const std::vector<double>& time, const std::vector<int>& event, const Eigen::MatrixXd& x,
                       const CoxnetOptions& options);

/// Cox deviance 2 (l_saturated - l(eta)) of the linear predictors eta, Breslow ties, where
/// l_saturated = -sum_k d_k log d_k over the distinct event times (glmnet's coxnet.deviance).
double coxnet_deviance(const std::vector<double>& time, const std::vector<int>& event, const Eigen::VectorXd& eta);

/// The path's coefficients at the lambdas s, linear in lambda between neighbouring path values and
/// constant beyond either end (glmnet's predict(..., s) with lambda.interp). Returns p x s.size().
Eigen::MatrixXd coxnet_interpolate(const CoxnetPath& fit, const std::vector<double>& s);

struct CoxnetCv {
  CoxnetPath fit;                 ///< the path on all subjects
  std::vector<double> cvm, cvsd;  ///< per fit.lambda
  double lambda_min = 0, lambda_1se = 0;
  std::size_t index_min = 0, index_1se = 0;
  bool folds_converged = true;    ///< false when some fold's path ended early (maxit)
};

/// cv.glmnet(family = "cox", type.measure = "deviance", grouped = TRUE) with fold ids 1..K:
/// fold k's path is fitted on the other folds with its own lambda sequence and interpolated at
/// the full fit's lambdas (coxnet_interpolate); its raw value is
/// deviance(all, beta_k) - deviance(others, beta_k), divided by the events of fold k; cvm is the
/// event-weighted mean over folds and cvsd the square root of the event-weighted mean squared
/// deviation over K - 1. lambda.min is the largest lambda of minimal cvm; lambda.1se the largest
/// lambda with cvm <= cvm(min) + cvsd(min). Threads: the full fit and the folds in parallel (the
/// result does not depend on it).
/// @throws core::UsageError: fold ids not 1..K with K >= 3, or a fold without an event.
CoxnetCv coxnet_cv(const std::vector<double>& time, const std::vector<int>& event, const Eigen::MatrixXd& x,
                   const std::vector<int>& foldid, const CoxnetOptions& options, int threads);

}  // namespace lscmir::stats
