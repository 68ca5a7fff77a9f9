// SPDX-License-Identifier: GPL-3.0-or-later
// Competing risks: cumulative incidence (Aalen-Johansen) with its variance, Gray's test, and the
// Fine-Gray subdistribution hazards model with its robust variance (Fine & Gray 1999, JASA 94:496).
#include "lscmir/stats/competing.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "lscmir/core/error.hpp"
#include "lscmir/core/parallel.hpp"
#include "lscmir/stats/distributions.hpp"
#include "lscmir/stats/p_adjust.hpp"

namespace lscmir::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<std::size_t> ascending(const std::vector<double>& time) {
  std::vector<std::size_t> o(time.size());
  std::iota(o.begin(), o.end(), std::size_t{0});
  std::stable_sort(o.begin(), o.end(), [&](std::size_t a, std::size_t b) { return time[a] < time[b]; });
  return o;
}

/// The tie correction of the variance sums: 1 - (d - 1) / (n - 1) for d > 1 tied events out of n.
double tie_factor(double d, double n) { return d > 1 ? 1 - (d - 1) / (n - 1) : 1.0; }

}  // namespace

std::vector<CifPoint> cumulative_incidence(const std::vector<double>& time, const std::vector<int>& status, int cause) {
  core::ensure(time.size() == status.size(), "cumulative_incidence: lengths differ");
  const auto o = ascending(time);
  const std::size_t n = o.size();
  std::vector<CifPoint> out;
  double surv = 1, cif = 0;       // overall KM S(t-) and the cause's incidence
  double v1 = 0, v2 = 0, v3 = 0;  // the three variance sums (delta method)
  for (std::size_t b = 0; b < n;) {
    std::size_t e = b;
    double d1 = 0, d2 = 0;
    while (e < n && time[o[e]] == time[o[b]]) {
      const int s = status[o[e]];
      if (s == cause) ++d1;
      else if (s != 0) ++d2;
      ++e;
    }
    const double rs = static_cast<double>(n - b);
    if (d1 + d2 > 0) {
      const double surv_next = surv * (rs - d1 - d2) / rs;
      if (d1 > 0) cif += surv * d1 / rs;
      if (d2 > 0 && surv_next > 0) {
        const double w = surv * surv * tie_factor(d2, rs) * d2 / (rs * rs);
        const double a = 1 / surv_next, c = cif / surv_next;
        v1 += c * c * w;
        v2 += a * c * w;
        v3 += a * a * w;
      }
      if (d1 > 0) {
        const double w = surv * surv * tie_factor(d1, rs) * d1 / (rs * rs);
        const double a = surv_next > 0 ? 1 / surv_next : 0.0, c = 1 + a * cif;
        v1 += c * c * w;
        v2 += a * c * w;
        v3 += a * a * w;
        out.push_back({time[o[b]], cif, v1 + cif * cif * v3 - 2 * cif * v2});
      }
      surv = surv_next;
    }
    b = e;
  }
  return out;
}

