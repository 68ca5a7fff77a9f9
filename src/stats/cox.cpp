// SPDX-License-Identifier: GPL-3.0-or-later
// Cox partial likelihood (Therneau & Grambsch 2000, ch. 3; survival's coxph documentation):
// subjects are visited once per Newton step from the largest time down, so the risk-set sums
// S0 = sum r, S1 = sum r x, S2 = sum r x x' (r = exp(x'b)) accumulate; tied deaths use the Efron
// approximation (the k-th of d tied deaths sees the risk set minus k/d of the dying subjects) or
// Breslow's (all see the whole set). Newton-Raphson with step halving when the likelihood falls,
// converged when |1 - l_old / l_new| <= eps, as coxph.
#include "lscmir/stats/cox.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "lscmir/core/error.hpp"
#include "lscmir/stats/distributions.hpp"

namespace lscmir::stats {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}  // namespace

const char* to_string(FitStatus s) {
  switch (s) {
    case FitStatus::kOk: return "ok";
    case FitStatus::kSeparation: return "separation";
    case FitStatus::kConstant: return "constant";
    case FitStatus::kNotConverged: return "not_converged";
    case FitStatus::kTooFewEvents: return "too_few_events";
    case FitStatus::kAliased: return "aliased";
  }
  return "?";
}

RiskSets::RiskSets(const std::vector<double>& time, const std::vector<int>& event, const std::vector<int>& strata)
    : time_(time), event_(event), strata_(strata) {
  const std::size_t n = time.size();
  core::ensure(event.size() == n && strata.size() == n, "RiskSets: lengths differ");
  order_.resize(n);
  std::iota(order_.begin(), order_.end(), 0);
  // Stratum, then decreasing time, deaths before censorings at the same time (order within a
  // block does not matter for the sums).
  std::stable_sort(order_.begin(), order_.end(), [&](std::size_t a, std::size_t b) {
    if (strata_[a] != strata_[b]) return strata_[a] < strata_[b];
    if (time_[a] != time_[b]) return time_[a] > time_[b];
    return event_[a] > event_[b];
  });
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    int deaths = 0;
    while (j < n && strata_[order_[j]] == strata_[order_[i]] && time_[order_[j]] == time_[order_[i]]) deaths += event_[order_[j++]];
    const bool start = i == 0 || strata_[order_[i - 1]] != strata_[order_[i]];
    blocks_.push_back({i, j, deaths, start});
    n_events_ += deaths;
    i = j;
  }
}

namespace {

struct Sums1 {
  double loglik = 0, u = 0, info = 0;
};

/// The one-covariate case with scalars (the per-feature screen): same sums, no matrix work. With
/// kZero, beta = 0: every risk weight is exactly 1 (so the sums are bit for bit those of the
/// general pass at beta 0), x is shifted by `center`, and the log likelihood is not computed.
template <bool kZero>
Sums1 scalar_pass(const RiskSets& rs, const double* xv, double beta, double center, Ties ties) {
  double loglik = 0, u = 0, info = 0, s0 = 0, s1 = 0, s2 = 0;
  const auto& order = rs.order();
  const auto& event = rs.event();
  for (const auto& blk : rs.blocks()) {
    if (blk.stratum_start) s0 = s1 = s2 = 0;
    double ds0 = 0, ds1 = 0, ds2 = 0, eta_sum = 0, xsum = 0;
    for (std::size_t k = blk.begin; k < blk.end; ++k) {
      const std::size_t i = order[k];
      double xi = xv[i], eta = 0, r = 1;
      if constexpr (kZero) {
        xi -= center;
      } else {
        eta = xi * beta;
        r = std::exp(eta);
      }
      s0 += r;
      s1 += r * xi;
      s2 += r * xi * xi;
      if (event[i] != 0) {
        ds0 += r;
        ds1 += r * xi;
        ds2 += r * xi * xi;
        eta_sum += eta;
        xsum += xi;
      }
    }
    const int nd = blk.deaths;
    if (nd == 0) continue;
    if constexpr (!kZero) loglik += eta_sum;
    u += xsum;
    if (ties == Ties::kBreslow || nd == 1) {
      const double a = s1 / s0;
      if constexpr (!kZero) loglik -= nd * std::log(s0);
      u -= nd * a;
      info += nd * (s2 / s0 - a * a);
    } else {
      for (int k = 0; k < nd; ++k) {
        const double f = static_cast<double>(k) / nd;
        const double den = s0 - f * ds0;
        const double a = (s1 - f * ds1) / den;
        if constexpr (!kZero) loglik -= std::log(den);
        u -= a;
        info += (s2 - f * ds2) / den - a * a;
      }
    }
  }
  return {loglik, u, info};
}

CoxDerivatives cox_derivatives1(const RiskSets& rs, const Eigen::MatrixXd& x, double beta, Ties ties) {
  const Sums1 s = scalar_pass<false>(rs, x.data(), beta, 0.0, ties);
  CoxDerivatives d;
  d.loglik = s.loglik;
  d.u = Eigen::VectorXd::Constant(1, s.u);
  d.imat = Eigen::MatrixXd::Constant(1, 1, s.info);
  return d;
}

}  // namespace

