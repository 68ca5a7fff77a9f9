// SPDX-License-Identifier: GPL-3.0-or-later
// Pieces of the edgeR QL pipeline (stats/ql.hpp) with closed-form answers; the whole pipeline is
// checked against edgeR in tests/reference/de/ql_* (de_golden_test).
#include "lscmir/stats/ql.hpp"

#include <cmath>

#include <gtest/gtest.h>

namespace lscmir::stats {
namespace {

TEST(MaximizeInterpolant, FindsTheVertexOfACubicBetweenGridPoints) {
  // The FMM spline reproduces a cubic exactly, so the maximum is the cubic's.
  Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(21, -10, 10);
  Eigen::MatrixXd y(2, 21);
  for (int i = 0; i < 21; ++i) {
    y(0, i) = -(x[i] - 0.3) * (x[i] - 0.3);
    y(1, i) = -std::pow(x[i] - 2.7, 2) + 0.001 * std::pow(x[i], 3);
  }
  const Eigen::VectorXd m = maximize_interpolant(x, y);
  EXPECT_NEAR(m[0], 0.3, 1e-12);
  // d/dx: -2 (x - 2.7) + 0.003 x^2 = 0, the root near 2.7.
  const double root = (2.0 - std::sqrt(4.0 - 4.0 * 0.003 * 5.4)) / (2.0 * 0.003);
  EXPECT_NEAR(m[1], root, 1e-10);
}

TEST(NbDeviance, IsEdgeRsInEachOfItsRegimes) {
  // edgeR 3.40.2: nbinomDeviance(matrix(c(0,5,1e6,3),1), matrix(c(1,4,2e6,1e9),1), phi). phi = 0 and
  // 5e-5 take the second-order expansion about the Poisson deviance (at 5e-5 it is far below zero
  // for a count of a million: where edgeR's fits at estimateDisp's smallest grid dispersion stop),
  // 0.3 sends mu = 1e9 to the gamma limit (mu phi > 1e6), 0.01 is the exact NB deviance there.
  Eigen::VectorXd y(4), mu(4);
  y << 0, 5, 1e6, 3;
  mu << 1, 4, 2e6, 1e9;
  const double want[4][2] = {{0, 2000613584.1223936}, {5e-5, -49988049086435.883}, {0.3, 127.30197571473067}, {0.01, 3765.7691899761671}};
  for (const auto& [phi, dev] : want) EXPECT_NEAR(nb_deviance(y, mu, phi), dev, 1e-13 * std::abs(dev)) << "phi " << phi;
}

TEST(LocfitByCol, KeepsConstantsAndStaysWithinTheData) {
  Eigen::VectorXd x(60);
  Eigen::MatrixXd y(60, 2);
  for (int i = 0; i < 60; ++i) {
    x[i] = std::sin(i * 1.3) * 5;
    y(i, 0) = 7.5;
    y(i, 1) = x[i] > 0 ? 1.0 : 0.0;
  }
  const Eigen::MatrixXd s = locfit_by_col(y, x, 0.5);
  for (int i = 0; i < 60; ++i) {
    EXPECT_NEAR(s(i, 0), 7.5, 1e-12);
    EXPECT_GE(s(i, 1), -1e-12);
    EXPECT_LE(s(i, 1), 1 + 1e-12);
  }
  // The step is smoothed: the lowest x gets less than the highest.
  Eigen::Index lo = 0, hi = 0;
  x.minCoeff(&lo);
  x.maxCoeff(&hi);
  EXPECT_LT(s(lo, 1), s(hi, 1));
}

TEST(NbGlmFit, InterceptOnlyPoissonIsTheRateMle) {
  Eigen::MatrixXd y(1, 4);
  y << 3, 10, 0, 7;
  Eigen::VectorXd off(4);
  off << std::log(1.0), std::log(2.0), std::log(0.5), std::log(1.5);
  const NbGlmFit f = nb_glm_fit(y, Eigen::MatrixXd::Ones(4, 1), off, Eigen::VectorXd::Zero(1), 1);
  EXPECT_NEAR(f.beta(0, 0), std::log(20.0 / 5.0), 1e-6);
  // Two groups, NB: the fitted means are the group rates times the library sizes.
  Eigen::MatrixXd x(4, 2);
  x << 1, 0, 1, 0, 1, 1, 1, 1;
  const NbGlmFit g = nb_glm_fit(y, x, Eigen::VectorXd::Zero(4), Eigen::VectorXd::Constant(1, 0.1), 1);
  EXPECT_NEAR(g.mu(0, 0), 6.5, 1e-4);
  EXPECT_NEAR(g.mu(0, 2), 3.5, 1e-4);
  EXPECT_NEAR(g.deviance[0], nb_deviance(y.row(0).transpose(), g.mu.row(0).transpose(), 0.1), 1e-12);
}

/// A paired design ~ patient + population, 12 patients x 2 samples: the patient dummies have
/// disjoint supports, so the fits take the arrow (Schur complement) path. The same model with the
/// patients coded to sum to zero (every patient column shares the last patient's samples) takes the
/// dense path. Both must reach the NB score equations X' (y - mu) / (1 + phi mu) = 0 and the same
/// fitted means.
TEST(NbGlmFit, ArrowAndDenseSolvesReachTheSameFit) {
  const int patients = 12, n = 2 * patients;
  Eigen::MatrixXd treatment = Eigen::MatrixXd::Zero(n, patients + 1), sum_zero = Eigen::MatrixXd::Zero(n, patients + 1);
  for (int j = 0; j < n; ++j) {
    const int pt = j / 2;
    treatment(j, 0) = sum_zero(j, 0) = 1.0;
    if (pt > 0) treatment(j, pt) = 1.0;
    if (pt < patients - 1) sum_zero(j, pt + 1) = 1.0;
    else for (int c = 1; c < patients; ++c) sum_zero(j, c) = -1.0;
    treatment(j, patients) = sum_zero(j, patients) = j % 2;
  }
  const int g = 20;
  Eigen::MatrixXd y(g, n);
  unsigned state = 12345;
  for (int i = 0; i < g; ++i)
    for (int j = 0; j < n; ++j) {
      state = state * 1103515245u + 12345u;
      y(i, j) = static_cast<double>((state >> 16) % (5 + 20 * (i % 4))) + (j % 2 == 0 ? 3.0 : 0.0);
    }
  y(0, 4) = y(0, 5) = 0;  // a patient with no counts for feature 0: its coefficient runs off
  Eigen::VectorXd off(n);
  for (int j = 0; j < n; ++j) off[j] = std::log(0.5 + 0.1 * j);
  const Eigen::VectorXd phi = Eigen::VectorXd::Constant(g, 0.1);
  const NbGlmFit a = nb_glm_fit(y, treatment, off, phi, 2);
  const NbGlmFit d = nb_glm_fit(y, sum_zero, off, phi, 1);
  for (int i = 0; i < g; ++i) {
    for (int j = 0; j < n; ++j) EXPECT_NEAR(a.mu(i, j), d.mu(i, j), 1e-5 * (1.0 + d.mu(i, j))) << i << "," << j;
    EXPECT_NEAR(a.deviance[i], d.deviance[i], 1e-6 * (1.0 + d.deviance[i])) << i;
    const Eigen::VectorXd r = ((y.row(i) - a.mu.row(i)).array() / (1.0 + 0.1 * a.mu.row(i).array())).transpose().matrix();
    const Eigen::VectorXd score = treatment.transpose() * r;
    // Stopped when score x step < 1e-6 (edgeR's rule): the score is ~ sqrt(1e-6 x information).
    EXPECT_LT(score.cwiseAbs().maxCoeff(), 1e-2) << i << ": " << score.transpose();
  }
}

}  // namespace
}  // namespace lscmir::stats