GrayTest gray_test(const std::vector<double>& time, const std::vector<int>& status, const std::vector<int>& group, int ng,
                   int cause) {
  core::ensure(time.size() == status.size() && time.size() == group.size() && ng >= 2, "gray_test: bad input");
  const auto o = ascending(time);
  const std::size_t n = o.size();
  const auto g = static_cast<std::size_t>(ng), g1 = g - 1;
  std::vector<double> rs(g, 0.0), f1m(g, 0.0), f1(g, 0.0), skmm(g, 1.0), skm(g, 1.0), v3(g, 0.0), s(g1, 0.0);
  Eigen::MatrixXd c = Eigen::MatrixXd::Zero(ng, ng), a(ng, ng), v2 = Eigen::MatrixXd::Zero(ng - 1, ng);
  Eigen::MatrixXd v = Eigen::MatrixXd::Zero(ng - 1, ng - 1);
  for (std::size_t i = 0; i < n; ++i) rs[static_cast<std::size_t>(group[i])] += 1;
  double fm = 0;  // pooled incidence (Gray's F^0) just before the current time
  std::vector<double> d1(g), d2(g);
  for (std::size_t b = 0; b < n;) {
    std::size_t e = b;
    std::fill(d1.begin(), d1.end(), 0.0);
    std::fill(d2.begin(), d2.end(), 0.0);
    while (e < n && time[o[e]] == time[o[b]]) {
      const int st = status[o[e]];
      const auto k = static_cast<std::size_t>(group[o[e]]);
      if (st == cause) d1[k] += 1;
      else if (st != 0) d2[k] += 1;
      ++e;
    }
    const double nd1 = std::accumulate(d1.begin(), d1.end(), 0.0), nd2 = std::accumulate(d2.begin(), d2.end(), 0.0);
    if (nd1 + nd2 > 0) {
      // The group's KM and incidence after this time; h = sum n_k / S_k(t-) and R = sum n_k (1 -
      // F_k(t-)) / S_k(t-) in the paper's notation.
      double h = 0, r = 0;
      for (std::size_t k = 0; k < g; ++k) {
        if (rs[k] <= 0) continue;
        skm[k] = skmm[k] * (rs[k] - d1[k] - d2[k]) / rs[k];
        f1[k] = f1m[k] + skmm[k] * d1[k] / rs[k];
        h += rs[k] / skmm[k];
        r += rs[k] * (1 - f1m[k]) / skmm[k];
      }
      const double f = fm + nd1 / h;
      a.setZero();
      for (std::size_t i = 0; i < g; ++i) {
        if (rs[i] <= 0) continue;
        const double ti = rs[i] / skmm[i];
        for (std::size_t j = i; j < g; ++j) {
          if (rs[j] <= 0) continue;
          const double aij = j == i ? ti * (1 - ti / h) : -ti * rs[j] / (skmm[j] * h);
          const auto ii = static_cast<Eigen::Index>(i), jj = static_cast<Eigen::Index>(j);
          a(ii, jj) = a(jj, ii) = aij;
          if (aij != 0) c(ii, jj) += aij * nd1 / (h * (1 - fm));
          c(jj, ii) = c(ii, jj);
        }
      }
      for (std::size_t i = 0; i < g1; ++i)
        if (rs[i] > 0) s[i] += d1[i] - nd1 * rs[i] * (1 - f1m[i]) / (skmm[i] * r);
      if (nd1 > 0)
        for (std::size_t k = 0; k < g; ++k) {
          if (rs[k] <= 0) continue;
          const auto kk = static_cast<Eigen::Index>(k);
          const double t4 = skm[k] > 0 ? 1 - (1 - f) / skm[k] : 1.0;
          const double t5 = nd1 > 1 ? 1 - (nd1 - 1) / (h * skmm[k] - 1) : 1.0;
          const double t3 = t5 * skmm[k] * nd1 / (h * rs[k]);
          v3[k] += t4 * t4 * t3;
          for (Eigen::Index i = 0; i < ng - 1; ++i) {
            const double t1 = a(i, kk) - t4 * c(i, kk);
            v2(i, kk) += t1 * t4 * t3;
            for (Eigen::Index j = 0; j <= i; ++j) v(i, j) += t1 * (a(j, kk) - t4 * c(j, kk)) * t3;
          }
        }
      if (nd2 > 0)
        for (std::size_t k = 0; k < g; ++k) {
          if (skm[k] <= 0 || d2[k] <= 0) continue;
          const auto kk = static_cast<Eigen::Index>(k);
          const double t4 = (1 - f) / skm[k];
          const double t3 = tie_factor(d2[k], rs[k]) * skmm[k] * skmm[k] * d2[k] / (rs[k] * rs[k]);
          v3[k] += t4 * t4 * t3;
          for (Eigen::Index i = 0; i < ng - 1; ++i) {
            const double t1 = t4 * c(i, kk);
            v2(i, kk) -= t1 * t4 * t3;
            for (Eigen::Index j = 0; j <= i; ++j) v(i, j) += t1 * t4 * c(j, kk) * t3;
          }
        }
      fm = f;
    }
    for (std::size_t i = b; i < e; ++i) rs[static_cast<std::size_t>(group[o[i]])] -= 1;
    f1m = f1;
    skmm = skm;
    b = e;
  }
  for (Eigen::Index i = 0; i < ng - 1; ++i)
    for (Eigen::Index j = 0; j <= i; ++j) {
      for (Eigen::Index k = 0; k < ng; ++k)
        v(i, j) += c(i, k) * c(j, k) * v3[static_cast<std::size_t>(k)] + c(i, k) * v2(j, k) + c(j, k) * v2(i, k);
      v(j, i) = v(i, j);
    }
  GrayTest t;
  t.df = ng - 1;
  const Eigen::Map<const Eigen::VectorXd> sv(s.data(), ng - 1);
  const Eigen::FullPivLU<Eigen::MatrixXd> lu(v);
  if (lu.rank() < ng - 1) return t;
  t.stat = sv.dot(lu.solve(sv));
  t.p_value = pchisq_upper(t.stat, t.df);  // cuminc's 1 - pchisq, without its cancellation
  return t;
}

