// SPDX-License-Identifier: GPL-3.0-or-later
// lscmir simulate: virtual patients under 7+3 with and without miRNA modulation
// (model in docs/simulation.md), and the calibration of the cohort hyper-parameters.
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "common.hpp"
#include "lscmir/core/error.hpp"
#include "lscmir/core/parallel.hpp"
#include "lscmir/io/output.hpp"
#include "lscmir/io/table.hpp"
#include "lscmir/sim/cohort.hpp"
#include "lscmir/sim/model.hpp"

namespace lscmir::app {
namespace {

struct SimulateOptions {
  CommonOptions common;
  std::size_t patients = 1000;
  std::string age_group = "both";
  std::vector<std::string> arms{"standard", "mirna"};
  double effect_lsc = 0.0, sensitize = 0.0, ratio = 0.0, mirna_days = 365.0;
  bool ratio_given = false;
  std::string candidate, candidates, params;
  double years = 5.0;
  std::uint64_t seed = 1;
  std::size_t trajectories = 3;
  bool dose_response = false;
  double sensitivity = 0.0;
  bool calibrate = false;
  std::size_t calibrate_patients = 3000;
  int calibrate_evaluations = 80;
  std::size_t calibrate_check = 20000;
};

bool parse_double(const std::string& s, double& v) {
  if (s.empty()) return false;
  const char* b = s.data();
  if (*b == '+') ++b;
  const auto r = std::from_chars(b, s.data() + s.size(), v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size() && std::isfinite(v);
}

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
      if (!parse_double(cell, v) || v < 0)
        throw core::InputError(path, t.line_numbers[r], "expected a non-negative number in column \"hsc_lsc_ratio\", found \"" + cell + "\"");
      return v;
    }
    const std::string& cell = t.rows[r][lfc_col];
    if (!parse_double(cell, v)) throw core::InputError(path, t.line_numbers[r], "expected a number in column \"logFC\", found \"" + cell + "\"");
    return std::exp2(-v);
  }
  throw core::InputError(path, 0, "no row with feature \"" + name + "\"", "check --candidate against the feature column");
}

std::string fmt_num(double x) { return io::format_double(x); }

int run_calibration(const SimulateOptions& o, const sim::ModelParams& start, core::RunInfo& info, core::Logger& log,
                    double t0) {
  const std::vector<std::string> outputs{"params_calibrated.json", "sim_calibration_trace.tsv", "sim_calibration_check.tsv",
                                         "run_info.json"};
  io::prepare_output_dir(o.common.out, outputs, o.common.force);
  sim::CalibrationTargets targets;
  targets.patients = o.calibrate_patients;
  targets.max_evaluations = o.calibrate_evaluations;
  targets.check_patients = o.calibrate_check;
  const int threads = core::resolve_threads(o.common.threads);
  const auto result = sim::calibrate(start, targets, o.seed, threads, [&](const sim::CalibrationStep& s) {
    log.info("simulate", fmt::format("calibrate {} #{}: CR {:.3f} OS5 {:.3f} early {:.3f} loss {:.3f}", sim::age_group_name(s.group),
                                     s.evaluation, s.cr, s.os5, s.early_death, s.loss));
  });
  std::string trace = "age_group\tevaluation\tresistance_logit_mean\tresistance_logit_sd\taplasia_hazard\tCR\tOS_5y\tearly_death\tloss\n";
  for (const auto& s : result.trace)
    trace += fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", sim::age_group_name(s.group), s.evaluation,
                         fmt_num(s.params.resistance_logit_mean), fmt_num(s.params.resistance_logit_sd),
                         fmt_num(s.params.aplasia_hazard), fmt_num(s.cr), fmt_num(s.os5), fmt_num(s.early_death), fmt_num(s.loss));
  std::string check = "age_group\tn\tCR\tCR_lower\tCR_upper\tOS_5y\tOS_5y_lower\tOS_5y_upper\tearly_death\tearly_death_lower\tearly_death_upper\trelapse\tmedian_OS\n";
  for (std::size_t g = 0; g < 2; ++g) {
    const auto& s = result.check[g];
    check += fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", sim::age_group_name(static_cast<sim::AgeGroup>(g)), s.n,
                         fmt_num(s.cr.estimate), fmt_num(s.cr.lower), fmt_num(s.cr.upper), fmt_num(s.os_5y.estimate),
                         fmt_num(s.os_5y.lower), fmt_num(s.os_5y.upper), fmt_num(s.early_death.estimate),
                         fmt_num(s.early_death.lower), fmt_num(s.early_death.upper), fmt_num(s.relapse.estimate),
                         fmt_num(s.median_os_months));
  }
  const std::string dir = o.common.out;
  io::write_file_atomic((std::filesystem::path(dir) / "params_calibrated.json").string(), sim::to_json(result.params).dump(2) + "\n");
  io::write_file_atomic((std::filesystem::path(dir) / "sim_calibration_trace.tsv").string(), trace);
  io::write_file_atomic((std::filesystem::path(dir) / "sim_calibration_check.tsv").string(), check);
  info.outputs = outputs;
  finish_run_info(info, dir, log, t0);
  return kExitOk;
}

