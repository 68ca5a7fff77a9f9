// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/stats/distributions.hpp"

#include <cmath>
#include <limits>

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/fisher_f.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/polygamma.hpp>
#include <boost/math/special_functions/trigamma.hpp>

namespace lscmir::stats {
namespace {

using boost::math::policies::policy;
using boost::math::policies::overflow_error;
using boost::math::policies::underflow_error;
using boost::math::policies::errno_on_error;
using boost::math::policies::domain_error;
using Policy = policy<overflow_error<errno_on_error>, underflow_error<errno_on_error>, domain_error<errno_on_error>>;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kTinyLog = -690.0;  // below this, exp() of a probability is near DBL_MIN

/// log of the regularized incomplete beta I_x(a, b) for small x, through the hypergeometric series
/// I_x(a,b) = x^a (1-x)^b / (a B(a,b)) * sum_n (a+b)_n / (a+1)_n x^n  (Abramowitz & Stegun 26.5.4).
double log_ibeta_series(double a, double b, double x) {
  double term = 1.0;
  double sum = 1.0;
  for (int n = 0; n < 10000; ++n) {
    term *= (a + b + n) / (a + 1.0 + n) * x;
    sum += term;
    if (std::fabs(term) < 1e-17 * sum) break;
  }
  const double log_beta = std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b);
  return a * std::log(x) + b * std::log1p(-x) - std::log(a) - log_beta + std::log(sum);
}

/// log I_x(a, b), accurate when I_x underflows.
double log_ibeta(double a, double b, double x) {
  if (x <= 0.0) return -kInf;
  if (x >= 1.0) return 0.0;
  const double v = boost::math::ibeta(a, b, x, Policy());
  if (v > 1e-280) return std::log(v);
  return log_ibeta_series(a, b, x);
}

}  // namespace

double pnorm_upper(double z) {
  if (std::isnan(z)) return kNaN;
  return 0.5 * std::erfc(z / std::sqrt(2.0));
}

WaldHazardRatio wald_hazard_ratio(double coef, double se) {
  const double z = coef / se;
  return {std::exp(coef), std::exp(coef - kNormalQuantile975 * se), std::exp(coef + kNormalQuantile975 * se), z,
          2 * pnorm_upper(std::fabs(z))};
}

double pt_upper(double t, double df) {
  if (std::isnan(t) || std::isnan(df)) return kNaN;
  if (std::isinf(t)) return t > 0 ? 0.0 : 1.0;
  if (std::isinf(df) || df > 1e12) return pnorm_upper(t);
  boost::math::students_t_distribution<double, Policy> d(df);
  return boost::math::cdf(boost::math::complement(d, t));
}

double log_pt_upper(double t, double df) {
  if (std::isnan(t) || std::isnan(df)) return kNaN;
  if (t <= 0.0) return std::log(pt_upper(t, df));
  if (std::isinf(t)) return -kInf;
  if (std::isinf(df) || df > 1e12) {
    const double p = pnorm_upper(t);
    if (p > 1e-280) return std::log(p);
    // Asymptotic expansion of the normal tail (Mills ratio).
    const double t2 = t * t;
    return -0.5 * t2 - std::log(t) - 0.5 * std::log(2.0 * M_PI) +
           std::log1p(-1.0 / t2 + 3.0 / (t2 * t2) - 15.0 / (t2 * t2 * t2));
  }
  const double p = pt_upper(t, df);
  if (p > 1e-280) return std::log(p);
  // P(T > t) = I_{df/(df+t^2)}(df/2, 1/2) / 2
  const double t2 = t * t;
  return std::log(0.5) + log_ibeta_series(df / 2.0, 0.5, df / (df + t2));
}

double qt_upper(double p, double df) {
  if (std::isnan(p) || std::isnan(df)) return kNaN;
  if (p <= 0.0) return kInf;
  if (p >= 1.0) return -kInf;
  if (std::isinf(df) || df > 1e12) {
    boost::math::normal_distribution<double, Policy> n;
    return boost::math::quantile(boost::math::complement(n, p));
  }
  boost::math::students_t_distribution<double, Policy> d(df);
  return boost::math::quantile(boost::math::complement(d, p));
}

double qt_upper_log(double log_p, double df) {
  if (std::isnan(log_p)) return kNaN;
  if (log_p > kTinyLog) return qt_upper(std::exp(log_p), df);
  // Newton on u = log t: g(u) = log P(T > e^u) - log_p, g'(u) = -t f(t) / P(T > t).
  // Start from the tail asymptote P(T > t) ~ C t^-df.
  const double d = (std::isinf(df) || df > 1e12) ? kInf : df;
  double u;
  if (std::isinf(d)) {
    u = 0.5 * std::log(-2.0 * log_p);
  } else {
    const double log_c = std::lgamma((d + 1) / 2) - std::lgamma(d / 2) - 0.5 * std::log(d * M_PI) +
                         ((d - 1) / 2) * std::log(d) - std::log(d);
    u = (log_c - log_p) / d;
  }
  for (int it = 0; it < 100; ++it) {
    const double t = std::exp(u);
    const double lp = log_pt_upper(t, d);
    double log_dens;
    if (std::isinf(d)) {
      log_dens = -0.5 * t * t - 0.5 * std::log(2 * M_PI);
    } else {
      log_dens = std::lgamma((d + 1) / 2) - std::lgamma(d / 2) - 0.5 * std::log(d * M_PI) -
                 ((d + 1) / 2) * std::log1p(t * t / d);
    }
    const double slope = -std::exp(u + log_dens - lp);
    const double step = (lp - log_p) / slope;
    u -= step;
    if (std::fabs(step) < 1e-14 * std::max(1.0, std::fabs(u))) break;
  }
  return std::exp(u);
}

