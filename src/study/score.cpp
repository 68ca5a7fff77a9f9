// SPDX-License-Identifier: GPL-3.0-or-later
// The risk score: data for the Cox lasso, folds, the fit with its weights and optimism-corrected
// C, and the application of fixed weights to a cohort.
#include "lscmir/study/score.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <string>

#include <fmt/core.h>

#include "lscmir/core/error.hpp"
#include "lscmir/core/parallel.hpp"
#include "lscmir/io/matrix.hpp"
#include "lscmir/io/number.hpp"
#include "lscmir/io/table.hpp"
#include "lscmir/stats/cox.hpp"
#include "lscmir/stats/cox_screen.hpp"
#include "lscmir/stats/norm_factors.hpp"

namespace lscmir::study {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<std::string> split_groups(const std::vector<double>& score, double cutoff) {
  std::vector<std::string> g;
  g.reserve(score.size());
  for (double s : score) g.emplace_back(std::isnan(s) ? "NA" : (s > cutoff ? "high" : "low"));
  return g;
}

/// sum_k coef_k value_k in weight order: fit and apply compute a patient's score identically, so a
/// training patient at the median falls on the same side of it in both.
double weighted_sum(const std::vector<double>& coef, const std::vector<double>& values) {
  double s = 0;
  for (std::size_t k = 0; k < coef.size(); ++k) s += coef[k] * values[k];
  return s;
}

io::ResultTable name_value(const std::vector<std::string>& names, const std::vector<double>& values) {
  io::ResultTable t;
  t.add_text("name", names).add_real("value", values);
  return t;
}

}  // namespace

void validate(const ScoreFitOptions& o) {
  if (!(o.alpha >= 0 && o.alpha <= 1)) throw core::UsageError(fmt::format("--alpha must lie in [0, 1] (got {})", o.alpha));
  if (o.foldid.empty() && o.nfolds < 3) throw core::UsageError(fmt::format("--nfolds must be at least 3 (got {})", o.nfolds));
  if (o.s != "lambda.min" && o.s != "lambda.1se")
    throw core::UsageError("--s must be lambda.min or lambda.1se (got '" + o.s + "')");
  if (o.bootstrap < 0) throw core::UsageError("--bootstrap must be 0 or more");
  if (!(o.thresh > 0)) throw core::UsageError("--thresh must be positive");
  validate_cause(o.cohort);
}

ScoreData score_data(const CohortSpec& spec, const io::LabeledMatrix& m, const io::Table& clinical, core::Logger& log) {
  const Cohort c = build_cohort(spec, m, clinical, log);
  ScoreData d;
  d.features = m.features;
  std::vector<Eigen::Index> cols;
  std::size_t no_outcome = 0, nonpositive = 0, missing_value = 0;
  std::string first_missing;
  for (std::size_t i = 0; i < c.ids.size(); ++i) {
    if (std::isnan(c.time[i]) || c.event[i] < 0) {
      ++no_outcome;
      continue;
    }
    if (!(c.time[i] > 0)) {
      ++nonpositive;
      continue;
    }
    const auto col = static_cast<Eigen::Index>(c.matrix_col[i]);
    if (m.values.col(col).hasNaN()) {
      if (missing_value++ == 0) first_missing = c.ids[i];
      continue;
    }
    d.patients.push_back(c.ids[i]);
    d.time.push_back(c.time[i]);
    d.event.push_back(c.event[i]);
    cols.push_back(col);
  }
  if (no_outcome > 0) log.warn("score", fmt::format("{} patient(s) without time or event are left out", no_outcome));
  if (nonpositive > 0)
    log.warn("score", fmt::format("{} patient(s) with time <= 0 are left out (glmnet refuses a non-positive time)", nonpositive));
  if (missing_value > 0)
    log.warn("score", fmt::format("{} patient(s) with a missing expression value are left out (first: {})", missing_value, first_missing));
  d.x = m.values(Eigen::all, cols).transpose();
  if (d.patients.size() < 10)
    throw core::UsageError(fmt::format("the risk score needs at least 10 patients with outcome and complete expression (found {})",
                                       d.patients.size()));
  if (std::none_of(d.event.begin(), d.event.end(), [](int e) { return e != 0; }))
    throw core::UsageError("the risk score needs at least one event");
  return d;
}

