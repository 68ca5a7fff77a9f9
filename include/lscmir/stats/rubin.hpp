// SPDX-License-Identifier: GPL-3.0-or-later
// Rubin's rules for combining M multiply imputed estimates of one scalar (Rubin 1987, Multiple
// Imputation for Nonresponse in Surveys, ch. 3), with the small-sample degrees of freedom of
// Barnard & Rubin (Biometrika 1999).
#pragma once

#include <vector>

namespace lscmir::stats {

struct RubinPooled {
  double estimate;  ///< Qbar: mean of the M estimates
  double within;    ///< Ubar: mean of the M complete-data variances
  double between;   ///< B: variance (M - 1 denominator) of the M estimates
  double total;     ///< T = Ubar + (1 + 1/M) B
  double se;        ///< sqrt(T)
  double fmi;       ///< lambda = (1 + 1/M) B / T: the share of the variance due to the non-response
  double df;        ///< Barnard-Rubin: 1 / (1/nu_old + 1/nu_obs), at most df_complete
  double t;         ///< Qbar / sqrt(T)
  double p;         ///< two-sided P of t on df
  double ci_l, ci_r;  ///< Qbar -/+ qt(1 - (1 - level)/2, df) sqrt(T)
};

/// Pools `estimate[m]` with complete-data variances `variance[m]` (m = 0..M-1, M >= 2), whose
/// complete-data df is `df_complete` (+Inf allowed). nu_old = (M - 1) / lambda^2 (+Inf when
/// B = 0), nu_obs = (nu_com + 1) / (nu_com + 3) nu_com (1 - lambda). Any non-finite estimate or
/// variance gives all NaN.
RubinPooled rubin_pool(const std::vector<double>& estimate, const std::vector<double>& variance, double df_complete,
                       double level = 0.95);

}  // namespace lscmir::stats
