// SPDX-License-Identifier: GPL-3.0-or-later
// Logistic regression by iteratively reweighted least squares (R's glm.fit, binomial logit).
#pragma once

#include <Eigen/Dense>

#include "lscmir/stats/cox.hpp"

namespace lscmir::stats {

struct LogisticFit {
  Eigen::VectorXd coef;  ///< NaN where not estimable
  Eigen::VectorXd se;
  double deviance = 0;
  int iter = 0;
  FitStatus status = FitStatus::kOk;  ///< kSeparation when fitted probabilities reach 0 or 1
};

/// Fits y (0/1) on x (subjects x p, including the intercept column) as glm(family = binomial):
/// starting values mu = (y + 0.5) / 2, convergence when |dev - dev_old| / (|dev| + 0.1) < 1e-8,
/// at most 25 iterations.
LogisticFit logistic_fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, int max_iter = 25, double epsilon = 1e-8);

}  // namespace lscmir::stats
