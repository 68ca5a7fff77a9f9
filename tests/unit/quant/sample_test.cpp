// SPDX-License-Identifier: GPL-3.0-or-later
// FASTQ to collapsed inserts: trimming, filters, UMIs, accounting.
#include "lscmir/quant/sample.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fixture.hpp"

namespace lscmir::quant {
namespace {

using test::load;
using test::temp_file;

TEST(Collapse, TrimsFiltersCollapsesAndCountsEveryRead) {
  const std::string adapter = "TGGAATTCTCGGGTGCCAAGG";
  std::string t;
  int id = 0;
  auto add = [&](const std::string& s) {
    t += "@r" + std::to_string(++id) + "\n" + s + "\n+\n" + std::string(s.size(), 'I') + "\n";
  };
  for (int i = 0; i < 3; ++i) add("TGAGGTAGTAGGTTGTATAGTT" + adapter);  // 22 nt, kept x3
  add("TAGCTTATCAGACTGATGTTGA" + adapter.substr(0, 10));                // partial adapter, kept
  add("TGAGGTAGTAG" + adapter);                                          // 11 nt: too short
  add("TGAGGTAGTAGGTTGTATAGTTAAAAAAAAAAAAAAAAAAAAA");                   // no adapter: too long
  add("TGAGGTAGTANGTTGTATAGTT" + adapter);                               // N: dropped
  TrimOptions o;
  o.adapter = parse_adapter("truseq", "--adapter");
  for (int threads : {1, 3}) {
    o.threads = threads;
    const CollapsedReads c = collapse_fastq(temp_file("collapse.fq", t).string(), o);
    EXPECT_EQ(c.qc.reads, 7u);
    EXPECT_EQ(c.qc.adapter_found, 6u);
    EXPECT_EQ(c.qc.too_short, 1u);
    EXPECT_EQ(c.qc.too_long, 1u);
    EXPECT_EQ(c.qc.with_n, 1u);
    EXPECT_EQ(c.qc.kept, 4u);
    ASSERT_EQ(c.sequences.size(), 2u);
    EXPECT_EQ(c.sequences[0], std::make_pair(std::string("TAGCTTATCAGACTGATGTTGA"), std::uint64_t{1}));
    EXPECT_EQ(c.sequences[1], std::make_pair(std::string("TGAGGTAGTAGGTTGTATAGTT"), std::uint64_t{3}));
  }
}

TEST(Collapse, QiaseqUmiDeduplication) {
  const std::string adapter = "AACTGTAGGCACCATCAAT";
  std::string t;
  int id = 0;
  auto add = [&](const std::string& insert, const std::string& umi) {
    const std::string s = insert + adapter + umi + "AGATCGGAAG";
    t += "@r" + std::to_string(++id) + "\n" + s + "\n+\n" + std::string(s.size(), 'I') + "\n";
  };
  add("TGAGGTAGTAGGTTGTATAGTT", "ACGTACGTACGT");
  add("TGAGGTAGTAGGTTGTATAGTT", "ACGTACGTACGT");  // PCR duplicate
  add("TGAGGTAGTAGGTTGTATAGTT", "TTTTACGTACGT");  // second molecule
  add("TAGCTTATCAGACTGATGTTGA", "ACGTACGTACGT");
  TrimOptions o;
  o.adapter = parse_adapter("qiaseq", "--adapter");
  const CollapsedReads c = collapse_fastq(temp_file("umi.fq", t).string(), o);
  EXPECT_EQ(c.qc.umi_duplicates, 1u);
  EXPECT_EQ(c.qc.kept, 3u);
  ASSERT_EQ(c.sequences.size(), 2u);
  EXPECT_EQ(c.sequences[1].second, 2u);
  EXPECT_EQ(c.qc.reads, c.qc.too_short + c.qc.too_long + c.qc.with_n + c.qc.no_umi + c.qc.umi_duplicates + c.qc.kept);
}

std::string fastq_of(const std::vector<std::string>& seqs) {
  std::string t;
  for (std::size_t i = 0; i < seqs.size(); ++i)
    t += "@r" + std::to_string(i + 1) + "\n" + seqs[i] + "\n+\n" + std::string(seqs[i].size(), 'I') + "\n";
  return t;
}

TEST(Collapse, LengthBoundsAreInclusiveAndEveryReadHasOneFate) {
  const std::string adapter = "TGGAATTCTCGGGTGCCAAGG";
  const std::string ins = "TGAGGTAGTAGGTTGTATAGTTTTAGGGTCACAC";  // 34 nt to cut from
  std::vector<std::string> seqs;
  for (int len = 14; len <= 32; ++len) seqs.push_back(ins.substr(0, static_cast<std::size_t>(len)) + adapter);
  TrimOptions o;
  o.adapter = parse_adapter("truseq", "--adapter");
  o.min_length = 16;
  o.max_length = 30;
  const CollapsedReads c = collapse_fastq(temp_file("bounds.fq", fastq_of(seqs)).string(), o);
  EXPECT_EQ(c.qc.reads, seqs.size());
  EXPECT_EQ(c.qc.too_short, 2u);  // 14, 15
  EXPECT_EQ(c.qc.too_long, 2u);   // 31, 32
  EXPECT_EQ(c.qc.kept, 15u);      // 16..30
  EXPECT_EQ(c.qc.unique_sequences, 15u);
  EXPECT_EQ(c.sequences.size(), 15u);
  EXPECT_TRUE(std::is_sorted(c.sequences.begin(), c.sequences.end()));
  EXPECT_EQ(c.qc.reads, c.qc.too_short + c.qc.too_long + c.qc.with_n + c.qc.no_umi + c.qc.umi_duplicates + c.qc.kept);
  std::uint64_t hist = 0;
  for (std::size_t len = 0; len < c.qc.length_histogram.size(); ++len) {
    hist += c.qc.length_histogram[len];
    if (len >= 14 && len <= 32) EXPECT_EQ(c.qc.length_histogram[len], 1u) << len;
  }
  EXPECT_EQ(hist, c.qc.reads);
}

TEST(Collapse, SameResultForAnyThreadCountAndChunking) {
  std::vector<std::string> seqs;
  const std::string adapter = "TGGAATTCTCGGGTGCCAAGG";
  const std::vector<std::string> inserts = {"TGAGGTAGTAGGTTGTATAGTT", "TAGCTTATCAGACTGATGTTGA", "CAACACCAGTCGATGGGCTGT"};
  for (int i = 0; i < 30000; ++i) seqs.push_back(inserts[static_cast<std::size_t>(i * 7 % 3)] + adapter.substr(0, static_cast<std::size_t>(5 + i % 16)));
  const std::string path = temp_file("threads.fq", fastq_of(seqs)).string();
  TrimOptions o;
  o.adapter = parse_adapter("truseq", "--adapter");
  o.threads = 1;
  const CollapsedReads one = collapse_fastq(path, o);
  o.threads = 4;
  const CollapsedReads four = collapse_fastq(path, o);
  EXPECT_EQ(one.sequences, four.sequences);
  EXPECT_EQ(one.qc.kept, four.qc.kept);
  EXPECT_EQ(one.qc.length_histogram, four.qc.length_histogram);
  std::uint64_t total = 0;
  for (const auto& [s, n] : one.sequences) total += n;
  EXPECT_EQ(total, one.qc.kept);
  EXPECT_EQ(one.qc.kept, 30000u);
  EXPECT_EQ(one.sequences.size(), 3u);
  EXPECT_EQ(first_sequences(path, 2), (std::vector<std::string>{seqs[0], seqs[1]}));
}

}  // namespace
}  // namespace lscmir::quant
