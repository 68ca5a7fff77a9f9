// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/stats/dup_cor.hpp"

#include <cmath>
#include <array>
#include <random>

#include <gtest/gtest.h>

#include "lscmir/stats/lm_fit.hpp"

namespace lscmir::stats {
namespace {

/// An unbalanced blocked layout: 12 blocks of 1-3 observations, an intercept, a two-level factor
/// and a numeric covariate.
struct Layout {
  Eigen::MatrixXd x;
  std::vector<int> block;
  int nb = 12;
};

Layout layout() {
  Layout l;
  const int sizes[12] = {3, 2, 3, 1, 2, 3, 3, 2, 1, 3, 2, 3};
  std::vector<std::array<double, 3>> rows;
  for (int b = 0; b < l.nb; ++b)
    for (int k = 0; k < sizes[b]; ++k) {
      rows.push_back({1.0, k == 1 ? 1.0 : 0.0, 0.1 * (b + k)});
      l.block.push_back(b);
    }
  l.x.resize(static_cast<Eigen::Index>(rows.size()), 3);
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (int j = 0; j < 3; ++j) l.x(static_cast<Eigen::Index>(i), j) = rows[i][static_cast<std::size_t>(j)];
  return l;
}

Eigen::VectorXd simulate(const Layout& l, double sd_block, std::mt19937_64& rng) {
  std::normal_distribution<double> nd(0.0, 1.0);
  std::vector<double> u(static_cast<std::size_t>(l.nb));
  for (auto& v : u) v = sd_block * nd(rng);
  Eigen::VectorXd y(l.x.rows());
  for (Eigen::Index i = 0; i < y.size(); ++i) y[i] = 2.0 + 0.5 * l.x(i, 1) + u[static_cast<std::size_t>(l.block[static_cast<std::size_t>(i)])] + nd(rng);
  return y;
}

TEST(DupCor, VarianceComponentsSolveTheRemlScoreEquations) {
  // Dense REML, independent of the reduced eigenproblem: with V = s2 I + s2b Z Z' and
  // P = V^-1 - V^-1 X (X'V^-1X)^-1 X'V^-1, the score equations are tr(P) = y'PPy and
  // tr(P ZZ') = y'P ZZ' P y.
  const Layout l = layout();
  const Eigen::Index n = l.x.rows();
  Eigen::MatrixXd z = Eigen::MatrixXd::Zero(n, l.nb);
  for (Eigen::Index i = 0; i < n; ++i) z(i, l.block[static_cast<std::size_t>(i)]) = 1.0;
  std::mt19937_64 rng(7);
  int checked = 0;
  for (int rep = 0; rep < 20; ++rep) {
    const Eigen::VectorXd y = simulate(l, 1.2, rng);
    const Eigen::Vector2d vc = block_variance_components(y, l.x, l.block, l.nb);
    ASSERT_TRUE(std::isfinite(vc[0]) && std::isfinite(vc[1])) << rep;
    const Eigen::MatrixXd v = vc[0] * Eigen::MatrixXd::Identity(n, n) + vc[1] * z * z.transpose();
    const Eigen::MatrixXd vi = v.inverse();
    const Eigen::MatrixXd p = vi - vi * l.x * (l.x.transpose() * vi * l.x).inverse() * l.x.transpose() * vi;
    const Eigen::VectorXd py = p * y;
    const Eigen::MatrixXd zz = z * z.transpose();
    const double s1 = p.trace() - py.squaredNorm();
    const double s2 = (p * zz).trace() - py.dot(zz * py);
    // Converged to statmod's tolerance (score' step < 1e-6): the score is small against its terms.
    EXPECT_LT(std::abs(s1), 1e-3 * p.trace()) << rep;
    EXPECT_LT(std::abs(s2), 1e-3 * (p * zz).trace()) << rep;
    ++checked;
  }
  EXPECT_GT(checked, 15);
}

TEST(DupCor, RecoversAStrongBlockCorrelationAndZeroWithoutBlocks) {
  const Layout l = layout();
  std::mt19937_64 rng(11);
  Eigen::MatrixXd y(400, l.x.rows()), y0(400, l.x.rows());
  for (Eigen::Index g = 0; g < y.rows(); ++g) {
    y.row(g) = simulate(l, 1.0, rng).transpose();   // true rho = 1 / (1 + 1) = 0.5
    y0.row(g) = simulate(l, 0.0, rng).transpose();  // true rho = 0
  }
  const DupCorResult a = duplicate_correlation(y, l.x, nullptr, l.block, l.nb, 2);
  EXPECT_EQ(a.estimated, 400);
  EXPECT_EQ(a.max_block_size, 3);
  EXPECT_NEAR(a.consensus, 0.5, 0.08);
  const DupCorResult b = duplicate_correlation(y0, l.x, nullptr, l.block, l.nb, 1);
  EXPECT_NEAR(b.consensus, 0.0, 0.08);
  // Same answer for 1 and 2 threads.
  const DupCorResult a1 = duplicate_correlation(y, l.x, nullptr, l.block, l.nb, 1);
  EXPECT_EQ(a1.consensus, a.consensus);
}

TEST(DupCor, BlockedLmFitEqualsDenseGls) {
  // lm_fit with block and correlation against beta = (X'V^-1X)^-1 X'V^-1 y with
  // V = W^-1/2 C W^-1/2, C the block correlation matrix.
  const Layout l = layout();
  const Eigen::Index n = l.x.rows();
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> uw(0.2, 3.0);
  Eigen::MatrixXd y(5, n), w(5, n);
  for (Eigen::Index g = 0; g < 5; ++g) {
    y.row(g) = simulate(l, 0.8, rng).transpose();
    for (Eigen::Index i = 0; i < n; ++i) w(g, i) = uw(rng);
  }
  LinearModel m;
  m.z = l.x;
  m.names = {"(Intercept)", "b", "c"};
  m.block = l.block;
  m.n_blocks = l.nb;
  m.correlation = 0.37;
  const LmFit fit = lm_fit(y, m, &w, 2);
  for (Eigen::Index g = 0; g < 5; ++g) {
    Eigen::MatrixXd c = Eigen::MatrixXd::Identity(n, n);
    for (Eigen::Index i = 0; i < n; ++i)
      for (Eigen::Index j = 0; j < n; ++j)
        if (i != j && l.block[static_cast<std::size_t>(i)] == l.block[static_cast<std::size_t>(j)]) c(i, j) = m.correlation;
    const Eigen::VectorXd ws = w.row(g).transpose().cwiseSqrt().cwiseInverse();
    const Eigen::MatrixXd v = ws.asDiagonal() * c * ws.asDiagonal();
    const Eigen::MatrixXd vi = v.inverse();
    const Eigen::MatrixXd cov = (l.x.transpose() * vi * l.x).inverse();
    const Eigen::VectorXd beta = cov * l.x.transpose() * vi * y.row(g).transpose();
    const Eigen::VectorXd res = y.row(g).transpose() - l.x * beta;
    const double s2 = res.dot(vi * res) / static_cast<double>(n - 3);
    for (int j = 0; j < 3; ++j) {
      EXPECT_NEAR(fit.coefficients(g, j), beta[j], 1e-10 * (1 + std::abs(beta[j])));
      EXPECT_NEAR(fit.stdev_unscaled(g, j), std::sqrt(cov(j, j)), 1e-10);
    }
    EXPECT_NEAR(fit.sigma[g], std::sqrt(s2), 1e-10);
    EXPECT_EQ(fit.df_residual[g], static_cast<double>(n - 3));
  }
}

}  // namespace
}  // namespace lscmir::stats
