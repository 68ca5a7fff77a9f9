// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/io/table.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include "lscmir/core/error.hpp"
#include "test_support.hpp"

namespace {

using lscmir::io::parse_table;
using lscmir::io::Table;
using lscmir::test::capture_input_error;
using lscmir::test::TempDir;
using Cells = std::vector<std::string>;

TEST(DelimiterForPath, CsvByNameElseTab) {
  EXPECT_EQ(lscmir::io::delimiter_for_path("a.csv"), ',');
  EXPECT_EQ(lscmir::io::delimiter_for_path("dir/A.CSV"), ',');
  EXPECT_EQ(lscmir::io::delimiter_for_path("a.csv.gz"), ',');
  EXPECT_EQ(lscmir::io::delimiter_for_path("a.tsv"), '\t');
  EXPECT_EQ(lscmir::io::delimiter_for_path("a.txt"), '\t');
  EXPECT_EQ(lscmir::io::delimiter_for_path("csv"), '\t');
  EXPECT_EQ(lscmir::io::delimiter_for_path("a.csv.bak"), '\t');
}

TEST(ParseTable, SimpleTsv) {
  const Table t = parse_table("sample\tpopulation\nS1\tHSC\nS2\tLSC\n", "s.tsv", '\t');
  EXPECT_EQ(t.path, "s.tsv");
  EXPECT_EQ(t.delimiter, '\t');
  EXPECT_EQ(t.header, (Cells{"sample", "population"}));
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0], (Cells{"S1", "HSC"}));
  EXPECT_EQ(t.rows[1], (Cells{"S2", "LSC"}));
  EXPECT_EQ(t.line_numbers, (std::vector<std::size_t>{2, 3}));
  EXPECT_EQ(t.find_column("population"), 1u);
  EXPECT_EQ(t.find_column("Population"), Table::npos);
  EXPECT_EQ(t.require_column("sample"), 0u);
}

TEST(ParseTable, BomCrlfCommentsBlankLinesAndNoFinalNewline) {
  const std::string text = "\xEF\xBB\xBF# made by hand\r\nsample\tpop\r\n\r\nS1\tA\r\n# mid comment\r\n\nS2\tB";
  const Table t = parse_table(text, "s.tsv", '\t');
  EXPECT_EQ(t.header, (Cells{"sample", "pop"}));
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0], (Cells{"S1", "A"}));
  EXPECT_EQ(t.rows[1], (Cells{"S2", "B"}));
  EXPECT_EQ(t.line_numbers, (std::vector<std::size_t>{4, 7}));
}

TEST(ParseTable, CommentsKeptAsDataWhenDisabled) {
  const Table t = parse_table("id\n#1\n", "x.tsv", '\t', /*allow_comments=*/false);
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(t.rows[0][0], "#1");
}

TEST(ParseTable, QuotedCsvFields) {
  const Table t = parse_table("id,desc\n\"a, b\",\"say \"\"hi\"\"\"\n\"\",x\n", "q.csv", ',');
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0], (Cells{"a, b", "say \"hi\""}));
  EXPECT_EQ(t.rows[1], (Cells{"", "x"}));
}

TEST(ParseTable, QuotedFieldSpanningLinesKeepsLineNumbers) {
  const Table t = parse_table("x,y\n\"line1\nline2\",z\r\nq,\"r\"\r\n", "m.csv", ',');
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0], (Cells{"line1\nline2", "z"}));
  EXPECT_EQ(t.rows[1], (Cells{"q", "r"}));
  EXPECT_EQ(t.line_numbers, (std::vector<std::size_t>{2, 4}));
}

TEST(ParseTable, QuoteInsideUnquotedFieldIsLiteral) {
  const Table t = parse_table("a,b\n5\"x,y\"\n", "l.csv", ',');
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(t.rows[0], (Cells{"5\"x", "y\""}));
}

TEST(ParseTable, EmptyCellsAreKept) {
  const Table t = parse_table("a\tb\tc\n\t\t\nx\t\tz\n", "e.tsv", '\t');
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0], (Cells{"", "", ""}));
  EXPECT_EQ(t.rows[1], (Cells{"x", "", "z"}));
}

