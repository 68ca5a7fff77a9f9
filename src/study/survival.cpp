// SPDX-License-Identifier: GPL-3.0-or-later
// The survival stage: cohort -> Cox screen (+ permutation FDR) -> log-rank splits, Kaplan-Meier
// curves, logistic screen; and the stage's result tables.
#include "lscmir/study/survival.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <type_traits>

#include <fmt/core.h>

#include "lscmir/core/error.hpp"
#include "lscmir/io/matrix.hpp"
#include "lscmir/io/table.hpp"
#include "lscmir/stats/distributions.hpp"

namespace lscmir::study {
namespace {

stats::Ties parse_ties(const std::string& ties) {
  if (ties == "efron") return stats::Ties::kEfron;
  if (ties == "breslow") return stats::Ties::kBreslow;
  throw core::UsageError("--ties must be efron or breslow (got \"" + ties + "\")");
}

stats::LogrankSplit parse_split(const std::string& split) {
  if (split == "median") return stats::LogrankSplit::kMedian;
  if (split == "tertile") return stats::LogrankSplit::kTertile;
  if (split == "quartile") return stats::LogrankSplit::kQuartile;
  if (split == "maxstat") return stats::LogrankSplit::kMaxstat;
  throw core::UsageError("--split must be median, tertile, quartile or maxstat (got \"" + split + "\")");
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void check_km_features(const io::LabeledMatrix& m, const std::vector<std::string>& km) {
  for (const auto& f : km)
    if (std::find(m.features.begin(), m.features.end(), f) == m.features.end())
      throw core::UsageError("--km " + f + ": no such feature in " + m.path);
}

std::vector<KmCurves> km_curves(const stats::SurvivalData& data, const Eigen::MatrixXd& values,
                                const std::vector<std::string>& features, const std::vector<std::string>& km,
                                const std::string& split) {
  const stats::LogrankSplit how = split.empty() ? stats::LogrankSplit::kMedian : parse_split(split);
  std::vector<KmCurves> out;
  for (const auto& feature : km) {
    const auto f = static_cast<Eigen::Index>(std::find(features.begin(), features.end(), feature) - features.begin());
    out.push_back({feature, stats::km_by_split(data.time, data.event, values, f, how)});
  }
  return out;
}

CifCurves cif_curves(const std::string& feature, const stats::SurvivalData& data, const std::vector<int>& status,
                     const Eigen::MatrixXd& values, Eigen::Index f, stats::LogrankSplit how) {
  const std::vector<int> g = stats::split_membership(data.time, data.event, values, f, how);
  CifCurves out;
  out.feature = feature;
  std::vector<double> t;
  std::vector<int> st, grp;
  for (std::size_t k = 0; k < g.size(); ++k) {
    if (g[k] < 0) continue;
    t.push_back(data.time[k]);
    st.push_back(status[k]);
    grp.push_back(g[k] == 1 ? 0 : 1);  // cuminc's group order: high, low
  }
  for (const int s : st)
    if (s > 0 && std::find(out.causes.begin(), out.causes.end(), s) == out.causes.end()) out.causes.push_back(s);
  std::sort(out.causes.begin(), out.causes.end());
  const bool both = std::count(grp.begin(), grp.end(), 0) > 0 && std::count(grp.begin(), grp.end(), 1) > 0;
  for (int gi = 0; gi < 2; ++gi) {
    std::vector<double> tg;
    std::vector<int> sg;
    for (std::size_t k = 0; k < t.size(); ++k)
      if (grp[k] == gi) {
        tg.push_back(t[k]);
        sg.push_back(st[k]);
      }
    for (const int c : out.causes) out.curves.push_back({gi == 0 ? "high" : "low", c, stats::cumulative_incidence(tg, sg, c)});
  }
  if (both)
    for (const int c : out.causes) out.gray.push_back(stats::gray_test(t, st, grp, 2, c));
  return out;
}

}  // namespace

void validate(const SurvivalOptions& o) {
  parse_ties(o.ties);
  if (!o.split.empty()) parse_split(o.split);
  validate_cause(o.cohort);
  if (!(o.ph_level > 0 && o.ph_level < 1)) throw core::UsageError("--ph-level must lie between 0 and 1");
}

const stats::CoxScreenRow* SurvivalResult::cox_row(std::string_view feature) const {
  const auto it = std::find(features.begin(), features.end(), feature);
  if (it == features.end()) return nullptr;
  return &cox.rows[static_cast<std::size_t>(it - features.begin())];
}

SurvivalCohort survival_cohort(const SurvivalOptions& o, const io::LabeledMatrix& m, const io::Table& clinical, core::Logger& log) {
  validate(o);
  SurvivalCohort sc;
  sc.cohort = build_cohort(o.cohort, m, clinical, log);
  sc.base = base_rows(sc.cohort);
  check_km_features(m, o.km);
  return sc;
}

SurvivalResult survival_screen(const SurvivalOptions& o, const io::LabeledMatrix& m, const io::Table& clinical, int threads,
                               core::Logger& log) {
  return survival_screen(o, survival_cohort(o, m, clinical, log), m, threads, log);
}

SurvivalResult survival_screen(const SurvivalOptions& o, const SurvivalCohort& sc, const io::LabeledMatrix& m, int threads,
                               core::Logger& log) {
  validate(o);
  const Cohort& cohort = sc.cohort;
  const std::vector<std::size_t>& base = sc.base;
  core::ensure(cohort.matrix_col.empty() || cohort.matrix_col.back() < m.samples.size(),
               "survival_screen: the cohort was built on another matrix");
  stats::CoxScreenOptions copt;
  copt.cox.ties = parse_ties(o.ties);
  copt.min_events = o.min_events;
  copt.ph_test = o.ph_test;
  log.info("survival", fmt::format("{} features; {} patients matched, {} usable (time, event{})", m.features.size(), cohort.ids.size(),
                                   base.size(), o.cohort.covariates.empty() ? "" : ", covariates"));

  SurvivalResult res;
  res.features = m.features;
  res.patients_matched = cohort.ids.size();
  res.patients_usable = base.size();
  const stats::SurvivalData data = survival_data(cohort, base);
  const Eigen::MatrixXd values = patient_values(m, cohort, base);
  res.cox = stats::cox_screen(data, values, copt, threads);
  if (o.permutations > 0) {
    const auto tp = std::chrono::steady_clock::now();
    core::Progress progress(log, "survival", "permutations", static_cast<std::size_t>(o.permutations));
    res.fdr_perm = stats::permutation_fdr(data, values, copt.cox, o.permutations, o.seed, threads, &progress);
    progress.finish();
    log.info("survival", fmt::format("{} permutations of the score tests in {:.2f} s", o.permutations, seconds_since(tp)));
  }
  std::map<std::string, int> counts;
  for (const auto& r : res.cox.rows) ++counts[stats::to_string(r.status)];
  std::string summary;
  for (const auto& [k, v] : counts) summary += fmt::format("{}{} {}", summary.empty() ? "" : ", ", v, k);
  log.info("survival", "cox: " + summary);

  res.split = o.split;
  res.ph_test = o.ph_test;
  res.ph_level = o.ph_level;
  res.ph_global = o.ph_test && !o.cohort.covariates.empty();
  // The rows of the Cox models; stratified by --strata (the KM curves are not).
  if (!o.split.empty())
    res.logrank = stats::logrank_split_screen(data.time, data.event, data.strata, values, parse_split(o.split), threads);
  res.km = km_curves(data, values, m.features, o.km, o.split);
  if (o.cohort.cause > 0) {
    // Competing risks on the rows of the Cox models: codes of the same patients.
    std::vector<int> status(base.size());
    for (std::size_t r = 0; r < base.size(); ++r) status[r] = cohort.status[base[r]];
    res.cause = o.cohort.cause;
    if (!o.cohort.strata.empty())
      log.info("survival", "Fine-Gray models and Gray's tests are not stratified (--strata applies to the Cox models and log-rank tests)");
    const auto tf = std::chrono::steady_clock::now();
    res.finegray = stats::fine_gray_screen(data.time, status, data.covariates, values, o.cohort.cause, o.min_events, threads);
    log.info("survival", fmt::format("Fine-Gray models of cause {} in {:.2f} s", o.cohort.cause, seconds_since(tf)));
    const stats::LogrankSplit how = o.split.empty() ? stats::LogrankSplit::kMedian : parse_split(o.split);
    for (const auto& feature : o.km) {
      const auto f = static_cast<Eigen::Index>(std::find(m.features.begin(), m.features.end(), feature) - m.features.begin());
      res.cif.push_back(cif_curves(feature, data, status, values, f, how));
    }
  }
  if (!o.cohort.binary.empty()) {
    // Patients with a response and every covariate; each feature then drops its own NAs.
    std::vector<std::size_t> rows;
    for (std::size_t k = 0; k < cohort.ids.size(); ++k) {
      if (std::isnan(cohort.binary[k])) continue;
      if (cohort.covariates.cols() > 0 && !cohort.covariates.row(static_cast<Eigen::Index>(k)).allFinite()) continue;
      rows.push_back(k);
    }
    Eigen::VectorXd y(static_cast<Eigen::Index>(rows.size()));
    for (std::size_t r = 0; r < rows.size(); ++r) y[static_cast<Eigen::Index>(r)] = cohort.binary[rows[r]];
    res.has_logistic = true;
    res.logistic = stats::logistic_screen(y, survival_data(cohort, rows).covariates, patient_values(m, cohort, rows), threads);
  }
  return res;
}

std::vector<KmCurves> km_curves(const SurvivalCohort& sc, const io::LabeledMatrix& m, const std::vector<std::string>& km,
                                const std::string& split) {
  check_km_features(m, km);
  if (!split.empty()) parse_split(split);
  return km_curves(survival_data(sc.cohort, sc.base), patient_values(m, sc.cohort, sc.base), m.features, km, split);
}

std::vector<CifCurves> cif_curves(const SurvivalCohort& sc, const io::LabeledMatrix& m, const std::vector<std::string>& km,
                                  const std::string& split) {
  check_km_features(m, km);
  const stats::LogrankSplit how = split.empty() ? stats::LogrankSplit::kMedian : parse_split(split);
  const stats::SurvivalData data = survival_data(sc.cohort, sc.base);
  const Eigen::MatrixXd values = patient_values(m, sc.cohort, sc.base);
  std::vector<int> status(sc.base.size());
  for (std::size_t r = 0; r < sc.base.size(); ++r) status[r] = sc.cohort.status[sc.base[r]];
  std::vector<CifCurves> out;
  for (const auto& feature : km) {
    const auto f = static_cast<Eigen::Index>(std::find(m.features.begin(), m.features.end(), feature) - m.features.begin());
    out.push_back(cif_curves(feature, data, status, values, f, how));
  }
  return out;
}

io::NamedTable km_table(const KmCurves& km) {
  std::vector<std::string> group;
  constexpr int kCols = 8;
  std::vector<double> cols[kCols];
  for (const auto* part : {&km.curves.high, &km.curves.low})
    for (const auto& row : *part) {
      group.emplace_back(part == &km.curves.high ? "high" : "low");
      const double v[kCols] = {row.time, row.n_risk, row.n_event, row.n_censor, row.surv, row.std_err, row.lower, row.upper};
      for (int j = 0; j < kCols; ++j) cols[j].push_back(v[j]);
    }
  io::ResultTable t;
  t.add_text("group", std::move(group));
  const char* names[kCols] = {"time", "n.risk", "n.event", "n.censor", "surv", "std.err", "lower", "upper"};
  for (int j = 0; j < kCols; ++j) t.add_real(names[j], std::move(cols[j]));
  return {"km_" + km.feature + ".tsv", std::move(t)};
}

KmPanelStats km_panel_stats(const io::ResultTable& km, const std::string& file) {
  auto column = [&](const char* name) {
    const io::ResultTable::Column* c = km.find(name);
    if (!c) throw core::InputError(file, 1, std::string("a Kaplan-Meier table needs the column ") + name);
    return static_cast<std::size_t>(c - km.columns.data());
  };
  const std::size_t cg = column("group"), ct = column("time"), ce = column("n.event"), cc = column("n.censor");
  std::vector<double> time;
  std::vector<int> event, high;
  KmPanelStats out;
  for (std::size_t i = 0; i < km.rows(); ++i) {
    const bool is_high = km.cell_text(i, cg) == "high";
    const double t = km.cell_number(i, ct), d = km.cell_number(i, ce), c = km.cell_number(i, cc);
    if (!std::isfinite(t) || !std::isfinite(d) || !std::isfinite(c) || d < 0 || c < 0) continue;
    for (int k = 0; k < static_cast<int>(d + c + 0.5); ++k) {
      time.push_back(t);
      event.push_back(k < static_cast<int>(d + 0.5) ? 1 : 0);
      high.push_back(is_high ? 1 : 0);
    }
    (is_high ? out.n_high : out.n_low) += d + c;
    (is_high ? out.events_high : out.events_low) += d;
  }
  if (out.n_high == 0 || out.n_low == 0 || out.events_high + out.events_low == 0) return out;
  const stats::LogRank lr = stats::logrank_test(time, event, high);
  out.logrank_chisq = lr.chisq;
  out.logrank_p = lr.p_value;
  const stats::RiskSets rs(time, event, std::vector<int>(time.size(), 0));
  Eigen::MatrixXd x(static_cast<Eigen::Index>(high.size()), 1);
  for (std::size_t i = 0; i < high.size(); ++i) x(static_cast<Eigen::Index>(i), 0) = high[i];
  const stats::CoxFit fit = stats::cox_fit(rs, x, Eigen::VectorXd::Zero(1), stats::CoxOptions{});
  out.status = fit.status;
  if (fit.status == stats::FitStatus::kOk) {
    const stats::WaldHazardRatio w = stats::wald_hazard_ratio(fit.coef(0), std::sqrt(fit.var(0, 0)));
    out.hr = w.hr;
    out.hr_lower95 = w.lower95;
    out.hr_upper95 = w.upper95;
  }
  return out;
}

std::vector<io::NamedTable> cif_tables(const CifCurves& c) {
  std::vector<std::string> group;
  std::vector<double> cause, time, est, var;
  for (const auto& curve : c.curves)
    for (const auto& p : curve.points) {
      group.push_back(curve.group);
      cause.push_back(curve.cause);
      time.push_back(p.time);
      est.push_back(p.est);
      var.push_back(p.var);
    }
  io::ResultTable t;
  t.add_text("group", std::move(group)).add_real("cause", std::move(cause)).add_real("time", std::move(time));
  t.add_real("est", std::move(est)).add_real("var", std::move(var));
  std::vector<double> gc, gs, gp, gd;
  for (std::size_t i = 0; i < c.gray.size(); ++i) {
    gc.push_back(c.causes[i]);
    gs.push_back(c.gray[i].stat);
    gp.push_back(c.gray[i].p_value);
    gd.push_back(c.gray[i].df);
  }
  io::ResultTable g;
  g.add_real("cause", std::move(gc)).add_real("stat", std::move(gs)).add_real("P", std::move(gp)).add_real("df", std::move(gd));
  return {{"cif_" + c.feature + ".tsv", std::move(t)}, {"gray_" + c.feature + ".tsv", std::move(g)}};
}

std::vector<io::NamedTable> survival_tables(const SurvivalResult& r) {
  std::vector<io::NamedTable> out;
  const std::size_t nf = r.features.size();
  auto per_feature = [&](const auto& rows, auto field) {
    std::vector<double> v(nf);
    for (std::size_t f = 0; f < nf; ++f) v[f] = rows[f].*field;
    return v;
  };
  auto status_of = [&](const auto& rows) {
    std::vector<std::string> v(nf);
    for (std::size_t f = 0; f < nf; ++f) v[f] = stats::to_string(rows[f].status);
    return v;
  };
  // The columns cox.tsv and finegray.tsv share: feature n events coef HR HR.lower95 HR.upper95 se z.
  auto estimate_columns = [&](io::ResultTable& t, const auto& rows) {
    using Row = std::decay_t<decltype(rows[0])>;
    t.add_text("feature", r.features)
        .add_real("n", per_feature(rows, &Row::n))
        .add_real("events", per_feature(rows, &Row::events))
        .add_real("coef", per_feature(rows, &Row::coef))
        .add_real("HR", per_feature(rows, &Row::hr))
        .add_real("HR.lower95", per_feature(rows, &Row::hr_lower95))
        .add_real("HR.upper95", per_feature(rows, &Row::hr_upper95))
        .add_real("se", per_feature(rows, &Row::se))
        .add_real("z", per_feature(rows, &Row::z));
  };
  {
    using Row = stats::CoxScreenRow;
    const auto& rows = r.cox.rows;
    io::ResultTable t;
    estimate_columns(t, rows);
    t.add_real("P.Wald", per_feature(rows, &Row::p_wald))
        .add_real("P.LRT", per_feature(rows, &Row::p_lrt))
        .add_real("P.score", per_feature(rows, &Row::p_score))
        .add_real("C", per_feature(rows, &Row::c))
        .add_real("FDR", r.cox.fdr);
    if (r.ph_test) {
      // The status says when PH is rejected (an otherwise ok fit).
      std::vector<std::string> st = status_of(rows);
      for (std::size_t f = 0; f < nf; ++f)
        if (rows[f].status == stats::FitStatus::kOk && rows[f].ph_p < r.ph_level) st[f] = "ph_rejected";
      t.add_text("status", std::move(st));
    } else {
      t.add_text("status", status_of(rows));
    }
    if (!r.fdr_perm.empty()) t.add_real("FDR.perm", r.fdr_perm);
    if (r.ph_test) t.add_real("PH.chisq", per_feature(rows, &Row::ph_chisq)).add_real("PH.P", per_feature(rows, &Row::ph_p));
    out.push_back({"cox.tsv", std::move(t)});
    if (r.ph_test && r.ph_global) {
      io::ResultTable g;
      g.add_text("feature", r.features)
          .add_real("chisq", per_feature(rows, &Row::ph_global_chisq))
          .add_real("df", per_feature(rows, &Row::ph_global_df))
          .add_real("P", per_feature(rows, &Row::ph_global_p));
      out.push_back({"cox_ph_global.tsv", std::move(g)});
    }
  }
  if (!r.split.empty()) {
    using Row = stats::LogrankSplitRow;
    const auto& rows = r.logrank;
    io::ResultTable t;
    t.add_text("feature", r.features)
        .add_real("n.high", per_feature(rows, &Row::n_high))
        .add_real("chisq", per_feature(rows, &Row::chisq))
        .add_real("P.logrank", per_feature(rows, &Row::p_value));
    if (r.split == "maxstat")
      t.add_real("cutpoint", per_feature(rows, &Row::cutpoint))
          .add_real("M", per_feature(rows, &Row::statistic))
          .add_real("P.adjusted", per_feature(rows, &Row::p_adjusted));
    out.push_back({"logrank.tsv", std::move(t)});
  }
  for (const auto& km : r.km) out.push_back(km_table(km));
  if (r.cause > 0) {
    using Row = stats::FineGrayRow;
    const auto& rows = r.finegray.rows;
    io::ResultTable t;
    estimate_columns(t, rows);
    t.add_real("P", per_feature(rows, &Row::p_value))
        .add_real("FDR", r.finegray.fdr)
        .add_text("status", status_of(rows));
    out.push_back({"finegray.tsv", std::move(t)});
    for (const auto& c : r.cif)
      for (auto& nt : cif_tables(c)) out.push_back(std::move(nt));
  }
  if (r.has_logistic) {
    using Row = stats::LogisticScreenRow;
    const auto& rows = r.logistic.rows;
    io::ResultTable t;
    t.add_text("feature", r.features)
        .add_real("n", per_feature(rows, &Row::n))
        .add_real("coef", per_feature(rows, &Row::coef))
        .add_real("OR", per_feature(rows, &Row::odds_ratio))
        .add_real("OR.lower95", per_feature(rows, &Row::or_lower95))
        .add_real("OR.upper95", per_feature(rows, &Row::or_upper95))
        .add_real("se", per_feature(rows, &Row::se))
        .add_real("z", per_feature(rows, &Row::z))
        .add_real("P", per_feature(rows, &Row::p_value))
        .add_real("FDR", r.logistic.fdr)
        .add_text("status", status_of(rows));
    out.push_back({"logistic.tsv", std::move(t)});
  }
  return out;
}

std::vector<std::string> survival_output_files(const SurvivalOptions& o) {
  std::vector<std::string> files = {"cox.tsv", "run_info.json"};
  if (!o.split.empty()) files.emplace_back("logrank.tsv");
  if (o.ph_test && !o.cohort.covariates.empty()) files.emplace_back("cox_ph_global.tsv");
  if (!o.cohort.binary.empty()) files.emplace_back("logistic.tsv");
  for (const auto& f : o.km) files.push_back("km_" + f + ".tsv");
  if (o.cohort.cause > 0) {
    files.emplace_back("finegray.tsv");
    for (const auto& f : o.km) {
      files.push_back("cif_" + f + ".tsv");
      files.push_back("gray_" + f + ".tsv");
    }
  }
  return files;
}

nlohmann::json survival_parameters(const SurvivalOptions& o, int threads) {
  nlohmann::json j = {{"id", o.cohort.id},       {"time", o.cohort.time},     {"event", o.cohort.event},
          {"covariates", o.cohort.covariates}, {"strata", o.cohort.strata}, {"ties", o.ties},
          {"split", o.split},        {"km", o.km},                {"binary", o.cohort.binary},
          {"threads", threads},      {"min_events", o.min_events}, {"permutations", o.permutations}};
  if (o.cohort.cause > 0) j["cause"] = o.cohort.cause;
  if (o.ph_test) j["ph_level"] = o.ph_level;
  return j;
}

}  // namespace lscmir::study
