// SPDX-License-Identifier: GPL-3.0-or-later
// Per-feature survival screens over a features x subjects matrix (coxph / survdiff / survfit /
// maxstat / glm semantics, feature by feature): one RiskSets per feature fit, a parallel-for over
// features writing into pre-sized results by index.
#include "lscmir/stats/cox_screen.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "lscmir/core/error.hpp"
#include "lscmir/core/parallel.hpp"
#include "lscmir/stats/cox_zph.hpp"
#include "lscmir/stats/distributions.hpp"
#include "lscmir/stats/glm.hpp"
#include "lscmir/stats/norm_factors.hpp"
#include "lscmir/stats/p_adjust.hpp"

namespace lscmir::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void check_shape(const SurvivalData& d, const Eigen::MatrixXd& values) {
  const std::size_t n = d.size();
  core::ensure(d.event.size() == n && d.strata.size() == n, "SurvivalData: lengths differ");
  core::ensure(d.covariates.cols() == 0 || static_cast<std::size_t>(d.covariates.rows()) == n,
               "SurvivalData: covariate rows differ from subjects");
  core::ensure(static_cast<std::size_t>(values.cols()) == n, "survival screen: values columns differ from subjects");
}

CoxScreenRow cox_row(const SurvivalData& d, const Eigen::MatrixXd& values, Eigen::Index f, const CoxScreenOptions& o) {
  const CoxOptions& copt = o.cox;
  CoxScreenRow row;
  std::vector<std::size_t> use;
  for (std::size_t k = 0; k < d.size(); ++k)
    if (std::isfinite(values(f, static_cast<Eigen::Index>(k)))) use.push_back(k);
  const auto n = static_cast<Eigen::Index>(use.size());
  const Eigen::Index q = d.covariates.cols();
  std::vector<double> t(use.size());
  std::vector<int> e(use.size()), s(use.size());
  Eigen::MatrixXd x(n, q + 1);
  for (Eigen::Index r = 0; r < n; ++r) {
    const std::size_t k = use[static_cast<std::size_t>(r)];
    t[static_cast<std::size_t>(r)] = d.time[k];
    e[static_cast<std::size_t>(r)] = d.event[k];
    s[static_cast<std::size_t>(r)] = d.strata[k];
    x(r, 0) = values(f, static_cast<Eigen::Index>(k));
    if (q > 0) x.row(r).tail(q) = d.covariates.row(static_cast<Eigen::Index>(k));
  }
  row.n = static_cast<double>(n);
  const RiskSets rs(t, e, s);
  row.events = rs.events();
  // The fit is still reported when there are too few events (R fits it too); the status says not
  // to trust it.
  const bool too_few = rs.events() < o.min_events;
  if (n == 0 || rs.events() == 0 || (x.col(0).array() == x(0, 0)).all()) {
    row.status = too_few ? FitStatus::kTooFewEvents : FitStatus::kConstant;
    // R's concordance of a model whose feature coefficient is NA: that of the covariates alone.
    std::vector<double> lp(use.size(), 0.0);
    if (q > 0 && rs.events() > 0) {
      const CoxFit reduced = cox_fit(rs, x.rightCols(q), Eigen::VectorXd::Zero(q), copt);
      if (reduced.coef.allFinite()) {
        const Eigen::VectorXd eta = x.rightCols(q) * reduced.coef;
        for (std::size_t r = 0; r < use.size(); ++r) lp[r] = eta[static_cast<Eigen::Index>(r)];
      }
    }
    if (n > 0) row.c = concordance(t, e, s, lp);
    return row;
  }
  const CoxFit fit = cox_fit(rs, x, Eigen::VectorXd::Zero(q + 1), copt);
  // The feature varies (checked above), so a singular information matrix means aliasing with
  // the covariates: no estimate is reported.
  const FitStatus fit_status = fit.status == FitStatus::kConstant ? FitStatus::kAliased : fit.status;
  row.status = too_few ? FitStatus::kTooFewEvents : fit_status;
  if (fit_status == FitStatus::kAliased) return row;
  row.coef = fit.coef[0];
  row.se = std::sqrt(fit.var(0, 0));
  const WaldHazardRatio w = wald_hazard_ratio(row.coef, row.se);
  row.hr = w.hr;
  row.hr_lower95 = w.lower95;
  row.hr_upper95 = w.upper95;
  row.z = w.z;
  row.p_wald = w.p;
  double ll_reduced = fit.loglik_init;  // no covariates: the model without the feature is beta = 0
  if (q == 0) {
    row.p_score = pchisq_upper(fit.score_test, 1);
  } else {
    // Reduced model on the same rows; the score test of the feature at (0, gamma_hat).
    const Eigen::MatrixXd xc = x.rightCols(q);
    const CoxFit reduced = cox_fit(rs, xc, Eigen::VectorXd::Zero(q), copt);
    ll_reduced = reduced.loglik;
    Eigen::VectorXd init(q + 1);
    init[0] = 0;
    init.tail(q) = reduced.coef;
    // Centered as cox_fit centers, so the derivatives are those of the fitted parameterization.
    const Eigen::MatrixXd xcen = center_covariates(x);
    const CoxDerivatives dv = cox_derivatives(rs, xcen, init, copt.ties);
    row.p_score = pchisq_upper(dv.u.dot(dv.imat.ldlt().solve(dv.u)), 1);
  }
  row.p_lrt = pchisq_upper(2 * (fit.loglik - ll_reduced), 1);
  if (o.ph_test) {
    const CoxZph zph = cox_zph(rs, x, fit.coef, copt.ties);
    row.ph_chisq = zph.chisq;
    row.ph_p = zph.p_value;
    row.ph_global_chisq = zph.global_chisq;
    row.ph_global_df = zph.global_df > 0 ? zph.global_df : kNaN;
    row.ph_global_p = zph.global_p;
  }
  std::vector<double> lp(use.size());
  const Eigen::VectorXd eta = x * fit.coef;
  for (std::size_t r = 0; r < use.size(); ++r) lp[r] = eta[static_cast<Eigen::Index>(r)];
  row.c = concordance(t, e, s, lp);
  return row;
}

