// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/stats/voom.hpp"

#include <cmath>
#include <numeric>

#include "lscmir/core/error.hpp"
#include "lscmir/core/memory.hpp"
#include "lscmir/core/parallel.hpp"
#include "lscmir/stats/lm_fit.hpp"
#include "lscmir/stats/norm_factors.hpp"

namespace lscmir::stats {

namespace {

/// voom on `*counts`, or (null) on the counts in `owned`, whose storage then becomes e.
VoomResult voom_impl(const Eigen::MatrixXd* counts, Eigen::MatrixXd&& owned, const LinearModel& model,
                     const std::vector<double>& lib_size, int threads, double span, const std::vector<double>* prior_weights) {
  const Eigen::MatrixXd& source = counts != nullptr ? *counts : owned;
  const Eigen::Index ng = source.rows(), n = source.cols();
  if (ng < 2) throw core::NumericalError("voom needs at least two features to fit a mean-variance trend");
  const std::vector<char> nonzero = nonzero_features(source, threads);
  VoomResult out;
  if (counts != nullptr) {
    out.e.resize(ng, n);
    core::prefer_huge_pages(out.e);
  } else {
    out.e = std::move(owned);
  }
  const double* in = counts != nullptr ? counts->data() : out.e.data();
  core::parallel_for(static_cast<std::size_t>(n), threads, [&](std::size_t jj) {
    const auto j = static_cast<Eigen::Index>(jj);
    const double denom = lib_size[jj] + 1.0;
    const double* c = in + j * ng;
    double* e = out.e.col(j).data();
    for (Eigen::Index g = 0; g < ng; ++g) e[g] = std::log2((c[g] + 0.5) / denom * 1e6);
  });
  // The fitted values are written into the weights' storage and turned into weights in place.
  Eigen::MatrixXd& fitted = out.weights;
  Eigen::MatrixXd pw;
  if (prior_weights != nullptr) {
    pw.resize(ng, n);
    core::prefer_huge_pages(pw);
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
    if (!nonzero[static_cast<std::size_t>(g)]) continue;  // all-zero features do not inform the trend
    sx.push_back(fit.amean[g] + mean_log_lib - std::log2(1e6));
    sy.push_back(std::sqrt(fit.sigma[g]));
    out.point_feature.push_back(static_cast<std::size_t>(g));
  }
  out.point_x = sx;
  out.point_y = sy;
  out.trend = lowess(sx, sy, span, 3);
  const LinearInterpolator f(out.trend.x, out.trend.y);
  core::parallel_for(static_cast<std::size_t>(n), threads, [&](std::size_t jj) {
    const auto j = static_cast<Eigen::Index>(jj);
    // log2 of the fitted count 1e-6 * 2^fitted * (lib + 1), as a sum: no exp2 / log2 per
    // observation (limma takes the logarithm of the product; the two agree to rounding).
    const double offset = std::log2(1e-6 * (lib_size[jj] + 1.0));
    for (Eigen::Index g = 0; g < ng; ++g) {
      const double s = f(fitted(g, j) + offset);
      fitted(g, j) = 1.0 / (s * s * s * s);
    }
  });
  return out;
}

}  // namespace

VoomResult voom(const Eigen::MatrixXd& counts, const LinearModel& model, const std::vector<double>& lib_size, int threads,
                double span, const std::vector<double>* prior_weights) {
  return voom_impl(&counts, Eigen::MatrixXd(), model, lib_size, threads, span, prior_weights);
}

VoomResult voom(Eigen::MatrixXd&& counts, const LinearModel& model, const std::vector<double>& lib_size, int threads,
                double span, const std::vector<double>* prior_weights) {
  return voom_impl(nullptr, std::move(counts), model, lib_size, threads, span, prior_weights);
}

}  // namespace lscmir::stats
