// SPDX-License-Identifier: GPL-3.0-or-later
// voom (Law, Chen, Shi & Smyth 2014, Genome Biology 15:R29): log-CPM values with precision
// weights from a lowess fit of sqrt(residual sd) against mean log count.
#pragma once

#include <vector>

#include <Eigen/Dense>

#include "lscmir/stats/design.hpp"
#include "lscmir/stats/lowess.hpp"

namespace lscmir::stats {

struct VoomResult {
  Eigen::MatrixXd e;        ///< log2((count + 0.5) / (lib + 1) * 1e6)
  Eigen::MatrixXd weights;  ///< 1 / f(fitted log count)^4
  LowessResult trend;       ///< the mean-variance trend (x: log2 count size, y: sqrt sd)
  bool unit_weights = false;  ///< true when fewer than two features had residual df
  /// The points of the trend (features with a count): feature index, mean log2 count size, sqrt sd.
  std::vector<std::size_t> point_feature;
  std::vector<double> point_x, point_y;
};

/// @param lib_size effective library sizes (lib.size x norm.factors).
/// @param prior_weights null, or one weight per sample used in the trend fit (voom's `weights`
///        argument, as voomWithQualityWeights passes them); the returned weights do not include them.
VoomResult voom(const Eigen::MatrixXd& counts, const LinearModel& model, const std::vector<double>& lib_size,
                int threads, double span = 0.5, const std::vector<double>* prior_weights = nullptr);
/// The same, consuming the counts: their storage becomes `e` (one matrix of features x samples
/// fewer to allocate and clear). The result is identical to the copying form.
VoomResult voom(Eigen::MatrixXd&& counts, const LinearModel& model, const std::vector<double>& lib_size, int threads,
                double span = 0.5, const std::vector<double>* prior_weights = nullptr);

}  // namespace lscmir::stats
