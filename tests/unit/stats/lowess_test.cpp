// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/stats/lowess.hpp"

#include "../test_util.hpp"

namespace lscmir::stats {
namespace {

TEST(Lowess, MatchesRStatsLowess) {
  const auto params = test::golden("tests/reference/lowess/params.tsv");
  ASSERT_FALSE(params.rows.empty());
  for (const auto& row : params.rows) {
    const std::string file = row[params.require_column("file")];
    const double f = std::stod(row[params.require_column("f")]);
    const std::string base = file.substr(0, file.find('.'));
    const auto in = test::golden("tests/reference/lowess/" + base + ".input.tsv");
    const auto expected = test::golden("tests/reference/lowess/" + file);
    const auto res = lowess(test::column(in, "x"), test::column(in, "y"), f, 3);
    const auto ex = test::column(expected, "x");
    const auto ey = test::column(expected, "fitted");
    ASSERT_EQ(res.y.size(), ey.size()) << file;
    for (std::size_t i = 0; i < ey.size(); ++i) {
      EXPECT_EQ(res.x[i], ex[i]) << file << " row " << i;
      EXPECT_TRUE(test::near_rel(res.y[i], ey[i], 1e-10, 1e-13)) << file << " row " << i;
    }
  }
}

TEST(Lowess, ExactOnAStraightLine) {
  std::vector<double> x, y;
  for (int i = 0; i < 50; ++i) {
    x.push_back(i * 0.3);
    y.push_back(2.0 - 0.5 * i * 0.3);
  }
  const auto r = lowess(x, y, 0.5, 3);
  for (std::size_t i = 0; i < x.size(); ++i) EXPECT_NEAR(r.y[i], y[i], 1e-12);
}

TEST(LinearInterpolator, AveragesTiesAndClampsEnds) {
  const LinearInterpolator f({1.0, 2.0, 2.0, 4.0}, {1.0, 2.0, 4.0, 5.0});
  EXPECT_DOUBLE_EQ(f(0.0), 1.0);
  EXPECT_DOUBLE_EQ(f(2.0), 3.0);
  EXPECT_DOUBLE_EQ(f(3.0), 4.0);
  EXPECT_DOUBLE_EQ(f(9.0), 5.0);
}

}  // namespace
}  // namespace lscmir::stats
