// SPDX-License-Identifier: GPL-3.0-or-later
// Distribution functions with R's semantics (upper tails and log scale where limma needs them).
#pragma once

namespace lscmir::stats {

/// The 97.5% quantile of the standard normal, qnorm(0.975): the half-width of a 95% Wald interval.
inline constexpr double kNormalQuantile975 = 1.959963984540054;

/// P(T > t) for Student's t with `df` degrees of freedom (df may be non-integer or +Inf).
double pt_upper(double t, double df);
/// log P(T > t), accurate far into the tail (where P underflows).
double log_pt_upper(double t, double df);
/// t such that P(T > t) = p (0 < p < 1).
double qt_upper(double p, double df);
/// t such that log P(T > t) = log_p, for log_p far below log(DBL_MIN) too.
double qt_upper_log(double log_p, double df);

/// log P(F > f) and log P(F <= f) for the F distribution (df2 may be +Inf).
double log_pf_upper(double f, double df1, double df2);
double log_pf_lower(double f, double df1, double df2);
/// Inverses on the log scale.
double qf_upper_log(double log_p, double df1, double df2);
double qf_lower_log(double log_p, double df1, double df2);
/// Density of F.
double df_density(double f, double df1, double df2);

/// log P(X^2 > x) for chi-square; and the plain upper tail.
double pchisq_upper(double x, double df);

double digamma(double x);
double trigamma(double x);
/// Second derivative of digamma (R's psigamma(x, 2)).
double tetragamma(double x);
/// Inverse of trigamma, as limma's trigammaInverse (Newton with the same starting point).
double trigamma_inverse(double x);

/// Normal upper tail.
double pnorm_upper(double z);

/// The Wald summary of a log hazard ratio `coef` with standard error `se`: HR = exp(coef), its 95%
/// interval exp(coef -+ qnorm(0.975) se), z = coef / se and the two-sided P = 2 pnorm(-|z|).
struct WaldHazardRatio {
  double hr, lower95, upper95, z, p;
};
WaldHazardRatio wald_hazard_ratio(double coef, double se);

}  // namespace lscmir::stats