CoxScore1 cox_score_at_zero(const RiskSets& rs, const Eigen::Ref<const Eigen::VectorXd>& x, double center, Ties ties) {
  core::ensure(static_cast<std::size_t>(x.size()) == rs.size(), "cox_score_at_zero: x and the risk sets differ in length");
  const Sums1 s = scalar_pass<true>(rs, x.data(), 0.0, center, ties);
  return {s.u, s.info};
}

CoxDerivatives cox_derivatives(const RiskSets& rs, const Eigen::MatrixXd& x, const Eigen::VectorXd& beta, Ties ties) {
  const Eigen::Index p = x.cols();
  if (p == 1) return cox_derivatives1(rs, x, beta[0], ties);
  CoxDerivatives d;
  d.u = Eigen::VectorXd::Zero(p);
  d.imat = Eigen::MatrixXd::Zero(p, p);
  Eigen::VectorXd s1(p), ds1(p), xsum(p), a(p);
  Eigen::MatrixXd s2(p, p), ds2(p, p);
  double s0 = 0;
  const auto& order = rs.order();
  for (const auto& blk : rs.blocks()) {
    if (blk.stratum_start) {
      s0 = 0;
      s1.setZero();
      s2.setZero();
    }
    double ds0 = 0, eta_sum = 0;
    ds1.setZero();
    ds2.setZero();
    xsum.setZero();
    for (std::size_t k = blk.begin; k < blk.end; ++k) {
      const std::size_t i = order[k];
      const auto xi = x.row(static_cast<Eigen::Index>(i)).transpose();
      const double eta = xi.dot(beta);
      const double r = std::exp(eta);
      s0 += r;
      s1.noalias() += r * xi;
      s2.noalias() += r * xi * xi.transpose();
      if (rs.event()[i] != 0) {
        ds0 += r;
        ds1.noalias() += r * xi;
        ds2.noalias() += r * xi * xi.transpose();
        eta_sum += eta;
        xsum += xi;
      }
    }
    const int nd = blk.deaths;
    if (nd == 0) continue;
    d.loglik += eta_sum;
    d.u += xsum;
    if (ties == Ties::kBreslow || nd == 1) {
      a = s1 / s0;
      d.loglik -= nd * std::log(s0);
      d.u -= nd * a;
      d.imat.noalias() += nd * (s2 / s0 - a * a.transpose());
    } else {
      for (int k = 0; k < nd; ++k) {
        const double f = static_cast<double>(k) / nd;
        const double den = s0 - f * ds0;
        a = (s1 - f * ds1) / den;
        d.loglik -= std::log(den);
        d.u -= a;
        d.imat.noalias() += (s2 - f * ds2) / den - a * a.transpose();
      }
    }
  }
  return d;
}