/// A feature's finite values with the time, event and stratum of their subjects.
struct FiniteOutcome {
  std::vector<double> t, x;
  std::vector<int> e, s;
};
FiniteOutcome finite_outcome(const std::vector<double>& time, const std::vector<int>& event, const std::vector<int>& strata,
                             const Eigen::MatrixXd& values, Eigen::Index f) {
  FiniteOutcome o;
  for (std::size_t k = 0; k < time.size(); ++k) {
    const double v = values(f, static_cast<Eigen::Index>(k));
    if (!std::isfinite(v)) continue;
    o.t.push_back(time[k]);
    o.e.push_back(event[k]);
    o.s.push_back(strata.empty() ? 0 : strata[k]);
    o.x.push_back(v);
  }
  return o;
}

/// The groups of `split` (1 = high, 0 = low, -1 = left out: the middle of a tertile / quartile
/// split); for kMaxstat the cut point search in `ms` (all -1 when it finds none).
std::vector<int> split_groups(const FiniteOutcome& d, LogrankSplit split, MaxStat& ms) {
  const std::size_t n = d.x.size();
  std::vector<int> g(n, -1);
  if (split == LogrankSplit::kMaxstat) {
    ms = maxstat_logrank(d.t, d.e, d.x);
    if (ms.ok)
      for (std::size_t i = 0; i < n; ++i) g[i] = d.x[i] > ms.cutpoint;
    return g;
  }
  // median: above vs at-or-below the median; tertile / quartile: top vs bottom group.
  double lo_q = 0.5, hi_q = 0.5;
  if (split == LogrankSplit::kTertile) {
    lo_q = 1.0 / 3;
    hi_q = 2.0 / 3;
  }
  if (split == LogrankSplit::kQuartile) {
    lo_q = 0.25;
    hi_q = 0.75;
  }
  if (n == 0) return g;
  const double lo_cut = quantile7(d.x, lo_q), hi_cut = quantile7(d.x, hi_q);
  for (std::size_t i = 0; i < n; ++i) {
    if (d.x[i] > hi_cut) g[i] = 1;
    else if (d.x[i] <= lo_cut) g[i] = 0;
  }
  return g;
}

}  // namespace

CoxScreen cox_screen(const SurvivalData& data, const Eigen::MatrixXd& values, const CoxScreenOptions& options, int threads) {
  check_shape(data, values);
  const auto nf = static_cast<std::size_t>(values.rows());
  CoxScreen out;
  out.rows.resize(nf);
  core::parallel_for(nf, threads, [&](std::size_t f) { out.rows[f] = cox_row(data, values, static_cast<Eigen::Index>(f), options); });
  std::vector<double> pw(nf);
  for (std::size_t f = 0; f < nf; ++f) pw[f] = out.rows[f].p_wald;
  out.fdr = p_adjust_bh(pw);
  return out;
}

