// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/quant/qc.hpp"

#include <algorithm>
#include <cstdint>
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

// The byte-parallel fast paths against the rules written out plainly (miRTrace's definitions), on
// random reads over ACGTN (N and runs make the edge cases frequent).
TEST(MirtraceFastPaths, EqualThePlainRules) {
  auto plain_length = [](const std::string& read, const std::string& adapter, bool& detected) {
    detected = false;
    const auto n = static_cast<int>(read.size());
    for (int pos = n - static_cast<int>(adapter.size()); pos >= 0; --pos)
      if (read.compare(static_cast<std::size_t>(pos), adapter.size(), adapter) == 0) {
        detected = true;
        return pos;
      }
    for (int p = std::min(static_cast<int>(adapter.size()) - 1, n); p >= 1; --p)
      if (read.compare(static_cast<std::size_t>(n - p), static_cast<std::size_t>(p), adapter, 0, static_cast<std::size_t>(p)) == 0)
        return n - p;
    return n;
  };
  auto plain_complex = [](const std::string& s) {
    const auto n = static_cast<int>(s.size());
    int run = 0, longest = 0, c[256] = {};
    for (int i = 0; i < n; ++i) {
      run = i > 0 && s[static_cast<std::size_t>(i)] == s[static_cast<std::size_t>(i - 1)] ? run + 1 : 0;
      longest = std::max(longest, run);
      ++c[static_cast<unsigned char>(s[static_cast<std::size_t>(i)])];
    }
    const int same = static_cast<int>(n * 0.9);
    return longest <= n / 2 && c['A'] <= same && c['C'] <= same && c['G'] <= same && c['T'] <= same;
  };
  std::uint64_t state = 20261202;
  auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  const std::string alphabet = "ACGTN";
  int detected_count = 0, low_complexity = 0;
  for (int trial = 0; trial < 200000; ++trial) {
    const std::size_t n = next() % 51, k = 1 + next() % 8;
    const std::string skew = trial % 3 == 0 ? "AAAAC" : alphabet;  // low-complexity reads too
    std::string read, adapter;
    for (std::size_t i = 0; i < n; ++i) read += skew[next() % 5];
    for (std::size_t i = 0; i < k; ++i) adapter += "ACGT"[next() % 4];
    if (n > k && next() % 2 == 0) read.replace(next() % (n - k + 1), k, adapter);  // plant the adapter
    bool d1 = false, d2 = false;
    ASSERT_EQ(mirtrace_insert_length(read, adapter, d1), plain_length(read, adapter, d2)) << read << " " << adapter;
    ASSERT_EQ(d1, d2) << read << " " << adapter;
    ASSERT_EQ(mirtrace_complex_enough(read), plain_complex(read)) << read;
    detected_count += d1;
    low_complexity += !plain_complex(read);
  }
  EXPECT_GT(detected_count, 50000);
  EXPECT_GT(low_complexity, 10000);
}

}  // namespace
}  // namespace lscmir::quant
