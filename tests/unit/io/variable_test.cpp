// SPDX-License-Identifier: GPL-3.0-or-later
// Text cells -> design variables (io::variable_from_cells).
#include "lscmir/io/variable.hpp"

#include <cmath>

#include <gtest/gtest.h>

namespace lscmir::io {
namespace {

TEST(Variable, NumericDetectionAndMissingFactorCells) {
  std::size_t missing = 0;
  const auto age = variable_from_cells("age", {"61", "NA", "7.5e1"}, false, missing);
  EXPECT_FALSE(age.is_factor);
  EXPECT_TRUE(std::isnan(age.values[1]));
  EXPECT_EQ(missing, static_cast<std::size_t>(-1));
  const auto lab = variable_from_cells("patient", {"12", "", "13"}, true, missing);
  EXPECT_TRUE(lab.is_factor);
  EXPECT_EQ(missing, 1u);
}

TEST(Variable, NumbersAreReadByTheOneParser) {
  std::size_t missing = 0;
  const auto v = variable_from_cells("x", {"+1.5", "-2", "1e3", ""}, false, missing);
  ASSERT_FALSE(v.is_factor);
  EXPECT_EQ(v.values[0], 1.5);
  EXPECT_EQ(v.values[1], -2.0);
  EXPECT_EQ(v.values[2], 1000.0);
  EXPECT_TRUE(std::isnan(v.values[3]));
  // Anything that is not a finite number makes a factor: Inf, a unit, blanks, "NaN" (text here).
  for (const char* bad : {"Inf", "3kg", " 3", "NaN", "++1", "+-1"}) {
    const auto f = variable_from_cells("x", {"1", bad}, false, missing);
    EXPECT_TRUE(f.is_factor) << bad;
    EXPECT_EQ(missing, static_cast<std::size_t>(-1)) << bad;
    ASSERT_EQ(f.levels.size(), 2u) << bad;
  }
  const auto g = variable_from_cells("group", {"b", "a", "NA", "b"}, false, missing);
  EXPECT_TRUE(g.is_factor);
  EXPECT_EQ(missing, 2u);
  EXPECT_EQ(g.levels, (std::vector<std::string>{"NA", "a", "b"}));  // byte order, as R's C locale
  EXPECT_EQ(g.codes, (std::vector<int>{2, 1, 0, 2}));
}

}  // namespace
}  // namespace lscmir::io
