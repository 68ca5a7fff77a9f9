// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/quant/adapter.hpp"

#include <gtest/gtest.h>

#include "lscmir/core/error.hpp"

namespace lscmir::quant {
namespace {

const std::string kTruSeq = "TGGAATTCTCGGGTGCCAAGG";
const std::string kLet7a = "TGAGGTAGTAGGTTGTATAGTT";

TEST(AdapterFinder, FullAdapterAfterInsert) {
  const AdapterFinder f(kTruSeq);
  EXPECT_EQ(f.find(kLet7a + kTruSeq + "AACTCCAG"), 22);
  EXPECT_EQ(f.find(kTruSeq + "AAAA"), 0);  // adapter dimer: empty insert
}

TEST(AdapterFinder, PartialAdapterAtTheReadEndNeedsMinOverlap) {
  const AdapterFinder f(kTruSeq, 0.1, 3);
  EXPECT_EQ(f.find(kLet7a + "TGGAA"), 22);
  EXPECT_EQ(f.find(kLet7a + "TGG"), 22);
  EXPECT_EQ(f.find(kLet7a + "AT"), -1);  // "T" + ... : overlap 2 < 3 (and 'AT' is no prefix)
  EXPECT_EQ(f.find("ACGTACGTAC"), -1);
}

TEST(AdapterFinder, MismatchesAllowedAtTenPercentOfTheOverlap) {
  const AdapterFinder f(kTruSeq, 0.1, 3);
  std::string one = kTruSeq, three = kTruSeq;
  one[5] = 'A';                                        // 1 error in 21: allowed (floor(2.1) = 2)
  three[3] = 'C', three[8] = 'A', three[15] = 'A';     // 3 errors: not allowed
  EXPECT_EQ(f.find(kLet7a + one), 22);
  EXPECT_EQ(f.find(kLet7a + three), -1);
  // Partial overlaps under 10 nt must match exactly.
  EXPECT_EQ(f.find(kLet7a + "TGCAATTC"), -1);
  EXPECT_EQ(f.find(kLet7a + "TGGAATTC"), 22);
  // N in the read is a mismatch.
  std::string n = kTruSeq;
  n[0] = 'N';
  EXPECT_EQ(f.find(kLet7a + n), 22);
}

TEST(AdapterPresets, ParseNamesAndSequences) {
  EXPECT_EQ(parse_adapter("truseq", "--adapter").sequence, kTruSeq);
  EXPECT_EQ(parse_adapter("qiaseq", "--adapter").umi_length, 12);
  EXPECT_EQ(parse_adapter("illumina-old", "--adapter").sequence, "ATCTCGTATGCC");
  EXPECT_EQ(parse_adapter("uggaauucuc", "--adapter").sequence, "TGGAATTCTC");
  EXPECT_THROW(parse_adapter("TGGAXX", "--adapter"), core::UsageError);
  EXPECT_THROW(parse_adapter("TGG", "--adapter"), core::UsageError);
}

TEST(DetectAdapter, PicksThePresetInTheReads) {
  std::vector<std::string> reads;
  for (int i = 0; i < 100; ++i) reads.push_back(kLet7a + "ATCTCGTATGCCGTCTTCTG");
  for (int i = 0; i < 5; ++i) reads.push_back(kLet7a + kTruSeq);
  const AdapterDetection d = detect_adapter(reads);
  EXPECT_EQ(d.spec.name, "illumina-old");
  EXPECT_EQ(d.support, 100u);
  EXPECT_FALSE(d.de_novo);
}

TEST(DetectAdapter, AssemblesAnUnknownAdapter) {
  const std::string custom = "GTCAGCATGACTGCATGTCAGG";
  std::vector<std::string> reads;
  const std::vector<std::string> inserts = {kLet7a, "TAGCTTATCAGACTGATGTTGA", "AACCCGTAGATCCGAACTTGTG"};
  for (int i = 0; i < 90; ++i) reads.push_back(inserts[static_cast<std::size_t>(i % 3)] + custom + "ACGT");
  const AdapterDetection d = detect_adapter(reads);
  ASSERT_TRUE(d.de_novo);
  EXPECT_EQ(custom.rfind(d.spec.sequence.substr(0, 10), 0), 0u) << d.spec.sequence;
}

TEST(DetectAdapter, NothingWhenReadsAreAlreadyTrimmed) {
  std::vector<std::string> reads(50, kLet7a);
  EXPECT_TRUE(detect_adapter(reads).spec.sequence.empty());
}

}  // namespace
}  // namespace lscmir::quant
