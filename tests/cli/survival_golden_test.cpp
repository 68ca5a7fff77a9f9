// SPDX-License-Identifier: GPL-3.0-or-later
// End-to-end: `lscmir survival` on every case under tests/reference/survival/ against R's
// survival, maxstat and glm (tests/reference/gen/make_surv_golden.R).
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "golden_util.hpp"

namespace fs = std::filesystem;
using namespace lscmir::golden;  // NOLINT: test-local helpers

namespace {

/// Kaplan-Meier (group, time) and cumulative incidence (group, cause, time) tables: rows keyed by
/// their first `keys` columns, the last of them a time (compared as a number).
Tsv read_keyed(const fs::path& p, int keys) {
  Tsv t;
  std::ifstream in(p);
  std::string line;
  std::getline(in, line);
  std::stringstream hs(line);
  std::string c;
  t.header.push_back("key");
  while (std::getline(hs, c, '\t')) t.header.push_back(c);
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    while (std::getline(ss, c, '\t')) cells.push_back(c);
    std::string key;
    for (int k = 0; k + 1 < keys; ++k) key += cells[static_cast<std::size_t>(k)] + "|";
    key += std::to_string(std::stod(cells[static_cast<std::size_t>(keys - 1)]));
    cells.insert(cells.begin(), key);
    t.order.push_back(key);
    t.rows[key] = cells;
  }
  return t;
}

/// Keeps the columns of `got` that `want` has (a golden of some columns of a table).
void keep_golden_columns(Tsv& got, const Tsv& want) {
  std::vector<std::size_t> keep;
  for (std::size_t j = 0; j < got.header.size(); ++j)
    if (j == 0 || std::find(want.header.begin(), want.header.end(), got.header[j]) != want.header.end()) keep.push_back(j);
  auto pick = [&](const std::vector<std::string>& row) {
    std::vector<std::string> out;
    for (const std::size_t j : keep) out.push_back(row[j]);
    return out;
  };
  got.header = pick(got.header);
  for (auto& [key, row] : got.rows) row = pick(row);
}

/// Rows whose expected status is separation or not_converged have no meaningful estimates:
/// only the status is compared there.
void blank_unstable_rows(Tsv& got, Tsv& want) {
  const auto it = std::find(want.header.begin(), want.header.end(), "status");
  if (it == want.header.end()) return;
  const auto sj = static_cast<std::size_t>(it - want.header.begin());
  for (auto& [key, row] : want.rows) {
    if (row[sj] != "separation" && row[sj] != "not_converged") continue;
    for (std::size_t j = 1; j < row.size(); ++j)
      if (j != sj) row[j] = "NA";
    auto g = got.rows.find(key);
    if (g == got.rows.end()) continue;
    const auto gj = static_cast<std::size_t>(std::find(got.header.begin(), got.header.end(), "status") - got.header.begin());
    for (std::size_t j = 1; j < g->second.size(); ++j)
      if (j != gj) g->second[j] = "NA";
  }
}

class SurvivalGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(SurvivalGolden, AgreesWithR) {
  const fs::path dir = fs::path("tests/reference/survival") / GetParam();
  const fs::path out = scratch("surv_" + GetParam());
  ASSERT_EQ(run("survival", case_args(dir), out, 2), 0) << slurp(out.string() + ".stderr");
  int compared = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    if (e.path().extension() != ".tsv" || name.rfind("expected_status", 0) == 0) continue;
    // The tolerances (DESIGN.md, "Correctness"): Fine-Gray 1e-5 relative (crr's own
    // convergence, gtol 1e-6), cuminc est / var 1e-8, Gray's test and cox.zph 1e-6.
    const bool finegray = name == "finegray.tsv", cif = name.rfind("cif_", 0) == 0;
    auto tolerance = [&](const std::string& col) {
      if (col == "P.adjusted") return Tolerance{1e-4, 0.0};
      if (finegray) return Tolerance{1e-5, 1e-12};
      if (cif) return Tolerance{1e-8, 1e-15};
      return Tolerance{1e-6, 1e-12};
    };
    const bool km = name.rfind("km_", 0) == 0;
    Tsv want = km ? read_keyed(e.path(), 2) : cif ? read_keyed(e.path(), 3) : read_tsv(e.path());
    const bool subset = name.size() > 11 && name.compare(name.size() - 11, 11, ".subset.tsv") == 0;
    if (subset) name = name.substr(0, name.size() - 11) + ".tsv";
    Tsv got = km ? read_keyed(out / name, 2) : cif ? read_keyed(out / name, 3) : read_tsv(out / name);
    ASSERT_FALSE(got.header.empty()) << "lscmir wrote no " << name;
    if (subset) keep_golden_columns(got, want);
    blank_unstable_rows(got, want);
    compared += compare_tables(got, want, GetParam() + "/" + name, tolerance);
  }
  EXPECT_GT(compared, 0);
  // Statuses (ok, separation, constant, not_converged, too_few_events) are text columns of the
  // goldens, compared exactly above; expected_status.tsv says why R gives each.
  fs::remove_all(out);
}

INSTANTIATE_TEST_SUITE_P(Cases, SurvivalGolden, ::testing::ValuesIn(cases("tests/reference/survival")));

TEST(SurvivalDeterminism, SameBytesForOneAndTwoThreads) {
  const std::string args =
      "--expression tests/data/laml/expression.tsv --clinical tests/data/laml/clinical.tsv --id patient --time OS_months "
      "--event OS_event --covariates age --split maxstat --binary DFS_event --permutations 50 --seed 7";
  const fs::path o1 = scratch("surv_t1"), o2 = scratch("surv_t2");
  ASSERT_EQ(run("survival", args, o1, 1), 0) << slurp(o1.string() + ".stderr");
  ASSERT_EQ(run("survival", args, o2, 2), 0);
  for (const std::string f : {"cox.tsv", "logrank.tsv", "logistic.tsv"}) EXPECT_EQ(slurp(o1 / f), slurp(o2 / f)) << f;
  fs::remove_all(o1);
  fs::remove_all(o2);
}

TEST(SurvivalDeterminism, CompetingRisksSameBytesForOneAndTwoThreads) {
  const std::string args =
      "--expression tests/data/laml/expression.tsv --clinical tests/data/laml/relapse.tsv --id patient --time relapse_months "
      "--event relapse_status --cause 1 --covariates age --ph-test --km hsa-mir-155";
  const fs::path o1 = scratch("surv_cr_t1"), o2 = scratch("surv_cr_t2");
  ASSERT_EQ(run("survival", args, o1, 1), 0) << slurp(o1.string() + ".stderr");
  ASSERT_EQ(run("survival", args, o2, 2), 0);
  for (const std::string f : {"cox.tsv", "cox_ph_global.tsv", "finegray.tsv", "cif_hsa-mir-155.tsv", "gray_hsa-mir-155.tsv"}) {
    EXPECT_FALSE(slurp(o1 / f).empty()) << f;
    EXPECT_EQ(slurp(o1 / f), slurp(o2 / f)) << f;
  }
  fs::remove_all(o1);
  fs::remove_all(o2);
}

}  // namespace
