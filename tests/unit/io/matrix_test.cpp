// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/io/matrix.hpp"

#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <random>

#include "lscmir/core/error.hpp"
#include "lscmir/io/output.hpp"
#include "test_support.hpp"

namespace {

using lscmir::io::LabeledMatrix;
using lscmir::io::MatrixKind;
using lscmir::io::read_matrix;
using lscmir::test::capture_input_error;
using lscmir::test::TempDir;
using Names = std::vector<std::string>;

class MatrixTest : public ::testing::Test {
 protected:
  std::string file(const std::string& name, std::string_view content) { return dir_.write(name, content); }
  LabeledMatrix counts(std::string_view content, const std::string& name = "m.tsv") {
    return read_matrix(file(name, content), MatrixKind::kCounts);
  }
  LabeledMatrix expression(std::string_view content, const std::string& name = "m.tsv") {
    return read_matrix(file(name, content), MatrixKind::kExpression);
  }
  /// The error of reading `content` as `kind`; its file must be the path written.
  lscmir::core::InputError error(std::string_view content, MatrixKind kind = MatrixKind::kCounts,
                                 const std::string& name = "m.tsv") {
    const std::string path = file(name, content);
    auto e = capture_input_error([&] { read_matrix(path, kind); });
    EXPECT_EQ(e.file(), path);
    return e;
  }
  TempDir dir_;
};

TEST_F(MatrixTest, ReadsCountsColumnMajorWithChecksum) {
  const std::string text = "feature\tS1\tS2\nmiR-1\t1\t2\nmiR-2\t3\t4.5\n";
  const LabeledMatrix m = counts(text);
  EXPECT_EQ(m.path, (dir_.path() / "m.tsv").string());
  EXPECT_EQ(m.features, (Names{"miR-1", "miR-2"}));
  EXPECT_EQ(m.samples, (Names{"S1", "S2"}));
  ASSERT_EQ(m.values.rows(), 2);
  ASSERT_EQ(m.values.cols(), 2);
  EXPECT_EQ(m.values(0, 0), 1.0);
  EXPECT_EQ(m.values(0, 1), 2.0);
  EXPECT_EQ(m.values(1, 0), 3.0);
  EXPECT_EQ(m.values(1, 1), 4.5);
  EXPECT_EQ(m.values.data()[1], 3.0);  // column-major: (1, 0) follows (0, 0)
  EXPECT_EQ(m.bytes, text.size());
  EXPECT_EQ(m.sha256, "ddbbd875522d8d1b086df6ebd3403ab4d465c901007784ef24454cb3c9557362");
  // The checksum does not depend on the thread count.
  EXPECT_EQ(read_matrix(m.path, MatrixKind::kCounts, 1).sha256, m.sha256);
}

TEST_F(MatrixTest, NumberForms) {
  const LabeledMatrix m = counts(
      "id\ta\tb\tc\td\te\tf\tg\th\n"
      "x\t0\t12\t1.5\t1e3\t2.5E-2\t.5\t+7\t-0\n"
      "y\t 3 \t\"4\"\t1e-400\t0.000\t1.\t10E+2\t123456789012\t5\n");
  EXPECT_EQ(m.values(0, 0), 0.0);
  EXPECT_EQ(m.values(0, 1), 12.0);
  EXPECT_EQ(m.values(0, 2), 1.5);
  EXPECT_EQ(m.values(0, 3), 1000.0);
  EXPECT_EQ(m.values(0, 4), 0.025);
  EXPECT_EQ(m.values(0, 5), 0.5);
  EXPECT_EQ(m.values(0, 6), 7.0);
  EXPECT_EQ(m.values(0, 7), 0.0);
  EXPECT_FALSE(std::signbit(m.values(0, 7)));
  EXPECT_EQ(m.values(1, 0), 3.0);
  EXPECT_EQ(m.values(1, 1), 4.0);
  EXPECT_EQ(m.values(1, 2), 0.0);  // underflows to zero, not an error
  EXPECT_EQ(m.values(1, 3), 0.0);
  EXPECT_EQ(m.values(1, 4), 1.0);
  EXPECT_EQ(m.values(1, 5), 1000.0);
  EXPECT_EQ(m.values(1, 6), 123456789012.0);
  EXPECT_EQ(m.values(1, 7), 5.0);
}

TEST_F(MatrixTest, CsvWithQuotesBomCrlfCommentsAndNoFinalNewline) {
  const LabeledMatrix m = counts(
      "\xEF\xBB\xBF# exported from a spreadsheet\r\n\"\",\"S 1\",\"S,2\"\r\n\r\n\"miR-1, the first\",1,2\r\n"
      "# a comment\r\nmiR-2,3,4",
      "m.csv");
  EXPECT_EQ(m.samples, (Names{"S 1", "S,2"}));
  EXPECT_EQ(m.features, (Names{"miR-1, the first", "miR-2"}));
  EXPECT_EQ(m.values(1, 1), 4.0);
}

TEST_F(MatrixTest, ExpressionAllowsMissingAndNegative) {
  const LabeledMatrix m = expression("f\tA\tB\tC\tD\nm1\tNA\tNaN\t\t-2.5\nm2\t1\t-1e-3\tnan\t4\n");
  EXPECT_TRUE(std::isnan(m.values(0, 0)));
  EXPECT_TRUE(std::isnan(m.values(0, 1)));
  EXPECT_TRUE(std::isnan(m.values(0, 2)));
  EXPECT_EQ(m.values(0, 3), -2.5);
  EXPECT_EQ(m.values(1, 1), -0.001);
  EXPECT_TRUE(std::isnan(m.values(1, 2)));
  EXPECT_EQ(m.values(1, 3), 4.0);
}

TEST_F(MatrixTest, ExpressionWithMissingLastCell) {
  const LabeledMatrix m = expression("f\tA\tB\nm1\t1\t\n");
  EXPECT_EQ(m.values(0, 0), 1.0);
  EXPECT_TRUE(std::isnan(m.values(0, 1)));
}

TEST_F(MatrixTest, NonNumericCell) {
  const auto e = error("f\tS1\tS2\tS3\nm1\t1\t2\t3\nm2\t1\t2\tabc\n");
  EXPECT_EQ(e.line(), 3u);
  EXPECT_EQ(e.problem(), "expected a number in column \"S3\", found \"abc\"");
}

TEST_F(MatrixTest, TrailingGarbageAndHex) {
  EXPECT_EQ(error("f\tS1\nm1\t1e5x\n").problem(), "expected a number in column \"S1\", found \"1e5x\"");
  EXPECT_EQ(error("f\tS1\nm1\t0x10\n").problem(), "expected a number in column \"S1\", found \"0x10\"");
  EXPECT_EQ(error("f\tS1\nm1\t--1\n").problem(), "expected a number in column \"S1\", found \"--1\"");
}

TEST_F(MatrixTest, DecimalCommaGetsAHint) {
  const auto e = error("f\tS1\nm1\t1,5\n");
  EXPECT_EQ(e.problem(), "expected a number in column \"S1\", found \"1,5\"");
  EXPECT_EQ(e.hint(), "use '.' as the decimal separator");
}

TEST_F(MatrixTest, NegativeCount) {
  const auto e = error("f\tS1\tS2\nm1\t1\t2\nm2\t1\t2\nm3\t4\t-3\n");
  EXPECT_EQ(e.line(), 4u);
  EXPECT_EQ(e.problem(), "negative count -3 in column \"S2\"");
}

TEST_F(MatrixTest, NaInCounts) {
  const auto e = error("f\tS1\tS2\nm1\tNA\t2\n");
  EXPECT_EQ(e.line(), 2u);
  EXPECT_EQ(e.problem(), "missing value \"NA\" in column \"S1\"; a count matrix must not have missing values");
}

TEST_F(MatrixTest, EmptyCellInCounts) {
  const auto e = error("f\tS1\tS2\nm1\t1\t\n");
  EXPECT_EQ(e.line(), 2u);
  EXPECT_EQ(e.problem(), "empty cell in column \"S2\"; a count matrix must not have missing values");
}

TEST_F(MatrixTest, InfIsAnErrorForBothKinds) {
  auto e = error("f\tS1\tS2\nm1\t1\tInf\n");
  EXPECT_EQ(e.line(), 2u);
  EXPECT_EQ(e.problem(), "infinite value \"Inf\" in column \"S2\"; expected a finite number");
  e = error("f\tS1\tS2\nm1\t-inf\t1\n", MatrixKind::kExpression);
  EXPECT_EQ(e.problem(), "infinite value \"-inf\" in column \"S1\"; expected a finite number");
  e = error("f\tS1\nm1\t1e999\n", MatrixKind::kExpression);
  EXPECT_EQ(e.problem(), "infinite value \"1e999\" in column \"S1\"; expected a finite number");
}

TEST_F(MatrixTest, RaggedRows) {
  auto e = error("f\tS1\tS2\tS3\nm1\t1\t2\t3\nm2\t1\t2\n");
  EXPECT_EQ(e.line(), 3u);
  EXPECT_EQ(e.problem(), "expected 4 fields (as in the header), found 3");
  e = error("f\tS1\tS2\tS3\nm1\t1\t2\t3\t4\t5\n");
  EXPECT_EQ(e.line(), 2u);
  EXPECT_EQ(e.problem(), "expected 4 fields (as in the header), found 6");
  e = error("f\tS1\tS2\nm1\n");
  EXPECT_EQ(e.problem(), "expected 3 fields (as in the header), found 1");
}

TEST_F(MatrixTest, HeaderWithoutFeatureColumnNameGetsAnRHint) {
  const auto e = error("S1\tS2\nm1\t1\t2\nm2\t3\t4\n");
  EXPECT_EQ(e.line(), 2u);
  EXPECT_EQ(e.problem(), "expected 2 fields (as in the header), found 3");
  EXPECT_NE(e.hint().find("write.table"), std::string::npos) << e.hint();
}

TEST_F(MatrixTest, DuplicateFeatureNamesBothLines) {
  const auto e = error("f\tS1\nhsa-miR-21-5p\t1\nhsa-miR-1\t2\nhsa-miR-21-5p\t3\n");
  EXPECT_EQ(e.line(), 4u);
  EXPECT_EQ(e.problem(), "duplicate feature id \"hsa-miR-21-5p\" (first seen on line 2)");
}

TEST_F(MatrixTest, DuplicateSampleNamesBothColumns) {
  const auto e = error("f\tS1\tS2\tS1\nm1\t1\t2\t3\n");
  EXPECT_EQ(e.line(), 1u);
  EXPECT_EQ(e.problem(), "duplicate sample id \"S1\" in the header (columns 2 and 4)");
}

TEST_F(MatrixTest, EmptySampleNameAndTrailingTab) {
  auto e = error("f\tS1\t\tS3\nm1\t1\t2\t3\n");
  EXPECT_EQ(e.problem(), "empty sample id in column 3 of the header");
  e = error("f\tS1\tS2\t\nm1\t1\t2\n");
  EXPECT_EQ(e.problem(), "empty sample id in column 4 of the header");
  EXPECT_EQ(e.hint(), "is there a trailing tab?");
}

TEST_F(MatrixTest, EmptyFeatureId) {
  const auto e = error("f\tS1\nm1\t1\n\t2\n");
  EXPECT_EQ(e.line(), 3u);
  EXPECT_EQ(e.problem(), "empty feature id in column 1");
}

TEST_F(MatrixTest, HeaderWithOneColumnHintsAtDelimiter) {
  const auto e = error("f,S1,S2\nm1,1,2\n");
  EXPECT_EQ(e.line(), 1u);
  EXPECT_EQ(e.problem(), "the header has 1 column; expected a feature id column and at least one sample column");
  EXPECT_NE(e.hint().find(".csv"), std::string::npos);
}

TEST_F(MatrixTest, HeaderOnly) {
  const auto e = error("# comment\nf\tS1\tS2\n\n");
  EXPECT_EQ(e.line(), 2u);
  EXPECT_EQ(e.problem(), "the header is not followed by any data rows; expected one row per feature");
}

TEST_F(MatrixTest, EmptyFileAndCommentsOnly) {
  auto e = error("");
  EXPECT_EQ(e.line(), 0u);
  EXPECT_EQ(e.problem(), "empty file; expected a header line");
  e = error("# only\n\n");
  EXPECT_EQ(e.problem(), "no header line; the file has only blank or comment lines");
}

TEST_F(MatrixTest, UnterminatedQuoteInFeatureId) {
  const auto e = error("f,S1\nm1,1\n\"m2,2\n", MatrixKind::kCounts, "q.csv");
  EXPECT_EQ(e.line(), 3u);
  EXPECT_EQ(e.problem(), "unterminated quoted field in column 1: the opening '\"' has no closing quote");
}

TEST_F(MatrixTest, MissingAndGzippedFiles) {
  auto e = capture_input_error([] { read_matrix("does/not/exist.tsv", MatrixKind::kCounts); });
  EXPECT_EQ(e.file(), "does/not/exist.tsv");
  EXPECT_EQ(e.problem(), "cannot open file: No such file or directory");
  e = error(std::string("\x1f\x8b\x08\x00\x00", 5), MatrixKind::kCounts, "m.tsv.gz");
  EXPECT_EQ(e.problem(), "gzip-compressed matrices are not supported");
}

/// A matrix large enough for the parallel path, written with append_double.
struct BigMatrix {
  std::string text;
  Eigen::MatrixXd values;
};

BigMatrix make_big(std::size_t nf, std::size_t ns, bool counts, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unif(-6, 6);
  std::uniform_int_distribution<int> pick(0, 3);
  BigMatrix big;
  big.values.resize(static_cast<Eigen::Index>(nf), static_cast<Eigen::Index>(ns));
  big.text = "feature";
  for (std::size_t j = 0; j < ns; ++j) big.text += "\tS" + std::to_string(j + 1);
  big.text += '\n';
  for (std::size_t i = 0; i < nf; ++i) {
    big.text += "hsa-miR-" + std::to_string(i);
    for (std::size_t j = 0; j < ns; ++j) {
      double v;
      switch (pick(rng)) {
        case 0: v = std::floor(std::exp(std::abs(unif(rng)) * 2)); break;   // integer counts
        case 1: v = std::pow(10.0, unif(rng) * (counts ? 2 : 8)); break;     // exponent notation (counts <= 1e12)
        case 2: v = counts ? 0.0 : -std::exp(unif(rng)); break;
        default: v = std::abs(unif(rng)) / 3; break;                          // 17-digit decimals
      }
      big.values(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = v;
      big.text += '\t';
      lscmir::io::append_double(big.text, v);
    }
    big.text += i % 2 ? "\r\n" : "\n";
  }
  return big;
}

TEST_F(MatrixTest, LargeMatrixRoundTripsExactlyForAnyThreadCount) {
  const BigMatrix big = make_big(3000, 100, /*counts=*/false, 42);
  const std::string path = file("big.tsv", big.text);
  const LabeledMatrix one = read_matrix(path, MatrixKind::kExpression, 1);
  const LabeledMatrix four = read_matrix(path, MatrixKind::kExpression, 4);
  ASSERT_EQ(one.values.rows(), 3000);
  ASSERT_EQ(one.values.cols(), 100);
  EXPECT_TRUE(one.values == big.values) << "values differ after a text round trip";
  EXPECT_TRUE(four.values == big.values);
  EXPECT_EQ(one.features, four.features);
  EXPECT_EQ(one.features[2999], "hsa-miR-2999");
  EXPECT_EQ(one.samples.back(), "S100");
  EXPECT_EQ(one.sha256, four.sha256);
  EXPECT_EQ(one.bytes, big.text.size());
}

TEST_F(MatrixTest, ShortDecimalsMatchFromChars) {
  // Short decimals take a fast path (exact integer mantissa times an exact power of ten); it must
  // give the same double as std::from_chars, including halfway and 2^53-boundary cases.
  std::mt19937_64 rng(3);
  std::uniform_int_distribution<int> ndigits(1, 19), nexp(-25, 25), form(0, 3), digit(0, 9);
  std::vector<std::string> cells = {"9007199254740993", "9007199254740992", "9007199254740991.5", "0.1",
                                    "1e22",             "1e23",             "1.7976931348623157e308", "4.9e-324",
                                    "2.2250738585072014e-308", "1e-22", "123456789012345678.9", "0.30000000000000004"};
  while (cells.size() < 5000) {
    std::string c = form(rng) == 0 ? "-" : "";
    const int n = ndigits(rng);
    const int point = std::uniform_int_distribution<int>(0, n)(rng);
    for (int k = 0; k < n; ++k) {
      if (k == point && k > 0) c += '.';
      c += static_cast<char>('0' + digit(rng));
    }
    if (form(rng) >= 2) c += (form(rng) ? "e" : "E") + std::to_string(nexp(rng));
    cells.push_back(c);
  }
  std::string text = "f";
  for (std::size_t j = 0; j < cells.size(); ++j) text += "\tS" + std::to_string(j);
  text += "\nrow";
  for (const auto& c : cells) text += "\t" + c;
  text += '\n';
  const LabeledMatrix m = expression(text);
  for (std::size_t j = 0; j < cells.size(); ++j) {
    double expected = 0;
    std::from_chars(cells[j].data(), cells[j].data() + cells[j].size(), expected);
    EXPECT_EQ(m.values(0, static_cast<Eigen::Index>(j)), expected + 0.0) << cells[j];
  }
}

/// Replaces the n-th (0-based) data row of `text` by `row`.
std::string replace_row(const std::string& text, std::size_t n, const std::string& row) {
  std::size_t start = text.find('\n') + 1;
  for (std::size_t k = 0; k < n; ++k) start = text.find('\n', start) + 1;
  const std::size_t end = text.find('\n', start);
  return text.substr(0, start) + row + text.substr(end);
}

std::string row_with(std::size_t ns, const std::string& id, const std::string& bad_cell) {
  std::string r = id + "\t" + bad_cell;
  for (std::size_t j = 1; j < ns; ++j) r += "\t1";
  return r;
}

TEST_F(MatrixTest, ParallelParseReportsTheFirstErrorInFileOrder) {
  const BigMatrix big = make_big(3000, 100, /*counts=*/true, 7);
  std::string text = replace_row(big.text, 2500, row_with(100, "late", "abc"));
  text = replace_row(text, 600, row_with(100, "early", "-5"));
  const std::string path = file("bad.tsv", text);
  for (int threads : {1, 2, 4}) {
    const auto e = capture_input_error([&] { read_matrix(path, MatrixKind::kCounts, threads); });
    EXPECT_EQ(e.line(), 602u) << threads << " threads";  // header is line 1, row 0 is line 2
    EXPECT_EQ(e.problem(), "negative count -5 in column \"S1\"");
  }
}

TEST_F(MatrixTest, DuplicateBeforeParseErrorWinsAndViceVersa) {
  const BigMatrix big = make_big(3000, 100, /*counts=*/true, 9);
  // A duplicate id at line 1002 (row 1000) and a bad cell at line 2002.
  std::string text = replace_row(big.text, 1000, row_with(100, "hsa-miR-10", "1"));
  text = replace_row(text, 2000, row_with(100, "x", "oops"));
  auto e = capture_input_error([&] { read_matrix(file("a.tsv", text), MatrixKind::kCounts, 4); });
  EXPECT_EQ(e.line(), 1002u);
  EXPECT_EQ(e.problem(), "duplicate feature id \"hsa-miR-10\" (first seen on line 12)");
  // The bad cell before the duplicate is reported instead.
  text = replace_row(text, 500, row_with(100, "y", "oops"));
  e = capture_input_error([&] { read_matrix(file("b.tsv", text), MatrixKind::kCounts, 4); });
  EXPECT_EQ(e.line(), 502u);
  EXPECT_EQ(e.problem(), "expected a number in column \"S1\", found \"oops\"");
}

}  // namespace
