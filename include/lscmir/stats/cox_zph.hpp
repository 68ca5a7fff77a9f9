// SPDX-License-Identifier: GPL-3.0-or-later
// The proportional-hazards test of a fitted Cox model (Grambsch & Therneau 1994, as
// survival 3.x cox.zph computes it: a score test of beta(t) = beta + theta g(t)).
#pragma once

#include <limits>

#include <Eigen/Dense>

#include "lscmir/stats/cox.hpp"

namespace lscmir::stats {

/// The score test of adding x_j * g(t) to the model at (beta_hat, theta = 0), g the "km" transform
/// (1 - the Kaplan-Meier estimate, pooled over strata, just before t), centered at its mean over
/// the events: the score of theta is sum over event times g(t) U(t) and the information of
/// (beta, theta) is sum of [1 g; g g^2] (x) I(t), with U(t) and I(t) the contributions of the
/// time t to the Cox score and information (Efron or Breslow ties, strata as the fit). `term` is
/// the test of column 0 alone (1 df), `global` that of every column (p df).
struct CoxZph {
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  double chisq = kNaN, p_value = kNaN;                 ///< column 0
  double global_chisq = kNaN, global_p = kNaN;
  int global_df = 0;
};
CoxZph cox_zph(const RiskSets& rs, const Eigen::MatrixXd& x, const Eigen::VectorXd& beta, Ties ties);

}  // namespace lscmir::stats