Eigen::MatrixXd center_covariates(const Eigen::MatrixXd& x_in) {
  Eigen::MatrixXd x = x_in;
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    const bool indicator = (x.col(j).array() == 0.0 || x.col(j).array() == 1.0).all();
    if (!indicator) x.col(j).array() -= x.col(j).mean();
  }
  return x;
}

CoxFit cox_fit(const RiskSets& rs, const Eigen::MatrixXd& x_in, const Eigen::VectorXd& init, const CoxOptions& o) {
  const Eigen::Index p = x_in.cols();
  CoxFit fit;
  // Centering changes neither the likelihood nor the Newton path, and keeps exp() in range.
  // Scaling (coxph's: 1 / mean |x - mean| for every column but 0/1 indicators) does not change
  // the Newton path either (it is affine invariant) but makes the singularity check below
  // independent of the columns' units. The iterations run on the scaled parameters b / scale.
  Eigen::MatrixXd x = center_covariates(x_in);
  Eigen::VectorXd scale = Eigen::VectorXd::Ones(p);
  for (Eigen::Index j = 0; j < p; ++j) {
    const bool indicator = (x_in.col(j).array() == 0.0 || x_in.col(j).array() == 1.0).all();
    if (indicator) continue;
    const double mad = x.col(j).cwiseAbs().mean();
    if (mad > 0 && std::isfinite(mad)) scale[j] = 1.0 / mad;
    x.col(j) *= scale[j];
  }
  Eigen::VectorXd beta = init.cwiseQuotient(scale);
  CoxDerivatives cur = cox_derivatives(rs, x, beta, o.ties);
  fit.loglik_init = cur.loglik;
  Eigen::LDLT<Eigen::MatrixXd> chol(cur.imat);
  const bool singular0 = chol.info() != Eigen::Success || !(chol.vectorD().array() > 1e-12 * std::max(1.0, cur.imat.diagonal().cwiseAbs().maxCoeff())).all();
  if (singular0) {
    fit.coef = Eigen::VectorXd::Constant(p, kNaN);
    fit.var = Eigen::MatrixXd::Constant(p, p, kNaN);
    fit.loglik = cur.loglik;
    fit.score_test = kNaN;
    fit.status = FitStatus::kConstant;
    return fit;
  }
  Eigen::VectorXd step = chol.solve(cur.u);
  fit.score_test = cur.u.dot(step);
  // coxph's iteration: a step that lowers the likelihood (or overflows) is pulled back towards
  // the last good point, more strongly each time (1/2, then 1/3 of the remaining way, ...);
  // convergence is tested on every new point, halved or not.
  double loglik = cur.loglik;
  Eigen::VectorXd newbeta = beta + step;
  int halving = 0;
  bool converged = false;
  CoxDerivatives nd;
  int iter = 1;
  for (; iter <= o.max_iter; ++iter) {
    nd = cox_derivatives(rs, x, newbeta, o.ties);
    const bool finite = std::isfinite(nd.loglik) && nd.u.allFinite() && nd.imat.allFinite();
    if (finite && std::fabs(1.0 - loglik / nd.loglik) <= o.eps && halving == 0) {
      converged = true;
      break;
    }
    if (!finite || nd.loglik < loglik) {
      ++halving;
      newbeta = (newbeta + halving * beta) / (halving + 1.0);
    } else {
      halving = 0;
      loglik = nd.loglik;
      chol.compute(nd.imat);
      beta = newbeta;
      newbeta = beta + chol.solve(nd.u);
    }
  }
  Eigen::VectorXd coef_scaled;
  if (converged) {
    fit.iter = iter;
    coef_scaled = newbeta;
  } else {
    // Out of iterations: the last good point, with its likelihood and information.
    fit.iter = o.max_iter;
    coef_scaled = beta;
    nd = cox_derivatives(rs, x, beta, o.ties);
  }
  fit.loglik = nd.loglik;
  chol.compute(nd.imat);
  // Back to the caller's units: coef = scale * b, var = S V S, score u = u_scaled / scale.
  fit.coef = coef_scaled.cwiseProduct(scale);
  fit.var = scale.asDiagonal() * chol.solve(Eigen::MatrixXd::Identity(p, p)) * scale.asDiagonal();
  nd.u = nd.u.cwiseQuotient(scale);
  if (!converged) {
    fit.status = FitStatus::kNotConverged;
  } else {
    // survival's check: a score that the information cannot absorb means a coefficient that runs
    // to infinity (monotone likelihood).
    const Eigen::VectorXd infs = (nd.u.transpose() * fit.var).transpose().cwiseAbs();
    for (Eigen::Index j = 0; j < p; ++j)
      if (!std::isfinite(nd.u[j]) || (infs[j] > o.eps && infs[j] > o.toler_inf * std::fabs(fit.coef[j]))) fit.status = FitStatus::kSeparation;
  }
  return fit;
}