namespace {

/// The data of a Fine-Gray fit sorted by time: code 1 = the cause, 2 = a competing event, 0 =
/// censored; gm = G(T-) of the censoring KM; the blocks of tied times.
struct FgData {
  std::vector<double> t;
  std::vector<int> code;
  std::vector<double> gm;
  Eigen::MatrixXd z;                   ///< sorted, non-indicator columns centered
  std::vector<double> zr;              ///< z row-major
  std::vector<std::size_t> block_end;  ///< block b is [block_begin(b), block_end[b])
  std::vector<std::size_t> block_begin;
};

FgData fg_data(const std::vector<double>& time, const std::vector<int>& status, const Eigen::MatrixXd& x, int cause) {
  const auto o = ascending(time);
  const std::size_t n = o.size();
  FgData d;
  d.t.resize(n);
  d.code.resize(n);
  d.gm.resize(n);
  d.z.resize(static_cast<Eigen::Index>(n), x.cols());
  for (std::size_t i = 0; i < n; ++i) {
    d.t[i] = time[o[i]];
    const int s = status[o[i]];
    d.code[i] = s == cause ? 1 : (s == 0 ? 0 : 2);
    d.z.row(static_cast<Eigen::Index>(i)) = x.row(static_cast<Eigen::Index>(o[i]));
  }
  d.z = center_covariates(d.z);  // the likelihood, score and information are shift-invariant
  d.zr.resize(n * static_cast<std::size_t>(x.cols()));
  for (std::size_t i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < x.cols(); ++j) d.zr[i * static_cast<std::size_t>(x.cols()) + static_cast<std::size_t>(j)] = d.z(static_cast<Eigen::Index>(i), j);
  // Censoring KM, evaluated just before each time (at time 0: at 0, as crr's approx() does).
  double g = 1;
  for (std::size_t b = 0; b < n;) {
    std::size_t e = b;
    double cens = 0;
    while (e < n && d.t[e] == d.t[b]) cens += d.code[e++] == 0;
    const double after = g * (1 - cens / static_cast<double>(n - b));
    for (std::size_t i = b; i < e; ++i) d.gm[i] = d.t[b] == 0 ? after : g;
    d.block_begin.push_back(b);
    d.block_end.push_back(e);
    g = after;
    b = e;
  }
  return d;
}

/// Log pseudo-likelihood (and, when wanted, score and information) at beta: one ascending pass;
/// the risk set of a cause-1 time t is everyone with T >= t (weight exp(eta)) plus the competing
/// events before t (weight exp(eta) G(t-) / G(T-)).
struct FgDerivatives {
  double loglik = 0;
  Eigen::VectorXd u;
  Eigen::MatrixXd imat;
  // Per cause-1 block (for the variance): the number of events, S0, Zbar and G(t-).
  std::vector<std::size_t> fail_block;
  std::vector<double> d, s0, g;
  std::vector<Eigen::VectorXd> zbar;
};

FgDerivatives fg_derivatives(const FgData& dd, const Eigen::VectorXd& beta, bool second, bool keep) {
  // Plain loops over a row-major copy of z and small buffers: no allocation inside the pass (a
  // screen calls this a few times per Newton step for every feature).
  const auto p = static_cast<std::size_t>(dd.z.cols());
  const std::size_t n = dd.t.size();
  const double* z = dd.zr.data();
  std::vector<double> eta(n), w(n);
  for (std::size_t i = 0; i < n; ++i) {
    double e = 0;
    for (std::size_t j = 0; j < p; ++j) e += z[i * p + j] * beta[static_cast<Eigen::Index>(j)];
    eta[i] = e;
    w[i] = std::exp(e);
  }
  FgDerivatives r;
  r.u = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(p));
  r.imat = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(p), static_cast<Eigen::Index>(p));
  std::vector<double> r1(p, 0.0), c1(p, 0.0), r2(second ? p * p : 0, 0.0), c2(second ? p * p : 0, 0.0), zsum(p), zb(p);
  double r0 = 0, c0 = 0;
  for (std::size_t i = 0; i < n; ++i) {
    r0 += w[i];
    for (std::size_t j = 0; j < p; ++j) {
      r1[j] += w[i] * z[i * p + j];
      if (second)
        for (std::size_t k = 0; k < p; ++k) r2[j * p + k] += w[i] * z[i * p + j] * z[i * p + k];
    }
  }
  for (std::size_t b = 0; b < dd.block_begin.size(); ++b) {
    const std::size_t lo = dd.block_begin[b], hi = dd.block_end[b];
    double nd = 0;
    std::fill(zsum.begin(), zsum.end(), 0.0);
    for (std::size_t i = lo; i < hi; ++i)
      if (dd.code[i] == 1) {
        nd += 1;
        for (std::size_t j = 0; j < p; ++j) zsum[j] += z[i * p + j];
        r.loglik += eta[i];
      }
    if (nd > 0) {
      const double gt = dd.gm[lo];
      const double s0 = r0 + gt * c0;
      for (std::size_t j = 0; j < p; ++j) zb[j] = (r1[j] + gt * c1[j]) / s0;
      r.loglik -= nd * std::log(s0);
      for (std::size_t j = 0; j < p; ++j) {
        r.u[static_cast<Eigen::Index>(j)] += zsum[j] - nd * zb[j];
        if (second)
          for (std::size_t k = 0; k < p; ++k)
            r.imat(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(k)) +=
                nd * ((r2[j * p + k] + gt * c2[j * p + k]) / s0 - zb[j] * zb[k]);
      }
      if (keep) {
        r.fail_block.push_back(b);
        r.d.push_back(nd);
        r.s0.push_back(s0);
        r.g.push_back(gt);
        r.zbar.push_back(Eigen::Map<const Eigen::VectorXd>(zb.data(), static_cast<Eigen::Index>(p)));
      }
    }
    for (std::size_t i = lo; i < hi; ++i) {
      const double wi = w[i];
      const bool comp = dd.code[i] == 2;
      const double wg = comp ? wi / dd.gm[i] : 0.0;
      r0 -= wi;
      c0 += wg;
      for (std::size_t j = 0; j < p; ++j) {
        const double zj = z[i * p + j];
        r1[j] -= wi * zj;
        c1[j] += wg * zj;
        if (second)
          for (std::size_t k = 0; k < p; ++k) {
            r2[j * p + k] -= wi * zj * z[i * p + k];
            c2[j * p + k] += wg * zj * z[i * p + k];
          }
      }
    }
  }
  return r;
}

