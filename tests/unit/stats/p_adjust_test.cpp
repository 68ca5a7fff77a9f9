// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/stats/p_adjust.hpp"

#include "../test_util.hpp"

namespace lscmir::stats {
namespace {

TEST(PAdjust, MatchesRGoldenWithNAAndTies) {
  for (const char* name : {"tests/reference/padjust/bh.tsv", "tests/reference/padjust/bh_all_tied.tsv"}) {
    const auto t = test::golden(name);
    const auto p = test::column(t, "p");
    const auto expected = test::column(t, "adj");
    const auto got = p_adjust_bh(p);
    ASSERT_EQ(got.size(), expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) EXPECT_TRUE(test::near_rel(got[i], expected[i], 1e-12)) << name << " row " << i;
  }
}

TEST(PAdjust, MonotoneInP) {
  const std::vector<double> p = {0.5, 0.001, 0.02, 0.02, 0.9, 0.0001};
  const auto a = p_adjust_bh(p);
  for (std::size_t i = 0; i < p.size(); ++i)
    for (std::size_t j = 0; j < p.size(); ++j)
      if (p[i] < p[j]) {
        EXPECT_LE(a[i], a[j]);
      }
  for (std::size_t i = 0; i < p.size(); ++i) EXPECT_GE(a[i], p[i]);
}

}  // namespace
}  // namespace lscmir::stats
