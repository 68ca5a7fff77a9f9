// SPDX-License-Identifier: GPL-3.0-or-later
// Prior estimation for gene-wise variances by moments of log(s2) (Smyth 2004, section 6.2):
// E[log s2] = log s0^2 + digamma(d/2) - log(d/2) + log(d0/2) - digamma(d0/2),
// Var[log s2] = trigamma(d/2) + trigamma(d0/2).
// With a covariate, the mean of log s2 is a natural cubic spline in the covariate (as limma's
// eBayes(trend = TRUE)); any basis of the same spline space gives the same fitted values.
#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "lscmir/core/error.hpp"
#include "detail/spline.hpp"
#include "lscmir/stats/distributions.hpp"
#include "lscmir/stats/ebayes.hpp"
#include "lscmir/stats/norm_factors.hpp"

namespace lscmir::stats {
namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}  // namespace

namespace detail {

Eigen::MatrixXd NaturalSpline::basis(const Eigen::VectorXd& x) const {
  // Natural cubic spline basis (Hastie, Tibshirani & Friedman, ESL eq. 5.4-5.5) on knots scaled to
  // [0, 1]: N1 = 1, N2 = x, N_{k+2} = d_k - d_{K-1}, d_k = ((x-t_k)+^3 - (x-t_K)+^3) / (t_K - t_k).
  // It is linear beyond the boundary knots, as a natural spline (and R's predict.ns) is.
  const auto nk = static_cast<Eigen::Index>(knots.size());
  Eigen::MatrixXd b(x.size(), nk);
  const double lo = knots.front(), span = knots.back() - knots.front();
  std::vector<double> t(knots.size());
  for (std::size_t k = 0; k < knots.size(); ++k) t[k] = (knots[k] - lo) / span;
  auto cube_plus = [](double v) { return v > 0 ? v * v * v : 0.0; };
  auto d = [&](std::size_t k, double u) {
    const double tk = t[k], tK = t.back();
    return (cube_plus(u - tk) - cube_plus(u - tK)) / (tK - tk);
  };
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    const double u = (x[i] - lo) / span;
    b(i, 0) = 1.0;
    if (nk > 1) b(i, 1) = u;
    for (Eigen::Index k = 0; k + 2 < nk; ++k) {
      const double dk = d(static_cast<std::size_t>(k), u);
      const double dlast = d(knots.size() - 2, u);
      b(i, k + 2) = dk - dlast;
    }
  }
  return b;
}

NaturalSpline NaturalSpline::with_df(const Eigen::VectorXd& x, int df) {
  // R's splines::ns(x, df, intercept = TRUE): df - 2 interior knots at equally spaced quantiles.
  NaturalSpline s;
  std::vector<double> v(x.data(), x.data() + x.size());
  const double lo = *std::min_element(v.begin(), v.end());
  const double hi = *std::max_element(v.begin(), v.end());
  s.knots.push_back(lo);
  const int n_interior = df - 2;
  for (int k = 1; k <= n_interior; ++k) s.knots.push_back(quantile7(v, static_cast<double>(k) / (n_interior + 1)));
  s.knots.push_back(hi);
  return s;
}

SplineFit fit_spline(const Eigen::VectorXd& x, const Eigen::VectorXd& y, int df) {
  SplineFit out;
  out.spline = NaturalSpline::with_df(x, df);
  const Eigen::MatrixXd b = out.spline.basis(x);
  Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(b);
  qr.setThreshold(1e-10);
  out.coefficients = qr.solve(y);
  out.fitted = b * out.coefficients;
  out.rank = static_cast<int>(qr.rank());
  const double rss = (y - out.fitted).squaredNorm();
  out.residual_variance = rss / static_cast<double>(y.size() - out.rank);
  return out;
}

}  // namespace detail

FDistFit fit_f_dist(const Eigen::VectorXd& x_in, const Eigen::VectorXd& df1_in, const Eigen::VectorXd* covariate) {
  const Eigen::Index n = x_in.size();
  FDistFit out;
  out.scale = Eigen::VectorXd::Constant(n, kNaN);
  if (n == 0) {
    out.df2 = kNaN;
    return out;
  }
  std::vector<Eigen::Index> ok;
  for (Eigen::Index i = 0; i < n; ++i)
    if (std::isfinite(df1_in[i]) && df1_in[i] > 1e-15 && std::isfinite(x_in[i]) && x_in[i] > -1e-15) ok.push_back(i);
  const auto nok = static_cast<Eigen::Index>(ok.size());
  if (n == 1 || nok == 1) {
    out.scale.setConstant(nok == 1 ? x_in[ok[0]] : x_in[0]);
    out.df2 = 0;
    return out;
  }
  if (nok == 0) {
    out.df2 = kNaN;
    return out;
  }
  Eigen::VectorXd x(nok), df1(nok), cov(nok);
  for (Eigen::Index k = 0; k < nok; ++k) {
    x[k] = std::max(x_in[ok[static_cast<std::size_t>(k)]], 0.0);
    df1[k] = df1_in[ok[static_cast<std::size_t>(k)]];
    if (covariate != nullptr) cov[k] = (*covariate)[ok[static_cast<std::size_t>(k)]];
  }
  int splinedf = 1;
  if (covariate != nullptr) {
    splinedf = 1 + (nok >= 3) + (nok >= 6) + (nok >= 30);
    std::set<double> uniq(cov.data(), cov.data() + nok);
    splinedf = std::min(splinedf, static_cast<int>(uniq.size()));
    if (splinedf < 2) {
      FDistFit plain = fit_f_dist(x_in, df1_in, nullptr);
      return plain;
    }
  }
  std::vector<double> xv(x.data(), x.data() + nok);
  double m = median(xv);
  if (m == 0) m = 1;  // limma warns: more than half of the variances are exactly zero
  x = x.cwiseMax(1e-5 * m);
  Eigen::VectorXd e(nok);
  for (Eigen::Index k = 0; k < nok; ++k) e[k] = std::log(x[k]) - digamma(df1[k] / 2) + std::log(df1[k] / 2);
  Eigen::VectorXd emean_ok(nok);
  double evar;
  detail::SplineFit sf;
  if (covariate == nullptr) {
    const double em = e.mean();
    emean_ok.setConstant(em);
    evar = (e.array() - em).square().sum() / static_cast<double>(nok - 1);
  } else {
    sf = detail::fit_spline(cov, e, splinedf);
    emean_ok = sf.fitted;
    evar = sf.residual_variance;
  }
  double tri_mean = 0;
  for (Eigen::Index k = 0; k < nok; ++k) tri_mean += trigamma(df1[k] / 2);
  evar -= tri_mean / static_cast<double>(nok);

  // emean for every entry: fitted where ok, spline prediction elsewhere.
  Eigen::VectorXd emean(n);
  if (covariate == nullptr) {
    emean.setConstant(emean_ok[0]);
  } else {
    const Eigen::VectorXd pred = sf.spline.basis(*covariate) * sf.coefficients;
    emean = pred;
    for (Eigen::Index k = 0; k < nok; ++k) emean[ok[static_cast<std::size_t>(k)]] = emean_ok[k];
  }
  if (evar > 0) {
    out.df2 = 2 * trigamma_inverse(evar);
    const double adj = digamma(out.df2 / 2) - std::log(out.df2 / 2);
    out.scale = (emean.array() + adj).exp();
  } else {
    out.df2 = kInf;
    if (covariate == nullptr)
      out.scale.setConstant(x.mean());
    else
      out.scale = emean.array().exp();
  }
  return out;
}

}  // namespace lscmir::stats
