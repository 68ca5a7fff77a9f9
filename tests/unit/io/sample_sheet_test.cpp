// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/io/sample_sheet.hpp"

#include <gtest/gtest.h>

#include "lscmir/core/error.hpp"
#include "test_support.hpp"

namespace {

using lscmir::io::LabeledMatrix;
using lscmir::io::match_samples;
using lscmir::io::read_sample_sheet;
using lscmir::io::SampleSheet;
using lscmir::test::capture_input_error;
using lscmir::test::TempDir;
using Names = std::vector<std::string>;

class SampleSheetTest : public ::testing::Test {
 protected:
  lscmir::core::InputError error(std::string_view content, const std::string& name = "s.tsv") {
    const std::string path = dir_.write(name, content);
    auto e = capture_input_error([&] { read_sample_sheet(path); });
    EXPECT_EQ(e.file(), path);
    return e;
  }
  TempDir dir_;
};

TEST_F(SampleSheetTest, ReadsColumnsCellsAndChecksum) {
  const std::string text = "sample\tpatient\tpopulation\tage\nS1\tP1\tHSC\t61\n# excluded: S0\nS2\tP1\tLSC\t61\n";
  const SampleSheet s = read_sample_sheet(dir_.write("s.tsv", text));
  EXPECT_EQ(s.columns, (Names{"sample", "patient", "population", "age"}));
  EXPECT_EQ(s.samples, (Names{"S1", "S2"}));
  EXPECT_EQ(s.line_numbers, (std::vector<std::size_t>{2, 4}));
  ASSERT_EQ(s.cells.size(), 4u);
  EXPECT_EQ(s.cells[1], (Names{"P1", "P1"}));
  EXPECT_EQ(s.column("population"), (Names{"HSC", "LSC"}));
  EXPECT_EQ(s.column("age"), (Names{"61", "61"}));
  EXPECT_TRUE(s.has_column("patient"));
  EXPECT_FALSE(s.has_column("batch"));
  EXPECT_EQ(s.bytes, text.size());
  EXPECT_EQ(s.sha256.size(), 64u);
  EXPECT_EQ(s.sha256, read_sample_sheet(dir_.write("copy.tsv", text)).sha256);
  EXPECT_NE(s.sha256, read_sample_sheet(dir_.write("other.tsv", text + "S3\tP2\tLPC\t50\n")).sha256);
}

TEST_F(SampleSheetTest, MissingColumnAccessNamesTheColumn) {
  const SampleSheet s = read_sample_sheet(dir_.write("s.tsv", "sample\tpopulation\nS1\tHSC\n"));
  const auto e = capture_input_error([&] { s.column("batch"); });
  EXPECT_EQ(e.file(), s.path);
  EXPECT_EQ(e.problem(), "the sample sheet has no column \"batch\"; its columns are \"sample\", \"population\"");
}

TEST_F(SampleSheetTest, CsvWithBomCrlfAndQuotes) {
  const SampleSheet s =
      read_sample_sheet(dir_.write("s.csv", "\xEF\xBB\xBFsample,population,note\r\nS1,HSC,\"CD34+, CD38-\"\r\nS2,LSC,x"));
  EXPECT_EQ(s.samples, (Names{"S1", "S2"}));
  EXPECT_EQ(s.column("note")[0], "CD34+, CD38-");
}

TEST_F(SampleSheetTest, MissingPopulationColumn) {
  const auto e = error("sample\tpatient\nS1\tP1\n");
  EXPECT_EQ(e.line(), 0u);
  EXPECT_EQ(e.problem(), "missing required column \"population\"; the header has \"sample\", \"patient\"");
}

TEST_F(SampleSheetTest, MissingSampleColumn) {
  const auto e = error("Sample\tpopulation\nS1\tHSC\n");
  EXPECT_EQ(e.problem(), "missing required column \"sample\"; the header has \"Sample\", \"population\"");
}

TEST_F(SampleSheetTest, DuplicateSampleNamesBothLines) {
  const auto e = error("sample\tpopulation\nS1\tHSC\nS2\tLSC\nS1\tLPC\n");
  EXPECT_EQ(e.line(), 4u);
  EXPECT_EQ(e.problem(), "duplicate sample id \"S1\" (first seen on line 2)");
}

TEST_F(SampleSheetTest, EmptySampleId) {
  const auto e = error("population\tsample\nHSC\tS1\nLSC\t\n");
  EXPECT_EQ(e.line(), 3u);
  EXPECT_EQ(e.problem(), "empty sample id in column \"sample\"");
}

TEST_F(SampleSheetTest, EmptyPopulation) {
  const auto e = error("sample\tpopulation\nS1\tHSC\nS2\t\n");
  EXPECT_EQ(e.line(), 3u);
  EXPECT_EQ(e.problem(), "empty population for sample \"S2\"");
}

TEST_F(SampleSheetTest, NoSamples) {
  const auto e = error("sample\tpopulation\n");
  EXPECT_EQ(e.problem(), "the sample sheet has a header but no samples; expected one row per sample");
}

TEST_F(SampleSheetTest, RaggedRowComesFromTheTableParser) {
  const auto e = error("sample\tpopulation\nS1\tHSC\textra\n");
  EXPECT_EQ(e.line(), 2u);
  EXPECT_EQ(e.problem(), "expected 2 fields (as in the header), found 3");
}

SampleSheet sheet_of(const Names& samples, const std::string& path = "samples.tsv") {
  SampleSheet s;
  s.path = path;
  s.columns = {"sample", "population"};
  s.samples = samples;
  for (std::size_t i = 0; i < samples.size(); ++i) s.line_numbers.push_back(i + 2);
  s.cells = {samples, Names(samples.size(), "HSC")};
  return s;
}

LabeledMatrix matrix_of(const Names& samples, const std::string& path = "counts.tsv") {
  LabeledMatrix m;
  m.path = path;
  m.samples = samples;
  m.features = {"m1"};
  m.values = Eigen::MatrixXd::Zero(1, static_cast<Eigen::Index>(samples.size()));
  return m;
}

TEST(MatchSamples, IndexOfEachSheetSampleInTheMatrix) {
  const auto idx = match_samples(sheet_of({"C", "A", "B"}), matrix_of({"A", "B", "C"}));
  EXPECT_EQ(idx, (std::vector<std::size_t>{2, 0, 1}));
}

TEST(MatchSamples, SheetSamplesMissingFromTheMatrix) {
  const auto e = capture_input_error(
      [] { match_samples(sheet_of({"A", "B", "X", "C", "Y"}), matrix_of({"A", "B", "C"})); });
  EXPECT_EQ(e.file(), "samples.tsv");
  EXPECT_EQ(e.line(), 4u);  // the line of "X", the first missing one
  EXPECT_EQ(e.problem(), "2 samples of the sample sheet are not columns of the matrix counts.tsv: \"X\", \"Y\"");
}

TEST(MatchSamples, ListsAtMostFiveNames) {
  const auto e = capture_input_error(
      [] { match_samples(sheet_of({"A", "n1", "n2", "n3", "n4", "n5", "n6", "n7"}), matrix_of({"A"})); });
  EXPECT_EQ(e.line(), 3u);
  EXPECT_EQ(e.problem(),
            "7 samples of the sample sheet are not columns of the matrix counts.tsv: \"n1\", \"n2\", \"n3\", \"n4\", "
            "\"n5\" and 2 more");
}

TEST(MatchSamples, MatrixColumnsMissingFromTheSheet) {
  const auto e = capture_input_error([] { match_samples(sheet_of({"A", "B"}), matrix_of({"A", "Z", "B"})); });
  EXPECT_EQ(e.file(), "counts.tsv");
  EXPECT_EQ(e.line(), 0u);
  EXPECT_EQ(e.problem(), "1 sample column is not in the sample sheet samples.tsv: \"Z\"");
  EXPECT_STREQ(e.what(),
               "counts.tsv: 1 sample column is not in the sample sheet samples.tsv: \"Z\" (possible solution: add the "
               "samples to the sheet, or remove their columns from the matrix)");
}

TEST(MatchSamples, BothDirectionsInOneMessage) {
  const auto e = capture_input_error([] { match_samples(sheet_of({"A", "b"}), matrix_of({"A", "B", "C"})); });
  EXPECT_EQ(e.file(), "samples.tsv");
  EXPECT_EQ(e.line(), 3u);
  EXPECT_EQ(e.problem(),
            "1 sample of the sample sheet is not a column of the matrix counts.tsv: \"b\"; and 2 columns of the "
            "matrix counts.tsv are not in the sample sheet samples.tsv: \"B\", \"C\"");
}

}  // namespace