/// Fine & Gray's robust variance: I^-1 (sum_i (eta_i + psi_i)^2) I^-1, eta_i the score
/// residual of subject i and psi_i the term from estimating G (their Section 4, with
/// q(u) = sum over cause-1 times s >= u of the competing-event part of the risk set at s, and
/// pi(u) the number at risk at u).
Eigen::MatrixXd fg_omega(const FgData& dd, const Eigen::VectorXd& beta, const FgDerivatives& dv) {
  const Eigen::Index p = dd.z.cols();
  const std::size_t n = dd.t.size(), nb = dd.block_begin.size(), nf = dv.fail_block.size();
  const Eigen::ArrayXd w = (dd.z * beta).array().exp();
  // Per block: suffix sums over the cause-1 times at or after it (Q: G d / S0 and G d Zbar / S0)
  // and prefix sums over the cause-1 times at or before it (P: d / S0 and d Zbar / S0).
  std::vector<double> q0(nb + 1, 0.0), p0(nb, 0.0);
  std::vector<Eigen::VectorXd> q1(nb + 1, Eigen::VectorXd::Zero(p)), p1(nb, Eigen::VectorXd::Zero(p));
  {
    std::size_t f = nf;
    for (std::size_t b = nb; b-- > 0;) {
      q0[b] = q0[b + 1];
      q1[b] = q1[b + 1];
      if (f > 0 && dv.fail_block[f - 1] == b) {
        --f;
        q0[b] += dv.g[f] * dv.d[f] / dv.s0[f];
        q1[b] += dv.g[f] * dv.d[f] / dv.s0[f] * dv.zbar[f];
      }
    }
    f = 0;
    double a0 = 0;
    Eigen::VectorXd a1 = Eigen::VectorXd::Zero(p);
    for (std::size_t b = 0; b < nb; ++b) {
      if (f < nf && dv.fail_block[f] == b) {
        a0 += dv.d[f] / dv.s0[f];
        a1 += dv.d[f] / dv.s0[f] * dv.zbar[f];
        ++f;
      }
      p0[b] = a0;
      p1[b] = a1;
    }
  }
  Eigen::MatrixXd omega = Eigen::MatrixXd::Zero(p, p);
  // Competing events before the current block: A = sum w Z / G(T-), B = sum w / G(T-).
  Eigen::VectorXd acomp = Eigen::VectorXd::Zero(p), psi_cum = Eigen::VectorXd::Zero(p);
  double bcomp = 0;
  std::size_t f = 0;
  for (std::size_t b = 0; b < nb; ++b) {
    const std::size_t lo = dd.block_begin[b], hi = dd.block_end[b];
    const bool fail_here = f < nf && dv.fail_block[f] == b;
    double cens = 0;
    for (std::size_t i = lo; i < hi; ++i) cens += dd.code[i] == 0;
    const double at_risk = static_cast<double>(n - lo);
    Eigen::VectorXd qu = Eigen::VectorXd::Zero(p);
    if (cens > 0) {
      qu = acomp * q0[b] - bcomp * q1[b];
      psi_cum -= cens * qu / (at_risk * at_risk);
    }
    for (std::size_t i = lo; i < hi; ++i) {
      const auto ii = static_cast<Eigen::Index>(i);
      const Eigen::VectorXd zi = dd.z.row(ii).transpose();
      Eigen::VectorXd r = -w[ii] * (zi * p0[b] - p1[b]);
      if (dd.code[i] == 1) r += zi - dv.zbar[f];
      if (dd.code[i] == 2) r -= w[ii] / dd.gm[i] * (zi * q0[b + 1] - q1[b + 1]);
      r += psi_cum;
      if (dd.code[i] == 0) r += qu / at_risk;
      omega += r * r.transpose();
    }
    for (std::size_t i = lo; i < hi; ++i)
      if (dd.code[i] == 2) {
        const auto ii = static_cast<Eigen::Index>(i);
        acomp += w[ii] / dd.gm[i] * dd.z.row(ii).transpose();
        bcomp += w[ii] / dd.gm[i];
      }
    if (fail_here) ++f;
  }
  return omega;
}

