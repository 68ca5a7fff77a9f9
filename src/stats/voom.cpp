// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/stats/voom.hpp"

#include <cmath>
#include <numeric>

#include "lscmir/core/error.hpp"
#include "lscmir/core/parallel.hpp"
#include "lscmir/stats/lm_fit.hpp"

namespace lscmir::stats {

VoomResult voom(const Eigen::MatrixXd& counts, const LinearModel& model, const std::vector<double>& lib_size,
                int threads, double span, const std::vector<double>* prior_weights) {
  const Eigen::Index ng = counts.rows(), n = counts.cols();
  if (ng < 2) throw core::NumericalError("voom needs at least two features to fit a mean-variance trend");
  VoomResult out;
  out.e.resize(ng, n);
  core::parallel_for(static_cast<std::size_t>(n), threads, [&](std::size_t jj) {
    const auto j = static_cast<Eigen::Index>(jj);
    const double denom = lib_size[jj] + 1.0;
    for (Eigen::Index g = 0; g < ng; ++g) out.e(g, j) = std::log2((counts(g, j) + 0.5) / denom * 1e6);
  });
  Eigen::MatrixXd fitted;
  Eigen::MatrixXd pw;
  if (prior_weights != nullptr) {
    pw.resize(ng, n);
    for (Eigen::Index j = 0; j < n; ++j) pw.col(j).setConstant((*prior_weights)[static_cast<std::size_t>(j)]);
  }
  const LmFit fit = lm_fit(out.e, model, prior_weights != nullptr ? &pw : nullptr, threads, &fitted);
  Eigen::Index with_df = 0;
  for (Eigen::Index g = 0; g < ng; ++g) with_df += fit.df_residual[g] > 0 ? 1 : 0;
  if (with_df < 2) {
    out.weights = Eigen::MatrixXd::Ones(ng, n);
    out.unit_weights = true;
    return out;
  }
  double mean_log_lib = 0;
  for (double l : lib_size) mean_log_lib += std::log2(l + 1.0);
  mean_log_lib /= static_cast<double>(n);
  std::vector<double> sx, sy;
  sx.reserve(static_cast<std::size_t>(ng));
  sy.reserve(static_cast<std::size_t>(ng));
  for (Eigen::Index g = 0; g < ng; ++g) {
    if (counts.row(g).sum() == 0) continue;  // all-zero features do not inform the trend
    sx.push_back(fit.amean[g] + mean_log_lib - std::log2(1e6));
    sy.push_back(std::sqrt(fit.sigma[g]));
    out.point_feature.push_back(static_cast<std::size_t>(g));
  }
  out.point_x = sx;
  out.point_y = sy;
  out.trend = lowess(sx, sy, span, 3);
  const LinearInterpolator f(out.trend.x, out.trend.y);
  out.weights.resize(ng, n);
  core::parallel_for(static_cast<std::size_t>(n), threads, [&](std::size_t jj) {
    const auto j = static_cast<Eigen::Index>(jj);
    const double lib1 = lib_size[jj] + 1.0;
    for (Eigen::Index g = 0; g < ng; ++g) {
      const double fitted_count = 1e-6 * std::exp2(fitted(g, j)) * lib1;
      const double s = f(std::log2(fitted_count));
      out.weights(g, j) = 1.0 / (s * s * s * s);
    }
  });
  return out;
}

}  // namespace lscmir::stats
