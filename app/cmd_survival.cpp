// SPDX-License-Identifier: GPL-3.0-or-later
// lscmir survival: per-feature Cox models, log-rank splits, Kaplan-Meier curves and logistic
// models of a binary response, with survival / glm semantics.
#include <algorithm>
#include <array>
#include <cstdint>
#include <random>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "common.hpp"
#include "lscmir/core/error.hpp"
#include "lscmir/core/parallel.hpp"
#include "lscmir/io/matrix.hpp"
#include "lscmir/io/output.hpp"
#include "lscmir/io/table.hpp"
#include "lscmir/stats/cox.hpp"
#include "lscmir/stats/design.hpp"
#include "lscmir/stats/distributions.hpp"
#include "lscmir/stats/glm.hpp"
#include "lscmir/stats/norm_factors.hpp"
#include "lscmir/stats/p_adjust.hpp"
#include "lscmir/study/variable.hpp"

namespace lscmir::app {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct SurvivalOptions {
  CommonOptions common;
  std::string expression, clinical, id, time, event, ties = "efron", split, strata, binary;
  std::vector<std::string> covariates, km, reference;
  int min_events = 3;
  int permutations = 0;
  std::uint64_t seed = 1;
};

bool parse_number(const std::string& s, double& v) {
  if (s.empty() || s == "NA") return false;
  const char* b = s.data();
  if (*b == '+') ++b;
  const auto r = std::from_chars(b, s.data() + s.size(), v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size() && std::isfinite(v);
}

bool is_missing(const std::string& s) { return s.empty() || s == "NA"; }

/// The cohort: expression columns matched to clinical rows, with outcome and covariates parsed.
struct Cohort {
  std::vector<std::string> ids;
  std::vector<std::size_t> matrix_col;   ///< column of the expression matrix per patient
  std::vector<double> time;              ///< NaN = missing
  std::vector<int> event;                ///< -1 = missing
  std::vector<int> strata;               ///< -1 = missing
  std::vector<double> binary;            ///< NaN = missing
  Eigen::MatrixXd covariates;            ///< patients x columns (treatment coded), NaN = missing
  std::vector<std::string> covariate_names;
};

Cohort build_cohort(const SurvivalOptions& o, const io::LabeledMatrix& m, const io::Table& clin, core::Logger& log) {
  const std::size_t id_col = clin.require_column(o.id);
  const std::size_t t_col = clin.require_column(o.time);
  const std::size_t e_col = clin.require_column(o.event);
  std::map<std::string, std::size_t> row_of;
  for (std::size_t r = 0; r < clin.rows.size(); ++r) {
    const auto [it, fresh] = row_of.emplace(clin.rows[r][id_col], r);
    if (!fresh)
      throw core::InputError(clin.path, clin.line_numbers[r],
                             "duplicate " + o.id + " \"" + clin.rows[r][id_col] + "\" (first seen on line " +
                                 std::to_string(clin.line_numbers[it->second]) + ")");
  }
  Cohort c;
  std::vector<std::size_t> rows;
  std::vector<std::string> only_matrix;
  for (std::size_t j = 0; j < m.samples.size(); ++j) {
    const auto it = row_of.find(m.samples[j]);
    if (it == row_of.end()) {
      only_matrix.push_back(m.samples[j]);
      continue;
    }
    c.ids.push_back(m.samples[j]);
    c.matrix_col.push_back(j);
    rows.push_back(it->second);
  }
  const std::size_t only_clinical = clin.rows.size() - rows.size();
  if (!only_matrix.empty())
    log.warn("survival", fmt::format("{} expression column(s) have no clinical row and are left out (first: {})", only_matrix.size(),
                                     only_matrix.front()));
  if (only_clinical > 0) log.info("survival", fmt::format("{} clinical row(s) have no expression column", only_clinical));
  if (rows.empty())
    throw core::InputError(m.path, 1, "no expression column matches a value of " + o.id + " in " + clin.path,
                           "check --id and that the matrix header holds the same patient ids");
  const std::size_t n = rows.size();
  c.time.assign(n, kNaN);
  c.event.assign(n, -1);
  for (std::size_t k = 0; k < n; ++k) {
    const auto& row = clin.rows[rows[k]];
    double v = 0;
    if (!is_missing(row[t_col])) {
      if (!parse_number(row[t_col], v) || v < 0)
        throw core::InputError(clin.path, clin.line_numbers[rows[k]], "expected a non-negative number in column \"" + o.time + "\", found \"" + row[t_col] + "\"");
      c.time[k] = v;
    }
    if (!is_missing(row[e_col])) {
      if (row[e_col] == "1" || row[e_col] == "TRUE") c.event[k] = 1;
      else if (row[e_col] == "0" || row[e_col] == "FALSE") c.event[k] = 0;
      else throw core::InputError(clin.path, clin.line_numbers[rows[k]], "expected 0 or 1 in column \"" + o.event + "\", found \"" + row[e_col] + "\"");
    }
  }
  c.strata.assign(n, 0);
  if (!o.strata.empty()) {
    const std::size_t s_col = clin.require_column(o.strata);
    std::set<std::string> levels;
    for (std::size_t k = 0; k < n; ++k)
      if (!is_missing(clin.rows[rows[k]][s_col])) levels.insert(clin.rows[rows[k]][s_col]);
    const std::vector<std::string> lv(levels.begin(), levels.end());
    for (std::size_t k = 0; k < n; ++k) {
      const auto& cell = clin.rows[rows[k]][s_col];
      c.strata[k] = is_missing(cell) ? -1 : static_cast<int>(std::lower_bound(lv.begin(), lv.end(), cell) - lv.begin());
    }
  }
  if (!o.binary.empty()) {
    const std::size_t b_col = clin.require_column(o.binary);
    c.binary.assign(n, kNaN);
    for (std::size_t k = 0; k < n; ++k) {
      const auto& cell = clin.rows[rows[k]][b_col];
      if (is_missing(cell)) continue;
      if (cell == "1" || cell == "TRUE") c.binary[k] = 1;
      else if (cell == "0" || cell == "FALSE") c.binary[k] = 0;
      else throw core::InputError(clin.path, clin.line_numbers[rows[k]], "expected 0 or 1 in column \"" + o.binary + "\", found \"" + cell + "\"");
    }
  }
  // Covariates: treatment coding with R's default reference (first sorted level) unless
  // --reference var=level; a missing cell makes the whole row missing for that patient.
  std::map<std::string, std::string> ref;
  for (const auto& r : o.reference) {
    const auto eq = r.find('=');
    if (eq == std::string::npos) throw core::UsageError("--reference expects var=level, got \"" + r + "\"");
    ref[r.substr(0, eq)] = r.substr(eq + 1);
  }
  std::vector<Eigen::VectorXd> cols;
  for (const auto& name : o.covariates) {
    const std::size_t col = clin.require_column(name);
    std::vector<std::string> cells(n);
    std::vector<char> miss(n, 0);
    for (std::size_t k = 0; k < n; ++k) {
      cells[k] = clin.rows[rows[k]][col];
      miss[k] = is_missing(cells[k]);
    }
    std::size_t first_missing = 0;
    const auto var = study::variable_from_cells(name, cells, false, first_missing);
    if (!var.is_factor) {
      cols.push_back(Eigen::Map<const Eigen::VectorXd>(var.values.data(), static_cast<Eigen::Index>(n)));
      c.covariate_names.push_back(name);
      continue;
    }
    std::set<std::string> levels;
    for (std::size_t k = 0; k < n; ++k)
      if (!miss[k]) levels.insert(cells[k]);
    std::vector<std::string> lv(levels.begin(), levels.end());
    if (const auto it = ref.find(name); it != ref.end()) {
      const auto pos = std::find(lv.begin(), lv.end(), it->second);
      if (pos == lv.end()) throw core::UsageError("--reference " + name + "=" + it->second + ": no such level in " + clin.path);
      std::rotate(lv.begin(), pos, pos + 1);
    }
    for (std::size_t l = 1; l < lv.size(); ++l) {
      Eigen::VectorXd v(static_cast<Eigen::Index>(n));
      for (std::size_t k = 0; k < n; ++k) v[static_cast<Eigen::Index>(k)] = miss[k] ? kNaN : (cells[k] == lv[l] ? 1.0 : 0.0);
      cols.push_back(v);
      c.covariate_names.push_back(name + lv[l]);
    }
  }
  c.covariates.resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(cols.size()));
  for (std::size_t j = 0; j < cols.size(); ++j) c.covariates.col(static_cast<Eigen::Index>(j)) = cols[j];
  return c;
}

/// Rows usable for the outcome and covariates (before the feature's own NAs).
std::vector<std::size_t> base_rows(const Cohort& c) {
  std::vector<std::size_t> r;
  for (std::size_t k = 0; k < c.ids.size(); ++k) {
    if (std::isnan(c.time[k]) || c.event[k] < 0 || c.strata[k] < 0) continue;
    if (c.covariates.cols() > 0 && !c.covariates.row(static_cast<Eigen::Index>(k)).allFinite()) continue;
    r.push_back(k);
  }
  return r;
}

struct CoxRow {
  double n = 0, events = 0, coef = kNaN, hr = kNaN, lo = kNaN, hi = kNaN, se = kNaN, z = kNaN, p_wald = kNaN, p_lrt = kNaN,
         p_score = kNaN, c = kNaN;
  stats::FitStatus status = stats::FitStatus::kOk;
};

CoxRow cox_feature(const Cohort& c, const std::vector<std::size_t>& base, const Eigen::RowVectorXd& values,
                   const stats::CoxOptions& copt, int min_events) {
  CoxRow row;
  std::vector<std::size_t> use;
  for (std::size_t k : base)
    if (std::isfinite(values[static_cast<Eigen::Index>(c.matrix_col[k])])) use.push_back(k);
  const auto n = static_cast<Eigen::Index>(use.size());
  const Eigen::Index q = c.covariates.cols();
  std::vector<double> t(use.size());
  std::vector<int> e(use.size()), s(use.size());
  Eigen::MatrixXd x(n, q + 1);
  for (Eigen::Index r = 0; r < n; ++r) {
    const std::size_t k = use[static_cast<std::size_t>(r)];
    t[static_cast<std::size_t>(r)] = c.time[k];
    e[static_cast<std::size_t>(r)] = c.event[k];
    s[static_cast<std::size_t>(r)] = c.strata[k];
    x(r, 0) = values[static_cast<Eigen::Index>(c.matrix_col[k])];
    if (q > 0) x.row(r).tail(q) = c.covariates.row(static_cast<Eigen::Index>(k));
  }
  row.n = static_cast<double>(n);
  const stats::RiskSets rs(t, e, s);
  row.events = rs.events();
  // Status precedence: too_few_events > constant > separation > not_converged > ok. The fit is
  // still reported when there are too few events (R fits it too); the status says not to trust it.
  const bool too_few = rs.events() < min_events;
  if (n == 0 || rs.events() == 0 || (x.col(0).array() == x(0, 0)).all()) {
    row.status = too_few ? stats::FitStatus::kTooFewEvents : stats::FitStatus::kConstant;
    // R's concordance of a model whose feature coefficient is NA: that of the covariates alone.
    std::vector<double> lp(use.size(), 0.0);
    if (q > 0 && rs.events() > 0) {
      const stats::CoxFit reduced = stats::cox_fit(rs, x.rightCols(q), Eigen::VectorXd::Zero(q), copt);
      if (reduced.coef.allFinite()) {
        const Eigen::VectorXd eta = x.rightCols(q) * reduced.coef;
        for (std::size_t r = 0; r < use.size(); ++r) lp[r] = eta[static_cast<Eigen::Index>(r)];
      }
    }
    if (n > 0) row.c = stats::concordance(t, e, s, lp);
    return row;
  }
  const stats::CoxFit fit = stats::cox_fit(rs, x, Eigen::VectorXd::Zero(q + 1), copt);
  row.status = too_few ? stats::FitStatus::kTooFewEvents : fit.status;
  if (fit.status == stats::FitStatus::kConstant) return row;
  row.coef = fit.coef[0];
  row.se = std::sqrt(fit.var(0, 0));
  row.hr = std::exp(row.coef);
  row.lo = std::exp(row.coef - 1.959963984540054 * row.se);
  row.hi = std::exp(row.coef + 1.959963984540054 * row.se);
  row.z = row.coef / row.se;
  row.p_wald = 2 * stats::pnorm_upper(std::fabs(row.z));
  double ll_reduced = fit.loglik_init;  // no covariates: the model without the feature is beta = 0
  if (q == 0) {
    row.p_score = stats::pchisq_upper(fit.score_test, 1);
  } else {
    // Reduced model on the same rows; the score test of the feature at (0, gamma_hat).
    const Eigen::MatrixXd xc = x.rightCols(q);
    const stats::CoxFit reduced = stats::cox_fit(rs, xc, Eigen::VectorXd::Zero(q), copt);
    ll_reduced = reduced.loglik;
    Eigen::VectorXd init(q + 1);
    init[0] = 0;
    init.tail(q) = reduced.coef;
    // Centered as cox_fit centers, so the derivatives are those of the fitted parameterization.
    const Eigen::MatrixXd xcen = stats::center_covariates(x);
    const stats::CoxDerivatives d = stats::cox_derivatives(rs, xcen, init, copt.ties);
    row.p_score = stats::pchisq_upper(d.u.dot(d.imat.ldlt().solve(d.u)), 1);
  }
  row.p_lrt = stats::pchisq_upper(2 * (fit.loglik - ll_reduced), 1);
  std::vector<double> lp(use.size());
  const Eigen::VectorXd eta = x * fit.coef;
  for (std::size_t r = 0; r < use.size(); ++r) lp[r] = eta[static_cast<Eigen::Index>(r)];
  row.c = stats::concordance(t, e, s, lp);
  return row;
}

std::string num(double v) { return io::format_double(v); }

/// Permutation FDR of the per-feature score tests (Storey & Tibshirani 2003, with the null
/// distribution from permuting expression against outcome): for each feature, the mean number of
/// permuted p-values at or below its p, over the number of observed p-values at or below it.
/// Outcome, strata and covariates stay together, so the covariate-only model is fitted once.
/// Only features observed in every usable patient take part; the others get NaN.
std::vector<double> permutation_fdr(const Cohort& c, const std::vector<std::size_t>& base, const Eigen::MatrixXd& values,
                                    const stats::CoxOptions& copt, int n_perm, std::uint64_t seed, int threads) {
  const std::size_t nf = static_cast<std::size_t>(values.rows()), n = base.size();
  const Eigen::Index q = c.covariates.cols();
  std::vector<double> t(n);
  std::vector<int> e(n), s(n);
  Eigen::MatrixXd cov(static_cast<Eigen::Index>(n), q);
  for (std::size_t r = 0; r < n; ++r) {
    t[r] = c.time[base[r]];
    e[r] = c.event[base[r]];
    s[r] = c.strata[base[r]];
    if (q > 0) cov.row(static_cast<Eigen::Index>(r)) = c.covariates.row(static_cast<Eigen::Index>(base[r]));
  }
  const stats::RiskSets rs(t, e, s);
  Eigen::VectorXd beta = Eigen::VectorXd::Zero(q + 1);
  if (q > 0) {
    beta.tail(q) = stats::cox_fit(rs, cov, Eigen::VectorXd::Zero(q), copt).coef;
  }
  std::vector<std::size_t> complete;
  Eigen::MatrixXd x(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(nf));
  for (std::size_t f = 0; f < nf; ++f) {
    bool ok = true;
    for (std::size_t r = 0; r < n; ++r) {
      const double v = values(static_cast<Eigen::Index>(f), static_cast<Eigen::Index>(c.matrix_col[base[r]]));
      ok = ok && std::isfinite(v);
      x(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(f)) = v;
    }
    if (ok && (x.col(static_cast<Eigen::Index>(f)).array() != x(0, static_cast<Eigen::Index>(f))).any()) complete.push_back(f);
  }
  const Eigen::MatrixXd covc = q > 0 ? stats::center_covariates(cov) : Eigen::MatrixXd(static_cast<Eigen::Index>(n), 0);
  const auto& rs_order = rs.order();
  const auto& blocks = rs.blocks();
  const bool efron = copt.ties == stats::Ties::kEfron;
  auto score_p = [&](const Eigen::VectorXd& xf, Eigen::MatrixXd& design) {
    if (q == 0) {
      // At beta = 0 every risk weight is 1, so the score and information need only the running
      // sums of x and x^2 over the risk set: a scalar pass, no allocation. (cox_derivatives gives
      // the same numbers but allocates its result per call, which made 1,000 permutations of
      // 2,600 features 2.5x slower.)
      const double mean = xf.mean();
      double s0 = 0, s1 = 0, s2 = 0, u = 0, info = 0;
      for (const auto& blk : blocks) {
        if (blk.stratum_start) s0 = s1 = s2 = 0;
        double ds1 = 0, ds2 = 0;
        for (std::size_t k = blk.begin; k < blk.end; ++k) {
          const std::size_t i = rs_order[k];
          const double v = xf[static_cast<Eigen::Index>(i)] - mean;
          s0 += 1;
          s1 += v;
          s2 += v * v;
          if (e[i] != 0) {
            ds1 += v;
            ds2 += v * v;
          }
        }
        const int nd = blk.deaths;
        if (nd == 0) continue;
        u += ds1;
        if (!efron || nd == 1) {
          const double a = s1 / s0;
          u -= nd * a;
          info += nd * (s2 / s0 - a * a);
        } else {
          for (int k = 0; k < nd; ++k) {
            const double f = static_cast<double>(k) / nd;
            const double den = s0 - f * nd;
            const double a = (s1 - f * ds1) / den;
            u -= a;
            info += (s2 - f * ds2) / den - a * a;
          }
        }
      }
      return stats::pchisq_upper(u * u / info, 1);
    }
    design.col(0) = xf.array() - xf.mean();
    const stats::CoxDerivatives d = stats::cox_derivatives(rs, design, beta, copt.ties);
    const double stat = q == 0 ? d.u[0] * d.u[0] / d.imat(0, 0) : d.u.dot(d.imat.ldlt().solve(d.u));
    return stats::pchisq_upper(stat, 1);
  };
  std::vector<double> observed(complete.size());
  {
    Eigen::MatrixXd design(static_cast<Eigen::Index>(n), q + 1);
    if (q > 0) design.rightCols(q) = covc;
    for (std::size_t k = 0; k < complete.size(); ++k) observed[k] = score_p(x.col(static_cast<Eigen::Index>(complete[k])), design);
  }
  // counts[k] = number of permuted p-values (all features, all permutations) <= observed[k].
  std::vector<std::vector<double>> partial(static_cast<std::size_t>(std::max(threads, 1)), std::vector<double>(complete.size(), 0.0));
  const std::size_t n_chunks = static_cast<std::size_t>(std::max(threads, 1));
  core::parallel_for(n_chunks, threads, [&](std::size_t chunk) {
    Eigen::MatrixXd design(static_cast<Eigen::Index>(n), q + 1);
    if (q > 0) design.rightCols(q) = covc;
    std::vector<std::size_t> perm(n);
    std::vector<double> null_p(complete.size());
    Eigen::VectorXd xp(static_cast<Eigen::Index>(n));
    for (int b = static_cast<int>(chunk); b < n_perm; b += static_cast<int>(n_chunks)) {
      std::mt19937_64 gen(seed ^ (0x9E3779B97F4A7C15ULL * static_cast<std::uint64_t>(b + 1)));
      std::iota(perm.begin(), perm.end(), 0);
      for (std::size_t i = n - 1; i > 0; --i) std::swap(perm[i], perm[gen() % (i + 1)]);
      for (std::size_t k = 0; k < complete.size(); ++k) {
        const auto col = x.col(static_cast<Eigen::Index>(complete[k]));
        for (std::size_t i = 0; i < n; ++i) xp[static_cast<Eigen::Index>(i)] = col[static_cast<Eigen::Index>(perm[i])];
        null_p[k] = score_p(xp, design);
      }
      std::sort(null_p.begin(), null_p.end());
      for (std::size_t k = 0; k < complete.size(); ++k)
        partial[chunk][k] += static_cast<double>(std::upper_bound(null_p.begin(), null_p.end(), observed[k]) - null_p.begin());
    }
  });
  std::vector<double> fdr(nf, kNaN);
  std::vector<std::size_t> order(complete.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return observed[a] < observed[b]; });
  std::vector<double> raw(complete.size());
  for (std::size_t k = 0; k < complete.size(); ++k) {
    double total = 0;
    for (const auto& p : partial) total += p[k];
    const double expected_false = total / n_perm;
    const double called = static_cast<double>(std::upper_bound(order.begin(), order.end(), observed[k],
                                                               [&](double v, std::size_t idx) { return v < observed[idx]; }) -
                                              order.begin());
    raw[k] = std::min(1.0, expected_false / called);
  }
  // Monotone in p: the FDR of a p-value is the smallest FDR of any larger p-value's call set.
  double running = 1.0;
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    running = std::min(running, raw[*it]);
    fdr[complete[*it]] = running;
  }
  return fdr;
}