int run_simulate(const SimulateOptions& o, const std::vector<std::string>& argv, core::Logger& log) {
  const double t0 = now_seconds();
  core::RunInfo info = begin_run("simulate", argv, o.common, log);
  info.seed = o.seed;

  // Validate everything before any work.
  sim::ModelParams params = sim::default_params();
  if (!o.params.empty()) {
    std::ifstream in(o.params);
    if (!in) throw core::InputError(o.params, 0, "cannot open file");
    std::stringstream ss;
    ss << in.rdbuf();
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(ss.str());
    } catch (const nlohmann::json::parse_error& e) {
      throw core::InputError(o.params, 0, std::string("not valid JSON: ") + e.what());
    }
    params = sim::params_from_json(j, o.params);
    info.inputs.push_back(io::checksum_file("params", o.params));
  }
  params.validate();
  if (o.patients == 0) throw core::UsageError("--patients must be at least 1");
  if (o.years <= 0 || o.years > 50) throw core::UsageError("--years must be in (0, 50]");
  if (o.effect_lsc < 0 || o.sensitize < 0 || o.mirna_days < 0)
    throw core::UsageError("--mirna-effect-lsc, --mirna-sensitize and --mirna-days must be >= 0");
  if (o.ratio < 0) throw core::UsageError("--hsc-lsc-ratio must be >= 0");
  if (o.candidate.empty() != o.candidates.empty()) throw core::UsageError("--candidate and --candidates go together");
  std::vector<sim::AgeGroup> groups;
  if (o.age_group == "under60" || o.age_group == "both") groups.push_back(sim::AgeGroup::kUnder60);
  if (o.age_group == "over60" || o.age_group == "both") groups.push_back(sim::AgeGroup::kOver60);
  if (groups.empty()) throw core::UsageError("--age-group must be under60, over60 or both, got \"" + o.age_group + "\"");

  double ratio = o.ratio;
  if (!o.candidate.empty()) ratio = candidate_ratio(o.candidates, o.candidate, info);

  info.parameters = {{"patients", o.patients}, {"age_group", o.age_group}, {"arms", o.arms},
                     {"mirna_effect_lsc", o.effect_lsc}, {"mirna_sensitize", o.sensitize}, {"hsc_lsc_ratio", ratio},
                     {"mirna_days", o.mirna_days}, {"candidate", o.candidate}, {"years", o.years},
                     {"trajectories", o.trajectories}, {"dose_response", o.dose_response}, {"sensitivity", o.sensitivity}, {"calibrate", o.calibrate},
                     {"model", sim::to_json(params)}};
  if (o.calibrate) return run_calibration(o, params, info, log, t0);

  std::vector<sim::Arm> arms;
  for (const auto& name : o.arms) {
    sim::Arm a;
    a.name = name;
    if (name == "standard") {
    } else if (name == "mirna") {
      a.mirna = {o.effect_lsc, o.sensitize, ratio, o.mirna_days};
      if (o.effect_lsc == 0 && o.sensitize == 0)
        log.warn("simulate", "the mirna arm has no effect (--mirna-effect-lsc and --mirna-sensitize are 0)");
    } else if (name == "untreated") {
      a.chemotherapy = false;
    } else {
      throw core::UsageError("--arms: unknown arm \"" + name + "\" (expected standard, mirna, untreated)");
    }
    for (const auto& b : arms)
      if (b.name == name) throw core::UsageError("--arms: arm \"" + name + "\" given twice");
    arms.push_back(a);
  }
  if (arms.empty()) throw core::UsageError("--arms must name at least one arm");

  std::vector<std::string> outputs{"sim_summary.tsv", "sim_km.tsv", "sim_trajectories.tsv", "run_info.json"};
  if (o.dose_response) outputs.insert(outputs.end() - 1, "sim_dose_response.tsv");
  if (o.sensitivity < 0 || o.sensitivity >= 1) throw core::UsageError("--sensitivity must be in [0, 1)");
  if (o.sensitivity > 0) outputs.insert(outputs.end() - 1, "sim_sensitivity.tsv");
  io::prepare_output_dir(o.common.out, outputs, o.common.force);

  const int threads = core::resolve_threads(o.common.threads);
  const double horizon = o.years * sim::kDaysPerYear;
  std::string summary = "arm\tage_group\tn\tCR\trelapse\tOS_1y\tOS_5y\tmedian_OS\tearly_death\n";
  std::string km = "arm\tage_group\ttime\tsurv\n";
  std::string traj = "arm\tage_group\tpatient\ttime\thsc\tprogenitors\tanc\tlsc\tblasts\tblast_fraction\n";
  const double sim_start = now_seconds();
  for (std::size_t ai = 0; ai < arms.size(); ++ai)
    for (const auto g : groups) {
      const auto outcomes = sim::run_cohort(params, arms[ai], ai, g, o.patients, horizon, o.seed, threads);
      const auto s = sim::summarize(params, outcomes, horizon);
      const char* gname = sim::age_group_name(g);
      summary += fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", arms[ai].name, gname, s.n, fmt_num(s.cr.estimate),
                             fmt_num(s.relapse.estimate), fmt_num(s.os_1y.estimate), fmt_num(s.os_5y.estimate),
                             fmt_num(s.median_os_months), fmt_num(s.early_death.estimate));
      log.info("simulate", fmt::format("{} {}: CR {:.3f}, OS 5y {:.3f} [{:.3f}, {:.3f}], early death {:.3f}; deaths leukemia {}, aplasia {}, other {}",
                                       arms[ai].name, gname, s.cr.estimate, s.os_5y.estimate, s.os_5y.lower, s.os_5y.upper,
                                       s.early_death.estimate, s.deaths_leukemia, s.deaths_aplasia, s.deaths_other));
      for (const auto& [tm, sv] : sim::km_grid(outcomes, horizon, 0.25))
        km += fmt::format("{}\t{}\t{}\t{}\n", arms[ai].name, gname, fmt_num(tm), fmt_num(sv));
      // Trajectories: the first patients again, recorded (same streams, so the same outcomes).
      for (std::size_t i = 0; i < std::min(o.trajectories, o.patients); ++i) {
        std::vector<sim::TrajectoryPoint> points;
        const auto pt = sim::draw_patient(params, g, o.seed, i);
        sim::simulate_patient(params, pt, arms[ai], horizon,
                              sim::stream_seed(o.seed, 0xd1a + ai, static_cast<std::uint64_t>(g), i), &points);
        for (const auto& q : points)
          traj += fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", arms[ai].name, gname, i + 1, fmt_num(q.time),
                              fmt_num(q.hsc), fmt_num(q.progenitors), fmt_num(q.anc), fmt_num(q.lsc), fmt_num(q.blasts),
                              fmt_num(q.blast_fraction));
      }
    }
  const double sim_seconds = now_seconds() - sim_start;
  log.info("simulate", fmt::format("{} virtual patients simulated in {:.2f} s on {} thread(s)", o.patients * arms.size() * groups.size(),
                                   sim_seconds, threads));

  std::string dose;
  if (o.dose_response) {
    const std::vector<double> effects{0.0, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1};
    std::vector<double> ratios{0.0, 0.25, 0.5, 1.0};
    if (std::find(ratios.begin(), ratios.end(), ratio) == ratios.end()) ratios.push_back(ratio);
    std::sort(ratios.begin(), ratios.end());
    const auto points = sim::dose_response(params, groups, effects, ratios, o.sensitize, o.mirna_days, o.patients, o.seed, threads);
    dose = "age_group\tmirna_effect_lsc\thsc_lsc_ratio\thsc_effect\tmirna_sensitize\tn\tCR\tOS_5y\tOS_5y_lower\tOS_5y_upper\tearly_death\n";
    for (const auto& d : points)
      dose += fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", sim::age_group_name(d.group), fmt_num(d.lsc_effect),
                          fmt_num(d.ratio), fmt_num(d.lsc_effect * d.ratio), fmt_num(o.sensitize), d.summary.n,
                          fmt_num(d.summary.cr.estimate), fmt_num(d.summary.os_5y.estimate), fmt_num(d.summary.os_5y.lower),
                          fmt_num(d.summary.os_5y.upper), fmt_num(d.summary.early_death.estimate));
  }

  std::string sens;
  if (o.sensitivity > 0) {
    sens = "age_group\tparameter\tdelta\tn\tCR_minus\tCR_plus\trelapse_minus\trelapse\trelapse_plus\tOS_5y_minus\tOS_5y\tOS_5y_plus\trelapse_elasticity\tOS_5y_elasticity\n";
    for (const auto& r : sim::sensitivity(params, groups, o.sensitivity, o.patients, o.seed, threads))
      sens += fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", sim::age_group_name(r.group), r.parameter,
                          fmt_num(o.sensitivity), o.patients, fmt_num(r.cr_minus), fmt_num(r.cr_plus), fmt_num(r.relapse_minus),
                          fmt_num(r.relapse_base), fmt_num(r.relapse_plus), fmt_num(r.os5_minus), fmt_num(r.os5_base),
                          fmt_num(r.os5_plus), fmt_num(r.relapse_elasticity), fmt_num(r.os5_elasticity));
  }

  const std::filesystem::path dir(o.common.out);
  io::write_file_atomic((dir / "sim_summary.tsv").string(), summary);
  io::write_file_atomic((dir / "sim_km.tsv").string(), km);
  io::write_file_atomic((dir / "sim_trajectories.tsv").string(), traj);
  if (o.dose_response) io::write_file_atomic((dir / "sim_dose_response.tsv").string(), dose);
  if (o.sensitivity > 0) io::write_file_atomic((dir / "sim_sensitivity.tsv").string(), sens);
  info.outputs = outputs;
  finish_run_info(info, o.common.out, log, t0);
  log.info("simulate", fmt::format("done in {:.2f} s wall, {:.2f} s CPU", info.wall_seconds, info.cpu_seconds));
  return kExitOk;
}

}  // namespace

