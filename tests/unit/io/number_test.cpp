// SPDX-License-Identifier: GPL-3.0-or-later
// io::parse_double / parse_finite / number_cell against format_double, and the matrix reader.
#include "lscmir/io/number.hpp"

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

#include <gtest/gtest.h>

#include "lscmir/io/matrix.hpp"
#include "lscmir/io/table.hpp"
#include "test_support.hpp"

namespace lscmir::io {
namespace {

void expect_round_trip(double x) {
  double back = 12345.0;
  const std::string s = format_double(x);
  ASSERT_TRUE(parse_double(s, back)) << s;
  if (x == 0) {
    EXPECT_EQ(back, 0.0) << s;
  } else {
    EXPECT_EQ(std::bit_cast<std::uint64_t>(back), std::bit_cast<std::uint64_t>(x)) << s;
  }
}

TEST(ParseDouble, RoundTripsFormatDoubleOverRandomBits) {
  std::mt19937_64 rng(20240611);
  int tested = 0;
  for (int i = 0; i < 200000; ++i) {
    const double x = std::bit_cast<double>(rng());
    if (std::isnan(x)) continue;
    expect_round_trip(x);
    ++tested;
  }
  EXPECT_GT(tested, 199000);
}

TEST(ParseDouble, RoundTripsEdgeValues) {
  const double lim[] = {std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::min(),
                        std::numeric_limits<double>::max(), std::numeric_limits<double>::epsilon(),
                        std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                        1e308, -1e308, 1e-308, 4.9406564584124654e-324, 2.2250738585072009e-308, 0.0, -0.0,
                        0.1, 1.0 / 3.0, 1e6, 1e21, 1e22, 123456789012345678.0};
  for (double x : lim) expect_round_trip(x);
  for (std::int64_t k = -100000; k <= 100000; k += 7) expect_round_trip(static_cast<double>(k));
  for (int e = -1074; e <= 1023; ++e) expect_round_trip(std::ldexp(1.0, e));  // every power of two, subnormals too
}

TEST(ParseDouble, AcceptsSignsExponentsAndInfinity) {
  double v = 0;
  ASSERT_TRUE(parse_double("+1.5", v));
  EXPECT_EQ(v, 1.5);
  ASSERT_TRUE(parse_double("-2e-3", v));
  EXPECT_EQ(v, -0.002);
  ASSERT_TRUE(parse_double("7.", v));
  EXPECT_EQ(v, 7.0);
  ASSERT_TRUE(parse_double(".5", v));
  EXPECT_EQ(v, 0.5);
  for (const char* inf : {"Inf", "inf", "+Inf", "infinity", "INF"}) {
    ASSERT_TRUE(parse_double(inf, v)) << inf;
    EXPECT_EQ(v, std::numeric_limits<double>::infinity()) << inf;
  }
  ASSERT_TRUE(parse_double("-Inf", v));
  EXPECT_EQ(v, -std::numeric_limits<double>::infinity());
  // Out of range: R reads these as Inf and 0, and so does parse_double.
  ASSERT_TRUE(parse_double("1e999", v));
  EXPECT_EQ(v, std::numeric_limits<double>::infinity());
  ASSERT_TRUE(parse_double("-1e999", v));
  EXPECT_EQ(v, -std::numeric_limits<double>::infinity());
  ASSERT_TRUE(parse_double("1e-999", v));
  EXPECT_EQ(v, 0.0);
}

TEST(ParseDouble, RejectsEverythingElse) {
  double v = 0;
  for (const char* bad : {"", "NA", "NaN", "nan", "-nan", "1.5x", " 1", "1 ", "++1", "+-1", "--1", "+", "-", ".", "e5",
                          "1e", "0x10", "1,5", "Inf1", "1e5.5", "\t2"})
    EXPECT_FALSE(parse_double(bad, v)) << '"' << bad << '"';
}

TEST(ParseFinite, RejectsInfinityAndOverflow) {
  double v = 0;
  EXPECT_TRUE(parse_finite("1e308", v));
  EXPECT_FALSE(parse_finite("Inf", v));
  EXPECT_FALSE(parse_finite("-inf", v));
  EXPECT_FALSE(parse_finite("1e309", v));
  EXPECT_FALSE(parse_finite("NA", v));
}

TEST(NumberCell, MissingIsNaNAndTextNamesFileLineAndColumn) {
  const Table t = parse_table("id\tx\na\t1.5\nb\tNA\nc\t\nd\tNaN\ne\t-Inf\nf\t1.5x\n", "t.tsv", '\t');
  EXPECT_EQ(number_cell(t, 0, 1), 1.5);
  EXPECT_TRUE(std::isnan(number_cell(t, 1, 1)));
  EXPECT_TRUE(std::isnan(number_cell(t, 2, 1)));
  EXPECT_TRUE(std::isnan(number_cell(t, 3, 1)));
  EXPECT_EQ(number_cell(t, 4, 1), -std::numeric_limits<double>::infinity());
  const auto e = test::capture_input_error([&] { number_cell(t, 5, 1); });
  EXPECT_EQ(e.file(), "t.tsv");
  EXPECT_EQ(e.line(), 7u);
  EXPECT_EQ(e.problem(), "expected a number in column \"x\", found \"1.5x\"");
  const auto id = test::capture_input_error([&] { number_cell(t, 0, 0); });
  EXPECT_EQ(id.problem(), "expected a number in column \"id\", found \"a\"");
}

TEST(NumericColumn, MissingLevelsAndFiniteNumbersOnly) {
  std::vector<double> v;
  ASSERT_TRUE(numeric_column({"1", "", "NA", "+2.5e1"}, v));
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[0], 1.0);
  EXPECT_TRUE(std::isnan(v[1]) && std::isnan(v[2]));
  EXPECT_EQ(v[3], 25.0);
  EXPECT_FALSE(numeric_column({"1", "NaN"}, v));  // NaN is text in a sheet column
  EXPECT_FALSE(numeric_column({"1", "Inf"}, v));
  EXPECT_FALSE(numeric_column({"1", "x"}, v));
  EXPECT_TRUE(numeric_column({}, v));
}

// The matrix reader's in-place parser is io's own fast path; it must give the same doubles.
TEST(ParseDouble, AgreesWithTheMatrixReader) {
  std::mt19937_64 rng(7);
  std::vector<std::string> cells;
  std::uniform_real_distribution<double> unit(-1, 1);
  std::uniform_int_distribution<int> exp10(-30, 30);
  for (int i = 0; i < 3000; ++i) {
    const double x = unit(rng) * std::pow(10.0, exp10(rng));
    cells.push_back(format_double(x));
  }
  for (const char* s : {"1", "0.1", "1e-300", "123456789.123456789", "2.5E3", "-0.000001", "+4", "0", "1e308", "7."})
    cells.emplace_back(s);
  std::string text = "feature\ts1\n";
  for (std::size_t i = 0; i < cells.size(); ++i) text += "f" + std::to_string(i) + "\t" + cells[i] + "\n";
  const test::TempDir dir;
  const auto m = read_matrix(dir.write("m.tsv", text), MatrixKind::kExpression, 1);
  ASSERT_EQ(static_cast<std::size_t>(m.values.rows()), cells.size());
  for (std::size_t i = 0; i < cells.size(); ++i) {
    double want = 0;
    ASSERT_TRUE(parse_double(cells[i], want)) << cells[i];
    EXPECT_EQ(std::bit_cast<std::uint64_t>(m.values(static_cast<Eigen::Index>(i), 0) + 0.0),
              std::bit_cast<std::uint64_t>(want + 0.0))
        << cells[i];
  }
}

}  // namespace
}  // namespace lscmir::io
