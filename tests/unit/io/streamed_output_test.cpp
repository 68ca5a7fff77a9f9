// SPDX-License-Identifier: GPL-3.0-or-later
// io::StreamedOutput: commit renames, destruction without commit leaves nothing, write failures.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "lscmir/core/error.hpp"
#include "lscmir/io/streamed_output.hpp"

namespace fs = std::filesystem;

namespace lscmir::io {
namespace {

fs::path scratch_dir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("lscmir_streamed_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(StreamedOutput, CommitRenamesTheTemporaryToTheName) {
  const fs::path d = scratch_dir("commit");
  const fs::path target = d / "sites.tsv";
  {
    StreamedOutput out(target.string());
    out.write("a\tb\n");
    out.write("");
    out.write("1\t2\n");
    EXPECT_TRUE(fs::exists(out.temporary_path()));
    EXPECT_FALSE(fs::exists(target));
    out.commit();
    EXPECT_FALSE(fs::exists(out.temporary_path()));
  }
  EXPECT_EQ(slurp(target), "a\tb\n1\t2\n");
  EXPECT_EQ(std::distance(fs::directory_iterator(d), fs::directory_iterator()), 1);
  fs::remove_all(d);
}

TEST(StreamedOutput, DestroyedWithoutCommitLeavesNoFile) {
  const fs::path d = scratch_dir("abandon");
  std::string tmp;
  {
    StreamedOutput out((d / "targets.tsv").string());
    out.write("partial");
    tmp = out.temporary_path();
    EXPECT_TRUE(fs::exists(tmp));
  }
  EXPECT_FALSE(fs::exists(tmp));
  EXPECT_FALSE(fs::exists(d / "targets.tsv"));
  EXPECT_TRUE(fs::is_empty(d));
  fs::remove_all(d);
}

TEST(StreamedOutput, AFolderThatCannotBeWrittenIsAnOutputError) {
  const fs::path d = scratch_dir("missing");
  const std::string path = (d / "no_such_folder" / "sites.tsv").string();
  try {
    StreamedOutput out(path);
    FAIL() << "expected an OutputError";
  } catch (const core::OutputError& e) {
    EXPECT_EQ(e.file(), path);
  }
  fs::remove_all(d);
}

TEST(StreamedOutput, AWriteToAFullDeviceIsAnOutputError) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  // The temporary name is known in advance (".NAME.tmp.PID.s" beside NAME): make it a symlink to
  // /dev/full, so the stream opens the device and every write that reaches it fails with ENOSPC.
  const fs::path d = scratch_dir("full");
  const fs::path name = d / "x.tsv";
  fs::create_symlink("/dev/full", d / (".x.tsv.tmp." + std::to_string(::getpid()) + ".s"));
  bool thrown = false;
  try {
    StreamedOutput out(name.string());
    out.write(std::string(1 << 20, 'a'));  // larger than the stdio buffer: reaches the device
    out.commit();
  } catch (const core::OutputError& e) {
    thrown = true;
    EXPECT_EQ(e.file(), name.string());
  }
  EXPECT_TRUE(thrown);
  EXPECT_FALSE(fs::exists(name));
  fs::remove_all(d);
}

/// Writes `pieces` through a StreamedOutput in `dir` and returns what the committed file holds.
std::string stream_pieces(const fs::path& dir, const std::vector<std::string>& pieces) {
  const fs::path name = dir / "big.tsv";
  {
    StreamedOutput out(name.string());
    for (const auto& p : pieces) out.write(p);
    out.commit();
  }
  return slurp(name);
}

TEST(StreamedOutput, AnySizeOfPiecesAndFileComesBackExactly) {
  // Sizes around the 4 KiB blocks of direct I/O and across the 16 MiB staging buffer (one piece
  // larger than it), a 0-byte file, a file shorter than a block, and the tmpfs of /dev/shm, where
  // the kernel may refuse direct I/O (the buffered fall-back must give the same bytes).
  std::vector<fs::path> dirs = {scratch_dir("sizes")};
  if (fs::is_directory("/dev/shm")) {
    const fs::path shm = fs::path("/dev/shm") / ("lscmir_streamed_sizes_" + std::to_string(::getpid()));
    fs::remove_all(shm);
    if (fs::create_directories(shm)) dirs.push_back(shm);
  }
  std::vector<std::string> pieces;
  std::string want;
  std::size_t k = 0;
  for (std::size_t n : {std::size_t{1}, std::size_t{4095}, std::size_t{4096}, std::size_t{4097}, std::size_t{0},
                        std::size_t{17} << 20, std::size_t{3}, std::size_t{12345}, std::size_t{(16 << 20) - 4}, std::size_t{9}}) {
    std::string p(n, '\0');
    for (auto& c : p) c = static_cast<char>('a' + (k++ * 7919) % 26);
    want += p;
    pieces.push_back(std::move(p));
  }
  for (const auto& d : dirs) {
    const std::string got = stream_pieces(d, pieces);
    EXPECT_EQ(got.size(), want.size()) << d;
    EXPECT_TRUE(got == want) << d;
    EXPECT_EQ(stream_pieces(d, {}), "") << d;
    EXPECT_EQ(stream_pieces(d, {"mirna\tgene\n", "a\tb\n"}), "mirna\tgene\na\tb\n") << d;
    EXPECT_EQ(fs::file_size(d / "big.tsv"), 15u) << d;
    fs::remove_all(d);
  }
}

}  // namespace
}  // namespace lscmir::io