double concordance(const std::vector<double>& time, const std::vector<int>& event, const std::vector<int>& strata,
                   const std::vector<double>& score) {
  // O(n log n): subjects are visited by stratum and decreasing time; a Fenwick tree over score
  // ranks holds those known to outlive the current time. At each time, censorings join the tree
  // before the deaths are counted (a censoring at a death's time counts as later), deaths after.
  const std::size_t n = time.size();
  std::vector<double> sorted_scores(score);
  std::sort(sorted_scores.begin(), sorted_scores.end());
  sorted_scores.erase(std::unique(sorted_scores.begin(), sorted_scores.end()), sorted_scores.end());
  const std::size_t m = sorted_scores.size();
  std::vector<std::size_t> rank(n);
  for (std::size_t i = 0; i < n; ++i)
    rank[i] = static_cast<std::size_t>(std::lower_bound(sorted_scores.begin(), sorted_scores.end(), score[i]) - sorted_scores.begin()) + 1;
  std::vector<double> tree(m + 1, 0.0);
  auto add = [&](std::size_t r, double v) {
    for (; r <= m; r += r & (~r + 1)) tree[r] += v;
  };
  auto prefix = [&](std::size_t r) {
    double s = 0;
    for (; r > 0; r -= r & (~r + 1)) s += tree[r];
    return s;
  };
  std::vector<std::size_t> o(n);
  std::iota(o.begin(), o.end(), 0);
  std::sort(o.begin(), o.end(), [&](std::size_t a, std::size_t b) {
    if (strata[a] != strata[b]) return strata[a] < strata[b];
    return time[a] > time[b];
  });
  double conc = 0, disc = 0, tied = 0, in_tree = 0;
  std::vector<std::size_t> inserted;
  for (std::size_t k = 0; k < n;) {
    if (k == 0 || strata[o[k]] != strata[o[k - 1]]) {
      for (std::size_t r : inserted) add(r, -1.0);
      inserted.clear();
      in_tree = 0;
    }
    std::size_t e = k;
    while (e < n && strata[o[e]] == strata[o[k]] && time[o[e]] == time[o[k]]) ++e;
    for (std::size_t q = k; q < e; ++q)
      if (event[o[q]] == 0) {
        add(rank[o[q]], 1.0);
        inserted.push_back(rank[o[q]]);
        in_tree += 1;
      }
    for (std::size_t q = k; q < e; ++q) {
      if (event[o[q]] == 0) continue;
      const std::size_t r = rank[o[q]];
      const double below = prefix(r - 1), upto = prefix(r);
      conc += below;                 // later subjects with a lower risk score
      tied += upto - below;
      disc += in_tree - upto;
    }
    for (std::size_t q = k; q < e; ++q)
      if (event[o[q]] != 0) {
        add(rank[o[q]], 1.0);
        inserted.push_back(rank[o[q]]);
        in_tree += 1;
      }
    k = e;
  }
  const double total = conc + disc + tied;
  return total > 0 ? (conc + tied / 2) / total : kNaN;
}