std::vector<int> read_foldid(const io::Table& t, const std::vector<std::string>& patients) {
  const std::size_t pc = t.require_column("patient"), fc = t.require_column("fold");
  std::map<std::string, std::pair<int, std::size_t>> fold;  // patient -> (fold, line)
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    const std::string& cell = t.rows[r][fc];
    double v = 0;
    if (!io::parse_finite(cell, v) || v < 1 || v != std::floor(v) || v > 1e6)
      throw core::InputError(t.path, t.line_numbers[r], "fold '" + cell + "' is not a positive integer", "folds are 1, 2, ..., K");
    const auto [it, fresh] = fold.emplace(t.rows[r][pc], std::make_pair(static_cast<int>(v), t.line_numbers[r]));
    if (!fresh)
      throw core::InputError(t.path, t.line_numbers[r],
                             fmt::format("patient '{}' is listed twice (first on line {})", t.rows[r][pc], it->second.second));
  }
  std::vector<int> out;
  out.reserve(patients.size());
  for (const std::string& p : patients) {
    const auto it = fold.find(p);
    if (it == fold.end())
      throw core::InputError(t.path, 0, "patient '" + p + "' of the fit has no fold", "give every analysed patient a row");
    out.push_back(it->second.first);
  }
  return out;
}

std::vector<int> random_folds(std::size_t n, int nfolds, std::uint64_t seed) {
  std::vector<int> f(n);
  for (std::size_t i = 0; i < n; ++i) f[i] = static_cast<int>(i % static_cast<std::size_t>(nfolds)) + 1;
  std::mt19937_64 rng(seed);
  // Fisher-Yates with rng() % (i + 1): the same sequence with any standard library.
  for (std::size_t i = n; i-- > 1;) std::swap(f[i], f[static_cast<std::size_t>(rng() % (i + 1))]);
  return f;
}

ScoreFit score_fit(const ScoreFitOptions& o, ScoreData data, const std::vector<int>& foldid, int threads, core::Logger& log) {
  validate(o);
  ScoreFit r;
  stats::CoxnetOptions co;
  co.alpha = o.alpha;
  co.thresh = o.thresh;
  const int k = *std::max_element(foldid.begin(), foldid.end());
  log.info("score", fmt::format("Cox {} path on {} patients x {} features, {}-fold cross-validation", o.alpha == 1 ? "lasso" : "elastic-net",
                                data.patients.size(), data.features.size(), k));
  r.cv = stats::coxnet_cv(data.time, data.event, data.x, foldid, co, threads);
  if (!r.cv.fit.converged)
    log.warn("score", fmt::format("the path stopped at its {}th lambda ({}; glmnet returns the same)", r.cv.fit.lambda.size(),
                                  r.cv.fit.stop == stats::CoxnetPath::Stop::kMaxit ? "maxit passes reached" : "numerical error"));
  if (!r.cv.folds_converged) log.warn("score", "some fold's path stopped early (maxit); its last solution is used below it");
  r.chosen = o.s == "lambda.min" ? r.cv.index_min : r.cv.index_1se;
  const auto c = static_cast<Eigen::Index>(r.chosen);
  const Eigen::VectorXd beta = r.cv.fit.beta.col(c);
  std::vector<Eigen::Index> nz;
  for (Eigen::Index j = 0; j < beta.size(); ++j)
    if (beta[j] != 0) {
      r.weight_features.push_back(data.features[static_cast<std::size_t>(j)]);
      r.weights.push_back(beta[j]);
      nz.push_back(j);
    }
  std::vector<double> vals(nz.size());
  for (Eigen::Index i = 0; i < data.x.rows(); ++i) {
    for (std::size_t c = 0; c < nz.size(); ++c) vals[c] = data.x(i, nz[c]);
    r.score.push_back(weighted_sum(r.weights, vals));
  }
  r.cutoff = stats::median(r.score);
  log.info("score", fmt::format("{} = {:.6g}: {} non-zero weight(s)", o.s, r.cv.fit.lambda[r.chosen], r.weights.size()));
  if (o.bootstrap > 0) {
    const std::vector<int> no_strata(data.time.size(), 0);
    r.bootstrap = o.bootstrap;
    r.c_apparent = stats::concordance(data.time, data.event, no_strata, r.score);
    stats::CoxnetOptions bo = co;
    bo.lambda.assign(r.cv.fit.lambda.begin(), r.cv.fit.lambda.begin() + static_cast<std::ptrdiff_t>(r.chosen) + 1);
    const std::size_t n = data.time.size();
    std::vector<double> opt(static_cast<std::size_t>(o.bootstrap), kNaN);
    log.info("score", fmt::format("bootstrap optimism of C: {} samples", o.bootstrap));
    core::parallel_for(opt.size(), threads, [&](std::size_t b) {
      std::mt19937_64 rng(o.seed ^ (0x9E3779B97F4A7C15ULL * (b + 1)));
      std::vector<Eigen::Index> rows(n);
      std::vector<double> bt(n);
      std::vector<int> be(n);
      for (std::size_t i = 0; i < n; ++i) {
        rows[i] = static_cast<Eigen::Index>(rng() % n);
        bt[i] = data.time[static_cast<std::size_t>(rows[i])];
        be[i] = data.event[static_cast<std::size_t>(rows[i])];
      }
      if (std::none_of(be.begin(), be.end(), [](int e) { return e != 0; })) return;  // no event: skipped
      const Eigen::MatrixXd bx = data.x(rows, Eigen::all);
      const stats::CoxnetPath fit = stats::coxnet_path(bt, be, bx, bo);
      if (fit.lambda.empty()) return;
      const Eigen::VectorXd bb = fit.beta.col(fit.beta.cols() - 1);
      const Eigen::VectorXd sb = bx * bb, so = data.x * bb;
      const std::vector<double> vb(sb.data(), sb.data() + sb.size()), vo(so.data(), so.data() + so.size());
      opt[b] = stats::concordance(bt, be, no_strata, vb) - stats::concordance(data.time, data.event, no_strata, vo);
    });
    double sum = 0;
    int used = 0;
    for (double v : opt)
      if (!std::isnan(v)) {
        sum += v;
        ++used;
      }
    r.optimism = used > 0 ? sum / used : kNaN;
    r.c_corrected = r.c_apparent - r.optimism;
    log.info("score", fmt::format("C apparent {:.4f}, optimism {:.4f}, corrected {:.4f}", r.c_apparent, r.optimism, r.c_corrected));
  }
  r.data = std::move(data);
  return r;
}