std::vector<double> permutation_fdr(const SurvivalData& data, const Eigen::MatrixXd& values, const CoxOptions& copt,
                                    int n_perm, std::uint64_t seed, int threads, core::Progress* progress) {
  check_shape(data, values);
  const std::size_t nf = static_cast<std::size_t>(values.rows()), n = data.size();
  const Eigen::Index q = data.covariates.cols();
  std::vector<double> fdr(nf, kNaN);
  if (n_perm <= 0 || n == 0) return fdr;
  const RiskSets rs(data.time, data.event, data.strata);
  Eigen::VectorXd beta = Eigen::VectorXd::Zero(q + 1);
  if (q > 0) beta.tail(q) = cox_fit(rs, data.covariates, Eigen::VectorXd::Zero(q), copt).coef;
  std::vector<std::size_t> complete;
  Eigen::MatrixXd x(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(nf));
  for (std::size_t f = 0; f < nf; ++f) {
    bool ok = true;
    for (std::size_t r = 0; r < n; ++r) {
      const double v = values(static_cast<Eigen::Index>(f), static_cast<Eigen::Index>(r));
      ok = ok && std::isfinite(v);
      x(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(f)) = v;
    }
    if (ok && (x.col(static_cast<Eigen::Index>(f)).array() != x(0, static_cast<Eigen::Index>(f))).any()) complete.push_back(f);
  }
  const Eigen::MatrixXd covc = q > 0 ? center_covariates(data.covariates) : Eigen::MatrixXd(static_cast<Eigen::Index>(n), 0);
  // Without covariates the score test is at beta = 0 (cox_score_at_zero: no allocation, no exp);
  // with them, at (0, gamma_hat) of the covariate-only model.
  auto score_p = [&](const Eigen::VectorXd& xf, Eigen::MatrixXd& design) {
    if (q == 0) {
      const CoxScore1 sc = cox_score_at_zero(rs, xf, xf.mean(), copt.ties);
      return pchisq_upper(sc.u * sc.u / sc.info, 1);
    }
    design.col(0) = xf.array() - xf.mean();
    const CoxDerivatives d = cox_derivatives(rs, design, beta, copt.ties);
    return pchisq_upper(d.u.dot(d.imat.ldlt().solve(d.u)), 1);
  };
  std::vector<double> observed(complete.size());
  {
    Eigen::MatrixXd design(static_cast<Eigen::Index>(n), q + 1);
    if (q > 0) design.rightCols(q) = covc;
    for (std::size_t k = 0; k < complete.size(); ++k) {
      const Eigen::VectorXd xf = x.col(static_cast<Eigen::Index>(complete[k]));
      observed[k] = score_p(xf, design);
    }
  }
  // partial[chunk][k] = number of permuted p-values (all features, the chunk's permutations) <= observed[k].
  const std::size_t n_chunks = static_cast<std::size_t>(std::max(threads, 1));
  std::vector<std::vector<double>> partial(n_chunks, std::vector<double>(complete.size(), 0.0));
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
      core::progress_add(progress);
    }
  });
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

std::vector<LogrankSplitRow> logrank_split_screen(const std::vector<double>& time, const std::vector<int>& event,
                                                  const std::vector<int>& strata, const Eigen::MatrixXd& values,
                                                  LogrankSplit split, int threads) {
  core::ensure(event.size() == time.size() && static_cast<std::size_t>(values.cols()) == time.size() &&
                   (strata.empty() || strata.size() == time.size()),
               "logrank_split_screen: lengths differ");
  const auto nf = static_cast<std::size_t>(values.rows());
  std::vector<LogrankSplitRow> rows(nf);
  core::parallel_for(nf, threads, [&](std::size_t f) {
    const FiniteOutcome d = finite_outcome(time, event, strata, values, static_cast<Eigen::Index>(f));
    LogrankSplitRow& row = rows[f];
    MaxStat ms;
    const std::vector<int> g = split_groups(d, split, ms);
    if (split == LogrankSplit::kMaxstat && !ms.ok) return;
    std::vector<double> tt;
    std::vector<int> ee, gg, ss;
    for (std::size_t i = 0; i < g.size(); ++i) {
      if (g[i] < 0) continue;
      tt.push_back(d.t[i]);
      ee.push_back(d.e[i]);
      gg.push_back(g[i]);
      ss.push_back(d.s[i]);
    }
    const LogRank lr = logrank_test(tt, ee, gg, ss);
    row.n_high = static_cast<double>(std::count(gg.begin(), gg.end(), 1));
    row.chisq = lr.chisq;
    row.p_value = lr.p_value;
    if (split == LogrankSplit::kMaxstat) {
      row.cutpoint = ms.cutpoint;
      row.statistic = ms.statistic;
      row.p_adjusted = ms.p_value;
    }
  });
  return rows;
}