namespace {
LogRank logrank_stratum(const std::vector<double>& time, const std::vector<int>& event, const std::vector<int>& group1) {
  const std::size_t n = time.size();
  std::vector<std::size_t> o(n);
  std::iota(o.begin(), o.end(), 0);
  std::sort(o.begin(), o.end(), [&](std::size_t a, std::size_t b) { return time[a] < time[b]; });
  LogRank lr;
  double at_risk = static_cast<double>(n), at_risk1 = 0;
  for (std::size_t i = 0; i < n; ++i) at_risk1 += group1[i] != 0;
  for (std::size_t k = 0; k < n;) {
    std::size_t m = k;
    double d = 0, d1 = 0, leaving = 0, leaving1 = 0;
    while (m < n && time[o[m]] == time[o[k]]) {
      const std::size_t i = o[m++];
      d += event[i];
      d1 += event[i] * (group1[i] != 0);
      leaving += 1;
      leaving1 += group1[i] != 0;
    }
    if (d > 0) {
      lr.observed1 += d1;
      lr.expected1 += d * at_risk1 / at_risk;
      if (at_risk > 1) lr.variance += d * (at_risk1 / at_risk) * (1 - at_risk1 / at_risk) * (at_risk - d) / (at_risk - 1);
    }
    at_risk -= leaving;
    at_risk1 -= leaving1;
    k = m;
  }
  return lr;
}
}  // namespace

LogRank logrank_test(const std::vector<double>& time, const std::vector<int>& event, const std::vector<int>& group1) {
  return logrank_test(time, event, group1, std::vector<int>(time.size(), 0));
}

LogRank logrank_test(const std::vector<double>& time, const std::vector<int>& event, const std::vector<int>& group1,
                     const std::vector<int>& strata) {
  core::ensure(event.size() == time.size() && group1.size() == time.size() && strata.size() == time.size(),
               "logrank_test: lengths differ");
  std::vector<int> codes(strata);
  std::sort(codes.begin(), codes.end());
  codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
  LogRank lr;
  for (int code : codes) {
    std::vector<double> t;
    std::vector<int> e, g;
    for (std::size_t i = 0; i < time.size(); ++i)
      if (strata[i] == code) {
        t.push_back(time[i]);
        e.push_back(event[i]);
        g.push_back(group1[i]);
      }
    const LogRank part = logrank_stratum(t, e, g);
    lr.observed1 += part.observed1;
    lr.expected1 += part.expected1;
    lr.variance += part.variance;
  }
  const double diff = lr.observed1 - lr.expected1;
  lr.chisq = lr.variance > 0 ? diff * diff / lr.variance : kNaN;
  lr.p_value = std::isnan(lr.chisq) ? kNaN : std::erfc(std::sqrt(lr.chisq / 2));  // chi-square(1) upper tail
  return lr;
}


