// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 14 end to end: `lscmir run` with relapse competing with death ([cohort] cause) and a risk
// score ([score]) writes the tables that `lscmir survival --cause` and `lscmir score fit --cause` /
// `score apply --cause` write on their own on the same files (tests/data/run/cohort_cr.toml).
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
  // cause-specific Cox: the relapses only, not the deaths in remission
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
