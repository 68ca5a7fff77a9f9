// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/quant/qc.hpp"

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace lscmir::quant {
namespace {

TEST(MirtraceAdapter, RightmostWholeAdapterElsePrefixAtEnd) {
  bool detected = false;
  EXPECT_EQ(mirtrace_insert_length("ACGTTGGAATTCAAATGGAATTC", "TGGAATTC", detected), 15);  // rightmost of two
  EXPECT_TRUE(detected);
  EXPECT_EQ(mirtrace_insert_length("ACGTACGTACGTTGGA", "TGGAATTC", detected), 12);  // 4-nt prefix ends the read
  EXPECT_FALSE(detected);
  EXPECT_EQ(mirtrace_insert_length("ACGTACGTACGTACGC", "TGGAATTC", detected), 16);
  EXPECT_FALSE(detected);
  EXPECT_EQ(mirtrace_insert_length("ACGTACGT", "", detected), 8);
}

TEST(MirtraceComplexity, DominantBaseAndLongRunsFail) {
  EXPECT_TRUE(mirtrace_complex_enough("TGAGGTAGTAGGTTGTATAGTT"));
  EXPECT_FALSE(mirtrace_complex_enough("AAAAAAAAAAAAAAAAAAAC"));   // 19 of 20 > floor(18)
  EXPECT_TRUE(mirtrace_complex_enough("AAAAAAAAAAACGTCGTCGT"));    // run of 11: 10 repeats = floor(20/2)
  EXPECT_FALSE(mirtrace_complex_enough("AAAAAAAAAAAACGTCGTCG"));   // run of 12: 11 repeats > 10
  EXPECT_TRUE(mirtrace_complex_enough(""));
}

TEST(MirtraceStatus, OrderOfTheRules) {
  const std::string ad = "TGGAATTC";
  const std::string mir = "TGAGGTAGTAGGTTGTATAGTT";  // let-7a, 22 nt
  int len = 0;
  const std::string read = mir + "TGGAATTCTCGGGTGCCAAGGAACTCCAGTCAC";
  EXPECT_EQ(mirtrace_status(read, std::string(read.size(), 'I'), ad, len), QcStatus::kOk);
  EXPECT_EQ(len, 22);
  // 26 of the first 50 bases below phred 20 -> LOW_PHRED at the capped length
  EXPECT_EQ(mirtrace_status(read, std::string(26, '#') + std::string(read.size() - 26, 'I'), ad, len), QcStatus::kLowPhred);
  EXPECT_EQ(len, 50);
  EXPECT_EQ(mirtrace_status(read, std::string(25, '#') + std::string(read.size() - 25, 'I'), ad, len), QcStatus::kOk);
  const std::string with_n = "TGAGGTAGNAGGTTGTATAGTT" + ad;
  EXPECT_EQ(mirtrace_status(with_n, std::string(with_n.size(), 'I'), ad, len), QcStatus::kLowPhred);
  const std::string poly = std::string(20, 'A') + ad;
  EXPECT_EQ(mirtrace_status(poly, std::string(poly.size(), 'I'), ad, len), QcStatus::kLowComplexity);
  const std::string shrt = "TGAGGTAGTAGGTTGTA" + ad;
  EXPECT_EQ(mirtrace_status(shrt, std::string(shrt.size(), 'I'), ad, len), QcStatus::kShort);
  EXPECT_EQ(len, 17);
  EXPECT_EQ(mirtrace_status(mir, std::string(mir.size(), 'I'), ad, len), QcStatus::kAdapterNotDetected);
}

TEST(RnaTypeClassifier, FirstMatchInOrder) {
  const auto dir = std::filesystem::temp_directory_path() / "lscmir_qc_test";
  std::filesystem::create_directories(dir);
  auto write = [&](const char* name, const std::string& text) {
    std::ofstream((dir / name).string()) << text;
    return (dir / name).string();
  };
  const std::string trna = "GCATTGGTGGTTCAGTGGTAGAATTCTCGCCTGCCACGCGGGAGGCCCGGGTTCGATTCCCGGCCAATGCA";
  const std::string rrna = "CGACTCTTAGCGGTGGATCACTCGGCTCGTGCGTCGATGAAGAACGCAGC";
  const std::string t = write("t.fa", ">t1 Gly\n" + trna + "\n");
  const std::string r = write("r.fa", ">r1\n" + rrna + "\n");
  const std::string a = write("a.fa", ">RA3\nTGGAATTCTCGGGTGCCAAGG\n");
  const RnaTypeClassifier c(r, t, a, 16);
  EXPECT_EQ(c.classify(trna.substr(10, 20)), RnaType::kTRna);
  std::string one_mm = trna.substr(10, 20);
  one_mm[5] = one_mm[5] == 'A' ? 'C' : 'A';
  EXPECT_EQ(c.classify(one_mm), RnaType::kTRna);
  EXPECT_EQ(c.classify(rrna.substr(0, 22)), RnaType::kRRna);
  EXPECT_EQ(c.classify("ACTGGAATTCTCGGGTGCCAAG"), RnaType::kArtifact);  // an 18-nt window of RA3
  EXPECT_EQ(c.classify("ACGTTGCAACGTTGCAACGTTG"), RnaType::kUnknown);
  const RnaTypeClassifier none("", "", "", 16);
  EXPECT_EQ(none.classify(trna.substr(10, 20)), RnaType::kUnknown);
}

}  // namespace
}  // namespace lscmir::quant