TEST(ParseTable, HeaderOnlyGivesNoRows) {
  const Table t = parse_table("a\tb\n", "h.tsv", '\t');
  EXPECT_EQ(t.header.size(), 2u);
  EXPECT_TRUE(t.rows.empty());
}

TEST(ParseTableErrors, EmptyFile) {
  const auto e = capture_input_error([] { parse_table("", "empty.tsv", '\t'); });
  EXPECT_EQ(e.file(), "empty.tsv");
  EXPECT_EQ(e.line(), 0u);
  EXPECT_EQ(e.problem(), "empty file; expected a header line");
  EXPECT_STREQ(e.what(), "empty.tsv: empty file; expected a header line");
}

TEST(ParseTableErrors, BomOnlyIsEmpty) {
  const auto e = capture_input_error([] { parse_table("\xEF\xBB\xBF", "bom.tsv", '\t'); });
  EXPECT_EQ(e.problem(), "empty file; expected a header line");
}

TEST(ParseTableErrors, OnlyCommentsAndBlankLines) {
  const auto e = capture_input_error([] { parse_table("# nothing\n\n\r\n", "c.tsv", '\t'); });
  EXPECT_EQ(e.line(), 0u);
  EXPECT_EQ(e.problem(), "no header line; the file has only blank or comment lines");
}

TEST(ParseTableErrors, RaggedRowTooFew) {
  const auto e = capture_input_error([] { parse_table("a\tb\tc\n1\t2\t3\n1\t2\n", "r.tsv", '\t'); });
  EXPECT_EQ(e.file(), "r.tsv");
  EXPECT_EQ(e.line(), 3u);
  EXPECT_EQ(e.problem(), "expected 3 fields (as in the header), found 2");
  EXPECT_EQ(std::string(e.what()).rfind("r.tsv, line 3: expected 3 fields", 0), 0u) << e.what();
}

TEST(ParseTableErrors, RaggedRowTooManyAfterCommentLine) {
  const auto e = capture_input_error([] { parse_table("# c\na,b\n1,2,3\n", "r.csv", ','); });
  EXPECT_EQ(e.line(), 3u);
  EXPECT_EQ(e.problem(), "expected 2 fields (as in the header), found 3");
}

TEST(ParseTableErrors, TrailingDelimiterGetsAHint) {
  const auto e = capture_input_error([] { parse_table("a\tb\n1\t2\t\n", "t.tsv", '\t'); });
  EXPECT_EQ(e.line(), 2u);
  EXPECT_EQ(e.problem(), "expected 2 fields (as in the header), found 3");
  EXPECT_NE(e.hint().find("trailing tab"), std::string::npos) << e.hint();
}

TEST(ParseTableErrors, CommaSeparatedRowInTsvGetsAHint) {
  const auto e = capture_input_error([] { parse_table("a\tb\n1,2\n", "x.tsv", '\t'); });
  EXPECT_EQ(e.problem(), "expected 2 fields (as in the header), found 1");
  EXPECT_NE(e.hint().find(".csv"), std::string::npos) << e.hint();
}

TEST(ParseTableErrors, UnterminatedQuoteNamesTheOpeningLine) {
  const auto e = capture_input_error([] { parse_table("a,b\nx,y\nz,\"open\nmore,stuff\n", "u.csv", ','); });
  EXPECT_EQ(e.line(), 3u);
  EXPECT_EQ(e.problem(), "unterminated quoted field in column 2: the opening '\"' has no closing quote");
}

TEST(ParseTableErrors, TextAfterClosingQuote) {
  const auto e = capture_input_error([] { parse_table("a,b\n\"x\"y,z\n", "j.csv", ','); });
  EXPECT_EQ(e.line(), 2u);
  EXPECT_EQ(e.problem(), "unexpected character \"y\" after the closing quote of column 1; expected a comma or the end "
                         "of the line");
}

TEST(ParseTableErrors, DuplicateHeaderName) {
  const auto e = capture_input_error([] { parse_table("# x\na\tb\ta\n1\t2\t3\n", "d.tsv", '\t'); });
  EXPECT_EQ(e.line(), 2u);
  EXPECT_EQ(e.problem(), "duplicate column name \"a\" in the header (columns 1 and 3)");
}

