// SPDX-License-Identifier: GPL-3.0-or-later
// Robust hyperparameter estimation (Phipson, Lee, Majewski, Alexander & Smyth 2016, Ann. Appl.
// Stat. 10:946): the prior df is chosen so that the Winsorized variance of log F matches its
// expectation under the scaled F distribution; features whose variances are outlying in the upper
// tail get a smaller, feature-specific prior df.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "lscmir/core/error.hpp"
#include "lscmir/stats/distributions.hpp"
#include "lscmir/stats/ebayes.hpp"
#include "lscmir/stats/lowess.hpp"
#include "lscmir/stats/norm_factors.hpp"

namespace lscmir::stats {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Gauss-Legendre nodes and weights on [0, 1] (weights sum to 1), by Newton iteration on the
/// Legendre polynomial P_n from the Chebyshev-like initial guesses.
struct Quadrature {
  std::vector<double> nodes, weights;
};

Quadrature gauss_legendre01(int n) {
  Quadrature q;
  q.nodes.resize(static_cast<std::size_t>(n));
  q.weights.resize(static_cast<std::size_t>(n));
  for (int i = 0; i < (n + 1) / 2; ++i) {
    double x = std::cos(M_PI * (i + 0.75) / (n + 0.5));
    double dp = 0;
    for (int it = 0; it < 100; ++it) {
      double p0 = 1.0, p1 = x;
      for (int k = 2; k <= n; ++k) {
        const double p2 = ((2.0 * k - 1.0) * x * p1 - (k - 1.0) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      dp = n * (x * p1 - p0) / (x * x - 1.0);
      const double dx = p1 / dp;
      x -= dx;
      if (std::fabs(dx) < 1e-16) break;
    }
    const double w = 2.0 / ((1.0 - x * x) * dp * dp);
    // Nodes on [-1, 1] at +-x; map to [0, 1] in increasing order.
    q.nodes[static_cast<std::size_t>(i)] = (1.0 - x) / 2.0;
    q.nodes[static_cast<std::size_t>(n - 1 - i)] = (1.0 + x) / 2.0;
    q.weights[static_cast<std::size_t>(i)] = w / 2.0;
    q.weights[static_cast<std::size_t>(n - 1 - i)] = w / 2.0;
  }
  return q;
}

struct Moments {
  double mean, var;
};

/// Mean and variance of log F(df1, df2) Winsorized at the given tail probabilities, by quadrature
/// on the link scale f / (1 + f).
Moments winsorized_moments(double df1, double df2, double wl, double wu, const Quadrature& g) {
  const double f1 = qf_lower_log(std::log(wl), df1, df2);
  const double f2 = qf_lower_log(std::log1p(-wu), df1, df2);
  const double zq1 = std::log(f1), zq2 = std::log(f2);
  const double q1 = f1 / (1 + f1), q2 = f2 / (1 + f2);
  const double q21 = q2 - q1;
  double m = 0;
  std::vector<double> fz(g.nodes.size()), zn(g.nodes.size());
  for (std::size_t k = 0; k < g.nodes.size(); ++k) {
    const double node = q1 + q21 * g.nodes[k];
    const double fnode = node / (1 - node);
    zn[k] = std::log(fnode);
    fz[k] = df_density(fnode, df1, df2) / ((1 - node) * (1 - node));
    m += g.weights[k] * fz[k] * zn[k];
  }
  m = q21 * m + zq1 * wl + zq2 * wu;
  double v = 0;
  for (std::size_t k = 0; k < g.nodes.size(); ++k) v += g.weights[k] * fz[k] * (zn[k] - m) * (zn[k] - m);
  v = q21 * v + (zq1 - m) * (zq1 - m) * wl + (zq2 - m) * (zq2 - m) * wu;
  return {m, v};
}

/// Brent's root finder (Brent 1973, "Algorithms for minimization without derivatives", ch. 4),
/// the algorithm behind R's uniroot, with fa and fb supplied.
template <typename F>
double brent_zero(F&& f, double a, double b, double fa, double fb, double tol, int maxit = 1000) {
  double c = a, fc = fa;
  const double eps = std::numeric_limits<double>::epsilon();
  for (int it = 0; it <= maxit; ++it) {
    const double prev_step = b - a;
    if (std::fabs(fc) < std::fabs(fb)) {
      a = b; b = c; c = a;
      fa = fb; fb = fc; fc = fa;
    }
    const double tol_act = 2 * eps * std::fabs(b) + tol / 2;
    double new_step = (c - b) / 2;
    if (std::fabs(new_step) <= tol_act || fb == 0.0) return b;
    if (std::fabs(prev_step) >= tol_act && std::fabs(fa) > std::fabs(fb)) {
      double p, q;
      const double cb = c - b;
      if (a == c) {
        const double t1 = fb / fa;
        p = cb * t1;
        q = 1.0 - t1;
      } else {
        const double qq = fa / fc, t1 = fb / fc, t2 = fb / fa;
        p = t2 * (cb * qq * (qq - t1) - (b - a) * (t1 - 1.0));
        q = (qq - 1.0) * (t1 - 1.0) * (t2 - 1.0);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (p < (0.75 * cb * q - std::fabs(tol_act * q) / 2) && p < std::fabs(prev_step * q / 2)) new_step = p / q;
    }
    if (std::fabs(new_step) < tol_act) new_step = new_step > 0 ? tol_act : -tol_act;
    a = b;
    fa = fb;
    b += new_step;
    fb = f(b);
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      c = a;
      fc = fa;
    }
  }
  return b;
}

std::vector<double> average_ranks(const Eigen::VectorXd& v) {
  const auto n = static_cast<std::size_t>(v.size());
  std::vector<std::size_t> o(n);
  std::iota(o.begin(), o.end(), 0);
  std::stable_sort(o.begin(), o.end(), [&](std::size_t a, std::size_t b) { return v[static_cast<Eigen::Index>(a)] < v[static_cast<Eigen::Index>(b)]; });
  std::vector<double> r(n);
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j + 1 < n && v[static_cast<Eigen::Index>(o[j + 1])] == v[static_cast<Eigen::Index>(o[i])]) ++j;
    for (std::size_t k = i; k <= j; ++k) r[o[k]] = (static_cast<double>(i + j)) / 2.0 + 1.0;
    i = j + 1;
  }
  return r;
}

std::vector<std::size_t> order_of(const Eigen::VectorXd& v) {
  std::vector<std::size_t> o(static_cast<std::size_t>(v.size()));
  std::iota(o.begin(), o.end(), 0);
  std::stable_sort(o.begin(), o.end(), [&](std::size_t a, std::size_t b) { return v[static_cast<Eigen::Index>(a)] < v[static_cast<Eigen::Index>(b)]; });
  return o;
}

double trimmed_mean(const Eigen::VectorXd& z, double trim) {
  std::vector<double> v(z.data(), z.data() + z.size());
  std::sort(v.begin(), v.end());
  const auto n = static_cast<double>(v.size());
  const auto lo = static_cast<std::size_t>(std::floor(n * trim) + 1);
  const auto hi = static_cast<std::size_t>(n + 1 - static_cast<double>(lo));
  double s = 0;
  for (std::size_t i = lo; i <= hi; ++i) s += v[i - 1];
  return s / static_cast<double>(hi - lo + 1);
}

}  // namespace

