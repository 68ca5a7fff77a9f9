// SPDX-License-Identifier: GPL-3.0-or-later
// The run folder and the report: a run written and read back is the same run (same tables, same
// report charts); stale files of an earlier run go, the user's files stay; names reach the HTML
// escaped.
#include <filesystem>
#include <fstream>
#include <algorithm>
#include <unistd.h>
#include <limits>
#include <string>

#include <gtest/gtest.h>

#include "lscmir/core/error.hpp"
#include "lscmir/report/report.hpp"
#include "lscmir/study/run_folder.hpp"

namespace fs = std::filesystem;
using lscmir::io::ResultTable;
using lscmir::study::RunResult;

namespace {

fs::path scratch(const std::string& name) {
  const fs::path p = fs::temp_directory_path() / ("lscmir_report_test_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(p);
  return p;
}

/// The chart specs of a report (the JSON the page embeds), without the header's time stamp.
std::string charts_of(const std::string& html) {
  const std::string open = "id=\"lscmir-charts\">";
  const auto a = html.find(open);
  const auto b = html.find("</script>", a);
  return a == std::string::npos ? std::string() : html.substr(a + open.size(), b - a - open.size());
}

RunResult small_run(const std::string& sample_name) {
  RunResult run;
  ResultTable qc;
  qc.add_text("sample", {sample_name, "S2", "S3"})
      .add_text("patient", {"P1", "P1", "P2"})
      .add_text("population", {"LSC", "HSC", "LSC"})
      .add_real("lib.size", {1e6, 2.5e6, 123456.0})
      .add_real("norm.factors", {0.9, 1.1, std::numeric_limits<double>::quiet_NaN()})
      .add_real("PC1", {0.1, -0.2, 0.1 + 0.2})
      .add_real("PC2", {1e-300, 5.0, -7.25});
  run.put("qc_samples.tsv", qc);
  ResultTable de;
  de.add_text("feature", {"hsa-miR-1", "<img src=x onerror=alert(1)>"})
      .add_real("logFC", {1.5, -2.0 / 3.0})
      .add_real("CI.L", {1.0, -1.0})
      .add_real("CI.R", {2.0, -0.3})
      .add_real("AveExpr", {8.0, 3.0})
      .add_real("t", {4.0, -2.5})
      .add_real("P.Value", {1e-5, 0.02})
      .add_real("adj.P.Val", {2e-5, 0.02})
      .add_real("B", {3.0, -1.0});
  run.put("de_LSC_vs_HSC.tsv", de);
  ResultTable summary;
  summary.add_text("class", {"LSC-specific", "none"}).add_integer("n", {1000000, 3});
  run.put("specificity_summary.tsv", summary);
  run.provenance.emplace_back("run_info.de.json", "{\"command\": \"de\"}\n");
  return run;
}

TEST(RunFolder, WrittenAndReadBackIsTheSameRun) {
  const fs::path dir = scratch("roundtrip");
  const RunResult run = small_run("S1");
  lscmir::study::write_run(run, dir.string());
  const RunResult back = lscmir::study::read_run(dir.string());
  ASSERT_EQ(back.tables.size(), run.tables.size());
  for (const auto& t : run.tables) {
    const ResultTable* b = back.find(t.file);
    ASSERT_NE(b, nullptr) << t.file;
    EXPECT_EQ(lscmir::io::to_tsv(*b), lscmir::io::to_tsv(t.table)) << t.file;
  }
  EXPECT_EQ(lscmir::io::to_tsv(*back.find("specificity_summary.tsv")), "class\tn\nLSC-specific\t1000000\nnone\t3\n");
  ASSERT_EQ(back.provenance.size(), 1u);
  EXPECT_EQ(back.provenance[0].second, run.provenance[0].second);
  // the report of the folder draws the same charts as the report of the run in memory
  RunResult mem = run;
  mem.folder = dir.string();
  lscmir::report::ReportSummary a, b;
  const std::string from_memory = lscmir::report::build_report(mem, "t", &a);
  const std::string from_folder = lscmir::report::build_report(back, "t", &b);
  EXPECT_EQ(charts_of(from_memory), charts_of(from_folder));
  EXPECT_FALSE(charts_of(from_memory).empty());
  EXPECT_EQ(a.charts, b.charts);
  EXPECT_GE(a.charts, 3);
  fs::remove_all(dir);
}

TEST(RunFolder, ReplacesAnEarlierRunOnlyWithWhatItOwns) {
  const fs::path dir = scratch("stale");
  fs::create_directories(dir);
  std::ofstream(dir / "cox.tsv") << "feature\tHR\nold\t1\n";       // an earlier run's table
  std::ofstream(dir / "run_info.cohort.json") << "{}\n";             // and its provenance
  std::ofstream(dir / "notes.txt") << "mine\n";                      // the user's own file
  std::ofstream(dir / "de_LSC_vs_HSC.tsv") << "feature\nold\n";     // replaced by the new run
  const auto written = lscmir::study::write_run(small_run("S1"), dir.string());
  EXPECT_FALSE(fs::exists(dir / "cox.tsv"));
  EXPECT_FALSE(fs::exists(dir / "run_info.cohort.json"));
  EXPECT_TRUE(fs::exists(dir / "notes.txt"));
  EXPECT_TRUE(fs::exists(dir / "de_LSC_vs_HSC.tsv"));
  EXPECT_NE(std::find(written.begin(), written.end(), "de_LSC_vs_HSC.tsv"), written.end());
  fs::remove_all(dir);
}

TEST(RunFolder, LayoutNamesEveryTableARunWrites) {
  for (const char* f : {"de_A_vs_B.tsv", "km_hsa-mir-532.tsv", "enrichment_inhibit.tsv", "sim_km.tsv", "onoff_A_vs_B.tsv",
                        "candidates.tsv", "forest.tsv", "target_pairs.tsv", "multiqc/lscmir_quant_reads_mqc.json"})
    EXPECT_NE(lscmir::study::layout_entry(f), nullptr) << f;
  for (const char* f : {"de_.tsv", "notes.txt", "cox.tsv.bak", "run_info.json"}) EXPECT_EQ(lscmir::study::layout_entry(f), nullptr) << f;
  RunResult run;
  EXPECT_THROW(run.put("notes.tsv", ResultTable{}), lscmir::core::InternalError);
}

TEST(Report, UserNamesReachTheHtmlEscaped) {
  RunResult run = small_run("</script><script>alert(1)</script>");
  run.folder = "/tmp/<b>run</b>";
  const std::string html = lscmir::report::build_report(run, "title <i>x</i>");
  EXPECT_EQ(html.find("<script>alert(1)"), std::string::npos);
  EXPECT_EQ(html.find("<img src=x"), std::string::npos);
  EXPECT_EQ(html.find("<b>run</b>"), std::string::npos);
  EXPECT_EQ(html.find("<i>x</i>"), std::string::npos);
  EXPECT_NE(html.find("title &lt;i&gt;x&lt;/i&gt;"), std::string::npos);
  EXPECT_NE(html.find("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);  // the samples table
  EXPECT_NE(html.find("\\u003cimg src=x onerror=alert(1)\\u003e"), std::string::npos);               // the chart data
}

}  // namespace