TEST(ParseTableErrors, EmptyHeaderName) {
  const auto e = capture_input_error([] { parse_table("a\t\tc\n", "h.tsv", '\t'); });
  EXPECT_EQ(e.line(), 1u);
  EXPECT_EQ(e.problem(), "empty column name in column 2 of the header");
}

TEST(TableColumns, RequireColumnNamesFileAndColumns) {
  const Table t = parse_table("sample\tpatient\nS1\tP1\n", "s.tsv", '\t');
  const auto e = capture_input_error([&] { t.require_column("population"); });
  EXPECT_EQ(e.file(), "s.tsv");
  EXPECT_EQ(e.line(), 0u);
  EXPECT_EQ(e.problem(), "missing required column \"population\"; the header has \"sample\", \"patient\"");
}

TEST(TableColumns, RequireColumnHintsAtWrongDelimiter) {
  const Table t = parse_table("sample,population\nS1,HSC\n", "s.tsv", '\t');
  ASSERT_EQ(t.header.size(), 1u);
  const auto e = capture_input_error([&] { t.require_column("sample"); });
  EXPECT_NE(e.hint().find("comma-separated file needs a .csv file name"), std::string::npos) << e.hint();
}

TEST(ReadTable, ReadsFileAndChoosesDelimiterByName) {
  const TempDir dir;
  const std::string csv = dir.write("s.csv", "sample,population\nS1,\"H,SC\"\n");
  const Table t = lscmir::io::read_table(csv);
  EXPECT_EQ(t.path, csv);
  EXPECT_EQ(t.delimiter, ',');
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(t.rows[0], (Cells{"S1", "H,SC"}));

  lscmir::io::TableOptions semicolon;
  semicolon.delimiter = ';';
  const std::string other = dir.write("s.txt", "a;b\n1;2\n");
  EXPECT_EQ(lscmir::io::read_table(other, semicolon).rows[0], (Cells{"1", "2"}));
}

TEST(ReadTable, MissingFile) {
  const auto e = capture_input_error([] { lscmir::io::read_table("no/such/file.tsv"); });
  EXPECT_EQ(e.file(), "no/such/file.tsv");
  EXPECT_EQ(e.line(), 0u);
  EXPECT_EQ(e.problem(), "cannot open file: No such file or directory");
}

TEST(ReadTable, DirectoryIsAnError) {
  const TempDir dir;
  const auto e = capture_input_error([&] { lscmir::io::read_table(dir.path().string()); });
  EXPECT_EQ(e.problem(), "is a directory, expected a file");
}

std::string gzip_bytes(const std::string& text) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(text.size() + 128, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

TEST(ReadTable, GzipIsInflatedAndTheDelimiterComesFromTheInnerName) {
  const TempDir dir;
  const std::string text = "a,b\n1,\"x, y\"\n2,z\n";
  const auto t = lscmir::io::read_table(dir.write("s.csv.gz", gzip_bytes(text)));
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0][1], "x, y");
  EXPECT_EQ(t.line_numbers[1], 3u);
  // two members concatenated (as `cat a.gz b.gz`) read as one stream
  const auto two = lscmir::io::read_table(dir.write("two.tsv.gz", gzip_bytes("a\tb\n") + gzip_bytes("1\t2\n")));
  ASSERT_EQ(two.rows.size(), 1u);
  EXPECT_EQ(two.rows[0][1], "2");
}

TEST(ReadTable, TruncatedGzipIsAnError) {
  const TempDir dir;
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "gene" + std::to_string(i) + "\tmiR-" + std::to_string(i % 97) + "\n";
  const std::string gz = gzip_bytes("g\tm\n" + text);
  const auto e = capture_input_error([&] { lscmir::io::read_table(dir.write("cut.tsv.gz", gz.substr(0, gz.size() / 2))); });
  EXPECT_EQ(e.problem(), "truncated gzip stream: the file ends inside compressed data");
}

}  // namespace
