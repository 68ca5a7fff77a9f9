// SPDX-License-Identifier: GPL-3.0-or-later
// sim::simulate and its tables: the body of `lscmir simulate`.
#include "lscmir/sim/simulate.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

#include <fmt/core.h>

#include "lscmir/core/error.hpp"

namespace lscmir::sim {
namespace {

double seconds_now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

std::vector<std::int64_t> as_integers(const std::vector<std::size_t>& v) { return {v.begin(), v.end()}; }

std::vector<Arm> make_arms(const SimulateOptions& o, double ratio) {
  std::vector<Arm> arms;
  for (const auto& name : o.arms) {
    Arm a;
    a.name = name;
    if (name == "standard") {
    } else if (name == "mirna") {
      a.mirna = {o.effect_lsc, o.sensitize, ratio, o.mirna_days};
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
  return arms;
}

}  // namespace

std::vector<AgeGroup> age_groups(const std::string& age_group) {
  std::vector<AgeGroup> groups;
  if (age_group == "under60" || age_group == "both") groups.push_back(AgeGroup::kUnder60);
  if (age_group == "over60" || age_group == "both") groups.push_back(AgeGroup::kOver60);
  if (groups.empty()) throw core::UsageError("--age-group must be under60, over60 or both, got \"" + age_group + "\"");
  return groups;
}

void validate(const SimulateOptions& o, double ratio) {
  if (o.patients == 0) throw core::UsageError("--patients must be at least 1");
  if (o.years <= 0 || o.years > 50) throw core::UsageError("--years must be in (0, 50]");
  if (o.effect_lsc < 0 || o.sensitize < 0 || o.mirna_days < 0)
    throw core::UsageError("--mirna-effect-lsc, --mirna-sensitize and --mirna-days must be >= 0");
  if (ratio < 0) throw core::UsageError("--hsc-lsc-ratio must be >= 0");
  age_groups(o.age_group);
  if (o.calibrate) return;
  make_arms(o, ratio);
  if (o.sensitivity < 0 || o.sensitivity >= 1) throw core::UsageError("--sensitivity must be in [0, 1)");
}

SimulationResult simulate(const SimulateOptions& o, const ModelParams& params, double ratio, int threads, core::Logger& log) {
  validate(o, ratio);
  const std::vector<AgeGroup> groups = age_groups(o.age_group);
  const std::vector<Arm> arms = make_arms(o, ratio);
  if (std::find(o.arms.begin(), o.arms.end(), "mirna") != o.arms.end() && o.effect_lsc == 0 && o.sensitize == 0)
    log.warn("simulate", "the mirna arm has no effect (--mirna-effect-lsc and --mirna-sensitize are 0)");
  SimulationResult r;
  r.options = o;
  r.hsc_lsc_ratio = ratio;
  const double horizon = o.years * kDaysPerYear;
  const double start = seconds_now();
  // the dose-response grid: 8 LSC death rates x 4 or 5 HSC/LSC ratios per age group
  const std::vector<double> effects{0.0, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1};
  std::vector<double> ratios{0.0, 0.25, 0.5, 1.0};
  if (std::find(ratios.begin(), ratios.end(), ratio) == ratios.end()) ratios.push_back(ratio);
  std::sort(ratios.begin(), ratios.end());
  core::Progress progress(log, "simulate", "virtual patients",
                          o.patients * groups.size() * (arms.size() + (o.dose_response ? effects.size() * ratios.size() : 0)));
  for (std::size_t ai = 0; ai < arms.size(); ++ai)
    for (const auto g : groups) {
      const auto outcomes = run_cohort(params, arms[ai], g, o.patients, horizon, o.seed, threads, &progress);
      CohortResult c;
      c.arm = arms[ai].name;
      c.group = g;
      c.summary = summarize(params, outcomes, horizon);
      const auto& s = c.summary;
      log.info("simulate", fmt::format("{} {}: CR {:.3f}, OS 5y {:.3f} [{:.3f}, {:.3f}], early death {:.3f}; deaths leukemia {}, aplasia {}, other {}",
                                       c.arm, age_group_name(g), s.cr.estimate, s.os_5y.estimate, s.os_5y.lower, s.os_5y.upper,
                                       s.early_death.estimate, s.deaths_leukemia, s.deaths_aplasia, s.deaths_other));
      c.km = km_grid(outcomes, horizon, 0.25);
      // Trajectories: the first patients again, recorded (same streams, so the same outcomes).
      for (std::size_t i = 0; i < std::min(o.trajectories, o.patients); ++i) {
        std::vector<TrajectoryPoint> points;
        const auto pt = draw_patient(params, g, o.seed, i);
        simulate_patient(params, pt, arms[ai], horizon, dynamics_seed(o.seed, g, i), &points);
        c.trajectories.push_back(std::move(points));
      }
      r.cohorts.push_back(std::move(c));
    }
  r.seconds = seconds_now() - start;
  log.info("simulate", fmt::format("{} virtual patients simulated in {:.2f} s on {} thread(s)", o.patients * arms.size() * groups.size(),
                                   r.seconds, threads));
  if (o.dose_response) r.dose = dose_response(params, groups, effects, ratios, o.sensitize, o.mirna_days, o.patients, o.seed, threads, &progress);
  progress.finish();
  if (o.sensitivity > 0) r.sensitivity = sensitivity(params, groups, o.sensitivity, o.patients, o.seed, threads);
  return r;
}

std::vector<std::string> simulation_files(const SimulateOptions& o) {
  std::vector<std::string> files{"sim_summary.tsv", "sim_km.tsv", "sim_trajectories.tsv"};
  if (o.dose_response) files.push_back("sim_dose_response.tsv");
  if (o.sensitivity > 0) files.push_back("sim_sensitivity.tsv");
  return files;
}

std::vector<io::NamedTable> simulation_tables(const SimulationResult& r) {
  const SimulateOptions& o = r.options;
  std::vector<io::NamedTable> out;
  {
    std::vector<std::string> arm, group;
    std::vector<std::size_t> n;
    std::vector<double> cr, relapse, os1, os5, median, early;
    for (const auto& c : r.cohorts) {
      arm.push_back(c.arm);
      group.emplace_back(age_group_name(c.group));
      n.push_back(c.summary.n);
      cr.push_back(c.summary.cr.estimate);
      relapse.push_back(c.summary.relapse.estimate);
      os1.push_back(c.summary.os_1y.estimate);
      os5.push_back(c.summary.os_5y.estimate);
      median.push_back(c.summary.median_os_months);
      early.push_back(c.summary.early_death.estimate);
    }
    io::ResultTable t;
    t.add_text("arm", arm).add_text("age_group", group).add_integer("n", as_integers(n)).add_real("CR", cr);
    t.add_real("relapse", relapse).add_real("OS_1y", os1).add_real("OS_5y", os5).add_real("median_OS", median);
    t.add_real("early_death", early);
    out.push_back({"sim_summary.tsv", std::move(t)});
  }
  {
    std::vector<std::string> arm, group;
    std::vector<double> time, surv;
    for (const auto& c : r.cohorts)
      for (const auto& [tm, sv] : c.km) {
        arm.push_back(c.arm);
        group.emplace_back(age_group_name(c.group));
        time.push_back(tm);
        surv.push_back(sv);
      }
    io::ResultTable t;
    t.add_text("arm", std::move(arm)).add_text("age_group", std::move(group)).add_real("time", std::move(time));
    t.add_real("surv", std::move(surv));
    out.push_back({"sim_km.tsv", std::move(t)});
  }
  {
    std::vector<std::string> arm, group;
    std::vector<std::size_t> patient;
    std::vector<double> time, hsc, prog, anc, lsc, blasts, fraction;
    for (const auto& c : r.cohorts)
      for (std::size_t i = 0; i < c.trajectories.size(); ++i)
        for (const auto& q : c.trajectories[i]) {
          arm.push_back(c.arm);
          group.emplace_back(age_group_name(c.group));
          patient.push_back(i + 1);
          time.push_back(q.time);
          hsc.push_back(q.hsc);
          prog.push_back(q.progenitors);
          anc.push_back(q.anc);
          lsc.push_back(q.lsc);
          blasts.push_back(q.blasts);
          fraction.push_back(q.blast_fraction);
        }
    io::ResultTable t;
    t.add_text("arm", std::move(arm)).add_text("age_group", std::move(group)).add_integer("patient", as_integers(patient));
    t.add_real("time", std::move(time)).add_real("hsc", std::move(hsc)).add_real("progenitors", std::move(prog));
    t.add_real("anc", std::move(anc)).add_real("lsc", std::move(lsc)).add_real("blasts", std::move(blasts));
    t.add_real("blast_fraction", std::move(fraction));
    out.push_back({"sim_trajectories.tsv", std::move(t)});
  }
  if (o.dose_response) {
    std::vector<std::string> group;
    std::vector<std::size_t> n;
    std::vector<double> effect, ratio, hsc_effect, sens, cr, os5, os5_lo, os5_hi, early;
    for (const auto& d : r.dose) {
      group.emplace_back(age_group_name(d.group));
      effect.push_back(d.lsc_effect);
      ratio.push_back(d.ratio);
      hsc_effect.push_back(d.lsc_effect * d.ratio);
      sens.push_back(o.sensitize);
      n.push_back(d.summary.n);
      cr.push_back(d.summary.cr.estimate);
      os5.push_back(d.summary.os_5y.estimate);
      os5_lo.push_back(d.summary.os_5y.lower);
      os5_hi.push_back(d.summary.os_5y.upper);
      early.push_back(d.summary.early_death.estimate);
    }
    io::ResultTable t;
    t.add_text("age_group", std::move(group)).add_real("mirna_effect_lsc", std::move(effect)).add_real("hsc_lsc_ratio", std::move(ratio));
    t.add_real("hsc_effect", std::move(hsc_effect)).add_real("mirna_sensitize", std::move(sens)).add_integer("n", as_integers(n));
    t.add_real("CR", std::move(cr)).add_real("OS_5y", std::move(os5)).add_real("OS_5y_lower", std::move(os5_lo));
    t.add_real("OS_5y_upper", std::move(os5_hi)).add_real("early_death", std::move(early));
    out.push_back({"sim_dose_response.tsv", std::move(t)});
  }
  if (o.sensitivity > 0) {
    std::vector<std::string> group, parameter;
    std::vector<double> delta, cr_m, cr_p, rel_m, rel, rel_p, os_m, os, os_p, rel_e, os_e;
    for (const auto& s : r.sensitivity) {
      group.emplace_back(age_group_name(s.group));
      parameter.push_back(s.parameter);
      delta.push_back(o.sensitivity);
      cr_m.push_back(s.cr_minus);
      cr_p.push_back(s.cr_plus);
      rel_m.push_back(s.relapse_minus);
      rel.push_back(s.relapse_base);
      rel_p.push_back(s.relapse_plus);
      os_m.push_back(s.os5_minus);
      os.push_back(s.os5_base);
      os_p.push_back(s.os5_plus);
      rel_e.push_back(s.relapse_elasticity);
      os_e.push_back(s.os5_elasticity);
    }
    const std::vector<std::int64_t> n(group.size(), static_cast<std::int64_t>(o.patients));
    io::ResultTable t;
    t.add_text("age_group", std::move(group)).add_text("parameter", std::move(parameter)).add_real("delta", std::move(delta));
    t.add_integer("n", n).add_real("CR_minus", std::move(cr_m)).add_real("CR_plus", std::move(cr_p));
    t.add_real("relapse_minus", std::move(rel_m)).add_real("relapse", std::move(rel)).add_real("relapse_plus", std::move(rel_p));
    t.add_real("OS_5y_minus", std::move(os_m)).add_real("OS_5y", std::move(os)).add_real("OS_5y_plus", std::move(os_p));
    t.add_real("relapse_elasticity", std::move(rel_e)).add_real("OS_5y_elasticity", std::move(os_e));
    out.push_back({"sim_sensitivity.tsv", std::move(t)});
  }
  return out;
}

CalibrationResult run_calibration(const SimulateOptions& o, const ModelParams& start, int threads, core::Logger& log) {
  CalibrationTargets targets;
  targets.patients = o.calibrate_patients;
  targets.max_evaluations = o.calibrate_evaluations;
  targets.check_patients = o.calibrate_check;
  return calibrate(start, targets, o.seed, threads, [&](const CalibrationStep& s) {
    log.info("simulate", fmt::format("calibrate {} #{}: CR {:.3f} OS5 {:.3f} early {:.3f} loss {:.3f}", age_group_name(s.group),
                                     s.evaluation, s.cr, s.os5, s.early_death, s.loss));
  });
}

std::vector<io::NamedTable> calibration_tables(const CalibrationResult& r) {
  std::vector<io::NamedTable> out;
  {
    std::vector<std::string> group;
    std::vector<std::int64_t> evaluation;
    std::vector<double> mean, sd, aplasia, cr, os5, early, loss;
    for (const auto& s : r.trace) {
      group.emplace_back(age_group_name(s.group));
      evaluation.push_back(s.evaluation);
      mean.push_back(s.params.resistance_logit_mean);
      sd.push_back(s.params.resistance_logit_sd);
      aplasia.push_back(s.params.aplasia_hazard);
      cr.push_back(s.cr);
      os5.push_back(s.os5);
      early.push_back(s.early_death);
      loss.push_back(s.loss);
    }
    io::ResultTable t;
    t.add_text("age_group", std::move(group)).add_integer("evaluation", std::move(evaluation));
    t.add_real("resistance_logit_mean", std::move(mean)).add_real("resistance_logit_sd", std::move(sd));
    t.add_real("aplasia_hazard", std::move(aplasia)).add_real("CR", std::move(cr)).add_real("OS_5y", std::move(os5));
    t.add_real("early_death", std::move(early)).add_real("loss", std::move(loss));
    out.push_back({"sim_calibration_trace.tsv", std::move(t)});
  }
  io::ResultTable t;
  std::vector<std::string> group;
  std::vector<std::int64_t> n;
  std::vector<std::vector<double>> cols(11);
  for (std::size_t g = 0; g < 2; ++g) {
    const auto& s = r.check[g];
    group.emplace_back(age_group_name(static_cast<AgeGroup>(g)));
    n.push_back(static_cast<std::int64_t>(s.n));
    const double v[11] = {s.cr.estimate,          s.cr.lower,          s.cr.upper,          s.os_5y.estimate,
                          s.os_5y.lower,          s.os_5y.upper,       s.early_death.estimate, s.early_death.lower,
                          s.early_death.upper,    s.relapse.estimate,  s.median_os_months};
    for (std::size_t k = 0; k < 11; ++k) cols[k].push_back(v[k]);
  }
  t.add_text("age_group", std::move(group)).add_integer("n", std::move(n));
  const char* names[11] = {"CR",          "CR_lower",          "CR_upper",          "OS_5y",   "OS_5y_lower", "OS_5y_upper",
                           "early_death", "early_death_lower", "early_death_upper", "relapse", "median_OS"};
  for (std::size_t k = 0; k < 11; ++k) t.add_real(names[k], std::move(cols[k]));
  out.push_back({"sim_calibration_check.tsv", std::move(t)});
  return out;
}

nlohmann::json simulate_parameters(const SimulateOptions& o, double ratio, const std::string& candidate, const ModelParams& params) {
  return {{"patients", o.patients}, {"age_group", o.age_group}, {"arms", o.arms},
          {"mirna_effect_lsc", o.effect_lsc}, {"mirna_sensitize", o.sensitize}, {"hsc_lsc_ratio", ratio},
          {"mirna_days", o.mirna_days}, {"candidate", candidate}, {"years", o.years},
          {"trajectories", o.trajectories}, {"dose_response", o.dose_response}, {"sensitivity", o.sensitivity},
          {"calibrate", o.calibrate}, {"model", to_json(params)}};
}

ModelParams read_params_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw core::InputError(path, 0, "cannot open file");
  std::stringstream ss;
  ss << in.rdbuf();
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(ss.str());
  } catch (const nlohmann::json::parse_error& e) {
    throw core::InputError(path, 0, std::string("not valid JSON: ") + e.what());
  }
  return params_from_json(j, path);
}

}  // namespace lscmir::sim
