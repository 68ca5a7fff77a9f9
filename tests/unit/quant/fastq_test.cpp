// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/quant/fastq.hpp"


#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "../gzip_util.hpp"

#include "lscmir/core/error.hpp"

namespace lscmir::quant {
namespace {

namespace fs = std::filesystem;

fs::path temp_file(const std::string& name, const std::string& content) {
  const fs::path p = fs::temp_directory_path() / ("lscmir_fastq_test_" + name);
  std::ofstream(p, std::ios::binary) << content;
  return p;
}

std::string gzip(const std::string& text) { return test::gzip_text(text); }

std::string records(int n, const std::string& seq = "TGAGGTAGTAGGTTGTATAGTTTGGAATTCTCGGGTGCCAAGG") {
  std::string s;
  for (int i = 1; i <= n; ++i) s += "@r" + std::to_string(i) + "\n" + seq + "\n+\n" + std::string(seq.size(), 'I') + "\n";
  return s;
}

std::uint64_t count_records(const fs::path& p, std::size_t chunk_bytes) {
  FastqChunker c(p.string(), chunk_bytes);
  FastqChunk chunk;
  std::uint64_t n = 0, expected = 1;
  while (c.next(chunk)) {
    EXPECT_EQ(chunk.first_record, expected);
    parse_chunk(chunk, p.string(), [&](const FastqRecord& r) {
      EXPECT_EQ(r.number, expected);
      EXPECT_EQ(r.name, "r" + std::to_string(expected));
      ++expected;
      ++n;
    });
  }
  return n;
}

TEST(Fastq, PlainGzipAndConcatenatedMembersGiveTheSameRecords) {
  const std::string text = records(5000);
  EXPECT_EQ(count_records(temp_file("plain.fq", text), 4096), 5000u);
  EXPECT_EQ(count_records(temp_file("one.fq.gz", gzip(text)), 4096), 5000u);
  const std::string half = records(2500);
  std::string second;  // records 2501..5000 as a second gzip member
  for (int i = 2501; i <= 5000; ++i)
    second += "@r" + std::to_string(i) + "\nTGAGGTAGTAGGTTGTATAGTTTGGAATTCTCGGGTGCCAAGG\n+\n" + std::string(43, 'I') + "\n";
  EXPECT_EQ(count_records(temp_file("two.fq.gz", gzip(half) + gzip(second)), 1 << 16), 5000u);
}

TEST(Fastq, CrlfAndMissingFinalNewline) {
  std::string t = "@r1\r\nACGT\r\n+\r\nIIII\r\n@r2\nACGA\n+\nIIII";
  FastqChunker c(temp_file("crlf.fq", t).string());
  FastqChunk chunk;
  std::vector<std::string> seqs;
  while (c.next(chunk)) parse_chunk(chunk, "x", [&](const FastqRecord& r) { seqs.emplace_back(r.sequence); });
  EXPECT_EQ(seqs, (std::vector<std::string>{"ACGT", "ACGA"}));
}

void expect_error(const std::string& name, const std::string& content, const std::string& message) {
  const fs::path p = temp_file(name, content);
  try {
    count_records(p, 4096);
    ADD_FAILURE() << name << ": no error";
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
  }
}

TEST(Fastq, MalformedRecordsNameLineAndRecord) {
  expect_error("qual.fq", "@r1\nACGT\n+\nIII\n", "line 4: record 1: quality has 3 characters but the sequence has 4");
  expect_error("plus.fq", records(2) + "@r3\nACGT\nIIII\n@r4\nACGT\n+\nIIII\n", "line 11: record 3: expected the '+' separator line");
  expect_error("head.fq", records(1) + "r2\nACGT\n+\nIIII\n", "line 5: record 2: expected a FASTQ header line starting with '@'");
  expect_error("short.fq", records(3) + "@r4\nACGT\n", "line 15: record 4: the file ends inside the record");
}

TEST(Fastq, TruncatedGzipIsAnErrorNotTheEnd) {
  const std::string gz = gzip(records(3000));
  expect_error("trunc.fq.gz", gz.substr(0, gz.size() / 2), "the gzip stream is truncated");
  expect_error("trunc8.fq.gz", gz.substr(0, gz.size() - 4), "the gzip stream is truncated");  // only the trailer cut
  expect_error("garbage.fq.gz", gz + "garbage", "unexpected data after the end of the gzip stream");
}

}  // namespace
}  // namespace lscmir::quant