double log_pf_upper(double f, double df1, double df2) {
  if (std::isnan(f)) return kNaN;
  if (f <= 0.0) return 0.0;
  if (std::isinf(f)) return -kInf;
  if (std::isinf(df2)) {
    // df1 * F ~ chi-square(df1): P = Q(df1/2, df1 f / 2)
    const double q = boost::math::gamma_q(df1 / 2.0, df1 * f / 2.0, Policy());
    if (q > 1e-280) return std::log(q);
    // Asymptotic: log Q(a, x) ~ (a-1) log x - x - lgamma(a) + log(1 + (a-1)/x + ...)
    const double a = df1 / 2.0, x = df1 * f / 2.0;
    return (a - 1) * std::log(x) - x - std::lgamma(a) + std::log1p((a - 1) / x + (a - 1) * (a - 2) / (x * x));
  }
  const double denom = df2 + df1 * f;
  return log_ibeta(df2 / 2.0, df1 / 2.0, df2 / denom);
}

double log_pf_lower(double f, double df1, double df2) {
  if (std::isnan(f)) return kNaN;
  if (f <= 0.0) return -kInf;
  if (std::isinf(f)) return 0.0;
  if (std::isinf(df2)) {
    const double p = boost::math::gamma_p(df1 / 2.0, df1 * f / 2.0, Policy());
    if (p > 1e-280) return std::log(p);
    const double a = df1 / 2.0, x = df1 * f / 2.0;
    return a * std::log(x) - std::lgamma(a + 1.0);  // leading term of the series, x tiny
  }
  const double denom = df2 + df1 * f;
  return log_ibeta(df1 / 2.0, df2 / 2.0, df1 * f / denom);
}

namespace {
/// Newton on log f for a log-scale F tail equation; `upper` chooses the tail.
double qf_log_newton(double log_p, double df1, double df2, bool upper) {
  double u = 0.0;
  // Bracket by doubling in log space, then Newton with numerical slope.
  auto g = [&](double uu) {
    const double f = std::exp(uu);
    return (upper ? log_pf_upper(f, df1, df2) : log_pf_lower(f, df1, df2)) - log_p;
  };
  double gu = g(u);
  for (int it = 0; it < 200; ++it) {
    const double h = 1e-6 * std::max(1.0, std::fabs(u));
    const double slope = (g(u + h) - g(u - h)) / (2 * h);
    if (!(slope != 0.0) || !std::isfinite(slope)) break;
    double step = gu / slope;
    if (std::fabs(step) > 5.0) step = step > 0 ? 5.0 : -5.0;
    u -= step;
    gu = g(u);
    if (std::fabs(step) < 1e-13 * std::max(1.0, std::fabs(u))) break;
  }
  return std::exp(u);
}
}  // namespace

double qf_upper_log(double log_p, double df1, double df2) {
  if (log_p > kTinyLog && log_p < -1e-300) {
    const double p = std::exp(log_p);
    if (std::isinf(df2)) {
      boost::math::chi_squared_distribution<double, Policy> c(df1);
      return boost::math::quantile(boost::math::complement(c, p)) / df1;
    }
    boost::math::fisher_f_distribution<double, Policy> d(df1, df2);
    return boost::math::quantile(boost::math::complement(d, p));
  }
  return qf_log_newton(log_p, df1, df2, true);
}

double qf_lower_log(double log_p, double df1, double df2) {
  if (log_p > kTinyLog && log_p < -1e-300) {
    const double p = std::exp(log_p);
    if (std::isinf(df2)) {
      boost::math::chi_squared_distribution<double, Policy> c(df1);
      return boost::math::quantile(c, p) / df1;
    }
    boost::math::fisher_f_distribution<double, Policy> d(df1, df2);
    return boost::math::quantile(d, p);
  }
  return qf_log_newton(log_p, df1, df2, false);
}

double df_density(double f, double df1, double df2) {
  if (std::isinf(df2)) {
    boost::math::chi_squared_distribution<double, Policy> c(df1);
    return boost::math::pdf(c, f * df1) * df1;
  }
  boost::math::fisher_f_distribution<double, Policy> d(df1, df2);
  return boost::math::pdf(d, f);
}

double pchisq_upper(double x, double df) {
  if (x <= 0) return 1.0;
  return boost::math::gamma_q(df / 2.0, x / 2.0, Policy());
}

double digamma(double x) { return boost::math::digamma(x, Policy()); }
double trigamma(double x) { return boost::math::trigamma(x, Policy()); }
double tetragamma(double x) { return boost::math::polygamma(2, x, Policy()); }

double trigamma_inverse(double x) {
  // limma's trigammaInverse: Newton iteration on 1/trigamma(y), started at 0.5 + 1/x
  // (Smyth 2004, appendix), with the same limiting cases.
  if (std::isnan(x)) return kNaN;
  if (x < 0) return kNaN;
  if (x > 1e7) return 1.0 / std::sqrt(x);
  if (x < 1e-6) return 1.0 / x;
  double y = 0.5 + 1.0 / x;
  for (int iter = 1; iter <= 50; ++iter) {
    const double tri = trigamma(y);
    const double dif = tri * (1.0 - tri / x) / tetragamma(y);
    y += dif;
    if (-dif / y < 1e-8) break;
  }
  return y;
}

}  // namespace lscmir::stats
