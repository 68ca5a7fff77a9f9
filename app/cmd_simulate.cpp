// SPDX-License-Identifier: GPL-3.0-or-later
// lscmir simulate: virtual patients under 7+3 with and without miRNA modulation
// (model in docs/simulation.md), and the calibration of the cohort hyper-parameters.
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "common.hpp"
#include "lscmir/core/error.hpp"
#include "lscmir/core/parallel.hpp"
#include "lscmir/io/output.hpp"
#include "lscmir/io/table.hpp"
#include "lscmir/sim/simulate.hpp"

namespace lscmir::app {
namespace {

struct SimulateCliOptions {
  CommonOptions common;
  sim::SimulateOptions sim;
  double ratio = 0.0;
  std::string candidate, candidates, params;
};

/// The HSC/LSC expression ratio of a candidate: column hsc_lsc_ratio, else 2^-logFC with logFC =
/// log2(LSC / HSC) as written by `lscmir de --contrast LSC-HSC`.
double candidate_ratio(const std::string& path, const std::string& name, core::RunInfo& info) {
  const io::Table t = io::read_table(path);
  info.inputs.push_back(io::checksum_file("candidates", path));
  const std::size_t feature = t.require_column("feature");
  const std::size_t ratio_col = t.find_column("hsc_lsc_ratio");
  const std::size_t lfc_col = t.find_column("logFC");
  if (ratio_col == io::Table::npos && lfc_col == io::Table::npos)
    throw core::InputError(path, 1, "expected a column \"hsc_lsc_ratio\" or \"logFC\" (log2 LSC / HSC)",
                           "use the LSC-HSC table of lscmir de, or add an hsc_lsc_ratio column");
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    if (t.rows[r][feature] != name) continue;
    double v = 0;
    if (ratio_col != io::Table::npos) {
      const std::string& cell = t.rows[r][ratio_col];
      if (!io::parse_finite(cell, v) || v < 0)
        throw core::InputError(path, t.line_numbers[r], "expected a non-negative number in column \"hsc_lsc_ratio\", found \"" + cell + "\"");
      return v;
    }
    const std::string& cell = t.rows[r][lfc_col];
    if (!io::parse_finite(cell, v)) throw core::InputError(path, t.line_numbers[r], "expected a number in column \"logFC\", found \"" + cell + "\"");
    return std::exp2(-v);
  }
  throw core::InputError(path, 0, "no row with feature \"" + name + "\"", "check --candidate against the feature column");
}

int run_simulate(const SimulateCliOptions& o, const std::vector<std::string>& argv, core::Logger& log) {
  const double t0 = now_seconds();
  core::RunInfo info = begin_run("simulate", argv, o.common, log);
  info.seed = o.sim.seed;
  // Validate everything before any work.
  sim::ModelParams params = o.params.empty() ? sim::default_params() : sim::read_params_file(o.params);
  if (!o.params.empty()) info.inputs.push_back(io::checksum_file("params", o.params));
  params.validate();
  if (o.candidate.empty() != o.candidates.empty()) throw core::UsageError("--candidate and --candidates go together");
  sim::validate(o.sim, o.ratio);
  const double ratio = o.candidate.empty() ? o.ratio : candidate_ratio(o.candidates, o.candidate, info);
  info.parameters = sim::simulate_parameters(o.sim, ratio, o.candidate, params);
  const int threads = core::resolve_threads(o.common.threads);
  if (o.sim.calibrate) {
    info.outputs = {"params_calibrated.json", "sim_calibration_trace.tsv", "sim_calibration_check.tsv", "run_info.json"};
    io::prepare_output_dir(o.common.out, info.outputs, o.common.force);
    const sim::CalibrationResult result = sim::run_calibration(o.sim, params, threads, log);
    const std::vector<io::NamedTable> tables = sim::calibration_tables(result);
    io::write_file_atomic((std::filesystem::path(o.common.out) / "params_calibrated.json").string(), core::json_text(sim::to_json(result.params)));
    io::write_tables(o.common.out, tables);
    finish_run_info(info, o.common.out, log, t0);
    return kExitOk;
  }
  info.outputs = sim::simulation_files(o.sim);
  info.outputs.push_back("run_info.json");
  io::prepare_output_dir(o.common.out, info.outputs, o.common.force);
  const sim::SimulationResult result = sim::simulate(o.sim, params, ratio, threads, log);
  io::write_tables(o.common.out, sim::simulation_tables(result));
  finish_run_info(info, o.common.out, log, t0);
  log.info("simulate", fmt::format("done in {:.2f} s wall, {:.2f} s CPU", info.wall_seconds, info.cpu_seconds));
  return kExitOk;
}

}  // namespace

int cmd_simulate(const std::vector<std::string>& argv, core::Logger& log) {
  SimulateCliOptions o;
  sim::SimulateOptions& s = o.sim;
  CLI::App app("Virtual patients (HSC/LSC lineage model) under 7+3 with and without miRNA modulation", "lscmir simulate");
  app.add_option("--patients", s.patients, "Virtual patients per arm and age group")->capture_default_str();
  app.add_option("--age-group", s.age_group, "under60, over60 or both")->capture_default_str();
  app.add_option("--arms", s.arms, "Comma-separated arms: standard, mirna, untreated")->delimiter(',')->capture_default_str();
  app.add_option("--mirna-effect-lsc", s.effect_lsc, "Added LSC death rate of the miRNA arm (1/day)")->capture_default_str();
  app.add_option("--mirna-sensitize", s.sensitize, "LSC chemotherapy kill x (1 + Y) in the miRNA arm")->capture_default_str();
  auto* ratio = app.add_option("--hsc-lsc-ratio", o.ratio, "HSC/LSC expression ratio: share of both effects reaching HSCs");
  auto* cand = app.add_option("--candidate", o.candidate, "Take the ratio of this feature from --candidates");
  app.add_option("--candidates", o.candidates, "TSV with feature and hsc_lsc_ratio or logFC (log2 LSC/HSC)");
  ratio->excludes(cand);
  app.add_option("--mirna-days", s.mirna_days, "Days of miRNA modulation from the start of induction")->capture_default_str();
  app.add_option("--years", s.years, "Follow-up (years)")->capture_default_str();
  app.add_option("--seed", s.seed, "Random seed")->capture_default_str();
  app.add_option("--params", o.params, "Parameter file (JSON; default: the compiled-in data/simulate/params_v1.json)");
  app.add_option("--trajectories", s.trajectories, "Patients per arm and age group written to sim_trajectories.tsv")->capture_default_str();
  app.add_flag("--dose-response", s.dose_response, "Also write sim_dose_response.tsv (5-y OS over LSC effect x HSC/LSC ratio)");
  app.add_option("--sensitivity", s.sensitivity,
                 "Also write sim_sensitivity.tsv: each parameter scaled by 1 -/+ DELTA (e.g. 0.05), standard arm");
  app.add_flag("--calibrate", s.calibrate, "Fit the age-group hyper-parameters to the published 7+3 outcomes");
  app.add_option("--calibrate-patients", s.calibrate_patients, "Patients per calibration evaluation")->capture_default_str();
  app.add_option("--calibrate-evaluations", s.calibrate_evaluations, "Evaluations per age group")->capture_default_str();
  app.add_option("--calibrate-check", s.calibrate_check, "Patients of the independent check run")->capture_default_str();
  add_common_options(app, o.common);
  const int parsed = parse_or_exit(app, argv);
  if (parsed >= 0) return parsed;
  return guarded("simulate", log, [&] { return run_simulate(o, argv, log); });
}

}  // namespace lscmir::app
