// SPDX-License-Identifier: GPL-3.0-or-later
#include <atomic>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

#include "lscmir/core/error.hpp"
#include "lscmir/core/log.hpp"
#include "lscmir/core/parallel.hpp"
#include "lscmir/core/progress.hpp"
#include "lscmir/core/run_info.hpp"
#include "lscmir/core/sha256.hpp"

namespace lscmir::core {
namespace {

TEST(Sha256, FipsTestVectors) {
  Sha256 a;
  EXPECT_EQ(a.hex_digest(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  Sha256 b;
  b.update("abc");
  EXPECT_EQ(b.hex_digest(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256 c;  // 448-bit message: padding crosses into a second block
  c.update("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq");
  EXPECT_EQ(c.hex_digest(), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  Sha256 d;  // one million 'a', fed in uneven pieces
  const std::string chunk(997, 'a');
  std::size_t left = 1000000;
  while (left > 0) {
    const std::size_t n = std::min(left, chunk.size());
    d.update(chunk.data(), n);
    left -= n;
  }
  EXPECT_EQ(d.hex_digest(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(InputError, NamesFileLineAndHint) {
  const InputError e("counts.tsv", 7, "expected 4 fields, found 3", "check the delimiter");
  EXPECT_STREQ(e.what(), "counts.tsv, line 7: expected 4 fields, found 3 (possible solution: check the delimiter)");
  EXPECT_EQ(e.line(), 7u);
  const InputError whole("sheet.tsv", 0, "empty file");
  EXPECT_STREQ(whole.what(), "sheet.tsv: empty file");
}

TEST(CellForMessage, EscapesControlAndInvalidBytesAndCutsLongCells) {
  EXPECT_EQ(cell_for_message("hsa-miR-21-5p"), "hsa-miR-21-5p");
  EXPECT_EQ(cell_for_message(std::string("a\tb\nc\x1b", 6)), "a\\x09b\\x0ac\\x1b");
  EXPECT_EQ(cell_for_message("\xce\xb1-miR"), "\xce\xb1-miR");       // valid UTF-8 kept
  EXPECT_EQ(cell_for_message("\xff\xce"), "\\xff\\xce");            // stray and truncated bytes escaped
  EXPECT_EQ(cell_for_message("\xc0\xaf"), "\\xc0\\xaf");            // overlong encoding escaped
  const std::string big(5'000'000, 'x');
  const std::string m = cell_for_message(big, 10);
  EXPECT_EQ(m, "xxxxxxxxxx... (5000000 bytes)");
}

TEST(Parallel, EveryIndexOnceForAnyThreadCount) {
  for (int threads : {1, 2, 3, 8}) {
    std::vector<int> hits(1001, 0);
    parallel_for(hits.size(), threads, [&](std::size_t i) { hits[i] += 1; });
    for (int h : hits) ASSERT_EQ(h, 1) << threads;
  }
}

TEST(Parallel, DynamicVisitsEveryIndexOnceAndRethrows) {
  for (int threads : {1, 2, 3, 8}) {
    std::vector<int> hits(11, 0);
    parallel_for_dynamic(hits.size(), threads, [&](std::size_t i) { hits[i] += 1; });
    for (int h : hits) ASSERT_EQ(h, 1) << threads;
  }
  parallel_for_dynamic(0, 2, [](std::size_t) { FAIL(); });
  EXPECT_THROW(parallel_for_dynamic(5, 2, [](std::size_t i) {
                 if (i == 3) throw InputError("x", 1, "bad");
               }),
               InputError);
}

TEST(Parallel, RethrowsTheWorkersException) {
  EXPECT_THROW(parallel_for(100, 2, [](std::size_t i) {
                 if (i == 77) throw InputError("x", 1, "bad");
               }),
               InputError);
  EXPECT_GE(resolve_threads(0), 1);
  EXPECT_EQ(resolve_threads(3), 3);
}

TEST(Logger, RecordsWarningsAndRespectsLevel) {
  std::ostringstream os;
  Logger log(os, LogLevel::kWarning);
  log.info("de", "hidden");
  log.warn("de", "patient P07 has a single sample");
  EXPECT_EQ(os.str(), "[W::de] patient P07 has a single sample\n");
  ASSERT_EQ(log.warnings().size(), 1u);
  EXPECT_EQ(log.warnings()[0], "de: patient P07 has a single sample");
}

/// Issue 16: progress lines go to the logger's stream at info level, never with --quiet
/// (warning level), not before the interval, and count every unit from any thread.
TEST(Progress, ReportsThroughTheLoggerAndIsSilentWhenQuiet) {
  std::ostringstream out;
  Logger log(out);
  {
    Progress p(log, "sim", "patients", 1000, 0.0);
    parallel_for(1000, 4, [&](std::size_t) { p.add(); });
    p.finish();
    EXPECT_GT(p.lines(), 0u);
  }
  const std::string text = out.str();
  EXPECT_NE(text.find("[I::sim] "), std::string::npos) << text;
  EXPECT_NE(text.find("100% (1000 of 1000 patients, "), std::string::npos) << text;
  EXPECT_EQ(text.find("of 1000 patients", text.find("100%") + 30), std::string::npos) << "no repeated last line: " << text;

  std::ostringstream quiet_out;
  Logger quiet(quiet_out, LogLevel::kWarning);
  {
    Progress p(quiet, "sim", "patients", 1000, 0.0);
    for (int i = 0; i < 1000; ++i) p.add();
    EXPECT_EQ(p.lines(), 0u);
  }
  EXPECT_TRUE(quiet_out.str().empty());

  std::ostringstream slow_out;
  Logger slow(slow_out);
  {
    Progress p(slow, "sim", "patients", 1000, 3600.0);  // a short job: no line at all
    for (int i = 0; i < 1000; ++i) p.add();
  }
  EXPECT_TRUE(slow_out.str().empty());

  std::ostringstream open_out;
  Logger open(open_out);
  {
    Progress p(open, "quant", "reads of S1", 0, 0.0);  // total unknown: counts only
    p.set(250000);
    p.set(500000);
  }
  EXPECT_NE(open_out.str().find("[I::quant] 500000 reads of S1 ("), std::string::npos) << open_out.str();
  EXPECT_EQ(open_out.str().find('%'), std::string::npos);
}

TEST(RunInfo, SerializesEveryField) {
  RunInfo info;
  info.command = "de";
  info.argv = {"lscmir", "de"};
  info.inputs.push_back({"counts", "c.tsv", std::string(64, 'a'), 12});
  info.seed = 42;
  const auto j = to_json(info);
  EXPECT_EQ(j["version"], version());
  EXPECT_EQ(j["inputs"][0]["bytes"], 12);
  EXPECT_EQ(j["seed"], 42);
  EXPECT_EQ(utc_now_iso8601().size(), 20u);
  EXPECT_GT(process_peak_rss_kib(), 0);
}

}  // namespace
}  // namespace lscmir::core
