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


/// qc.json of a quant stage: the library QC section comes before the overview, names the
/// libraries that raise a miRTrace warning (escaped) and marks each warning.
TEST(Report, LibraryQcWarningsComeFirstAndEscaped) {
  RunResult run = small_run("S1");
  run.files.emplace_back("qc.json", R"({"samples": [
    {"sample": "<b>bad</b>", "reads": 1000, "assigned_mature": 50,
     "qc_flags": {"phred": {"warn": false}, "length": {"warn": true}, "qc_passed": {"warn": false},
                  "rnatype": {"warn": true}, "complexity": {"warn": false}}},
    {"sample": "good", "reads": 1000, "assigned_mature": 600,
     "qc_flags": {"phred": {"warn": false}, "length": {"warn": false}, "qc_passed": {"warn": false},
                  "rnatype": {"warn": false}, "complexity": {"warn": false}}}]})");
  const std::string html = lscmir::report::build_report(run, "t");
  const auto qc = html.find("<section id=\"library_qc\"");
  ASSERT_NE(qc, std::string::npos);
  const auto overview = html.find("<section id=\"overview\"");
  if (overview != std::string::npos) EXPECT_LT(qc, overview);
  EXPECT_EQ(html.find("<b>bad</b>"), std::string::npos);
  EXPECT_NE(html.find("1 of 2 libraries raise a miRTrace warning: &lt;b&gt;bad&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(html.find("length 20-25 nt and miRNA"), std::string::npos);
  EXPECT_NE(html.find("WARN"), std::string::npos);
}

/// A run with a cohort, a forest plot, a KM table, two contrasts in a given order and the study
/// record: the report draws what a reader needs from each, with the subjects named.
TEST(Report, FiguresCarryTheirStatisticsAndProvenance) {
  RunResult run = small_run("S1");
  ResultTable de2 = *run.find("de_LSC_vs_HSC.tsv");
  run.put("de_HSC_vs_LPC.tsv", de2);  // written second, sorts first
  run.provenance.clear();
  run.provenance.emplace_back("run_info.de.json",
                              R"({"command": "de", "outputs": ["norm_factors.tsv", "de_LSC_vs_HSC.tsv", "de_HSC_vs_LPC.tsv"],
                                  "parameters": {"method": "voom"}})");
  run.provenance.emplace_back("run_info.study.json", R"({"command": "study", "parameters": {"simulated": true, "samples": "s.tsv",
      "input": "c.tsv", "cohort": {"name": "Cohort <X>", "time": "OS_days", "time_unit": "", "event": "e", "covariates": ["age", "sex"]}}})");
  run.provenance.emplace_back("run_info.cohort.json", R"({"command": "cohort", "parameters": {"covariates": ["age", "sex"], "strata": ""}})");
  ResultTable pca;
  pca.add_text("component", {"PC1", "PC2"}).add_real("variance", {0.4213, 0.1}).add_integer("features", {400, 400});
  run.put("qc_pca.tsv", pca);
  ResultTable sheet;
  sheet.add_text("sample", {"S1", "S2", "S3"}).add_text("batch", {"b1", "b2", "b1"});
  run.put("qc_sheet.tsv", sheet);
  ResultTable forest;
  forest.add_text("label", {"m1 (c1)"}).add_text("feature", {"m1"}).add_text("cohort_feature", {"c1"}).add_text("intervention", {"inhibit"});
  forest.add_real("HR", {1.5}).add_real("HR.lower95", {1.2}).add_real("HR.upper95", {1.9}).add_real("P.Wald", {0.00012});
  run.put("forest.tsv", forest);
  ResultTable km;  // 3 high (2 events), 3 low (1 event)
  km.add_text("group", {"high", "high", "low", "low"}).add_real("time", {1, 2, 0.5, 4}).add_real("n.risk", {3, 1, 3, 2});
  km.add_real("n.event", {2, 1, 1, 0}).add_real("n.censor", {0, 0, 0, 2}).add_real("surv", {1.0 / 3, 0, 2.0 / 3, 2.0 / 3});
  km.add_real("std.err", {0.2, 0, 0.2, 0.2}).add_real("lower", {0.1, 0, 0.3, 0.3}).add_real("upper", {1, 0, 1, 1});
  run.put("km_c1.tsv", km);
  const std::string html = lscmir::report::build_report(run, "t");
  const std::string charts = charts_of(html);
  // contrasts in the order the DE stage wrote them, not alphabetical
  EXPECT_LT(charts.find("Volcano plot: LSC vs HSC"), charts.find("Volcano plot: HSC vs LPC"));
  EXPECT_NE(charts.find("PC1 (42.1% of variance)"), std::string::npos);
  EXPECT_NE(charts.find("\"options\":[\"population\",\"patient\",\"batch\"]"), std::string::npos);
  // the forest plot's text columns and its adjustment
  EXPECT_NE(charts.find("HR (95% CI)"), std::string::npos);
  EXPECT_NE(charts.find("1.5 (1.2–1.9)"), std::string::npos);
  EXPECT_NE(charts.find("1.2e-04"), std::string::npos);
  EXPECT_NE(html.find("adjusted for age and sex"), std::string::npos);
  // the KM panel: its statistics, the split rule, the unit guessed from the time column
  EXPECT_NE(charts.find("log-rank P = "), std::string::npos);
  EXPECT_NE(charts.find("HR (high vs low) = "), std::string::npos);
  EXPECT_NE(charts.find("time (days)"), std::string::npos);
  EXPECT_NE(charts.find("high (above the median) (n = 3)"), std::string::npos);
  EXPECT_NE(html.find("Kaplan-Meier curves split at the median"), std::string::npos);
  // the banner: simulated samples, the cohort named (escaped)
  EXPECT_NE(html.find("the samples are simulated"), std::string::npos);
  EXPECT_NE(html.find("Cohort &lt;X&gt;"), std::string::npos);
  EXPECT_EQ(html.find("Cohort <X>"), std::string::npos);
  // every chart exportable
  EXPECT_NE(html.find("export: {svg: true, png: true}"), std::string::npos);
}

/// Without KM tables, no caption claims Kaplan-Meier curves; the section says none were drawn.
TEST(Report, NoKaplanMeierCaptionWithoutCurves) {
  RunResult run = small_run("S1");
  ResultTable cox;
  cox.add_text("feature", {"c1"}).add_real("n", {10}).add_real("events", {4}).add_real("HR", {1.1}).add_real("P.Wald", {0.5});
  run.put("cox.tsv", cox);
  const std::string html = lscmir::report::build_report(run, "t");
  EXPECT_NE(html.find("Per-miRNA Cox models"), std::string::npos);
  EXPECT_EQ(html.find("Kaplan-Meier curves split"), std::string::npos);
  EXPECT_NE(html.find("No Kaplan-Meier curves were drawn"), std::string::npos);
  EXPECT_NE(html.find("unadjusted"), std::string::npos);
}

}  // namespace
