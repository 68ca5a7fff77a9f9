// SPDX-License-Identifier: GPL-3.0-or-later
// FASTQ to collapsed inserts: trimming, filters, UMIs, accounting.
#include "lscmir/quant/sample.hpp"
#include "lscmir/quant/adapter.hpp"
#include "lscmir/quant/qc.hpp"

#include <algorithm>
#include <map>
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

// The per-worker memos of what a read's sequence and its qualities decide must not change any
// tally: a file of reads that hardly repeat (the memos switch themselves off after 2^16 lookups)
// and one of a few reads repeated (the memos hold them; reads under 8 and over 64 nt bypass them),
// against the same tallies made read by read with the public pieces (mirtrace_status,
// AdapterFinder), for 1 and 2 threads.
TEST(Collapse, ReadMemosGiveTheReadByReadTallies) {
  const std::string adapter = "TGGAATTCTCGGGTGCCAAGG";
  std::uint64_t state = 20261203;
  auto next = [&](std::uint64_t m) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::size_t>((state >> 33) % m);
  };
  auto random_bases = [&](std::size_t n) {
    std::string b;
    for (std::size_t i = 0; i < n; ++i) b += "ACGTacgN"[next(8) < 7 ? next(4) : 4 + next(4)];
    return b;
  };
  const std::vector<std::string> qualities = {std::string(80, 'I'), std::string(80, '#'), "AAAAAEEEEEEEEEEE//EEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEE",
                                              std::string(30, '#') + std::string(50, 'E')};
  std::vector<std::pair<std::string, std::string>> unique, repeated;
  for (int i = 0; i < 70000; ++i) {
    std::string s = random_bases(10 + next(26)) + adapter.substr(0, next(22));
    std::string q;
    for (std::size_t k = 0; k < s.size(); ++k) q += static_cast<char>(35 + next(40));
    unique.emplace_back(s, q);
  }
  std::vector<std::string> few;
  for (int i = 0; i < 6; ++i) few.push_back(random_bases(18 + next(10)) + adapter.substr(0, 5 + next(17)));
  few.push_back("ACGTA");                        // under 8 nt
  few.push_back(random_bases(70));               // over 64 nt
  few.push_back("TGAGGTAGTAGGTTGTATAGTT" + adapter + "ACGTACGTACGTACGTACGTACGT");  // 67 nt
  for (int i = 0; i < 40000; ++i) {
    const std::string& s = few[next(few.size())];
    repeated.emplace_back(s, qualities[next(qualities.size())].substr(0, s.size()));
  }
  for (const auto* reads : {&unique, &repeated}) {
    std::string text;
    for (std::size_t i = 0; i < reads->size(); ++i)
      text += "@r" + std::to_string(i + 1) + "\n" + (*reads)[i].first + "\n+\n" + (*reads)[i].second + "\n";
    const std::string path = temp_file("memo.fq", text).string();
    TrimOptions o;
    o.adapter = parse_adapter("truseq", "--adapter");
    o.qc_adapter = adapter.substr(0, kQcAdapterPrefix);
    // read by read
    ReadQc want;
    std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> inserts;  // reads, first read
    const AdapterFinder finder(o.adapter.sequence, o.max_error_rate, o.min_overlap);
    for (std::size_t i = 0; i < reads->size(); ++i) {
      std::string s = (*reads)[i].first;
      for (char& c : s) c = (c == 'A' || c == 'C' || c == 'G' || c == 'T') ? c : (c == 'a' || c == 'c' || c == 'g' || c == 't') ? static_cast<char>(c - 32) : 'N';
      int qlen = 0;
      ++want.mirtrace_status[static_cast<std::size_t>(mirtrace_status(s, (*reads)[i].second, o.qc_adapter, qlen, &want.phred))];
      if (want.mirtrace_length.size() <= static_cast<std::size_t>(qlen)) want.mirtrace_length.resize(static_cast<std::size_t>(qlen) + 1, 0);
      ++want.mirtrace_length[static_cast<std::size_t>(qlen)];
      const int at = finder.find(s);
      const std::size_t len = at >= 0 ? static_cast<std::size_t>(at) : s.size();
      want.adapter_found += at >= 0 ? 1 : 0;
      if (want.length_histogram.size() <= len) want.length_histogram.resize(len + 1, 0);
      ++want.length_histogram[len];
      const std::string insert = s.substr(0, len);
      if (static_cast<int>(len) < o.min_length) {
        ++want.too_short;
      } else if (static_cast<int>(len) > o.max_length) {
        ++want.too_long;
      } else if (insert.find('N') != std::string::npos) {
        ++want.with_n;
      } else {
        auto& e = inserts.try_emplace(insert, 0, i + 1).first->second;
        ++e.first;
      }
    }
    for (int threads : {1, 2}) {
      o.threads = threads;
      const CollapsedReads c = collapse_fastq(path, o);
      EXPECT_EQ(c.qc.reads, reads->size());
      EXPECT_EQ(c.qc.mirtrace_status, want.mirtrace_status) << threads;
      EXPECT_EQ(c.qc.mirtrace_length, want.mirtrace_length) << threads;
      EXPECT_EQ(c.qc.phred, want.phred) << threads;
      EXPECT_EQ(c.qc.length_histogram, want.length_histogram) << threads;
      EXPECT_EQ(c.qc.adapter_found, want.adapter_found);
      EXPECT_EQ(c.qc.too_short, want.too_short);
      EXPECT_EQ(c.qc.too_long, want.too_long);
      EXPECT_EQ(c.qc.with_n, want.with_n);
      ASSERT_EQ(c.sequences.size(), inserts.size());
      std::size_t k = 0;
      for (const auto& [insert, e] : inserts) {
        EXPECT_EQ(c.sequences[k].first, insert);
        EXPECT_EQ(c.sequences[k].second, e.first) << insert;
        EXPECT_EQ(c.first_read[k], e.second) << insert;
        ++k;
      }
    }
  }
}

}  // namespace
}  // namespace lscmir::quant