int cmd_simulate(const std::vector<std::string>& argv, core::Logger& log) {
  SimulateOptions o;
  CLI::App app("Virtual patients (HSC/LSC lineage model) under 7+3 with and without miRNA modulation", "lscmir simulate");
  app.add_option("--patients", o.patients, "Virtual patients per arm and age group")->capture_default_str();
  app.add_option("--age-group", o.age_group, "under60, over60 or both")->capture_default_str();
  app.add_option("--arms", o.arms, "Comma-separated arms: standard, mirna, untreated")->delimiter(',')->capture_default_str();
  app.add_option("--mirna-effect-lsc", o.effect_lsc, "Added LSC death rate of the miRNA arm (1/day)")->capture_default_str();
  app.add_option("--mirna-sensitize", o.sensitize, "LSC chemotherapy kill x (1 + Y) in the miRNA arm")->capture_default_str();
  auto* ratio = app.add_option("--hsc-lsc-ratio", o.ratio, "HSC/LSC expression ratio: share of both effects reaching HSCs");
  auto* cand = app.add_option("--candidate", o.candidate, "Take the ratio of this feature from --candidates");
  app.add_option("--candidates", o.candidates, "TSV with feature and hsc_lsc_ratio or logFC (log2 LSC/HSC)");
  ratio->excludes(cand);
  app.add_option("--mirna-days", o.mirna_days, "Days of miRNA modulation from the start of induction")->capture_default_str();
  app.add_option("--years", o.years, "Follow-up (years)")->capture_default_str();
  app.add_option("--seed", o.seed, "Random seed")->capture_default_str();
  app.add_option("--params", o.params, "Parameter file (JSON; default: the compiled-in data/simulate/params_v1.json)");
  app.add_option("--trajectories", o.trajectories, "Patients per arm and age group written to sim_trajectories.tsv")->capture_default_str();
  app.add_flag("--dose-response", o.dose_response, "Also write sim_dose_response.tsv (5-y OS over LSC effect x HSC/LSC ratio)");
  app.add_option("--sensitivity", o.sensitivity,
                 "Also write sim_sensitivity.tsv: each parameter scaled by 1 -/+ DELTA (e.g. 0.05), standard arm");
  app.add_flag("--calibrate", o.calibrate, "Fit the age-group hyper-parameters to the published 7+3 outcomes");
  app.add_option("--calibrate-patients", o.calibrate_patients, "Patients per calibration evaluation")->capture_default_str();
  app.add_option("--calibrate-evaluations", o.calibrate_evaluations, "Evaluations per age group")->capture_default_str();
  app.add_option("--calibrate-check", o.calibrate_check, "Patients of the independent check run")->capture_default_str();
  add_common_options(app, o.common);
  const int parsed = parse_or_exit(app, argv);
  if (parsed >= 0) return parsed;
  return guarded("simulate", log, [&] { return run_simulate(o, argv, log); });
}

}  // namespace lscmir::app
