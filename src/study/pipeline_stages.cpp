// SPDX-License-Identifier: GPL-3.0-or-later
// The study pipeline's stage records and its outcome stages (pipeline_stages.hpp).
#include "pipeline_stages.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>

#include <fmt/core.h>

#include "lscmir/io/table.hpp"
#include "lscmir/sim/model.hpp"
#include "lscmir/sim/simulate.hpp"
#include "lscmir/study/score.hpp"

namespace lscmir::study::detail {
namespace {

double now_seconds() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

/// `rows` of several candidates' tables in one, with a first column "candidate".
io::ResultTable with_candidates(const std::vector<std::pair<std::string, const io::ResultTable*>>& parts) {
  io::ResultTable out;
  if (parts.empty()) return out;
  std::vector<std::string> cand;
  for (const auto& [name, t] : parts) cand.insert(cand.end(), t->rows(), name);
  out.add_text("candidate", std::move(cand));
  for (std::size_t j = 0; j < parts.front().second->columns.size(); ++j) {
    const auto& first = parts.front().second->columns[j];
    io::ResultTable::Column col;
    col.name = first.name;
    col.kind = first.kind;
    for (const auto& [name, t] : parts) {
      const auto& src = t->columns[j];
      col.text.insert(col.text.end(), src.text.begin(), src.text.end());
      col.real.insert(col.real.end(), src.real.begin(), src.real.end());
      col.integer.insert(col.integer.end(), src.integer.begin(), src.integer.end());
    }
    out.columns.push_back(std::move(col));
  }
  return out;
}

}  // namespace

StageRecord::StageRecord(RunResult& run, const RunSettings& s, std::string name, core::Logger& log)
    : run_(run), name_(std::move(name)), log_(log), t0_(now_seconds()) {
  info_.command = name_;
  info_.argv = s.argv;
  info_.start_time = core::utc_now_iso8601();
  if (s.stage) *s.stage = name_;
  log_.info("run", "stage " + name_);
}

void StageRecord::done(nlohmann::json& stages) {
  info_.end_time = core::utc_now_iso8601();
  info_.wall_seconds = now_seconds() - t0_;
  info_.cpu_seconds = core::process_cpu_seconds();
  info_.peak_rss_kib = core::process_peak_rss_kib();
  stages.push_back({{"stage", name_}, {"seconds", info_.wall_seconds}, {"outputs", info_.outputs}});
  run_.provenance.emplace_back("run_info." + name_ + ".json", core::json_text(core::to_json(info_)));
}

void put_all(RunResult& run, StageRecord& rec, std::vector<io::NamedTable> tables) {
  for (auto& t : tables) {
    rec.output(t.file);
    run.put(std::move(t.file), std::move(t.table));
  }
}

CoxInput CohortOutcome::cox_input() const {
  std::vector<double> coef, hr, p;
  for (const auto& r : result.cox.rows) {
    coef.push_back(r.coef);
    hr.push_back(r.hr);
    p.push_back(r.p_wald);
  }
  return make_cox_input(result.features, std::move(coef), std::move(hr), std::move(p));
}

io::ResultTable CohortOutcome::forest(const RankResult& ranked, int forest_top, int km_top, std::vector<std::string>& km) const {
  std::vector<std::string> label, feature, cohort_feature, intervention;
  std::vector<double> hr, lo, hi, p;
  int n = 0;
  for (const auto& c : ranked.candidates) {
    const stats::CoxScreenRow* row = result.cox_row(c.cohort_feature);
    if (c.cohort_feature.empty() || !row) continue;
    if (n++ >= forest_top) break;
    label.push_back(c.feature + " (" + c.cohort_feature + ")");
    feature.push_back(c.feature);
    cohort_feature.push_back(c.cohort_feature);
    intervention.push_back(c.intervention);
    hr.push_back(row->hr);
    lo.push_back(row->hr_lower95);
    hi.push_back(row->hr_upper95);
    p.push_back(row->p_wald);
    if (static_cast<int>(km.size()) < km_top && std::find(km.begin(), km.end(), c.cohort_feature) == km.end()) km.push_back(c.cohort_feature);
  }
  io::ResultTable t;
  t.add_text("label", std::move(label)).add_text("feature", std::move(feature)).add_text("cohort_feature", std::move(cohort_feature));
  t.add_text("intervention", std::move(intervention)).add_real("HR", std::move(hr)).add_real("HR.lower95", std::move(lo));
  t.add_real("HR.upper95", std::move(hi)).add_real("P.Wald", std::move(p));
  return t;
}

/// The cohort stage ("cohort"): reads the cohort once and fits every miRNA.
CohortOutcome cohort_outcome(const StudyConfig& c, const RunSettings& s, RunResult& run, nlohmann::json& stages, core::Logger& log) {
  StageRecord rec(run, s, "cohort", log);
  CohortOutcome out;
  out.options = c.cohort.survival;
  out.matrix = io::read_matrix(out.options.expression, io::MatrixKind::kExpression, s.threads);
  const io::Table clinical = io::read_table(out.options.clinical);
  rec.info().inputs.push_back({"expression", out.matrix.path, out.matrix.sha256, out.matrix.bytes});
  rec.input("clinical", out.options.clinical);
  out.cohort = survival_cohort(out.options, out.matrix, clinical, log);
  out.result = survival_screen(out.options, out.cohort, out.matrix, s.threads, log);
  put_all(run, rec, survival_tables(out.result));
  rec.info().parameters = survival_parameters(out.options, s.threads);
  rec.done(stages);
  return out;
}

/// Kaplan-Meier curves of the top candidates' cohort miRNAs ("cohort_km"), on the cohort read once.
void cohort_km(const CohortOutcome& cohort, const std::vector<std::string>& km, const RunSettings& s, RunResult& run,
               nlohmann::json& stages, core::Logger& log) {
  StageRecord rec(run, s, "cohort_km", log);
  for (const auto& curves : km_curves(cohort.cohort, cohort.matrix, km)) {
    io::NamedTable t = km_table(curves);
    rec.output(t.file);
    run.put(std::move(t.file), std::move(t.table));
  }
  if (cohort.options.cohort.cause > 0)  // competing risks: the cumulative incidence and Gray's test of the same split
    for (const auto& cif : cif_curves(cohort.cohort, cohort.matrix, km))
      for (auto& t : cif_tables(cif)) {
        rec.output(t.file);
        run.put(std::move(t.file), std::move(t.table));
      }
  SurvivalOptions o = cohort.options;
  o.km = km;
  rec.info().parameters = survival_parameters(o, s.threads);
  rec.done(stages);
}

/// The multi-miRNA risk score ("score"): `lscmir score fit` on the cohort read once (every cohort
/// miRNA a candidate feature), and the fitted score split at its median with the KM curves and Cox
/// model of the split on the same patients (apparent, not validated). Tables score_<name>.tsv.
void cohort_score(const StudyConfig& c, const CohortOutcome& cohort, const RunSettings& s, RunResult& run, nlohmann::json& stages,
                  core::Logger& log) {
  StageRecord rec(run, s, "score", log);
  ScoreFitOptions o = c.score;
  o.expression = cohort.options.expression;
  o.clinical = cohort.options.clinical;
  o.cohort = cohort.options.cohort;
  o.cohort.covariates.clear();
  o.cohort.strata.clear();
  const io::Table clinical = io::read_table(o.clinical);
  rec.input("clinical", o.clinical);
  ScoreData data = score_data(o.cohort, cohort.matrix, clinical, log);
  std::vector<int> folds;
  if (!o.foldid.empty()) {
    folds = read_foldid(io::read_table(o.foldid), data.patients);
    rec.input("foldid", o.foldid);
  } else {
    folds = random_folds(data.patients.size(), o.nfolds, o.seed);
  }
  const ScoreFit fit = score_fit(o, std::move(data), folds, s.threads, log);
  std::vector<io::NamedTable> tables;
  for (auto& t : score_fit_tables(fit)) {
    std::string name = t.file == "score.tsv" ? "groups.tsv" : t.file;
    tables.push_back({"score_" + name, std::move(t.table)});
  }
  if (!fit.weights.empty()) {
    ScoreWeights w;
    w.features = fit.weight_features;
    w.coef = fit.weights;
    const ScoreApply a = score_apply(w, cohort.matrix, fit.cutoff, &o.cohort, &clinical, log);
    for (auto& t : score_apply_tables(a)) {
      if (t.file == "validation.tsv") tables.push_back({"score_split.tsv", std::move(t.table)});
      if (t.file == "km_score.tsv") tables.push_back({"score_km.tsv", std::move(t.table)});
    }
  } else {
    log.warn("score", "the risk score has no non-zero weight at " + o.s + ": no split or Kaplan-Meier curves");
  }
  put_all(run, rec, std::move(tables));
  rec.info().parameters = {{"alpha", o.alpha}, {"s", o.s}, {"nfolds", o.foldid.empty() ? o.nfolds : 0}, {"foldid", o.foldid},
                           {"thresh", o.thresh}, {"bootstrap", o.bootstrap}, {"lambda", fit.cv.fit.lambda[fit.chosen]},
                           {"cutoff", fit.cutoff}, {"features", fit.data.features.size()}, {"patients", fit.data.patients.size()},
                           {"weights", fit.weights.size()}, {"threads", s.threads}};
  if (o.foldid.empty() || o.bootstrap > 0) rec.info().seed = o.seed;
  rec.done(stages);
  log.info("run", fmt::format("risk score: {} of {} cohort miRNAs with a non-zero weight at {} -> score_weights.tsv", fit.weights.size(),
                              fit.data.features.size(), o.s));
}

/// Virtual patients of the top candidates (simulate_<i>), and the dose-response grid of the first.
void simulate_candidates(const StudyConfig& c, const RankResult& ranked, const RunSettings& s, RunResult& run, nlohmann::json& stages,
                         core::Logger& log) {
  std::vector<const Candidate*> top;
  for (const auto& cand : ranked.candidates)
    if (static_cast<int>(top.size()) < c.simulate.top) top.push_back(&cand);
  if (top.empty()) return;
  const sim::ModelParams params = sim::default_params();
  // per output file, per candidate: the main runs' summary / km / trajectories and the grid's dose response
  std::map<std::string, std::vector<std::pair<std::string, io::ResultTable>>> by_file;
  auto one = [&](const std::string& stage, const Candidate& cand, const sim::SimulateOptions& o, bool grid) {
    StageRecord rec(run, s, stage, log);
    const double ratio = std::isnan(cand.hsc_lsc_ratio) ? 1.0 : cand.hsc_lsc_ratio;  // no HSC population: the HSCs bear it all
    sim::validate(o, ratio);
    const sim::SimulationResult r = sim::simulate(o, params, ratio, s.threads, log);
    for (auto& t : sim::simulation_tables(r)) {
      if (grid != (t.file == "sim_dose_response.tsv")) continue;
      rec.output(t.file);
      by_file[t.file].emplace_back(cand.feature, std::move(t.table));
    }
    rec.info().parameters = sim::simulate_parameters(o, ratio, cand.feature, params);
    rec.info().seed = o.seed;
    rec.done(stages);
  };
  for (std::size_t i = 0; i < top.size(); ++i) {
    one("simulate_" + std::to_string(i + 1), *top[i], c.simulate.options, false);
    if (i == 0) {  // the dose-response grid of the top candidate, with fewer patients per grid point
      sim::SimulateOptions d = c.simulate.options;
      d.patients = static_cast<std::size_t>(c.simulate.dose_patients);
      d.dose_response = true;
      d.arms = {"standard"};
      d.trajectories = 0;
      one("simulate_dose", *top[i], d, true);
    }
  }
  for (const auto& [file, all] : by_file) {
    std::vector<std::pair<std::string, const io::ResultTable*>> parts;
    for (const auto& [name, table] : all) parts.emplace_back(name, &table);
    run.put(file, with_candidates(parts));
  }
}

}  // namespace lscmir::study::detail
