// SPDX-License-Identifier: GPL-3.0-or-later
// `lscmir run` end to end beside the single commands on the same files. Issue 14: a run with
// relapse competing with death ([cohort] cause) and a risk score ([score]) writes the tables of
// `lscmir survival --cause`, `score fit --cause` and `score apply --cause` (cohort_cr.toml).
// Issue 13: a run with edgeR quasi-likelihood writes those of `lscmir de --method ql` (ql.toml).
#include <sys/wait.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "golden_util.hpp"

namespace fs = std::filesystem;
using namespace lscmir::golden;  // NOLINT: test-local helpers

namespace {

const std::string kCohort =
    "--expression tests/data/laml/expression.tsv --clinical tests/data/laml/relapse.tsv --id patient --time relapse_months "
    "--event relapse_status --cause 1";

/// Files of `dir` whose name starts with `prefix` and ends in .tsv.
std::vector<std::string> tables_with(const fs::path& dir, const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) == 0 && e.path().extension() == ".tsv") out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST(RunOutcome, CompetingRiskCohortAndScoreEqualTheSingleCommands) {
  const fs::path run_dir = scratch("run_cr"), surv = scratch("run_cr_surv"), fit = scratch("run_cr_fit"), app = scratch("run_cr_apply");
  ASSERT_EQ(run("run", "tests/data/run/cohort_cr.toml", run_dir, 2), 0) << slurp(run_dir.string() + ".stderr");

  // The cumulative incidence and Gray's test of the Kaplan-Meier miRNAs the run chose.
  const std::vector<std::string> cif = tables_with(run_dir, "cif_");
  ASSERT_EQ(cif.size(), 2U) << "[cohort] km_top = 2";
  std::string km;
  for (const auto& f : cif) km += " --km " + f.substr(4, f.size() - 8);
  ASSERT_EQ(run("survival", kCohort + km, surv, 2), 0) << slurp(surv.string() + ".stderr");
  std::vector<std::string> same = {"cox.tsv", "finegray.tsv"};
  for (const auto& f : cif) {
    same.push_back(f);
    same.push_back("gray_" + f.substr(4));
  }
  for (const auto& f : same) {
    ASSERT_TRUE(fs::exists(run_dir / f)) << f;
    EXPECT_EQ(slurp(run_dir / f), slurp(surv / f)) << f;
  }
  // a Fine-Gray model per cohort miRNA (216 in the cohort), not only for the KM miRNAs
  const Tsv fg = read_tsv(run_dir / "finegray.tsv");
  EXPECT_GT(fg.order.size(), 100U);

  // The score: every table of `score fit` under its score_ name (score.tsv as score_groups.tsv).
  ASSERT_EQ(run("score", "fit " + kCohort + " --nfolds 5 --seed 3", fit, 2), 0) << slurp(fit.string() + ".stderr");
  for (const std::string f : {"path.tsv", "cv.tsv", "lambdas.tsv", "weights.tsv"}) EXPECT_EQ(slurp(run_dir / ("score_" + f)), slurp(fit / f)) << f;
  EXPECT_EQ(slurp(run_dir / "score_groups.tsv"), slurp(fit / "score.tsv"));
  const Tsv w = read_tsv(fit / "weights.tsv");
  ASSERT_FALSE(w.order.empty()) << "the lasso keeps no miRNA: the test compares no split";
  // and its apparent split, as `score apply --cause 1` on the training cohort
  ASSERT_EQ(run("score", "apply --weights " + (fit / "weights.tsv").string() + " " + kCohort, app, 1), 0) << slurp(app.string() + ".stderr");
  EXPECT_EQ(slurp(run_dir / "score_split.tsv"), slurp(app / "validation.tsv"));
  EXPECT_EQ(slurp(run_dir / "score_km.tsv"), slurp(app / "km_score.tsv"));
  std::ifstream in(fit / "run_info.json");
  EXPECT_EQ(nlohmann::json::parse(in)["parameters"]["cause"], 1);

  // The report draws the cumulative incidence and the score.
  const std::string html = slurp(run_dir / "report.html");
  EXPECT_NE(html.find("Gray"), std::string::npos);
  EXPECT_NE(html.find("score_weights.tsv"), std::string::npos);
  for (const fs::path& d : {run_dir, surv, fit, app}) fs::remove_all(d);
}

// The event of interest must be a positive code, in fit and apply alike.
TEST(RunOutcome, ScoreRefusesANegativeCause) {
  const fs::path out = scratch("score_bad_cause");
  const int status = run("score", "fit " + kCohort.substr(0, kCohort.size() - 2) + "=-2", out, 1);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 2) << status;
  EXPECT_NE(slurp(out.string() + ".stderr").find("--cause must be a positive event code"), std::string::npos) << slurp(out.string() + ".stderr");
  EXPECT_FALSE(fs::exists(out / "weights.tsv"));
}

// Issue 13: `[study] method = "ql"` with `filter = true` in a run writes the tables of
// `lscmir de --method ql --filter` on the same files and ranks on the primary contrasts. The
// specificity classes need limma's treat test, which QL tables lack: the stage is skipped with
// its reason (it used to classify every miRNA "none"), and `lscmir specificity` refuses the folder.
TEST(RunOutcome, QlStudyEqualsTheSingleCommands) {
  const fs::path run_dir = scratch("run_ql"), de = scratch("run_ql_de"), spec = scratch("run_ql_spec");
  ASSERT_EQ(run("run", "tests/data/run/ql.toml", run_dir, 2), 0) << slurp(run_dir.string() + ".stderr");
  ASSERT_EQ(run("de",
                "--counts tests/data/unbalanced/counts.tsv --samples tests/data/unbalanced/samples.tsv --contrast LSC-HSC "
                "--contrast LSC-LPC --contrast HSC-LPC --contrast \"LSC_vs_mean=LSC-(HSC+LPC)/2\" --method ql --filter",
                de, 2),
            0)
      << slurp(de.string() + ".stderr");
  int compared = 0;
  for (const auto& e : fs::directory_iterator(de)) {
    if (e.path().extension() != ".tsv") continue;
    EXPECT_EQ(slurp(run_dir / e.path().filename()), slurp(e.path())) << e.path().filename();
    ++compared;
  }
  EXPECT_GE(compared, 5);
  const Tsv t = read_tsv(run_dir / "de_LSC_vs_mean.tsv");
  EXPECT_EQ(t.header, (std::vector<std::string>{"feature", "logFC", "logCPM", "F", "PValue", "FDR"}));
  std::ifstream in(run_dir / "run_info.de.json");
  const nlohmann::json p = nlohmann::json::parse(in)["parameters"];
  EXPECT_EQ(p["method"], "ql");
  EXPECT_TRUE(p.contains("common_dispersion")) << p.dump();

  EXPECT_FALSE(fs::exists(run_dir / "specificity.tsv"));
  EXPECT_TRUE(fs::exists(run_dir / "candidates.tsv"));
  std::ifstream info(run_dir / "run_info.json");
  const std::string notes = nlohmann::json::parse(info)["parameters"]["notes"].dump();
  EXPECT_NE(notes.find("treat test"), std::string::npos) << notes;
  EXPECT_NE(run("specificity", "--de " + de.string(), spec, 1), 0);
  EXPECT_NE(slurp(spec.string() + ".stderr").find("edgeR quasi-likelihood table"), std::string::npos) << slurp(spec.string() + ".stderr");
  EXPECT_FALSE(fs::exists(spec / "specificity.tsv"));
  for (const fs::path& d : {run_dir, de, spec}) fs::remove_all(d);
}
