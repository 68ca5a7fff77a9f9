// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/io/output.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <cmath>
#include <filesystem>
#include <limits>
#include <random>

#include "lscmir/core/error.hpp"
#include "lscmir/core/sha256.hpp"
#include "lscmir/io/streamed_output.hpp"
#include "test_support.hpp"

namespace {

namespace fs = std::filesystem;
using lscmir::io::format_double;
using lscmir::test::capture_input_error;
using lscmir::test::slurp;
using lscmir::test::TempDir;

std::vector<std::string> entries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(FormatDouble, SpecialValues) {
  EXPECT_EQ(format_double(std::numeric_limits<double>::quiet_NaN()), "NA");
  EXPECT_EQ(format_double(-std::numeric_limits<double>::quiet_NaN()), "NA");
  EXPECT_EQ(format_double(std::numeric_limits<double>::infinity()), "Inf");
  EXPECT_EQ(format_double(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_double(0.0), "0");
  EXPECT_EQ(format_double(-0.0), "0");
}

TEST(FormatDouble, ShortestRoundTrip) {
  EXPECT_EQ(format_double(0.1), "0.1");
  EXPECT_EQ(format_double(1.0 / 3.0), "0.3333333333333333");
  EXPECT_EQ(format_double(-2.5), "-2.5");
  EXPECT_EQ(format_double(123456.0), "123456");
  EXPECT_EQ(format_double(1e-7), "1e-07");
  EXPECT_EQ(format_double(1.5e300), "1.5e+300");
  EXPECT_EQ(format_double(5e-324), "5e-324");
  EXPECT_EQ(format_double(std::numeric_limits<double>::max()), "1.7976931348623157e+308");
}

TEST(FormatDouble, RandomValuesReadBackExactly) {
  std::mt19937_64 rng(1);
  std::uniform_int_distribution<std::uint64_t> bits;
  int checked = 0;
  while (checked < 20000) {
    const std::uint64_t b = bits(rng);
    double x;
    std::memcpy(&x, &b, sizeof x);
    if (!std::isfinite(x) || x == 0) continue;
    const std::string s = format_double(x);
    double y = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), y);
    ASSERT_EQ(ec, std::errc()) << s;
    ASSERT_EQ(ptr, s.data() + s.size()) << s;
    ASSERT_EQ(y, x) << s;
    ++checked;
  }
}