/// The information is singular when its correlation form has a tiny eigenvalue (scale-free).
bool singular(const Eigen::MatrixXd& imat) {
  const Eigen::ArrayXd dg = imat.diagonal().array();
  if (!(dg > 0).all() || !imat.allFinite()) return true;
  const Eigen::VectorXd s = dg.sqrt().inverse().matrix();
  const Eigen::MatrixXd corr = s.asDiagonal() * imat * s.asDiagonal();
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(corr, Eigen::EigenvaluesOnly);
  return es.eigenvalues().minCoeff() < 1e-10;
}

}  // namespace

FineGrayFit fine_gray_fit(const std::vector<double>& time, const std::vector<int>& status, const Eigen::MatrixXd& x, int cause,
                          const FineGrayOptions& o) {
  core::ensure(time.size() == status.size() && static_cast<std::size_t>(x.rows()) == time.size(), "fine_gray_fit: lengths differ");
  const Eigen::Index p = x.cols();
  FineGrayFit fit;
  fit.coef = Eigen::VectorXd::Constant(p, kNaN);
  fit.var = Eigen::MatrixXd::Constant(p, p, kNaN);
  fit.info = Eigen::MatrixXd::Constant(p, p, kNaN);
  const FgData dd = fg_data(time, status, x, cause);
  Eigen::VectorXd b = Eigen::VectorXd::Zero(p);
  // crr's Newton-Raphson: the same stopping rule and step halving (Armijo, factor 0.5, at most
  // 20 halvings), so the iterates are crr's.
  bool converged = false;
  FgDerivatives dv;
  for (int it = 0;; ++it) {
    dv = fg_derivatives(dd, b, true, false);
    const double lhs = (dv.u.array().abs() * b.array().abs().max(1.0)).maxCoeff();
    if (lhs < std::max(std::fabs(dv.loglik), 1.0) * o.gtol) {
      converged = true;
      fit.iter = it;
      break;
    }
    if (it == o.max_iter || singular(dv.imat)) {
      fit.iter = it;
      break;
    }
    Eigen::VectorXd step = dv.imat.ldlt().solve(dv.u);
    const double slope = step.dot(dv.u);
    double step_ll = fg_derivatives(dd, b + step, false, false).loglik;
    int halvings = 0;
    while (!std::isfinite(step_ll) || -step_ll > -dv.loglik - 1e-4 * slope) {
      if (++halvings > 20) break;
      step *= 0.5;
      step_ll = fg_derivatives(dd, b + step, false, false).loglik;
    }
    if (halvings > 20) {
      fit.iter = it;
      break;
    }
    b += step;
  }
  if (singular(dv.imat)) {
    fit.status = FitStatus::kConstant;
    return fit;
  }
  fit.status = converged ? FitStatus::kOk : FitStatus::kNotConverged;
  dv = fg_derivatives(dd, b, true, true);
  fit.coef = b;
  fit.loglik = dv.loglik;
  fit.info = dv.imat;
  const Eigen::MatrixXd h = dv.imat.inverse();
  fit.var = h * fg_omega(dd, b, dv) * h.transpose();
  return fit;
}

