// SPDX-License-Identifier: GPL-3.0-or-later
// Cleveland's (1979) LOWESS smoother with R's stats::lowess semantics, and the interpolating
// function voom builds from it (approxfun with rule = 2 and tied x averaged).
#pragma once

#include <vector>

namespace lscmir::stats {

struct LowessResult {
  std::vector<double> x;  ///< input x sorted increasingly (stable for ties)
  std::vector<double> y;  ///< fitted values at x
};

/// Locally weighted linear regression with tricube weights and `iterations` robustness steps
/// (bisquare weights from 6 x the median absolute residual). delta < 0 means R's default,
/// 1% of the range of x: points closer than delta to the last fitted point are interpolated.
LowessResult lowess(const std::vector<double>& x, const std::vector<double>& y, double f = 2.0 / 3.0,
                    int iterations = 3, double delta = -1.0);

/// Piecewise-linear interpolation through (x, y) sorted by x, tied x replaced by the mean of
/// their y, constant beyond the ends (R's approxfun(rule = 2, ties = list("ordered", mean))).
class LinearInterpolator {
 public:
  LinearInterpolator(const std::vector<double>& sorted_x, const std::vector<double>& y);
  double operator()(double x) const;

 private:
  std::vector<double> x_;
  std::vector<double> y_;
  // Bucket index over [x_.front(), x_.back()]: bucket b starts at the last knot <= its left edge,
  // so a lookup is O(1) on average instead of a binary search (voom evaluates this for every
  // observation).
  std::vector<std::size_t> bucket_start_;
  double bucket_width_ = 0;
};

}  // namespace lscmir::stats
