// SPDX-License-Identifier: GPL-3.0-or-later
// topTable: ordering by P, adj.P.Val is BH, the CI uses the t quantile on the total df.
#include "lscmir/stats/top_table.hpp"

#include <algorithm>
#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include "lscmir/stats/design.hpp"
#include "lscmir/stats/distributions.hpp"
#include "lscmir/stats/p_adjust.hpp"

namespace lscmir::stats {
namespace {

struct Fitted {
  LmFit fit;
  EBayesFit eb;
};

Fitted simulate(unsigned seed) {
  const std::vector<Variable> vars = {Variable::factor("group", {"A", "A", "A", "A", "B", "B", "B", "B"})};
  const Formula f = parse_formula("~ group");
  const Design d = build_design(f, vars);
  const LinearModel m = make_linear_model(d, f, vars, "");
  std::mt19937 rng(seed);
  std::normal_distribution<double> z(0, 1);
  const int ng = 300;
  Eigen::MatrixXd y(ng, 8);
  for (int g = 0; g < ng; ++g) {
    const double effect = g < 30 ? 2.0 : 0.0;
    const double sd = 0.3 + 0.01 * (g % 50);
    for (int j = 0; j < 8; ++j) y(g, j) = 5 + sd * z(rng) + (j >= 4 ? effect : 0.0);
  }
  Fitted out;
  out.fit = lm_fit(y, m, nullptr, 1);
  out.eb = ebayes(out.fit, {});
  return out;
}

TEST(TopTable, OrderedByPAdjustedByBhCiFromTheTQuantile) {
  const Fitted s = simulate(3);
  const TopTable tt = top_table(s.fit, s.eb, 1);
  const std::size_t n = tt.p_value.size();
  ASSERT_EQ(n, 300u);
  ASSERT_EQ(tt.order.size(), n);
  std::vector<std::size_t> seen = tt.order;
  std::sort(seen.begin(), seen.end());
  for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(seen[i], i);  // a permutation
  for (std::size_t k = 1; k < n; ++k) EXPECT_LE(tt.p_value[tt.order[k - 1]], tt.p_value[tt.order[k]]);
  EXPECT_EQ(tt.adj_p_value, p_adjust_bh(tt.p_value));
  for (std::size_t i = 0; i < n; ++i) {
    EXPECT_GE(tt.adj_p_value[i], tt.p_value[i]);
    const auto g = static_cast<Eigen::Index>(i);
    EXPECT_EQ(tt.logfc[i], s.fit.coefficients(g, 1));
    EXPECT_EQ(tt.ave_expr[i], s.fit.amean[g]);
    EXPECT_EQ(tt.t[i], s.eb.t(g, 1));
    EXPECT_EQ(tt.b[i], s.eb.lods(g, 1));
    // Symmetric about logFC, half-width = qt(0.975, df_total) * SE, and SE = logFC / t.
    EXPECT_NEAR(0.5 * (tt.ci_l[i] + tt.ci_r[i]), tt.logfc[i], 1e-12);
    const double half = 0.5 * (tt.ci_r[i] - tt.ci_l[i]);
    const double se = tt.logfc[i] / tt.t[i];
    EXPECT_NEAR(half, qt_upper(0.025, s.eb.df_total[g]) * std::abs(se), 1e-9 * half);
    // The interval excludes 0 exactly when the two-sided P is below 0.05.
    if (std::abs(tt.p_value[i] - 0.05) > 1e-6) EXPECT_EQ(tt.ci_l[i] > 0 || tt.ci_r[i] < 0, tt.p_value[i] < 0.05) << i;
  }
  // The 30 true effects lead the table.
  int top_true = 0;
  for (std::size_t k = 0; k < 30; ++k) top_true += tt.order[k] < 30 ? 1 : 0;
  EXPECT_GE(top_true, 28);
}

TEST(TopTable, LevelWidensTheInterval) {
  const Fitted s = simulate(5);
  const TopTable t95 = top_table(s.fit, s.eb, 1);
  const TopTable t99 = top_table(s.fit, s.eb, 1, nullptr, 0.99);
  for (std::size_t i = 0; i < t95.logfc.size(); ++i) {
    EXPECT_LT(t99.ci_l[i], t95.ci_l[i]);
    EXPECT_GT(t99.ci_r[i], t95.ci_r[i]);
  }
  EXPECT_EQ(t95.p_value, t99.p_value);
}

}  // namespace
}  // namespace lscmir::stats