int run_survival(const SurvivalOptions& o, const std::vector<std::string>& argv, core::Logger& log) {
  const double t0 = now_seconds();
  core::RunInfo info = begin_run("survival", argv, o.common, log);
  const int threads = core::resolve_threads(o.common.threads);
  stats::CoxOptions copt;
  if (o.ties == "efron") copt.ties = stats::Ties::kEfron;
  else if (o.ties == "breslow") copt.ties = stats::Ties::kBreslow;
  else throw core::UsageError("--ties must be efron or breslow (got \"" + o.ties + "\")");
  if (!o.split.empty() && o.split != "median" && o.split != "tertile" && o.split != "quartile" && o.split != "maxstat")
    throw core::UsageError("--split must be median, tertile, quartile or maxstat (got \"" + o.split + "\")");

  const io::LabeledMatrix m = io::read_matrix(o.expression, io::MatrixKind::kExpression, threads);
  const io::Table clin = io::read_table(o.clinical);
  info.inputs.push_back({"expression", m.path, m.sha256, m.bytes});
  info.inputs.push_back(io::checksum_file("clinical", o.clinical));
  const Cohort cohort = build_cohort(o, m, clin, log);
  const std::vector<std::size_t> base = base_rows(cohort);
  for (const auto& f : o.km)
    if (std::find(m.features.begin(), m.features.end(), f) == m.features.end())
      throw core::UsageError("--km " + f + ": no such feature in " + m.path);

  std::vector<std::string> outputs = {"cox.tsv", "run_info.json"};
  if (!o.split.empty()) outputs.push_back("logrank.tsv");
  if (!o.binary.empty()) outputs.push_back("logistic.tsv");
  for (const auto& f : o.km) outputs.push_back("km_" + f + ".tsv");
  io::prepare_output_dir(o.common.out, outputs, o.common.force);
  log.info("survival", fmt::format("{} features; {} patients matched, {} usable (time, event{})", m.features.size(), cohort.ids.size(),
                                   base.size(), o.covariates.empty() ? "" : ", covariates"));

  const auto nf = m.features.size();
  std::vector<CoxRow> cox(nf);
  core::parallel_for(nf, threads, [&](std::size_t f) {
    cox[f] = cox_feature(cohort, base, m.values.row(static_cast<Eigen::Index>(f)), copt, o.min_events);
  });
  std::vector<double> pw(nf);
  for (std::size_t f = 0; f < nf; ++f) pw[f] = cox[f].p_wald;
  const auto fdr = stats::p_adjust_bh(pw);
  std::vector<double> fdr_perm;
  if (o.permutations > 0) {
    const double tp = now_seconds();
    fdr_perm = permutation_fdr(cohort, base, m.values, copt, o.permutations, o.seed, threads);
    log.info("survival", fmt::format("{} permutations of the score tests in {:.2f} s", o.permutations, now_seconds() - tp));
  }
  std::vector<std::pair<std::string, std::string>> pending;
  {
    std::string s = "feature\tn\tevents\tcoef\tHR\tHR.lower95\tHR.upper95\tse\tz\tP.Wald\tP.LRT\tP.score\tC\tFDR\tstatus";
    s += fdr_perm.empty() ? "\n" : "\tFDR.perm\n";
    std::map<std::string, int> counts;
    for (std::size_t f = 0; f < nf; ++f) {
      const auto& r = cox[f];
      s += m.features[f];
      for (double v : {r.n, r.events, r.coef, r.hr, r.lo, r.hi, r.se, r.z, r.p_wald, r.p_lrt, r.p_score, r.c, fdr[f]}) s += "\t" + num(v);
      s += std::string("\t") + stats::to_string(r.status);
      s += fdr_perm.empty() ? "\n" : "\t" + num(fdr_perm[f]) + "\n";
      ++counts[stats::to_string(r.status)];
    }
    std::string summary;
    for (const auto& [k, v] : counts) summary += fmt::format("{}{} {}", summary.empty() ? "" : ", ", v, k);
    log.info("survival", "cox: " + summary);
    pending.emplace_back("cox.tsv", std::move(s));
  }

  auto outcome_of = [&](const Eigen::RowVectorXd& values, std::vector<double>& t, std::vector<int>& e, std::vector<double>& x) {
    for (std::size_t k : base) {
      const double v = values[static_cast<Eigen::Index>(cohort.matrix_col[k])];
      if (!std::isfinite(v)) continue;
      t.push_back(cohort.time[k]);
      e.push_back(cohort.event[k]);
      x.push_back(v);
    }
  };
  if (!o.split.empty()) {
    std::vector<std::string> lines(nf);
    core::parallel_for(nf, threads, [&](std::size_t f) {
      std::vector<double> t, x;
      std::vector<int> e;
      outcome_of(m.values.row(static_cast<Eigen::Index>(f)), t, e, x);
      std::string line = m.features[f];
      if (o.split == "maxstat") {
        const auto ms = stats::maxstat_logrank(t, e, x);
        std::vector<int> g(x.size());
        for (std::size_t i = 0; i < x.size(); ++i) g[i] = x[i] > ms.cutpoint;
        const auto lr = ms.ok ? stats::logrank_test(t, e, g) : stats::LogRank{};
        line += "\t" + num(ms.ok ? static_cast<double>(ms.n_high) : kNaN) + "\t" + num(ms.ok ? lr.chisq : kNaN) + "\t" +
                num(ms.ok ? lr.p_value : kNaN) + "\t" + num(ms.ok ? ms.cutpoint : kNaN) + "\t" + num(ms.ok ? ms.statistic : kNaN) +
                "\t" + num(ms.ok ? ms.p_value : kNaN);
      } else {
        // median: above vs at-or-below the median; tertile / quartile: top vs bottom group.
        double lo_q = 0.5, hi_q = 0.5;
        if (o.split == "tertile") { lo_q = 1.0 / 3; hi_q = 2.0 / 3; }
        if (o.split == "quartile") { lo_q = 0.25; hi_q = 0.75; }
        const double lo_cut = stats::quantile7(x, lo_q), hi_cut = stats::quantile7(x, hi_q);
        std::vector<double> tt;
        std::vector<int> ee, g;
        for (std::size_t i = 0; i < x.size(); ++i) {
          if (x[i] > hi_cut) g.push_back(1);
          else if (x[i] <= lo_cut) g.push_back(0);
          else continue;
          tt.push_back(t[i]);
          ee.push_back(e[i]);
        }
        const double n_high = static_cast<double>(std::count(g.begin(), g.end(), 1));
        const auto lr = stats::logrank_test(tt, ee, g);
        line += "\t" + num(n_high) + "\t" + num(lr.chisq) + "\t" + num(lr.p_value);
      }
      lines[f] = line + "\n";
    });
    std::string s = o.split == "maxstat" ? "feature\tn.high\tchisq\tP.logrank\tcutpoint\tM\tP.adjusted\n" : "feature\tn.high\tchisq\tP.logrank\n";
    for (const auto& l : lines) s += l;
    pending.emplace_back("logrank.tsv", std::move(s));
  }
  for (const auto& feature : o.km) {
    const auto f = static_cast<Eigen::Index>(std::find(m.features.begin(), m.features.end(), feature) - m.features.begin());
    std::vector<double> t, x;
    std::vector<int> e;
    outcome_of(m.values.row(f), t, e, x);
    const double med = stats::median(x);
    std::string s = "group\ttime\tn.risk\tn.event\tsurv\tstd.err\tlower\tupper\n";
    for (const char* group : {"high", "low"}) {
      std::vector<double> tg;
      std::vector<int> eg;
      for (std::size_t i = 0; i < x.size(); ++i)
        if ((x[i] > med) == (std::string(group) == "high")) {
          tg.push_back(t[i]);
          eg.push_back(e[i]);
        }
      for (const auto& r : stats::kaplan_meier(tg, eg))
        s += std::string(group) + "\t" + num(r.time) + "\t" + num(r.n_risk) + "\t" + num(r.n_event) + "\t" + num(r.surv) + "\t" +
             num(r.std_err) + "\t" + num(r.lower) + "\t" + num(r.upper) + "\n";
    }
    pending.emplace_back("km_" + feature + ".tsv", std::move(s));
  }
  if (!o.binary.empty()) {
    std::vector<std::string> lines(nf);
    std::vector<double> p(nf, kNaN);
    std::vector<std::array<double, 8>> vals(nf);
    std::vector<stats::FitStatus> status(nf, stats::FitStatus::kOk);
    core::parallel_for(nf, threads, [&](std::size_t f) {
      std::vector<std::size_t> use;
      for (std::size_t k = 0; k < cohort.ids.size(); ++k) {
        if (std::isnan(cohort.binary[k])) continue;
        if (cohort.covariates.cols() > 0 && !cohort.covariates.row(static_cast<Eigen::Index>(k)).allFinite()) continue;
        if (!std::isfinite(m.values(static_cast<Eigen::Index>(f), static_cast<Eigen::Index>(cohort.matrix_col[k])))) continue;
        use.push_back(k);
      }
      const auto n = static_cast<Eigen::Index>(use.size());
      const Eigen::Index q = cohort.covariates.cols();
      Eigen::MatrixXd x(n, q + 2);
      Eigen::VectorXd y(n);
      for (Eigen::Index r = 0; r < n; ++r) {
        const std::size_t k = use[static_cast<std::size_t>(r)];
        x(r, 0) = 1;
        x(r, 1) = m.values(static_cast<Eigen::Index>(f), static_cast<Eigen::Index>(cohort.matrix_col[k]));
        if (q > 0) x.row(r).tail(q) = cohort.covariates.row(static_cast<Eigen::Index>(k));
        y[r] = cohort.binary[k];
      }
      auto& v = vals[f];
      v.fill(kNaN);
      v[0] = static_cast<double>(n);
      if (n == 0 || (x.col(1).array() == x(0, 1)).all()) {
        status[f] = stats::FitStatus::kConstant;
        return;
      }
      const auto fit = stats::logistic_fit(x, y);
      status[f] = fit.status;
      if (fit.status == stats::FitStatus::kConstant) return;
      const double b = fit.coef[1], se = fit.se[1];
      v = {static_cast<double>(n), b, std::exp(b), std::exp(b - 1.959963984540054 * se), std::exp(b + 1.959963984540054 * se), se, b / se,
           2 * stats::pnorm_upper(std::fabs(b / se))};
      p[f] = v[7];
    });
    const auto lfdr = stats::p_adjust_bh(p);
    std::string s = "feature\tn\tcoef\tOR\tOR.lower95\tOR.upper95\tse\tz\tP\tFDR\tstatus\n";
    for (std::size_t f = 0; f < nf; ++f) {
      s += m.features[f];
      for (double v : vals[f]) s += "\t" + num(v);
      s += "\t" + num(lfdr[f]) + "\t" + stats::to_string(status[f]) + "\n";
    }
    pending.emplace_back("logistic.tsv", std::move(s));
  }
  const std::filesystem::path dir(o.common.out);
  for (const auto& [name, text] : pending) {
    io::write_file_atomic((dir / name).string(), text);
    info.outputs.push_back(name);
  }
  info.parameters = {{"id", o.id}, {"time", o.time}, {"event", o.event}, {"covariates", o.covariates}, {"strata", o.strata},
                     {"ties", o.ties}, {"split", o.split}, {"km", o.km}, {"binary", o.binary}, {"threads", threads},
                     {"min_events", o.min_events}, {"permutations", o.permutations}};
  if (o.permutations > 0) info.seed = o.seed;
  finish_run_info(info, o.common.out, log, t0);
  log.info("survival", fmt::format("done in {:.2f} s wall, {:.2f} s CPU", info.wall_seconds, info.cpu_seconds));
  return kExitOk;
}

}  // namespace

