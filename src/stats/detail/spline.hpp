// SPDX-License-Identifier: GPL-3.0-or-later
// Internal: natural cubic regression splines for variance trends.
#pragma once

#include <vector>

#include <Eigen/Dense>

namespace lscmir::stats::detail {

struct NaturalSpline {
  std::vector<double> knots;  ///< boundary knots first and last
  /// Basis evaluated at x (rows) spanning the natural cubic splines on `knots`.
  Eigen::MatrixXd basis(const Eigen::VectorXd& x) const;
  /// Knots as splines::ns(x, df, intercept = TRUE) places them.
  static NaturalSpline with_df(const Eigen::VectorXd& x, int df);
};

struct SplineFit {
  NaturalSpline spline;
  Eigen::VectorXd coefficients;
  Eigen::VectorXd fitted;
  double residual_variance = 0;  ///< RSS / (n - rank)
  int rank = 0;
};

/// Least-squares natural spline regression of y on x with `df` basis functions.
SplineFit fit_spline(const Eigen::VectorXd& x, const Eigen::VectorXd& y, int df);

}  // namespace lscmir::stats::detail
