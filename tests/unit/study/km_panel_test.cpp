// SPDX-License-Identifier: GPL-3.0-or-later
// study::km_panel_stats: the numbers of a Kaplan-Meier panel from its km_<feature>.tsv alone agree
// with survdiff / coxph on the subjects (R golden, tests/reference/gen/make_km_panel_golden.R), and
// with lscmir's own log-rank and Cox fit on the original subjects.
#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "lscmir/core/error.hpp"
#include "lscmir/io/result_table.hpp"
#include "lscmir/io/table.hpp"
#include "lscmir/stats/cox.hpp"
#include "lscmir/study/survival.hpp"

namespace {

const std::string kDir = std::string(LSCMIR_SOURCE_DIR) + "/tests/reference/survival/km_panel/";

double rel(double a, double b) { return std::fabs(a - b) / std::max(std::fabs(b), 1e-300); }

TEST(KmPanelStats, AgreesWithSurvdiffAndCoxph) {
  const lscmir::io::Table golden = lscmir::io::read_table(kDir + "golden.tsv");
  ASSERT_EQ(golden.rows.size(), 2u);
  for (const auto& g : golden.rows) {
    const lscmir::io::ResultTable km = lscmir::io::from_table(lscmir::io::read_table(kDir + g[0]));
    const lscmir::study::KmPanelStats s = lscmir::study::km_panel_stats(km, g[0]);
    EXPECT_EQ(s.n_high, std::stod(g[1])) << g[0];
    EXPECT_EQ(s.n_low, std::stod(g[2])) << g[0];
    EXPECT_EQ(s.events_high, std::stod(g[3])) << g[0];
    EXPECT_EQ(s.events_low, std::stod(g[4])) << g[0];
    EXPECT_LT(rel(s.logrank_chisq, std::stod(g[5])), 1e-8) << g[0];
    EXPECT_LT(rel(s.logrank_p, std::stod(g[6])), 1e-8) << g[0];
    EXPECT_EQ(s.status, lscmir::stats::FitStatus::kOk);
    EXPECT_LT(rel(s.hr, std::stod(g[7])), 1e-6) << g[0];
    EXPECT_LT(rel(s.hr_lower95, std::stod(g[8])), 1e-6) << g[0];
    EXPECT_LT(rel(s.hr_upper95, std::stod(g[9])), 1e-6) << g[0];
  }
}

/// Subjects -> Kaplan-Meier table -> stats: the same log-rank as on the subjects themselves.
TEST(KmPanelStats, SubjectsAreRecoveredExactly) {
  const std::vector<double> time = {1, 2, 2, 3, 4, 4, 5, 6, 7, 8, 8, 9, 10, 12};
  const std::vector<int> event = {1, 1, 0, 1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 0};
  const std::vector<int> high = {1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 1};
  std::vector<double> th, tl;
  std::vector<int> eh, el;
  for (std::size_t i = 0; i < time.size(); ++i) (high[i] ? th : tl).push_back(time[i]), (high[i] ? eh : el).push_back(event[i]);
  lscmir::study::KmCurves curves{"x", {lscmir::stats::kaplan_meier(th, eh), lscmir::stats::kaplan_meier(tl, el)}};
  const lscmir::io::NamedTable t = lscmir::study::km_table(curves);
  const lscmir::study::KmPanelStats s = lscmir::study::km_panel_stats(t.table, t.file);
  const lscmir::stats::LogRank lr = lscmir::stats::logrank_test(time, event, high);
  EXPECT_EQ(s.n_high + s.n_low, 14);
  EXPECT_DOUBLE_EQ(s.logrank_chisq, lr.chisq);
  EXPECT_GT(s.hr, 0);
  EXPECT_LT(s.hr_lower95, s.hr);
  EXPECT_GT(s.hr_upper95, s.hr);
}

TEST(KmPanelStats, ATableWithoutTheColumnsIsAnInputError) {
  lscmir::io::ResultTable t;
  t.add_text("group", {"high"}).add_real("time", {1.0});
  EXPECT_THROW(lscmir::study::km_panel_stats(t, "km_x.tsv"), lscmir::core::InputError);
}

}  // namespace