TEST(AppendDouble, AppendsToExistingText) {
  std::string row = "miR-1\t";
  lscmir::io::append_double(row, 2.25);
  row += '\t';
  lscmir::io::append_double(row, std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(row, "miR-1\t2.25\tNA");
}

TEST(PrepareOutputDir, CreatesNestedFolders) {
  const TempDir tmp;
  const fs::path out = tmp.path() / "a" / "b";
  lscmir::io::prepare_output_dir(out.string(), {"de.tsv"}, false);
  EXPECT_TRUE(fs::is_directory(out));
  lscmir::io::prepare_output_dir(out.string(), {"de.tsv"}, false);  // an existing empty folder is fine
}

TEST(PrepareOutputDir, RefusesToOverwriteWithoutForce) {
  const TempDir tmp;
  tmp.write("de_B-A.tsv", "old");
  tmp.write("run_info.json", "{}");
  tmp.write("unrelated.txt", "x");
  const std::string dir = tmp.path().string();
  try {
    lscmir::io::prepare_output_dir(dir, {"de_B-A.tsv", "run_info.json", "new.tsv"}, false);
    FAIL() << "expected UsageError";
  } catch (const lscmir::core::UsageError& e) {
    EXPECT_EQ(std::string(e.what()), "output folder " + dir +
                                         " already contains de_B-A.tsv, run_info.json; use --force to overwrite, or "
                                         "choose another --out");
  }
  lscmir::io::prepare_output_dir(dir, {"new.tsv", "unrelated2.txt"}, false);  // unlisted files do not matter
  lscmir::io::prepare_output_dir(dir, {"de_B-A.tsv", "run_info.json"}, true);
  EXPECT_EQ(slurp(tmp.path() / "de_B-A.tsv"), "old");  // preparing never deletes
}

TEST(PrepareOutputDir, FileInTheWayIsAUsageError) {
  const TempDir tmp;
  const std::string file = tmp.write("out", "x");
  EXPECT_THROW(lscmir::io::prepare_output_dir(file, {}, true), lscmir::core::UsageError);
  EXPECT_THROW(lscmir::io::prepare_output_dir("", {}, true), lscmir::core::UsageError);
}

TEST(PrepareOutputDir, AFolderThatCannotBeCreatedIsAnOutputError) {
  // A file where a parent folder should be: mkdir fails (ENOTDIR) whatever the user's rights, so
  // this also holds when the tests run as root (a read-only folder would not stop root).
  const TempDir tmp;
  const std::string file = tmp.write("plain_file", "x");
  const std::string dir = file + "/out";
  try {
    lscmir::io::prepare_output_dir(dir, {}, true);
    FAIL() << "expected an OutputError";
  } catch (const lscmir::core::OutputError& e) {
    EXPECT_EQ(e.file(), dir);
    EXPECT_NE(std::string(e.what()).find("cannot create the output folder (--out)"), std::string::npos) << e.what();
  }
}

TEST(WriteFileAtomic, WritesAndReplacesLeavingNoTemporaries) {
  const TempDir tmp;
  const fs::path target = tmp.path() / "de.tsv";
  lscmir::io::write_file_atomic(target.string(), "first\n");
  EXPECT_EQ(slurp(target), "first\n");
  lscmir::io::write_file_atomic(target.string(), std::string_view("sec\0nd", 6));
  EXPECT_EQ(slurp(target), std::string("sec\0nd", 6));
  lscmir::io::write_file_atomic((tmp.path() / "empty.tsv").string(), "");
  EXPECT_EQ(fs::file_size(tmp.path() / "empty.tsv"), 0u);
  EXPECT_EQ(entries(tmp.path()), (std::vector<std::string>{"de.tsv", "empty.tsv"}));
}

/// Runs `f`, expecting an OutputError (a write failure is not an input error), and returns it.
template <typename F>
lscmir::core::OutputError capture_output_error(F&& f) {
  try {
    f();
  } catch (const lscmir::core::OutputError& e) {
    return e;
  }
  ADD_FAILURE() << "expected an OutputError";
  return lscmir::core::OutputError("", "");
}

TEST(WriteFileAtomic, MissingFolderIsAnErrorNamingThePath) {
  const TempDir tmp;
  const std::string path = (tmp.path() / "nope" / "x.tsv").string();
  const auto e = capture_output_error([&] { lscmir::io::write_file_atomic(path, "x"); });
  EXPECT_EQ(e.file(), path);
  EXPECT_EQ(e.problem(), "cannot create output file: No such file or directory");
}

TEST(WriteFileAtomic, FailedRenameRemovesTheTemporary) {
  const TempDir tmp;
  fs::create_directories(tmp.path() / "taken" / "child");  // a non-empty folder cannot be replaced by a file
  const std::string path = (tmp.path() / "taken").string();
  const auto e = capture_output_error([&] { lscmir::io::write_file_atomic(path, "content"); });
  EXPECT_EQ(e.file(), path);
  EXPECT_EQ(e.problem().rfind("cannot write output file: ", 0), 0u) << e.problem();
  EXPECT_EQ(entries(tmp.path()), (std::vector<std::string>{"taken"}));
}

TEST(StagedFiles, AFailedAddReplacesNothingAndLeavesNoTemporary) {
  const TempDir tmp;
  lscmir::io::write_file_atomic((tmp.path() / "a.tsv").string(), "old a\n");
  {
    lscmir::io::StagedFiles staged(tmp.path().string());
    staged.add("a.tsv", "new a\n");
    EXPECT_EQ(slurp(tmp.path() / "a.tsv"), "old a\n");  // staged, not yet in place
    const auto e = capture_output_error([&] { staged.add("missing/b.tsv", "b"); });
    EXPECT_EQ(e.file(), (tmp.path() / "missing" / "b.tsv").string());
  }  // never committed
  EXPECT_EQ(slurp(tmp.path() / "a.tsv"), "old a\n");
  EXPECT_EQ(entries(tmp.path()), (std::vector<std::string>{"a.tsv"}));
  lscmir::io::StagedFiles staged(tmp.path().string());
  staged.add("a.tsv", "new a\n");
  staged.add("b.tsv", "b\n");
  EXPECT_EQ(staged.commit(), (std::vector<std::string>{"a.tsv", "b.tsv"}));
  EXPECT_EQ(slurp(tmp.path() / "a.tsv"), "new a\n");
  EXPECT_EQ(entries(tmp.path()), (std::vector<std::string>{"a.tsv", "b.tsv"}));
}

TEST(RemoveStaleTemporaries, OnlyThoseOfDeadWriters) {
  const TempDir tmp;
  const std::string dead = ".de.tsv.tmp.4194303.7", alive = ".de.tsv.tmp." + std::to_string(::getppid()) + ".0";
  for (const std::string& n : {dead, alive, std::string(".de.tsv.tmp.x.1"), std::string("de.tsv")})
    lscmir::io::write_file_atomic((tmp.path() / n).string(), "x");
  EXPECT_EQ(lscmir::io::remove_stale_temporaries(tmp.path().string()), 1u);
  std::vector<std::string> want{".de.tsv.tmp.x.1", alive, "de.tsv"};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(entries(tmp.path()), want);
}

TEST(ChecksumFile, KnownDigest) {
  const TempDir tmp;
  const std::string path = tmp.write("abc.txt", "abc");
  const auto rec = lscmir::io::checksum_file("counts", path);
  EXPECT_EQ(rec.role, "counts");
  EXPECT_EQ(rec.path, path);
  EXPECT_EQ(rec.bytes, 3u);
  EXPECT_EQ(rec.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(ChecksumFile, LargerThanOneBuffer) {
  const TempDir tmp;
  const std::string content((std::size_t{1} << 20) + 17, 'a');
  const std::string path = tmp.write("a.txt", content);
  const auto rec = lscmir::io::checksum_file("x", path);
  EXPECT_EQ(rec.bytes, content.size());
  lscmir::core::Sha256 h;
  h.update(content);
  EXPECT_EQ(rec.sha256, h.hex_digest());
}

TEST(ChecksumFile, MissingFile) {
  const auto e = capture_input_error([] { lscmir::io::checksum_file("counts", "missing.tsv"); });
  EXPECT_EQ(e.file(), "missing.tsv");
  EXPECT_EQ(e.problem(), "cannot open file: No such file or directory");
}

/// A child process with staged and streamed temporaries open gets `sig`; returns how it ended.
int interrupted_child(const fs::path& dir, int sig, bool cleanup) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (cleanup) lscmir::io::install_interrupt_cleanup();
    lscmir::io::StagedFiles staged(dir.string());
    staged.add("a.tsv", "a\n");
    staged.add("b.tsv", "b\n");
    lscmir::io::StreamedOutput streamed((dir / "c.tsv").string());
    streamed.write("c\n");
    ::raise(sig);
    ::_exit(99);  // not reached: the signal ends the process
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

TEST(InterruptCleanup, CtrlCRemovesTheTemporariesAndEndsBySignal) {
  // Issue 17: a Ctrl-C during a long run left hidden .NAME.tmp.PID.N files of the half-written outputs.
  for (const int sig : {SIGINT, SIGTERM}) {
    const TempDir tmp;
    const int status = interrupted_child(tmp.path(), sig, true);
    ASSERT_TRUE(WIFSIGNALED(status)) << status;
    EXPECT_EQ(WTERMSIG(status), sig);
    EXPECT_TRUE(entries(tmp.path()).empty()) << entries(tmp.path()).size() << " files left";
  }
}

TEST(InterruptCleanup, WithoutTheHandlerTemporariesStayUntilALaterRunRemovesThem) {
  // The control (what kill -9 does): the temporaries stay; the next prepare_output_dir removes them.
  const TempDir tmp;
  const int status = interrupted_child(tmp.path(), SIGKILL, false);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(entries(tmp.path()).size(), 3u);
  lscmir::io::prepare_output_dir(tmp.path().string(), {"a.tsv"}, true);
  EXPECT_TRUE(entries(tmp.path()).empty());
}

}  // namespace
