// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/stats/rubin.hpp"

#include <cmath>

#include <gtest/gtest.h>

namespace lscmir::stats {
namespace {

// Reference values from R 4.2 with the published formulas (Rubin 1987; Barnard & Rubin 1999):
// q <- c(1, 1.2, 0.8); u <- c(.04, .05, .06); nu_com = 10.
TEST(RubinPool, MatchesTheFormulasInR) {
  const RubinPooled r = rubin_pool({1.0, 1.2, 0.8}, {0.04, 0.05, 0.06}, 10.0);
  EXPECT_NEAR(r.estimate, 1.0, 1e-15);
  EXPECT_NEAR(r.within, 0.05, 1e-15);
  EXPECT_NEAR(r.between, 0.04, 1e-15);
  EXPECT_NEAR(r.total, 0.103333333333333, 1e-13);
  EXPECT_NEAR(r.fmi, 0.516129032258064, 1e-13);
  EXPECT_NEAR(r.df, 2.64944868943646, 1e-12);
  EXPECT_NEAR(r.t, 3.11085508419128, 1e-12);
  EXPECT_NEAR(r.p, 0.0623452740523999, 1e-10);
  EXPECT_NEAR(r.ci_l, -0.104018004425901, 1e-9);
  EXPECT_NEAR(r.ci_r, 2.1040180044259, 1e-9);
}

TEST(RubinPool, NoBetweenVarianceGivesTheCompleteDataDfLimit) {
  const RubinPooled r = rubin_pool({0.5, 0.5, 0.5, 0.5}, {0.01, 0.01, 0.01, 0.01}, 20.0);
  EXPECT_DOUBLE_EQ(r.fmi, 0.0);
  EXPECT_NEAR(r.df, 21.0 / 23.0 * 20.0, 1e-12);  // nu_obs alone
  EXPECT_NEAR(r.se, 0.1, 1e-15);
}

TEST(RubinPool, NonFiniteOrTooFewGiveNaN) {
  EXPECT_TRUE(std::isnan(rubin_pool({1.0}, {0.1}, 5.0).estimate));
  EXPECT_TRUE(std::isnan(rubin_pool({1.0, NAN}, {0.1, 0.1}, 5.0).p));
}

}  // namespace
}  // namespace lscmir::stats
