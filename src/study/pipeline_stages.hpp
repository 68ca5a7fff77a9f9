// SPDX-License-Identifier: GPL-3.0-or-later
// Internal to the study pipeline (pipeline.cpp): the provenance record of a stage, and the stages
// of the outcome half of the chain (cohort, cohort_km, score, simulate_*) in pipeline_stages.cpp.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lscmir/core/log.hpp"
#include "lscmir/core/run_info.hpp"
#include "lscmir/io/matrix.hpp"
#include "lscmir/io/output.hpp"
#include "lscmir/study/pipeline.hpp"
#include "lscmir/study/survival.hpp"

namespace lscmir::study::detail {

/// The provenance record of one stage, as run_info.<stage>.json.
class StageRecord {
 public:
  StageRecord(RunResult& run, const RunSettings& s, std::string name, core::Logger& log);
  core::RunInfo& info() { return info_; }
  void input(const std::string& role, const std::string& path) { info_.inputs.push_back(io::checksum_file(role, path)); }
  void output(const std::string& file) { info_.outputs.push_back(file); }
  /// Records the stage's time and adds run_info.<stage>.json to the run.
  void done(nlohmann::json& stages);

 private:
  RunResult& run_;
  std::string name_;
  core::Logger& log_;
  double t0_;
  core::RunInfo info_;
};

/// Adds every table to the run and to the stage's outputs.
void put_all(RunResult& run, StageRecord& rec, std::vector<io::NamedTable> tables);

/// The cohort stage: the cohort's matrix and coding, and the Cox models of every cohort miRNA.
struct CohortOutcome {
  SurvivalOptions options;
  io::LabeledMatrix matrix;
  SurvivalCohort cohort;
  SurvivalResult result;

  CoxInput cox_input() const;
  /// forest.tsv: the Cox rows of the first `forest_top` candidates with a cohort match; `km`
  /// receives up to `km_top` of their cohort features.
  io::ResultTable forest(const RankResult& ranked, int forest_top, int km_top, std::vector<std::string>& km) const;
};

/// The cohort stage ("cohort"): reads the cohort once and fits every miRNA.
CohortOutcome cohort_outcome(const StudyConfig& c, const RunSettings& s, RunResult& run, nlohmann::json& stages, core::Logger& log);
/// Kaplan-Meier curves of the top candidates' cohort miRNAs ("cohort_km"), on the cohort read once.
void cohort_km(const CohortOutcome& cohort, const std::vector<std::string>& km, const RunSettings& s, RunResult& run,
               nlohmann::json& stages, core::Logger& log);
/// The multi-miRNA risk score ("score"): `lscmir score fit` on the cohort read once (every cohort
/// miRNA a candidate feature), and the fitted score split at its median with the KM curves and Cox
/// model of the split on the same patients (apparent, not validated). Tables score_<name>.tsv.
void cohort_score(const StudyConfig& c, const CohortOutcome& cohort, const RunSettings& s, RunResult& run, nlohmann::json& stages,
                  core::Logger& log);
/// Virtual patients of the top candidates (simulate_<i>), and the dose-response grid of the first.
void simulate_candidates(const StudyConfig& c, const RankResult& ranked, const RunSettings& s, RunResult& run, nlohmann::json& stages,
                         core::Logger& log);

}  // namespace lscmir::study::detail