MaxStat maxstat_logrank(const std::vector<double>& time, const std::vector<int>& event, const std::vector<double>& x,
                        double minprop, double maxprop) {
  const std::size_t n = time.size();
  const double nd = static_cast<double>(n);
  MaxStat out;
  // Log-rank scores: a_i = d_i - sum over subjects with time <= t_i of d_j / (n - rank_j + 1),
  // ranks of tied times taken as their maximum.
  std::vector<std::size_t> ot(n);
  std::iota(ot.begin(), ot.end(), 0);
  std::stable_sort(ot.begin(), ot.end(), [&](std::size_t a, std::size_t b) { return time[a] < time[b]; });
  std::vector<double> cum(n);  // cumulative hazard increments in time order
  std::vector<std::size_t> max_rank(n);
  for (std::size_t k = 0; k < n;) {
    std::size_t m = k;
    while (m < n && time[ot[m]] == time[ot[k]]) ++m;
    for (std::size_t q = k; q < m; ++q) max_rank[ot[q]] = m;  // 1-based rank of the last tie
    k = m;
  }
  double running = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = ot[k];
    running += event[i] / (nd - static_cast<double>(max_rank[i]) + 1);
    cum[k] = running;
  }
  std::vector<double> score(n);
  for (std::size_t i = 0; i < n; ++i) score[i] = event[i] - cum[max_rank[i] - 1];
  // Scores ordered by x; candidate cut points after each distinct x.
  std::vector<std::size_t> ox(n);
  std::iota(ox.begin(), ox.end(), 0);
  std::stable_sort(ox.begin(), ox.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  double ss = 0, ss2 = 0;
  for (double v : score) {
    ss += v;
    ss2 += v * v;
  }
  const auto lo = std::max<std::size_t>(1, static_cast<std::size_t>(std::floor(nd * minprop)));
  const auto hi = static_cast<std::size_t>(std::floor(nd * maxprop));
  double csum = 0, best = -1;
  for (std::size_t k = 0; k < n; ++k) {
    // m = k elements lie strictly below x[ox[k]] when it starts a new value.
    const bool starts = k == 0 || x[ox[k]] != x[ox[k - 1]];
    if (starts && k >= lo && k <= hi) {
      const double m = static_cast<double>(k);
      const double e = m / nd * ss;
      const double v = m * (nd - m) / (nd * nd * (nd - 1)) * (nd * ss2 - ss * ss);
      const double t = std::fabs((csum - e) / std::sqrt(v));
      if (t > best) {
        best = t;
        out.cutpoint = x[ox[k - 1]];
        out.n_high = n - k;
        out.ok = true;
      }
    }
    csum += score[ox[k]];
  }
  if (!out.ok) return out;
  out.statistic = best;
  if (best < 1) {
    out.p_value = 1;
  } else {
    const double db = std::exp(-best * best / 2) / std::sqrt(2 * M_PI);
    const double p = 4 * db / best + db * (best - 1 / best) * std::log((maxprop * (1 - minprop)) / ((1 - maxprop) * minprop));
    out.p_value = std::max(p, 0.0);
  }
  return out;
}

std::vector<KmRow> kaplan_meier(const std::vector<double>& time, const std::vector<int>& event, double conf) {
  const std::size_t n = time.size();
  std::vector<std::size_t> o(n);
  std::iota(o.begin(), o.end(), 0);
  std::sort(o.begin(), o.end(), [&](std::size_t a, std::size_t b) { return time[a] < time[b]; });
  // z for a two-sided interval: Phi^-1((1 + conf) / 2), by Newton on erfc.
  double z = kNormalQuantile975;
  if (conf != 0.95) {
    z = 1.0;
    for (int it = 0; it < 60; ++it) {
      const double f = 0.5 * std::erfc(z / std::sqrt(2.0)) - (1 - conf) / 2;
      z += f / (std::exp(-z * z / 2) / std::sqrt(2 * M_PI));
    }
  }
  std::vector<KmRow> rows;
  double at_risk = static_cast<double>(n), surv = 1, greenwood = 0;
  for (std::size_t k = 0; k < n;) {
    std::size_t m = k;
    double d = 0;
    while (m < n && time[o[m]] == time[o[k]]) d += event[o[m++]];
    const double leaving = static_cast<double>(m - k);
    if (d > 0) {
      surv *= 1 - d / at_risk;
      greenwood += at_risk > d ? d / (at_risk * (at_risk - d)) : std::numeric_limits<double>::infinity();
    }
    KmRow r{time[o[k]], at_risk, d, surv, surv * std::sqrt(greenwood), kNaN, kNaN, leaving - d};
    if (surv > 0 && std::isfinite(greenwood)) {
      const double se_log = std::sqrt(greenwood);
      r.lower = std::exp(std::log(surv) - z * se_log);
      r.upper = std::min(1.0, std::exp(std::log(surv) + z * se_log));
    }
    rows.push_back(r);
    at_risk -= leaving;
    k = m;
  }
  return rows;
}

}  // namespace lscmir::stats