int cmd_survival(const std::vector<std::string>& argv, core::Logger& log) {
  SurvivalOptions o;
  CLI::App app("Per-feature Cox models, log-rank splits, Kaplan-Meier curves and logistic models (R survival / glm semantics)",
               "lscmir survival");
  app.add_option("--expression", o.expression, "Expression matrix: feature x patient")->required();
  app.add_option("--clinical", o.clinical, "Clinical table (TSV/CSV)")->required();
  app.add_option("--id", o.id, "Clinical column holding the patient ids of the matrix columns")->required();
  app.add_option("--time", o.time, "Clinical column: follow-up time")->required();
  app.add_option("--event", o.event, "Clinical column: event indicator (1 = event, 0 = censored)")->required();
  app.add_option("--covariates", o.covariates, "Adjust for these clinical columns (comma-separated)")->delimiter(',');
  app.add_option("--reference", o.reference, "Reference level of a categorical covariate: var=level (repeatable)");
  app.add_option("--strata", o.strata, "Stratify the Cox models by this clinical column");
  app.add_option("--ties", o.ties, "efron or breslow")->capture_default_str();
  app.add_option("--split", o.split, "Log-rank test of a split: median, tertile, quartile or maxstat");
  app.add_option("--km", o.km, "Kaplan-Meier curves (high vs low by median) for these features");
  app.add_option("--binary", o.binary, "Clinical 0/1 column for per-feature logistic regression");
  app.add_option("--permutations", o.permutations, "Permutation FDR of the Cox score tests (adds FDR.perm)")->check(CLI::NonNegativeNumber);
  app.add_option("--seed", o.seed, "Seed for --permutations")->capture_default_str();
  app.add_option("--min-events", o.min_events, "Fewer events than this: status too_few_events")->capture_default_str();
  add_common_options(app, o.common);
  const int parsed = parse_or_exit(app, argv);
  if (parsed >= 0) return parsed;
  return guarded("survival", log, [&] { return run_survival(o, argv, log); });
}

}  // namespace lscmir::app