std::vector<io::NamedTable> score_fit_tables(const ScoreFit& f) {
  std::vector<io::NamedTable> out;
  const auto& p = f.cv.fit;
  {
    std::vector<std::int64_t> df(p.df.begin(), p.df.end());
    io::ResultTable t;
    t.add_real("lambda", p.lambda).add_integer("df", std::move(df)).add_real("dev.ratio", p.dev_ratio);
    out.push_back({"path.tsv", std::move(t)});
  }
  {
    io::ResultTable t;
    t.add_real("lambda", p.lambda).add_real("cvm", f.cv.cvm).add_real("cvsd", f.cv.cvsd);
    out.push_back({"cv.tsv", std::move(t)});
  }
  out.push_back({"lambdas.tsv", name_value({"lambda.min", "lambda.1se"}, {f.cv.lambda_min, f.cv.lambda_1se})});
  {
    io::ResultTable t;
    t.add_text("feature", f.weight_features).add_real("coef", f.weights);
    out.push_back({"weights.tsv", std::move(t)});
  }
  {
    io::ResultTable t;
    t.add_text("patient", f.data.patients).add_real("score", f.score).add_text("group", split_groups(f.score, f.cutoff));
    out.push_back({"score.tsv", std::move(t)});
  }
  if (f.bootstrap > 0)
    out.push_back({"cindex.tsv", name_value({"apparent", "optimism", "corrected", "bootstrap"},
                                            {f.c_apparent, f.optimism, f.c_corrected, static_cast<double>(f.bootstrap)})});
  return out;
}

std::vector<std::string> score_fit_files(const ScoreFitOptions& o) {
  std::vector<std::string> f = {"path.tsv", "cv.tsv", "lambdas.tsv", "weights.tsv", "score.tsv"};
  if (o.bootstrap > 0) f.emplace_back("cindex.tsv");
  f.emplace_back("run_info.json");
  return f;
}

ScoreWeights read_weights(const io::Table& t) {
  const std::size_t fc = t.require_column("feature"), cc = t.require_column("coef");
  ScoreWeights w;
  w.path = t.path;
  std::map<std::string, std::size_t> seen;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    double v = 0;
    if (!io::parse_finite(t.rows[r][cc], v))
      throw core::InputError(t.path, t.line_numbers[r], "coef '" + core::cell_for_message(t.rows[r][cc]) + "' is not a finite number");
    const auto [it, fresh] = seen.emplace(t.rows[r][fc], t.line_numbers[r]);
    if (!fresh)
      throw core::InputError(t.path, t.line_numbers[r], fmt::format("feature '{}' is listed twice (first on line {})", it->first, it->second));
    w.features.push_back(t.rows[r][fc]);
    w.coef.push_back(v);
  }
  if (w.features.empty()) throw core::InputError(t.path, 0, "no weights (a header and no feature rows)", "a fit whose weights are all zero has no score");
  return w;
}

double training_cutoff(const io::Table& t) {
  const std::size_t sc = t.require_column("score");
  std::vector<double> v;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    const double x = io::number_cell(t, r, sc);
    if (!std::isnan(x)) v.push_back(x);
  }
  if (v.empty()) throw core::InputError(t.path, 0, "no training score to take the median of", "give --cutoff");
  return stats::median(std::move(v));
}

