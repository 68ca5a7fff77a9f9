// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/stats/distributions.hpp"

#include <cmath>

#include <gtest/gtest.h>

namespace lscmir::stats {
namespace {

TEST(Distributions, StudentTUpperTailKnownValues) {
  // R: pt(2, 5, lower.tail = FALSE) and qt(0.025, 10, lower.tail = FALSE)
  EXPECT_NEAR(pt_upper(2.0, 5.0), 0.05096973941492914, 1e-15);
  EXPECT_NEAR(qt_upper(0.025, 10.0), 2.2281388519862744, 1e-13);
  EXPECT_NEAR(pt_upper(1.0, INFINITY), 0.15865525393145705, 1e-15);
}

TEST(Distributions, LogTailStaysAccurateWherePUnderflows) {
  // Continuity between the direct and the series branch, and a known far-tail value:
  const double direct = log_pt_upper(1e6, 4.0);
  EXPECT_NEAR(direct, std::log(pt_upper(1e6, 4.0)), 1e-10);
  const double far = log_pt_upper(1e80, 4.0);
  EXPECT_TRUE(std::isfinite(far));
  EXPECT_LT(far, -700);
  // Inverse on the log scale round-trips.
  EXPECT_NEAR(qt_upper_log(far, 4.0) / 1e80, 1.0, 1e-9);
  EXPECT_NEAR(qt_upper_log(std::log(0.01), 7.0), qt_upper(0.01, 7.0), 1e-12);
}

TEST(Distributions, TrigammaInverseInvertsTrigamma) {
  for (double y : {0.01, 0.5, 1.0, 3.0, 50.0, 1e4}) EXPECT_NEAR(trigamma_inverse(trigamma(y)) / y, 1.0, 1e-7) << y;
}

TEST(Distributions, FTailsAreComplementary) {
  for (double f : {0.1, 1.0, 3.0}) {
    const double up = std::exp(log_pf_upper(f, 3.0, 12.0));
    const double lo = std::exp(log_pf_lower(f, 3.0, 12.0));
    EXPECT_NEAR(up + lo, 1.0, 1e-13);
    EXPECT_NEAR(qf_upper_log(std::log(up), 3.0, 12.0), f, 1e-9 * f);
  }
  // Infinite denominator df: chi-square(df1) / df1.
  EXPECT_NEAR(std::exp(log_pf_upper(2.0, 4.0, INFINITY)), pchisq_upper(8.0, 4.0), 1e-14);
}

}  // namespace
}  // namespace lscmir::stats
