// SPDX-License-Identifier: GPL-3.0-or-later
// PCA of the most variable features: orthogonal scores, variance fractions, sign convention.
#include "lscmir/study/qc.hpp"

#include <cmath>
#include <numeric>
#include <random>

#include <gtest/gtest.h>

namespace lscmir::study {
namespace {

Eigen::MatrixXd expression(int features, int samples, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> z(0, 1);
  Eigen::MatrixXd y(features, samples);
  for (int g = 0; g < features; ++g)
    for (int j = 0; j < samples; ++j) y(g, j) = 6 + (j < samples / 2 ? 1.5 : -1.5) * (g % 3 == 0) + 0.5 * z(rng);
  return y;
}

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  return std::inner_product(a.begin(), a.end(), b.begin(), 0.0);
}

TEST(Pca, ScoresAreCentredOrthogonalAndExplainTheirVariance) {
  const Eigen::MatrixXd y = expression(800, 10, 1);
  const Pca p = pca_top_variable(y, 500);
  EXPECT_EQ(p.features_used, 500);
  ASSERT_EQ(p.pc1.size(), 10u);
  double s1 = 0, s2 = 0;
  for (std::size_t i = 0; i < 10; ++i) {
    s1 += p.pc1[i];
    s2 += p.pc2[i];
  }
  EXPECT_NEAR(s1, 0, 1e-9);
  EXPECT_NEAR(s2, 0, 1e-9);
  EXPECT_NEAR(dot(p.pc1, p.pc2), 0, 1e-8 * dot(p.pc1, p.pc1));
  EXPECT_GT(p.var1, p.var2);
  EXPECT_GT(p.var2, 0);
  EXPECT_LE(p.var1 + p.var2, 1 + 1e-12);
  // The first component separates the two halves of the samples.
  for (int i = 0; i < 5; ++i) EXPECT_LT(p.pc1[static_cast<std::size_t>(i)] * p.pc1[static_cast<std::size_t>(i + 5)], 0);
  // var1 is the share of the total sum of squares of the centred top features: the scores'
  // sum of squares over the total.
  std::vector<std::pair<double, int>> v;
  for (int g = 0; g < y.rows(); ++g) {
    const double m = y.row(g).mean();
    v.emplace_back((y.row(g).array() - m).square().sum(), g);
  }
  std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  double total = 0;
  for (int k = 0; k < 500; ++k) total += v[static_cast<std::size_t>(k)].first;
  EXPECT_NEAR(p.var1, dot(p.pc1, p.pc1) / total, 1e-10);
  EXPECT_NEAR(p.var2, dot(p.pc2, p.pc2) / total, 1e-10);
}

TEST(Pca, DeterministicAndSignFixedUnderNegatedData) {
  const Eigen::MatrixXd y = expression(300, 8, 2);
  const Pca a = pca_top_variable(y, 200);
  const Pca b = pca_top_variable(y, 200);
  EXPECT_EQ(a.pc1, b.pc1);
  EXPECT_EQ(a.pc2, b.pc2);
  // The sign rule is on the loadings (largest |loading| positive), not on the scores: negating
  // the data keeps the fixed loadings and so negates every score.
  const Pca n = pca_top_variable(-y, 200);
  for (std::size_t i = 0; i < 8; ++i) {
    EXPECT_NEAR(n.pc1[i], -a.pc1[i], 1e-9 * (1 + std::abs(a.pc1[i])));
    EXPECT_NEAR(n.pc2[i], -a.pc2[i], 1e-9 * (1 + std::abs(a.pc2[i])));
  }
  EXPECT_NEAR(n.var1, a.var1, 1e-12);
}

TEST(Pca, RowsWithNaOrNoVarianceAreSkippedAndTinyInputsGiveZeros) {
  Eigen::MatrixXd y = expression(50, 6, 3);
  y(0, 2) = NAN;
  y.row(1).setConstant(4.0);
  const Pca p = pca_top_variable(y, 500);
  EXPECT_EQ(p.features_used, 48);
  const Pca two = pca_top_variable(expression(50, 2, 4), 500);  // fewer than 3 samples
  EXPECT_EQ(two.features_used, 0);
  EXPECT_EQ(two.pc1, std::vector<double>(2, 0.0));
}

}  // namespace
}  // namespace lscmir::study
