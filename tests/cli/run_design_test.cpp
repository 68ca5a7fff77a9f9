// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 16: `lscmir run` for designs other than HSC / LSC / LPC. A two-group study on the real TCGA
// KIRC data (tumour vs normal, paired) with the TCGA LAML cohort runs every stage, and a stage that
// cannot run is named with its reason in the log, run_info.json and the report.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <utility>
#include <vector>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "golden_util.hpp"

namespace fs = std::filesystem;
using namespace lscmir::golden;  // NOLINT: test-local helpers

namespace {

int run_cmd(const std::string& args, const fs::path& log, bool quiet = true) {
  const std::string cmd = std::string(LSCMIR_BINARY) + " " + args + (quiet ? " --quiet" : "") + " 2> " + log.string();
  return std::system(cmd.c_str());
}

/// The data rows of a table (header excluded), or -1 when the file is missing.
long rows(const fs::path& p) {
  if (!fs::exists(p)) return -1;
  std::ifstream in(p);
  std::string line;
  long n = -1;
  while (std::getline(in, line)) ++n;
  return n;
}

nlohmann::json notes_of(const fs::path& dir) {
  std::ifstream in(dir / "run_info.json");
  return nlohmann::json::parse(in)["parameters"]["notes"];
}

TEST(RunDesign, TwoGroupKircStudyRunsEveryStage) {
  const fs::path out = scratch("run_kirc"), rebuilt = scratch("run_kirc_report.html");
  ASSERT_EQ(run_cmd("run tests/data/kirc/kirc.toml --out " + out.string(), out.string() + ".stderr", false), 0)
      << slurp(out.string() + ".stderr");
  // DE, cohort Cox, forest, KM, targets, candidates, enrichment, simulation, the report's views
  for (const char* f : {"de_tumor_vs_normal.tsv", "norm_factors.tsv", "cox.tsv", "forest.tsv", "target_pairs.tsv", "candidates.tsv",
                        "enrichment_inhibit.tsv", "enrichment_restore.tsv", "sim_summary.tsv", "sim_km.tsv", "sim_dose_response.tsv",
                        "qc_samples.tsv", "report_expression.tsv"})
    EXPECT_GT(rows(out / f), 0) << f << " is missing or has no rows";
  int km = 0;
  for (const auto& e : fs::directory_iterator(out))
    if (e.path().filename().string().rfind("km_", 0) == 0) {
      ++km;
      EXPECT_GT(rows(e.path()), 0) << e.path();
    }
  EXPECT_GE(km, 1);
  EXPECT_GT(fs::file_size(out / "report.html"), 100000u);
  EXPECT_FALSE(fs::exists(out / "specificity.tsv"));

  // candidates: ranked on tumor-normal, no HSC sparing, precursor names matched to the LAML cohort
  // and to the mature TargetScan targets through the miRBase map
  const Tsv cand = read_tsv(out / "candidates.tsv");
  ASSERT_FALSE(cand.order.empty());
  auto col = [&](const std::string& name) {
    const auto it = std::find(cand.header.begin(), cand.header.end(), name);
    EXPECT_NE(it, cand.header.end()) << name;
    return static_cast<std::size_t>(it - cand.header.begin());
  };
  const std::size_t c_lfc = col("logFC.tumor_vs_normal"), c_spar = col("hsc_sparing"), c_cohort = col("cohort_feature"),
                    c_targets = col("n_targets"), c_class = col("class"), c_int = col("intervention");
  int with_targets = 0, with_cohort = 0;
  for (const auto& f : cand.order) {
    const auto& r = cand.rows.at(f);
    EXPECT_EQ(r[c_spar], "NA") << f;
    EXPECT_EQ(r[c_class], num(r[c_lfc]) > 0 ? "up" : "down") << f;
    EXPECT_EQ(r[c_int], num(r[c_lfc]) > 0 ? "inhibit" : "restore") << f;
    with_targets += num(r[c_targets]) > 0;
    with_cohort += r[c_cohort] != "NA";
  }
  EXPECT_GT(with_targets, static_cast<int>(cand.order.size()) / 2);
  EXPECT_GT(with_cohort, 0);
  // no size-0 set in an enrichment table
  for (const char* f : {"enrichment_inhibit.tsv", "enrichment_restore.tsv"}) {
    const Tsv e = read_tsv(out / f);
    for (const auto& s : e.order) EXPECT_GT(num(e.rows.at(s)[1]), 0) << f << " " << s;
  }

  // the skipped stages, with reasons, in the log, run_info.json and the report
  const std::string log = slurp(out.string() + ".stderr");
  EXPECT_NE(log.find("specificity skipped: "), std::string::npos) << log;
  EXPECT_NE(log.find("hsc_sparing skipped: "), std::string::npos) << log;
  const nlohmann::json notes = notes_of(out);
  EXPECT_EQ(notes["candidates_from"], "contrasts");
  EXPECT_EQ(notes["primary"], nlohmann::json::array({"tumor-normal"}));
  EXPECT_EQ(notes["km_drawn"], true);
  EXPECT_EQ(notes["km_split"], "median");
  std::set<std::string> skipped;
  for (const auto& s : notes["skipped"]) {
    skipped.insert(s["stage"].get<std::string>());
    EXPECT_FALSE(s["reason"].get<std::string>().empty());
  }
  EXPECT_EQ(skipped, (std::set<std::string>{"specificity", "hsc_sparing"}));
  const std::string html = slurp(out / "report.html");
  EXPECT_NE(html.find("Stages not run"), std::string::npos);
  EXPECT_NE(html.find("<b>hsc_sparing</b>: no LSC-HSC contrast"), std::string::npos);
  EXPECT_NE(html.find("Kaplan-Meier curves split at the median"), std::string::npos);
  // lscmir report DIR reads the notes back from run_info.json
  ASSERT_EQ(run_cmd("report " + out.string() + " --out " + rebuilt.string(), rebuilt.string() + ".stderr"), 0)
      << slurp(rebuilt.string() + ".stderr");
  const std::string again = slurp(rebuilt);
  EXPECT_NE(again.find("<b>hsc_sparing</b>: no LSC-HSC contrast"), std::string::npos);
  EXPECT_NE(again.find("Kaplan-Meier curves split at the median"), std::string::npos);
  fs::remove_all(out);
  fs::remove_all(rebuilt);
}

/// Two contrasts and no primary: candidates cannot be chosen, and everything after them says why;
/// with `primary` naming both, a miRNA is a candidate only when both agree.
TEST(RunDesign, SeveralContrastsNeedPrimary) {
  const fs::path dir = scratch("run_primary"), a = dir / "a", b = dir / "b";
  fs::create_directories(dir);
  const fs::path root = fs::current_path();
  auto config = [&](const std::string& primary) {
    const fs::path cfg = dir / ("study" + std::to_string(primary.size()) + ".toml");
    std::ofstream(cfg) << "[study]\nsamples = \"" << (root / "data/demo/samples.tsv").string() << "\"\ncounts = \""
                       << (root / "data/demo/counts.tsv").string() << "\"\ncontrasts = [\"LSC-HSC\", \"LSC-LPC\"]\n" << primary
                       << "[cohort]\nexpression = \"" << (root / "tests/data/laml/expression.tsv").string() << "\"\nclinical = \""
                       << (root / "tests/data/laml/clinical.tsv").string() << "\"\ntime = \"OS_months\"\nevent = \"OS_event\"\n"
                       << "[simulate]\npatients = 100\ndose_patients = 20\ntop = 1\n";
    return cfg;
  };
  ASSERT_EQ(run_cmd("run " + config("").string() + " --out " + a.string(), dir / "log_a"), 0) << slurp(dir / "log_a");
  EXPECT_NE(slurp(dir / "log_a").find("[W::run] rank skipped: the study has 2 contrasts and none is named primary"), std::string::npos)
      << slurp(dir / "log_a");
  std::set<std::string> skipped;
  const nlohmann::json notes = notes_of(a);
  for (const auto& s : notes["skipped"]) skipped.insert(s["stage"].get<std::string>());
  for (const char* st : {"specificity", "rank", "forest", "cohort_km", "enrichment", "simulate", "paired"}) EXPECT_TRUE(skipped.count(st)) << st;
  EXPECT_FALSE(fs::exists(a / "candidates.tsv"));
  EXPECT_NE(slurp(a / "report.html").find("No Kaplan-Meier curves were drawn"), std::string::npos);

  ASSERT_EQ(run_cmd("run " + config("primary = [\"LSC-HSC\", \"LSC-LPC\"]\n").string() + " --out " + b.string(), dir / "log_b"), 0)
      << slurp(dir / "log_b");
  const Tsv cand = read_tsv(b / "candidates.tsv");
  const Tsv d1 = read_tsv(b / "de_LSC_vs_HSC.tsv"), d2 = read_tsv(b / "de_LSC_vs_LPC.tsv");
  ASSERT_FALSE(cand.order.empty());
  const auto sparing_col = static_cast<std::size_t>(std::find(cand.header.begin(), cand.header.end(), "hsc_sparing") - cand.header.begin());
  ASSERT_LT(sparing_col, cand.header.size());
  for (const auto& r : cand.order) {
    const std::string& f = cand.rows.at(r)[1];
    const double l1 = num(d1.rows.at(f)[1]), l2 = num(d2.rows.at(f)[1]);
    EXPECT_GT(l1 * l2, 0) << f << ": the two contrasts disagree in sign";
    EXPECT_LT(std::max(num(d1.rows.at(f)[7]), num(d2.rows.at(f)[7])), 0.05) << f;
    EXPECT_NE(cand.rows.at(r)[sparing_col], "NA") << f << ": an LSC-HSC contrast gives HSC sparing";
  }
  fs::remove_all(dir);
}

TEST(RunDesign, PrimaryMustNameAContrast) {
  const fs::path dir = scratch("run_primary_bad");
  fs::create_directories(dir);
  std::ofstream(dir / "s.toml") << "[study]\nsamples = \"s.tsv\"\ncounts = \"c.tsv\"\ncontrasts = [\"A-B\"]\nprimary = [\"B-A\"]\n";
  EXPECT_EQ(run_cmd("run " + (dir / "s.toml").string() + " --out " + (dir / "out").string(), dir / "log"), 2 << 8);
  EXPECT_NE(slurp(dir / "log").find("s.toml, line 5: [study] primary names \"B-A\", which is not one of the contrasts"), std::string::npos)
      << slurp(dir / "log");
  fs::remove_all(dir);
}

/// Issue 17: the small inputs of the last stages are parsed before the first stage runs, so a
/// malformed gene-set file fails at once (it used to fail after DE, specificity and the cohort).
TEST(RunDesign, AMalformedGeneSetFileFailsBeforeTheFirstStage) {
  const fs::path dir = scratch("run_gmt_bad");
  fs::create_directories(dir);
  const fs::path root = fs::current_path();
  std::ofstream(dir / "s.toml") << "[study]\nsamples = \"" << (root / "tests/cli/data/samples.tsv").string() << "\"\ncounts = \""
                                << (root / "tests/cli/data/counts.tsv").string() << "\"\ncontrasts = [\"B-A\"]\n[enrichment]\ngene_sets = [\""
                                << (root / "tests/data/malformed/enrich_gmt_no_description.gmt").string() << "\"]\n";
  EXPECT_EQ(run_cmd("run " + (dir / "s.toml").string() + " --out " + (dir / "out").string(), dir / "log"), 2 << 8);
  const std::string log = slurp(dir / "log");
  EXPECT_NE(log.find("enrich_gmt_no_description.gmt, line 2: expected a gene set line"), std::string::npos) << log;
  EXPECT_EQ(log.find("stage de"), std::string::npos) << log;
  EXPECT_FALSE(fs::exists(dir / "out" / "de_B_vs_A.tsv"));
  fs::remove_all(dir);
}

}  // namespace

