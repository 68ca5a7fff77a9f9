// SPDX-License-Identifier: GPL-3.0-or-later
// sim::simulate and sim::simulation_tables: file names, columns, integer columns, validation.
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "lscmir/core/error.hpp"
#include "lscmir/core/log.hpp"
#include "lscmir/sim/simulate.hpp"

namespace lscmir::sim {
namespace {

std::vector<std::string> names(const io::ResultTable& t) {
  std::vector<std::string> out;
  for (const auto& c : t.columns) out.push_back(c.name);
  return out;
}

TEST(SimulationTables, FilesAndColumnsOfASmallRun) {
  SimulateOptions o;
  o.patients = 12;
  o.years = 1;
  o.arms = {"standard", "mirna"};
  o.effect_lsc = 0.02;
  o.trajectories = 2;
  o.age_group = "under60";
  std::ostringstream sink;
  core::Logger log(sink);
  const SimulationResult r = simulate(o, default_params(), 0.5, 1, log);
  ASSERT_EQ(r.cohorts.size(), 2u);
  const auto tables = simulation_tables(r);
  ASSERT_EQ(tables.size(), 3u);
  EXPECT_EQ(tables[0].file, "sim_summary.tsv");
  EXPECT_EQ(tables[1].file, "sim_km.tsv");
  EXPECT_EQ(tables[2].file, "sim_trajectories.tsv");
  EXPECT_EQ(names(tables[0].table), (std::vector<std::string>{"arm", "age_group", "n", "CR", "relapse", "OS_1y", "OS_5y",
                                                              "median_OS", "early_death"}));
  EXPECT_EQ(names(tables[1].table), (std::vector<std::string>{"arm", "age_group", "time", "surv"}));
  EXPECT_EQ(names(tables[2].table), (std::vector<std::string>{"arm", "age_group", "patient", "time", "hsc", "progenitors", "anc",
                                                              "lsc", "blasts", "blast_fraction"}));
  EXPECT_EQ(tables[0].table.rows(), 2u);
  EXPECT_EQ(tables[0].table.cell_text(0, 2), "12");
  EXPECT_EQ(tables[0].table.columns[2].kind, io::ResultTable::Kind::kInteger);
  EXPECT_EQ(tables[2].table.columns[2].kind, io::ResultTable::Kind::kInteger);
  // Trajectories: patients 1 and 2 of both arms, nothing else.
  const auto& patient = tables[2].table.columns[2].integer;
  ASSERT_FALSE(patient.empty());
  for (auto p : patient) EXPECT_TRUE(p == 1 || p == 2);
  EXPECT_EQ(simulation_files(o), (std::vector<std::string>{"sim_summary.tsv", "sim_km.tsv", "sim_trajectories.tsv"}));
  // The same seed gives the same tables.
  const auto again = simulation_tables(simulate(o, default_params(), 0.5, 2, log));
  for (std::size_t i = 0; i < tables.size(); ++i) EXPECT_EQ(io::to_tsv(again[i].table), io::to_tsv(tables[i].table));
}

TEST(SimulationTables, IntegerColumnsAreWrittenInDecimalNotExponent) {
  SimulationResult r;
  r.options.patients = 1000000;
  r.options.dose_response = true;
  r.options.sensitivity = 0.05;
  CohortResult c;
  c.arm = "standard";
  c.summary.n = 1000000;
  r.cohorts.push_back(c);
  DosePoint d{AgeGroup::kOver60, 0.01, 0.5, {}};
  d.summary.n = 2000000;
  r.dose.push_back(d);
  SensitivityRow s{};
  s.parameter = "hsc_reserve";
  s.group = AgeGroup::kUnder60;
  r.sensitivity.push_back(s);
  const auto tables = simulation_tables(r);
  ASSERT_EQ(tables.size(), 5u);
  EXPECT_EQ(tables[3].file, "sim_dose_response.tsv");
  EXPECT_EQ(tables[4].file, "sim_sensitivity.tsv");
  const std::string summary = io::to_tsv(tables[0].table);
  EXPECT_NE(summary.find("\t1000000\t"), std::string::npos) << summary;
  EXPECT_EQ(summary.find("e+06"), std::string::npos) << summary;
  const std::string dose = io::to_tsv(tables[3].table);
  EXPECT_NE(dose.find("\t2000000\t"), std::string::npos) << dose;
  EXPECT_EQ(names(tables[3].table)[5], "n");
  const std::string sens = io::to_tsv(tables[4].table);
  EXPECT_NE(sens.find("hsc_reserve\t0.05\t1000000\t"), std::string::npos) << sens;
  EXPECT_EQ(tables[4].table.columns.size(), 14u);
}

TEST(SimulationTables, CalibrationTablesHaveIntegerCounts) {
  CalibrationResult r;
  r.trace.push_back({AgeGroup::kUnder60, 7, {}, 0.7, 0.35, 0.05, 0.001});
  r.check[0].n = 20000;
  r.check[1].n = 20000;
  const auto t = calibration_tables(r);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].file, "sim_calibration_trace.tsv");
  EXPECT_EQ(t[1].file, "sim_calibration_check.tsv");
  EXPECT_EQ(t[0].table.cell_text(0, 1), "7");
  EXPECT_EQ(t[1].table.cell_text(1, 1), "20000");
  EXPECT_EQ(t[1].table.columns.size(), 13u);
}

TEST(SimulateOptionsCheck, UsageErrorsBeforeAnyWork) {
  SimulateOptions o;
  o.patients = 0;
  EXPECT_THROW(validate(o, 0), core::UsageError);
  o.patients = 5;
  o.arms = {"standard", "placebo"};
  EXPECT_THROW(validate(o, 0), core::UsageError);
  o.calibrate = true;  // arms are not looked at when calibrating
  EXPECT_NO_THROW(validate(o, 0));
  o.calibrate = false;
  o.arms = {"standard"};
  o.sensitivity = 1.0;
  EXPECT_THROW(validate(o, 0), core::UsageError);
  o.sensitivity = 0;
  EXPECT_THROW(validate(o, -1), core::UsageError);
  o.age_group = "kids";
  EXPECT_THROW(validate(o, 0), core::UsageError);
}

}  // namespace
}  // namespace lscmir::sim