ScoreApply score_apply(const ScoreWeights& w, const io::LabeledMatrix& m, double cutoff, const CohortSpec* spec,
                       const io::Table* clinical, core::Logger& log) {
  std::map<std::string, Eigen::Index> row;
  for (std::size_t i = 0; i < m.features.size(); ++i) row.emplace(m.features[i], static_cast<Eigen::Index>(i));
  std::vector<Eigen::Index> rows;
  for (const std::string& f : w.features) {
    const auto it = row.find(f);
    if (it == row.end())
      throw core::InputError(m.path, 0, "weighted feature '" + f + "' (" + w.path + ") is not in the expression matrix",
                             "the score needs every feature of its weights");
    rows.push_back(it->second);
  }
  ScoreApply r;
  r.patients = m.samples;
  r.cutoff = cutoff;
  r.score.assign(m.samples.size(), 0.0);
  std::vector<double> vals(rows.size());
  for (std::size_t j = 0; j < m.samples.size(); ++j) {
    for (std::size_t k = 0; k < rows.size(); ++k) vals[k] = m.values(rows[k], static_cast<Eigen::Index>(j));
    r.score[j] = weighted_sum(w.coef, vals);  // NaN when a value is NA
  }
  const auto na = std::count_if(r.score.begin(), r.score.end(), [](double s) { return std::isnan(s); });
  if (na > 0) log.warn("score", fmt::format("{} patient(s) have a missing value in a weighted feature: score NA", na));
  if (spec == nullptr || clinical == nullptr) return r;
  r.validated = true;
  const Cohort c = build_cohort(*spec, m, *clinical, log);
  stats::SurvivalData d;
  std::vector<double> sc;
  for (std::size_t i = 0; i < c.ids.size(); ++i) {
    const double s = r.score[c.matrix_col[i]];
    if (std::isnan(c.time[i]) || c.event[i] < 0 || std::isnan(s)) continue;
    d.time.push_back(c.time[i]);
    d.event.push_back(c.event[i]);
    sc.push_back(s);
  }
  d.strata.assign(d.time.size(), 0);
  d.covariates.resize(static_cast<Eigen::Index>(d.time.size()), 0);
  if (d.time.empty()) throw core::UsageError("no patient has an outcome and a score");
  const Eigen::MatrixXd values = Eigen::Map<const Eigen::RowVectorXd>(sc.data(), static_cast<Eigen::Index>(sc.size()));
  r.cox = stats::cox_screen(d, values, {}, 1).rows.front();
  std::vector<int> high(sc.size());
  for (std::size_t i = 0; i < sc.size(); ++i) high[i] = sc[i] > cutoff ? 1 : 0;
  r.logrank = stats::logrank_test(d.time, d.event, high);
  std::vector<double> th, tl;
  std::vector<int> eh, el;
  for (std::size_t i = 0; i < sc.size(); ++i) {
    (high[i] ? th : tl).push_back(d.time[i]);
    (high[i] ? eh : el).push_back(d.event[i]);
  }
  r.km.feature = "score";
  if (!th.empty()) r.km.curves.high = stats::kaplan_meier(th, eh);
  if (!tl.empty()) r.km.curves.low = stats::kaplan_meier(tl, el);
  return r;
}

std::vector<io::NamedTable> score_apply_tables(const ScoreApply& a) {
  std::vector<io::NamedTable> out;
  {
    io::ResultTable t;
    t.add_text("patient", a.patients).add_real("score", a.score).add_text("group", split_groups(a.score, a.cutoff));
    out.push_back({"score.tsv", std::move(t)});
  }
  if (!a.validated) return out;
  const auto& c = a.cox;
  io::ResultTable t;
  t.add_real("n", {c.n}).add_real("events", {c.events}).add_real("coef", {c.coef}).add_real("HR", {c.hr});
  t.add_real("HR.lower95", {c.hr_lower95}).add_real("HR.upper95", {c.hr_upper95}).add_real("se", {c.se}).add_real("z", {c.z});
  t.add_real("P", {c.p_wald}).add_real("C", {c.c}).add_real("logrank.chisq", {a.logrank.chisq}).add_real("logrank.P", {a.logrank.p_value});
  t.add_real("cutoff", {a.cutoff}).add_text("status", {stats::to_string(c.status)});
  out.push_back({"validation.tsv", std::move(t)});
  out.push_back(km_table(a.km));
  return out;
}

std::vector<std::string> score_apply_files(bool validated) {
  if (!validated) return {"score.tsv", "run_info.json"};
  return {"score.tsv", "validation.tsv", "km_score.tsv", "run_info.json"};
}

}  // namespace lscmir::study
