// SPDX-License-Identifier: GPL-3.0-or-later
// fitFDist and its robust version: recover d0 and s0^2 from simulated scaled-F variances.
#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include "lscmir/stats/ebayes.hpp"

namespace lscmir::stats {
namespace {

/// Sample variances under limma's hierarchical model: sigma^-2 ~ chisq(d0) / (d0 s0^2) and
/// s2 | sigma^2 ~ sigma^2 chisq(d) / d, so s2 / s0^2 ~ F(d, d0). d0 = Inf: sigma^2 = s0^2.
Eigen::VectorXd simulate(int n, double d, double d0, double s02, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::chi_squared_distribution<double> chi_d(d);
  Eigen::VectorXd x(n);
  for (int i = 0; i < n; ++i) {
    double sigma2 = s02;
    if (std::isfinite(d0)) {
      std::chi_squared_distribution<double> chi_d0(d0);
      sigma2 = d0 * s02 / chi_d0(rng);
    }
    x(i) = sigma2 * chi_d(rng) / d;
  }
  return x;
}

TEST(FitFDist, RecoversPriorDfAndScale) {
  const int n = 20000;
  for (const auto [d, d0, s02] : {std::tuple{4.0, 8.0, 0.5}, std::tuple{6.0, 20.0, 2.0}, std::tuple{3.0, 4.0, 0.1}}) {
    const Eigen::VectorXd x = simulate(n, d, d0, s02, 17);
    const Eigen::VectorXd df1 = Eigen::VectorXd::Constant(n, d);
    const FDistFit f = fit_f_dist(x, df1, nullptr);
    EXPECT_NEAR(f.df2, d0, 0.15 * d0) << "d0 " << d0;
    ASSERT_EQ(f.scale.size(), n);
    EXPECT_NEAR(f.scale(0), s02, 0.05 * s02) << "s0^2 " << s02;
    EXPECT_EQ(f.scale.minCoeff(), f.scale.maxCoeff());  // constant without a covariate
    const FDistFit r = fit_f_dist_robust(x, df1, nullptr);
    EXPECT_NEAR(r.df2, d0, 0.2 * d0) << "robust d0 " << d0;
    EXPECT_NEAR(r.scale(0), s02, 0.07 * s02) << "robust s0^2 " << s02;
  }
}

TEST(FitFDist, NoPriorVariationGivesLargeOrInfiniteDf) {
  const int n = 20000;
  const Eigen::VectorXd x = simulate(n, 5.0, INFINITY, 1.5, 23);
  const FDistFit f = fit_f_dist(x, Eigen::VectorXd::Constant(n, 5.0), nullptr);
  EXPECT_GT(f.df2, 50.0);
  EXPECT_NEAR(f.scale(0), 1.5, 0.03);
}

TEST(FitFDist, ScaleIsEquivariantAndDfInvariant) {
  const int n = 3000;
  const Eigen::VectorXd x = simulate(n, 4.0, 10.0, 1.0, 29);
  const Eigen::VectorXd df1 = Eigen::VectorXd::Constant(n, 4.0);
  const FDistFit a = fit_f_dist(x, df1, nullptr);
  const FDistFit b = fit_f_dist(x * 8.0, df1, nullptr);
  EXPECT_NEAR(b.df2, a.df2, 1e-8 * a.df2);
  EXPECT_NEAR(b.scale(0), 8.0 * a.scale(0), 1e-10 * b.scale(0));
  // Entries with df1 = 0 or a non-finite variance are left out.
  Eigen::VectorXd x2(n + 2), df2(n + 2);
  x2 << x, NAN, 5.0;
  df2 << df1, 4.0, 0.0;
  const FDistFit c = fit_f_dist(x2, df2, nullptr);
  EXPECT_NEAR(c.df2, a.df2, 1e-10 * a.df2);
  EXPECT_NEAR(c.scale(0), a.scale(0), 1e-12);
}

TEST(FitFDistRobust, OutliersGetLessPriorDf) {
  const int n = 5000;
  Eigen::VectorXd x = simulate(n, 4.0, 10.0, 1.0, 31);
  for (int i = 0; i < 50; ++i) x(i) *= 30.0;  // 1% hyper-variable features
  const Eigen::VectorXd df1 = Eigen::VectorXd::Constant(n, 4.0);
  const FDistFit plain = fit_f_dist(x, df1, nullptr);
  const FDistFit r = fit_f_dist_robust(x, df1, nullptr);
  ASSERT_EQ(r.df2_shrunk.size(), n);
  EXPECT_GT(r.df2, plain.df2);  // the outliers drag the moment estimate down, not the robust one
  EXPECT_NEAR(r.df2, 10.0, 3.0);
  double out = 0, in = 0;
  for (int i = 0; i < 50; ++i) out += r.df2_shrunk(i) / 50;
  for (int i = 50; i < n; ++i) in += r.df2_shrunk(i) / (n - 50);
  EXPECT_LT(out, 0.5 * in);
  EXPECT_LE(r.df2_shrunk.maxCoeff(), r.df2 * (1 + 1e-12));
  EXPECT_GE(r.df2_shrunk.minCoeff(), 0.0);
}

}  // namespace
}  // namespace lscmir::stats
