// SPDX-License-Identifier: GPL-3.0-or-later
// io::parse_fasta / read_fasta: layout, line numbers, the errors, gzip.
#include "lscmir/io/fasta.hpp"


#include <gtest/gtest.h>

#include "../gzip_util.hpp"

#include "test_support.hpp"

namespace lscmir::io {
namespace {

std::string gz(const std::string& text) { return test::gzip_text(text); }

TEST(Fasta, RecordsNamesDescriptionsAndJoinedSequences) {
  const auto r = parse_fasta("\xEF\xBB\xBF>hsa-let-7a-1 MI0000060 Homo sapiens let-7a-1 stem-loop\r\nUGGGAUGAGG\r\n  UAGUAGGUUG \r\n\r\n"
                             ">  b\tdesc with\ttab\nACGT\n>empty\n>last\nAC",
                             "x.fa");
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].name, "hsa-let-7a-1");
  EXPECT_EQ(r[0].description, "MI0000060 Homo sapiens let-7a-1 stem-loop");
  EXPECT_EQ(r[0].sequence, "UGGGAUGAGGUAGUAGGUUG");
  EXPECT_EQ(r[0].line, 1u);
  EXPECT_EQ(r[1].name, "b");  // leading blanks after '>' are dropped
  EXPECT_EQ(r[1].description, "desc with\ttab");
  EXPECT_EQ(r[1].line, 5u);
  EXPECT_EQ(r[2].sequence, "");
  EXPECT_EQ(r[3].sequence, "AC");  // last line without a newline
  EXPECT_EQ(r[3].line, 8u);
}

TEST(Fasta, LineOfMapsSequenceOffsetsToFileLines) {
  const auto r = parse_fasta(">a\nAAAA\n\nCCC\nGG\n", "x.fa");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].line_of(0), 2u);
  EXPECT_EQ(r[0].line_of(3), 2u);
  EXPECT_EQ(r[0].line_of(4), 4u);
  EXPECT_EQ(r[0].line_of(6), 4u);
  EXPECT_EQ(r[0].line_of(7), 5u);
  EXPECT_EQ(r[0].line_of(8), 5u);
  const auto none = parse_fasta(">h\n", "x.fa");
  EXPECT_EQ(none[0].line_of(0), 1u);
}

TEST(Fasta, ErrorsNameTheFileAndLine) {
  auto e = test::capture_input_error([] { parse_fasta("\nACGU\n>x\nACGU\n", "s.fa"); });
  EXPECT_EQ(e.file(), "s.fa");
  EXPECT_EQ(e.line(), 2u);
  EXPECT_EQ(e.problem().rfind("expected a FASTA header line starting with '>'", 0), 0u) << e.problem();
  e = test::capture_input_error([] { parse_fasta(">a\nAC\n> \nAC\n", "s.fa"); });
  EXPECT_EQ(e.line(), 3u);
  EXPECT_EQ(e.problem(), "FASTA header without a name");
  e = test::capture_input_error([] { parse_fasta("\n  \n", "s.fa"); });
  EXPECT_EQ(e.line(), 0u);
  EXPECT_EQ(e.problem(), "no FASTA records ('>name' lines) found");
  e = test::capture_input_error([] { parse_fasta("", "s.fa"); });
  EXPECT_EQ(e.problem(), "no FASTA records ('>name' lines) found");
}

TEST(Fasta, UniqueNamesOnRequestWithTheCallersNoun) {
  const std::string text = ">a\nAC\n>b\nAC\n>a x\nGG\n";
  EXPECT_EQ(parse_fasta(text, "d.fa").size(), 3u);  // repeats are allowed by default
  FastaOptions o;
  o.unique_names = true;
  o.noun = "miRNA";
  const auto e = test::capture_input_error([&] { parse_fasta(text, "d.fa", o); });
  EXPECT_EQ(e.line(), 5u);
  EXPECT_EQ(e.problem(), "duplicate miRNA \"a\" (first on line 1)");
}

TEST(Fasta, ReadsPlainAndGzipFilesAlike) {
  const test::TempDir dir;
  const std::string text = ">m1 MIMAT1\nUGAGGUAGUAGGUUGUAUAGUU\n>m2\nACGU\nACGU\n";
  const auto plain = read_fasta(dir.write("m.fa", text));
  const auto zipped = read_fasta(dir.write("m.fa.gz", gz(text)));
  ASSERT_EQ(plain.size(), 2u);
  ASSERT_EQ(zipped.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(plain[i].name, zipped[i].name);
    EXPECT_EQ(plain[i].sequence, zipped[i].sequence);
    EXPECT_EQ(plain[i].line, zipped[i].line);
  }
  EXPECT_EQ(zipped[1].sequence, "ACGUACGU");
  const auto e = test::capture_input_error([&] { read_fasta((dir.path() / "none.fa").string()); });
  EXPECT_EQ(e.problem(), "cannot open file: No such file or directory");
}

}  // namespace
}  // namespace lscmir::io
