// SPDX-License-Identifier: GPL-3.0-or-later
// `lscmir simulate` as a library call: options, the cohorts of every arm and age group, the
// optional dose-response grid and sensitivity analysis, the calibration, and their result tables.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lscmir/core/log.hpp"
#include "lscmir/io/result_table.hpp"
#include "lscmir/sim/cohort.hpp"
#include "lscmir/sim/model.hpp"

namespace lscmir::sim {

/// The options of `lscmir simulate` (the HSC/LSC ratio is passed on its own: from --hsc-lsc-ratio
/// or a candidate's expression ratio).
struct SimulateOptions {
  std::size_t patients = 1000;       ///< per arm and age group
  std::string age_group = "both";    ///< under60, over60 or both
  std::vector<std::string> arms{"standard", "mirna"};  ///< standard, mirna, untreated
  double effect_lsc = 0.0;           ///< added LSC death rate of the miRNA arm (1/day)
  double sensitize = 0.0;            ///< LSC chemotherapy kill x (1 + sensitize) in the miRNA arm
  double mirna_days = 365.0;         ///< days of miRNA modulation from the start of induction
  double years = 5.0;                ///< follow-up
  std::uint64_t seed = 1;
  std::size_t trajectories = 3;      ///< patients per arm and age group recorded in sim_trajectories.tsv
  bool dose_response = false;        ///< also the dose-response grid (sim_dose_response.tsv)
  double sensitivity = 0.0;          ///< > 0: one-at-a-time sensitivity with this delta (sim_sensitivity.tsv)
  bool calibrate = false;            ///< fit the age-group hyper-parameters instead of simulating
  std::size_t calibrate_patients = 3000;
  int calibrate_evaluations = 80;
  std::size_t calibrate_check = 20000;
};

/// The age groups of --age-group. @throws core::UsageError for anything but under60, over60, both.
std::vector<AgeGroup> age_groups(const std::string& age_group);

/// Checks the options (and the ratio) as `lscmir simulate` does before any work; with
/// options.calibrate the arms and --sensitivity are not looked at.
/// @throws core::UsageError naming the flag.
void validate(const SimulateOptions& options, double hsc_lsc_ratio);

/// One arm in one age group.
struct CohortResult {
  std::string arm;
  AgeGroup group = AgeGroup::kUnder60;
  Summary summary;
  std::vector<std::pair<double, double>> km;                   ///< (months, survival), step 0.25 months
  std::vector<std::vector<TrajectoryPoint>> trajectories;      ///< the first patients, recorded
};

struct SimulationResult {
  SimulateOptions options;
  double hsc_lsc_ratio = 0.0;
  std::vector<CohortResult> cohorts;            ///< arm-major, then age group
  std::vector<DosePoint> dose;                  ///< when options.dose_response
  std::vector<SensitivityRow> sensitivity;      ///< when options.sensitivity > 0
  double seconds = 0.0;                         ///< wall time of the cohorts
};

/// Simulates every arm in every age group (and the dose-response grid and sensitivity analysis
/// when asked for). Logs one line per cohort and the timing on `log` (context "simulate"), and a
/// warning when the mirna arm has no effect.
/// @throws core::UsageError as validate(), before any work.
/// Threads: patients in parallel on `threads` workers; the result does not depend on `threads`.
SimulationResult simulate(const SimulateOptions& options, const ModelParams& params, double hsc_lsc_ratio, int threads,
                          core::Logger& log);

/// sim_summary.tsv, sim_km.tsv, sim_trajectories.tsv and, when present, sim_dose_response.tsv and
/// sim_sensitivity.tsv.
std::vector<io::NamedTable> simulation_tables(const SimulationResult& result);

/// The file names simulation_tables() will return for `options`, in order.
std::vector<std::string> simulation_files(const SimulateOptions& options);

/// Runs the calibration (sim::calibrate with the options' patients, evaluations, check and seed),
/// logging every evaluation on `log`. Threads: as calibrate().
CalibrationResult run_calibration(const SimulateOptions& options, const ModelParams& start, int threads, core::Logger& log);

/// sim_calibration_trace.tsv and sim_calibration_check.tsv.
std::vector<io::NamedTable> calibration_tables(const CalibrationResult& result);

/// The run_info parameters of a simulation: the options, the ratio, the candidate name (may be
/// empty) and the model parameters.
nlohmann::json simulate_parameters(const SimulateOptions& options, double hsc_lsc_ratio, const std::string& candidate,
                                   const ModelParams& params);

/// Reads a parameter file (JSON, as params_v1.json); ModelParams::validate() is the caller's.
/// @throws core::InputError naming `path`: unreadable, not JSON, or not the parameters expected.
ModelParams read_params_file(const std::string& path);

}  // namespace lscmir::sim
