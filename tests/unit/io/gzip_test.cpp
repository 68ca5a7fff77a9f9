// SPDX-License-Identifier: GPL-3.0-or-later
// io::TextSource: plain and gzip alike, several members, truncated / corrupt / trailing data;
// io::append_gzip_member: members that zlib and TextSource read back.
#include "lscmir/io/gzip.hpp"


#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "../gzip_util.hpp"

#include "lscmir/io/table.hpp"
#include "test_support.hpp"

namespace lscmir::io {
namespace {

std::string gz(const std::string& text, int level = 6) { return test::gzip_text(text, level); }

/// Text that does not compress to nothing: random lines of a small alphabet.
std::string sample_text(std::size_t lines, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s;
  for (std::size_t i = 0; i < lines; ++i) {
    s += "line" + std::to_string(i) + "\t";
    for (int k = 0; k < 40; ++k) s.push_back("ACGT"[rng() % 4]);
    s.push_back('\n');
  }
  return s;
}

/// Reads a source in small odd-sized pieces (so member and buffer boundaries fall mid-read).
std::string drain(TextSource& s, std::size_t piece = 777) {
  std::string out, buf(piece, '\0');
  for (;;) {
    const std::size_t got = s.read(buf.data(), buf.size());
    if (got == 0) return out;
    out.append(buf, 0, got);
  }
}

TEST(TextSource, PlainAndGzipGiveTheSameBytes) {
  const test::TempDir dir;
  const std::string text = sample_text(50000, 1);  // > 1 MiB: several input buffers
  TextSource plain(dir.write("a.txt", text));
  EXPECT_FALSE(plain.gzipped());
  EXPECT_EQ(drain(plain), text);
  TextSource zipped(dir.write("a.txt.gz", gz(text)));
  EXPECT_TRUE(zipped.gzipped());
  EXPECT_EQ(drain(zipped), text);
  const std::string bytes = gz(text);
  TextSource memory(bytes, "mem.gz");
  EXPECT_EQ(read_all(memory), text);
}

TEST(TextSource, ConcatenatedMembersReadAsOneStream) {
  const test::TempDir dir;
  const std::string a = sample_text(3000, 2), b = sample_text(10, 3), c = sample_text(20000, 4);
  const std::string both = gz(a) + gz(b, 1) + gz("") + gz(c, 9);
  TextSource f(dir.write("m.gz", both));
  EXPECT_EQ(drain(f, 4093), a + b + c);
  TextSource m(both, "m.gz");
  EXPECT_EQ(read_all(m), a + b + c);
  EXPECT_EQ(read_text_file(dir.write("m2.gz", both)), a + b + c);
}

TEST(TextSource, EmptyFileIsEmptyText) {
  const test::TempDir dir;
  TextSource s(dir.write("empty", ""));
  EXPECT_FALSE(s.gzipped());
  EXPECT_EQ(read_all(s), "");
}

GzipError capture_gzip_error(const std::string& bytes, const std::function<std::string()>& where = {}) {
  try {
    TextSource s(bytes, "cut.gz");
    std::string buf(1000, '\0');
    while (s.read(buf.data(), buf.size(), where) > 0) {
    }
  } catch (const GzipError& e) {
    return e;
  }
  ADD_FAILURE() << "no GzipError";
  return GzipError(GzipFault::corrupt, "", "none");
}

TEST(TextSource, TruncationAtAnyPointIsAnErrorNotTheEnd) {
  const std::string text = sample_text(4000, 5);
  const std::string z = gz(text);
  for (const std::size_t keep : {std::size_t{10}, z.size() / 3, z.size() / 2, z.size() - 8, z.size() - 4, z.size() - 1}) {
    const auto e = capture_gzip_error(z.substr(0, keep), [] { return std::string("inside record 9"); });
    EXPECT_EQ(e.fault(), GzipFault::truncated) << keep;
    EXPECT_EQ(e.file(), "cut.gz");
    EXPECT_EQ(e.problem(), "the gzip stream is truncated (unexpected end of file) inside record 9") << keep;
  }
  // A second member cut short is as truncated as the first.
  const auto e2 = capture_gzip_error(z + z.substr(0, z.size() / 2));
  EXPECT_EQ(e2.fault(), GzipFault::truncated);
  EXPECT_EQ(e2.problem(), "the gzip stream is truncated (unexpected end of file)");
}

TEST(TextSource, CorruptDataAndTrailingGarbage) {
  const std::string z = gz(sample_text(2000, 6));
  std::string bad_crc = z;
  bad_crc[bad_crc.size() - 6] = static_cast<char>(bad_crc[bad_crc.size() - 6] ^ 0x55);  // inside the CRC32
  const auto e = capture_gzip_error(bad_crc);
  EXPECT_EQ(e.fault(), GzipFault::corrupt);
  EXPECT_EQ(e.problem(), "the gzip stream is damaged (incorrect data check)");
  const auto t = capture_gzip_error(z + "garbage");
  EXPECT_EQ(t.fault(), GzipFault::trailing_data);
  EXPECT_EQ(t.problem().rfind("unexpected data after the end of the gzip stream", 0), 0u);
}

TEST(ReadTextFile, KeepsTheTableWordingForACutStream) {
  const test::TempDir dir;
  const std::string z = gz(sample_text(2000, 7));
  const auto e = test::capture_input_error([&] { read_text_file(dir.write("t.tsv.gz", z.substr(0, z.size() / 2))); });
  EXPECT_EQ(e.problem(), "truncated gzip stream: the file ends inside compressed data");
  EXPECT_EQ(e.line(), 0u);
}

TEST(AppendGzipMember, MembersReadBackByZlibAndByTheReader) {
  const std::vector<std::string> texts = {"", "a", sample_text(10, 1), sample_text(60000, 2), std::string(3 << 20, 'x')};
  std::string file, plain;
  for (const auto& t : texts) {
    std::string member;
    append_gzip_member(t, member);
    ASSERT_GE(member.size(), 18u);  // header + empty deflate block + trailer at the least
    // RFC 1952 header: magic, deflate, no flags, mtime 0 (the same bytes on every run).
    EXPECT_EQ(member.substr(0, 8), std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00", 8));
    std::size_t members = 0;
    EXPECT_EQ(test::gunzip_members(member, &members), t);
    EXPECT_EQ(members, 1u);
    file += member;
    plain += t;
  }
  std::size_t members = 0;
  EXPECT_EQ(test::gunzip_members(file, &members), plain);
  EXPECT_EQ(members, texts.size());
  TextSource src(file, "members.gz");
  EXPECT_EQ(drain(src), plain);
}

TEST(AppendGzipMember, KeepsWhatTheBufferHeldAndSurvivesIncompressibleData) {
  std::mt19937 rng(7);
  std::string noise(1 << 20, '\0');
  for (auto& c : noise) c = static_cast<char>(rng());
  std::string out = "prefix";
  append_gzip_member(noise, out);
  ASSERT_EQ(out.substr(0, 6), "prefix");
  EXPECT_GT(out.size(), noise.size());  // stored blocks: a little larger than the input
  EXPECT_EQ(test::gunzip_members(out.substr(6)), noise);
}

TEST(AppendGzipMember, SameBytesEveryTime) {
  const std::string t = sample_text(5000, 3);
  std::string a, b;
  append_gzip_member(t, a);
  append_gzip_member(t, b);
  EXPECT_EQ(a, b);
}

}  // namespace
}  // namespace lscmir::io