FineGrayScreen fine_gray_screen(const std::vector<double>& time, const std::vector<int>& status, const Eigen::MatrixXd& cov,
                                const Eigen::MatrixXd& values, int cause, int min_events, int threads) {
  const std::size_t n = time.size();
  core::ensure(status.size() == n && static_cast<std::size_t>(values.cols()) == n && (cov.cols() == 0 || static_cast<std::size_t>(cov.rows()) == n),
               "fine_gray_screen: lengths differ");
  const Eigen::Index q = cov.cols();
  const auto nf = static_cast<std::size_t>(values.rows());
  FineGrayScreen out;
  out.rows.resize(nf);
  core::parallel_for(nf, threads, [&](std::size_t f) {
    const auto fi = static_cast<Eigen::Index>(f);
    std::vector<std::size_t> use;
    for (std::size_t k = 0; k < n; ++k)
      if (std::isfinite(values(fi, static_cast<Eigen::Index>(k)))) use.push_back(k);
    FineGrayRow& row = out.rows[f];
    const auto m = static_cast<Eigen::Index>(use.size());
    std::vector<double> t(use.size());
    std::vector<int> s(use.size());
    Eigen::MatrixXd x(m, q + 1);
    for (Eigen::Index r = 0; r < m; ++r) {
      const std::size_t k = use[static_cast<std::size_t>(r)];
      t[static_cast<std::size_t>(r)] = time[k];
      s[static_cast<std::size_t>(r)] = status[k];
      x(r, 0) = values(fi, static_cast<Eigen::Index>(k));
      if (q > 0) x.row(r).tail(q) = cov.row(static_cast<Eigen::Index>(k));
    }
    row.n = static_cast<double>(m);
    row.events = static_cast<double>(std::count(s.begin(), s.end(), cause));
    const bool too_few = row.events < min_events;
    if (m == 0 || row.events == 0 || (x.col(0).array() == x(0, 0)).all()) {
      row.status = too_few ? FitStatus::kTooFewEvents : FitStatus::kConstant;
      return;
    }
    const FineGrayFit fit = fine_gray_fit(t, s, x, cause);
    const FitStatus st = fit.status == FitStatus::kConstant ? FitStatus::kAliased : fit.status;
    row.status = too_few ? FitStatus::kTooFewEvents : st;
    if (st == FitStatus::kAliased) return;
    row.coef = fit.coef[0];
    row.se = std::sqrt(fit.var(0, 0));
    const WaldHazardRatio w = wald_hazard_ratio(row.coef, row.se);
    row.hr = w.hr;
    row.hr_lower95 = w.lower95;
    row.hr_upper95 = w.upper95;
    row.z = w.z;
    row.p_value = w.p;
  });
  std::vector<double> p(nf);
  for (std::size_t f = 0; f < nf; ++f) p[f] = out.rows[f].p_value;
  out.fdr = p_adjust_bh(p);
  return out;
}

}  // namespace lscmir::stats