std::vector<LogrankSplitRow> logrank_split_screen(const std::vector<double>& time, const std::vector<int>& event,
                                                  const Eigen::MatrixXd& values, LogrankSplit split, int threads) {
  return logrank_split_screen(time, event, {}, values, split, threads);
}

KmByMedian km_by_split(const std::vector<double>& time, const std::vector<int>& event, const Eigen::MatrixXd& values,
                       Eigen::Index feature, LogrankSplit split) {
  core::ensure(event.size() == time.size() && static_cast<std::size_t>(values.cols()) == time.size(),
               "km_by_split: lengths differ");
  const FiniteOutcome d = finite_outcome(time, event, {}, values, feature);
  MaxStat ms;
  const std::vector<int> g = split_groups(d, split, ms);
  std::vector<double> th, tl;
  std::vector<int> eh, el;
  for (std::size_t i = 0; i < g.size(); ++i) {
    if (g[i] < 0) continue;
    (g[i] == 1 ? th : tl).push_back(d.t[i]);
    (g[i] == 1 ? eh : el).push_back(d.e[i]);
  }
  return {kaplan_meier(th, eh), kaplan_meier(tl, el)};
}

std::vector<int> split_membership(const std::vector<double>& time, const std::vector<int>& event, const Eigen::MatrixXd& values,
                                  Eigen::Index feature, LogrankSplit split) {
  core::ensure(event.size() == time.size() && static_cast<std::size_t>(values.cols()) == time.size(),
               "split_membership: lengths differ");
  const FiniteOutcome d = finite_outcome(time, event, {}, values, feature);
  MaxStat ms;
  const std::vector<int> g = split_groups(d, split, ms);
  std::vector<int> out(time.size(), -1);
  std::size_t r = 0;
  for (std::size_t k = 0; k < time.size(); ++k)
    if (std::isfinite(values(feature, static_cast<Eigen::Index>(k)))) out[k] = g[r++];
  return out;
}

KmByMedian km_by_median(const std::vector<double>& time, const std::vector<int>& event, const Eigen::MatrixXd& values,
                        Eigen::Index feature) {
  return km_by_split(time, event, values, feature, LogrankSplit::kMedian);
}

LogisticScreen logistic_screen(const Eigen::VectorXd& y, const Eigen::MatrixXd& covariates, const Eigen::MatrixXd& values,
                               int threads) {
  const Eigen::Index q = covariates.cols();
  core::ensure(values.cols() == y.size() && (q == 0 || covariates.rows() == y.size()), "logistic_screen: lengths differ");
  const auto nf = static_cast<std::size_t>(values.rows());
  LogisticScreen out;
  out.rows.resize(nf);
  core::parallel_for(nf, threads, [&](std::size_t f) {
    const auto fi = static_cast<Eigen::Index>(f);
    std::vector<Eigen::Index> use;
    for (Eigen::Index k = 0; k < y.size(); ++k)
      if (std::isfinite(values(fi, k))) use.push_back(k);
    const auto n = static_cast<Eigen::Index>(use.size());
    Eigen::MatrixXd x(n, q + 2);
    Eigen::VectorXd yy(n);
    for (Eigen::Index r = 0; r < n; ++r) {
      const Eigen::Index k = use[static_cast<std::size_t>(r)];
      x(r, 0) = 1;
      x(r, 1) = values(fi, k);
      if (q > 0) x.row(r).tail(q) = covariates.row(k);
      yy[r] = y[k];
    }
    LogisticScreenRow& row = out.rows[f];
    row.n = static_cast<double>(n);
    if (n == 0 || (x.col(1).array() == x(0, 1)).all()) {
      row.status = FitStatus::kConstant;
      return;
    }
    const LogisticFit fit = logistic_fit(x, yy);
    row.status = fit.status;
    if (fit.status == FitStatus::kConstant) return;
    const double b = fit.coef[1], se = fit.se[1];
    row.coef = b;
    row.odds_ratio = std::exp(b);
    row.or_lower95 = std::exp(b - kNormalQuantile975 * se);
    row.or_upper95 = std::exp(b + kNormalQuantile975 * se);
    row.se = se;
    row.z = b / se;
    row.p_value = 2 * pnorm_upper(std::fabs(b / se));
  });
  std::vector<double> p(nf);
  for (std::size_t f = 0; f < nf; ++f) p[f] = out.rows[f].p_value;
  out.fdr = p_adjust_bh(p);
  return out;
}

}  // namespace lscmir::stats
