// SPDX-License-Identifier: GPL-3.0-or-later
// io::ResultTable: the bytes of to_tsv, typed columns, and reading a table back (from_table).
#include "lscmir/io/result_table.hpp"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "lscmir/core/error.hpp"
#include "lscmir/io/table.hpp"

namespace lscmir::io {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

TEST(ResultTable, ToTsvBytes) {
  ResultTable t;
  t.add_text("feature", {"miR-1", "miR-2", "miR-3"})
      .add_real("logFC", {1.5, -0.25, kNaN})
      .add_real("P.Value", {1e-7, 0.0, std::numeric_limits<double>::infinity()})
      .add_integer("n", {0, -3, 1000000});
  EXPECT_EQ(t.rows(), 3u);
  EXPECT_EQ(to_tsv(t),
            "feature\tlogFC\tP.Value\tn\n"
            "miR-1\t1.5\t1e-07\t0\n"
            "miR-2\t-0.25\t0\t-3\n"
            "miR-3\tNA\tInf\t1000000\n");
  EXPECT_EQ(t.cell_text(2, 3), "1000000");
  EXPECT_EQ(t.cell_text(2, 1), "NA");
  EXPECT_EQ(t.cell_number(2, 3), 1e6);
  EXPECT_TRUE(std::isnan(t.cell_number(0, 0)));
}

TEST(ResultTable, IntegerAndRealFormattingDiffer) {
  // The reason add_integer exists: a count of a million is "1000000", format_double writes "1e+06".
  ResultTable t;
  t.add_integer("as_integer", {1000000, 123456789012}).add_real("as_real", {1e6, 123456789012.0});
  EXPECT_EQ(to_tsv(t), "as_integer\tas_real\n1000000\t1e+06\n123456789012\t123456789012\n");
}

TEST(ResultTable, HeaderOnlyAndEmptyTable) {
  ResultTable t;
  EXPECT_EQ(to_tsv(t), "\n");
  t.add_text("a", {}).add_real("b", {});
  EXPECT_EQ(to_tsv(t), "a\tb\n");
}

TEST(ResultTable, LengthMismatchIsAnInternalErrorARepeatedNameIsData) {
  ResultTable t;
  t.add_text("a", {"x", "y"});
  EXPECT_THROW(t.add_real("b", {1.0}), core::InternalError);
  EXPECT_THROW(t.add_integer("c", {1, 2, 3}), core::InternalError);
  EXPECT_EQ(t.columns.size(), 1u);
  // a sample called "feature" beside the feature column round-trips
  t.add_text("a", {"z", "w"});
  EXPECT_EQ(to_tsv(t), "a\ta\nx\tz\ny\tw\n");
  EXPECT_EQ(t.find("a"), &t.columns[0]);
}

TEST(ResultTable, FindAndRequire) {
  ResultTable t;
  t.add_real("x", {1.0});
  EXPECT_NE(t.find("x"), nullptr);
  EXPECT_EQ(t.find("y"), nullptr);
  EXPECT_THROW(t.require("y", "in.tsv"), core::InputError);
}

TEST(ResultTable, FromTableInfersRealAndTextColumns) {
  const Table in = parse_table("feature\tlogFC\tP\tlabel\tempty\nmiR-1\t1.5\tNA\t1\t\nmiR-2\t-Inf\t1e-300\tx\tNaN\n", "r.tsv", '\t');
  const ResultTable t = from_table(in);
  ASSERT_EQ(t.columns.size(), 5u);
  EXPECT_EQ(t.columns[0].kind, ResultTable::Kind::kText);
  EXPECT_EQ(t.columns[1].kind, ResultTable::Kind::kReal);
  EXPECT_EQ(t.columns[2].kind, ResultTable::Kind::kReal);
  EXPECT_EQ(t.columns[3].kind, ResultTable::Kind::kText);  // one text cell makes the column text
  EXPECT_EQ(t.columns[4].kind, ResultTable::Kind::kReal);  // all missing reads as numbers
  EXPECT_EQ(t.columns[1].real[1], -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(t.columns[2].real[0]));
  EXPECT_EQ(t.columns[3].text[0], "1");
  // Written back: the same bytes as read (numbers in their shortest form already).
  EXPECT_EQ(to_tsv(t), "feature\tlogFC\tP\tlabel\tempty\nmiR-1\t1.5\tNA\t1\tNA\nmiR-2\t-Inf\t1e-300\tx\tNA\n");
}

// Issue 17: names are data. An id starting with '"' or holding a TAB or a line break is quoted on
// output, so lscmir reads its own tables back to the same bytes.
TEST(ResultTable, AwkwardIdsRoundTripThroughTheReader) {
  const std::vector<std::string> ids = {"\"quoted", "a\tb", "two\nlines", "cr\r", "in\"side", "plain", "", "\xce\xb1\xff"};
  ResultTable t;
  t.add_text("feature", ids).add_real("x", std::vector<double>(ids.size(), 1.0));
  t.add_real("tab\tname", std::vector<double>(ids.size(), 2.0));
  const std::string text = to_tsv(t);
  const Table back = parse_table(text, "back.tsv", '\t');
  ASSERT_EQ(back.header.size(), 3u);
  EXPECT_EQ(back.header[2], "tab\tname");
  ASSERT_EQ(back.rows.size(), ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(back.rows[i][0], ids[i]) << i;
  EXPECT_EQ(to_tsv(from_table(back)), text);
  // Ordinary ids are written verbatim.
  EXPECT_NE(text.find("\nplain\t1\t2\n"), std::string::npos);
}

}  // namespace
}  // namespace lscmir::io