namespace {

/// Issue 16: every long command reports progress on stderr (through core::Progress), never on
/// stdout; --quiet silences it; the outputs are the same bytes either way.
TEST(Progress, LongCommandsReportOnStderrAndQuietSilencesIt) {
  const std::vector<std::pair<std::string, std::string>> commands = {
      {"simulate", "simulate --patients 200 --hsc-lsc-ratio 0.5 --mirna-effect-lsc 0.03 --dose-response"},
      {"survival", "survival --expression tests/data/laml/expression.tsv --clinical tests/data/laml/clinical.tsv --id patient "
                   "--time OS_months --event OS_event --permutations 20"},
      {"enrich", "enrich --targets tests/cli/data/enrich_targets.tsv --mirnas hsa-miR-155-5p --gene-sets tests/data/awkward/enrich_quirks.gmt "
                 "--method empirical --permutations 200"},
      {"targets", "targets --families tests/data/targets/miR_Family_info_sample.txt --utrs tests/data/targets/UTR_Sequences_sample.txt"},
      {"quant", "quant --hairpin tests/data/smallrna/hairpin_hsa.v22.fa --mature tests/data/smallrna/mature_hsa.v22.fa --adapter truseq "
                "tests/data/smallrna/mirtrace_sample1_hsa.fastq.gz"},
  };
  for (const auto& [name, args] : commands) {
    const fs::path loud = scratch("progress_" + name), quiet = scratch("progress_q_" + name);
    const std::string env = "LSCMIR_PROGRESS_INTERVAL=0 ";
    ASSERT_EQ(std::system((env + LSCMIR_BINARY + " " + args + " --out " + loud.string() + " > " + loud.string() + ".stdout 2> " +
                           loud.string() + ".stderr").c_str()), 0) << name << ": " << slurp(loud.string() + ".stderr");
    ASSERT_EQ(std::system((env + LSCMIR_BINARY + " " + args + " --quiet --out " + quiet.string() + " > " + quiet.string() + ".stdout 2> " +
                           quiet.string() + ".stderr").c_str()), 0) << name << ": " << slurp(quiet.string() + ".stderr");
    const std::string err = slurp(loud.string() + ".stderr"), qerr = slurp(quiet.string() + ".stderr");
    const std::string line = name == "quant" ? " reads of " : "% (";
    EXPECT_NE(err.find("[I::" + name + "] "), std::string::npos) << name << ": " << err;
    EXPECT_NE(err.find(line), std::string::npos) << name << ": no progress line in\n" << err;
    EXPECT_EQ(qerr.find(line), std::string::npos) << name << ": --quiet printed progress\n" << qerr;
    EXPECT_EQ(qerr.find("[I::"), std::string::npos) << name << ": " << qerr;
    EXPECT_TRUE(slurp(loud.string() + ".stdout").empty()) << name;
    EXPECT_TRUE(slurp(quiet.string() + ".stdout").empty()) << name;
    int compared = 0;
    for (const auto& e : fs::recursive_directory_iterator(loud)) {
      if (!e.is_regular_file() || e.path().filename().string().rfind("run_info", 0) == 0) continue;
      const fs::path rel = fs::relative(e.path(), loud);
      if (rel.filename() == "qc.json" || rel.string().find("multiqc") != std::string::npos) continue;  // hold timings
      EXPECT_EQ(slurp(e.path()), slurp(quiet / rel)) << name << " " << rel;
      ++compared;
    }
    EXPECT_GT(compared, 0) << name;
    for (const fs::path& p : {loud, quiet}) {
      fs::remove_all(p);
      fs::remove(p.string() + ".stdout");
      fs::remove(p.string() + ".stderr");
    }
  }
}

}  // namespace