FDistFit fit_f_dist_robust(const Eigen::VectorXd& x_in, const Eigen::VectorXd& df1_in, const Eigen::VectorXd* covariate,
                           double wl, double wu) {
  const Eigen::Index n = x_in.size();
  if (n < 2) {
    FDistFit out;
    out.scale = Eigen::VectorXd::Constant(n, kNaN);
    out.df2 = kNaN;
    out.df2_shrunk = Eigen::VectorXd::Constant(n, kNaN);
    return out;
  }
  if (n == 2) {
    FDistFit out = fit_f_dist(x_in, df1_in, covariate);
    out.df2_shrunk = Eigen::VectorXd::Constant(n, out.df2);
    return out;
  }
  // Entries without usable df are left out and given the overall prior.
  std::vector<Eigen::Index> ok, notok;
  for (Eigen::Index i = 0; i < n; ++i) {
    if (!std::isnan(x_in[i]) && std::isfinite(df1_in[i]) && df1_in[i] > 1e-6) ok.push_back(i);
    else notok.push_back(i);
  }
  if (!notok.empty()) {
    const auto nok = static_cast<Eigen::Index>(ok.size());
    Eigen::VectorXd xs(nok), ds(nok), cs(nok);
    for (Eigen::Index k = 0; k < nok; ++k) {
      const Eigen::Index i = ok[static_cast<std::size_t>(k)];
      xs[k] = x_in[i];
      ds[k] = df1_in[i];
      if (covariate != nullptr) cs[k] = (*covariate)[i];
    }
    const FDistFit sub = fit_f_dist_robust(xs, ds, covariate != nullptr ? &cs : nullptr, wl, wu);
    FDistFit out;
    out.df2 = sub.df2;
    out.df2_shrunk = Eigen::VectorXd::Constant(n, sub.df2);
    out.scale = Eigen::VectorXd::Constant(n, kNaN);
    for (Eigen::Index k = 0; k < nok; ++k) {
      out.df2_shrunk[ok[static_cast<std::size_t>(k)]] = sub.df2_shrunk[k];
      out.scale[ok[static_cast<std::size_t>(k)]] = sub.scale[k];
    }
    if (covariate == nullptr) {
      for (Eigen::Index i : notok) out.scale[i] = sub.scale[0];
    } else {
      // log scale interpolated linearly in the covariate, constant beyond the ends.
      const auto o = order_of(cs);
      std::vector<double> sx, sy;
      for (std::size_t k : o) {
        sx.push_back(cs[static_cast<Eigen::Index>(k)]);
        sy.push_back(std::log(sub.scale[static_cast<Eigen::Index>(k)]));
      }
      const LinearInterpolator interp(sx, sy);
      for (Eigen::Index i : notok) out.scale[i] = std::exp(interp((*covariate)[i]));
    }
    return out;
  }

  Eigen::VectorXd x = x_in;
  std::vector<double> xv(x.data(), x.data() + n);
  const double m = median(xv);
  if (!(m > 0)) throw core::NumericalError("robust variance prior: more than half of the variances are <= 0");
  for (Eigen::Index i = 0; i < n; ++i)
    if (x[i] < m * 1e-12) x[i] = m * 1e-12;

  FDistFit non_robust = fit_f_dist(x, df1_in, covariate);
  if (wl < 1.0 / static_cast<double>(n) && wu < 1.0 / static_cast<double>(n)) {
    non_robust.df2_shrunk = Eigen::VectorXd::Constant(n, non_robust.df2);
    return non_robust;
  }
  // Unequal df1: move each variance to the equivalent quantile at the largest df1.
  double df1 = df1_in.maxCoeff();
  for (Eigen::Index i = 0; i < n; ++i) {
    if (!(df1_in[i] < df1 - 1e-14)) continue;
    const double s = non_robust.scale[i];
    double f = x[i] / s;
    const double df2 = non_robust.df2;
    const double pu = log_pf_upper(f, df1_in[i], df2);
    const double pl = log_pf_lower(f, df1_in[i], df2);
    f = pu < pl ? qf_upper_log(pu, df1, df2) : qf_lower_log(pl, df1, df2);
    x[i] = f * s;
  }

  const Eigen::VectorXd z = x.array().log();
  Eigen::VectorXd ztrend(n);
  if (covariate == nullptr) {
    ztrend.setConstant(trimmed_mean(z, wu));
  } else {
    std::vector<double> cx(covariate->data(), covariate->data() + n), zy(z.data(), z.data() + n);
    const LowessResult lo = lowess(cx, zy, 0.4, 3);
    const auto o = order_of(*covariate);
    for (std::size_t k = 0; k < o.size(); ++k) ztrend[static_cast<Eigen::Index>(o[k])] = lo.y[k];
  }
  const Eigen::VectorXd zresid = z - ztrend;
  std::vector<double> zr(zresid.data(), zresid.data() + n);
  const double zq_lo = quantile7(zr, wl), zq_hi = quantile7(zr, 1 - wu);
  const Eigen::VectorXd zwins = zresid.cwiseMax(zq_lo).cwiseMin(zq_hi);
  const double zwmean = zwins.mean();
  const double zwvar = (zwins.array() - zwmean).square().mean() * static_cast<double>(n) / static_cast<double>(n - 1);

  const Quadrature g = gauss_legendre01(128);
  auto linkfun = [](double v) { return v / (1 + v); };
  auto linkinv = [](double v) { return v / (1 - v); };

  FDistFit out;
  const Moments mom_inf = winsorized_moments(df1, kInf, wl, wu, g);
  const double funval_inf = std::log(zwvar / mom_inf.var);
  if (funval_inf <= 0) {
    out.df2 = kInf;
    const Eigen::VectorXd ztc = ztrend.array() + (zwmean - mom_inf.mean);
    out.scale = ztc.array().exp();
    const Eigen::VectorXd fstat = (z - ztc).array().exp();
    Eigen::VectorXd tail_p(n);
    for (Eigen::Index i = 0; i < n; ++i) tail_p[i] = pchisq_upper(fstat[i] * df1, df1);
    const auto r = average_ranks(fstat);
    out.df2_shrunk = Eigen::VectorXd::Constant(n, kInf);
    const double df_pooled = static_cast<double>(n) * df1;
    bool any = false;
    for (Eigen::Index i = 0; i < n; ++i) {
      const double emp = (static_cast<double>(n) - r[static_cast<std::size_t>(i)] + 0.5) / static_cast<double>(n);
      const double pno = std::min(tail_p[i] / emp, 1.0);
      if (pno < 1) {
        out.df2_shrunk[i] = pno * df_pooled;
        any = true;
      }
    }
    if (any) {
      const auto o = order_of(tail_p);
      double run = -kInf;
      for (std::size_t k : o) {
        run = std::max(run, out.df2_shrunk[static_cast<Eigen::Index>(k)]);
        out.df2_shrunk[static_cast<Eigen::Index>(k)] = run;
      }
    }
    return out;
  }
  if (std::isinf(non_robust.df2)) {
    non_robust.df2_shrunk = Eigen::VectorXd::Constant(n, kInf);
    return non_robust;
  }
  auto fun = [&](double v) { return std::log(zwvar / winsorized_moments(df1, linkinv(v), wl, wu, g).var); };
  const double rbx = linkfun(non_robust.df2);
  const double funval_low = fun(rbx);
  double df2;
  if (funval_low >= 0) {
    df2 = non_robust.df2;
  } else {
    df2 = linkinv(brent_zero(fun, rbx, 1.0, funval_low, funval_inf, 1e-8));
  }
  const Moments mom = winsorized_moments(df1, df2, wl, wu, g);
  const Eigen::VectorXd ztc = ztrend.array() + (zwmean - mom.mean);
  out.df2 = df2;
  out.scale = ztc.array().exp();
  const Eigen::VectorXd fstat = (z - ztc).array().exp();
  Eigen::VectorXd log_tail(n);
  for (Eigen::Index i = 0; i < n; ++i) log_tail[i] = log_pf_upper(fstat[i], df1, df2);
  const auto r = average_ranks(fstat);
  Eigen::VectorXd log_pno(n);
  bool any = false;
  for (Eigen::Index i = 0; i < n; ++i) {
    const double log_emp = std::log(static_cast<double>(n) - r[static_cast<std::size_t>(i)] + 0.5) - std::log(static_cast<double>(n));
    log_pno[i] = std::min(log_tail[i] - log_emp, 0.0);
    any = any || log_pno[i] < 0;
  }
  if (!any) {
    out.df2_shrunk = Eigen::VectorXd::Constant(n, df2);
    return out;
  }
  out.df2_shrunk.resize(n);
  const double min_log_tail = log_tail.minCoeff();
  if (std::isinf(min_log_tail)) {
    for (Eigen::Index i = 0; i < n; ++i) out.df2_shrunk[i] = std::exp(log_pno[i]) * df2;
  } else {
    double df2_outlier = std::log(0.5) / min_log_tail * df2;
    const double new_log_tail = log_pf_upper(fstat.maxCoeff(), df1, df2_outlier);
    df2_outlier = std::log(0.5) / new_log_tail * df2_outlier;
    for (Eigen::Index i = 0; i < n; ++i) {
      const double pno = std::exp(log_pno[i]);
      const double po = -std::expm1(log_pno[i]);
      out.df2_shrunk[i] = pno * df2 + po * df2_outlier;
    }
  }
  const auto o = order_of(log_tail);
  std::vector<double> ordered(o.size());
  for (std::size_t k = 0; k < o.size(); ++k) ordered[k] = out.df2_shrunk[static_cast<Eigen::Index>(o[k])];
  double cum = 0, best = kInf;
  std::size_t imin = 0;
  for (std::size_t k = 0; k < ordered.size(); ++k) {
    cum += ordered[k];
    const double mk = cum / static_cast<double>(k + 1);
    if (mk < best) {
      best = mk;
      imin = k;
    }
  }
  for (std::size_t k = 0; k <= imin; ++k) ordered[k] = best;
  double run = -kInf;
  for (std::size_t k = 0; k < ordered.size(); ++k) {
    run = std::max(run, ordered[k]);
    out.df2_shrunk[static_cast<Eigen::Index>(o[k])] = run;
  }
  return out;
}

}  // namespace lscmir::stats
