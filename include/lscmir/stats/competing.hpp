// SPDX-License-Identifier: GPL-3.0-or-later
// Competing risks: the Aalen-Johansen cumulative incidence with its variance and Gray's K-sample
// test (Gray 1988; cmprsk::cuminc semantics), and the Fine-Gray proportional subdistribution
// hazards model (Fine & Gray 1999; cmprsk::crr semantics: IPCW risk sets, Breslow ties,
// Newton-Raphson, the robust sandwich variance with the censoring-estimation term).
#pragma once

#include <limits>
#include <vector>

#include <Eigen/Dense>

#include "lscmir/stats/cox.hpp"

namespace lscmir::stats {

/// One step of a cumulative incidence curve: the estimate and its variance just after `time`.
struct CifPoint {
  double time, est, var;
};

/// The cumulative incidence of cause `cause` (status codes: 0 = censored, any other = a failure of
/// that cause) at each distinct time where it jumps, as cmprsk::cuminc: the Aalen-Johansen
/// estimate sum S(t-) d_k / n and the delta-method variance cuminc reports (Gray's cinc: the
/// Greenwood-type sums with the tie correction 1 - (d - 1) / (n - 1)). Subjects in any order.
std::vector<CifPoint> cumulative_incidence(const std::vector<double>& time, const std::vector<int>& status, int cause);

/// Gray's (1988) test that the cumulative incidence of `cause` is the same in every group
/// (groups coded 0..g-1, each non-empty), rho = 0, unstratified: the score of groups 0..g-2,
/// its estimated covariance, stat = s' V^-1 s on g - 1 df and its upper chi-square tail P.
/// stat is -1 (and P NaN) when V is singular, as cuminc.
struct GrayTest {
  double stat = -1, p_value = std::numeric_limits<double>::quiet_NaN();
  int df = 0;
};
GrayTest gray_test(const std::vector<double>& time, const std::vector<int>& status, const std::vector<int>& group, int groups,
                   int cause);

struct FineGrayOptions {
  int max_iter = 10;   ///< crr maxiter
  double gtol = 1e-6;  ///< crr gtol: stop when max |U_j| max(|b_j|, 1) < max(|loglik|, 1) gtol
};

struct FineGrayFit {
  Eigen::VectorXd coef;
  Eigen::MatrixXd var;     ///< robust (sandwich) variance, crr's $var
  Eigen::MatrixXd info;    ///< information at coef (crr's $inf)
  double loglik = 0;       ///< log pseudo-partial likelihood at coef
  int iter = 0;
  FitStatus status = FitStatus::kOk;  ///< kConstant: singular information; kNotConverged
};

/// Fits the Fine-Gray model of cause `cause` (status: 0 = censored, `cause` = the event of
/// interest, any other positive code = a competing event) on covariates x (subjects x p), from
/// beta = 0. The censoring distribution G is the Kaplan-Meier estimate of the censoring times
/// (one censoring group), taken just before each time as crr does. Never throws for data problems.
FineGrayFit fine_gray_fit(const std::vector<double>& time, const std::vector<int>& status, const Eigen::MatrixXd& x, int cause,
                          const FineGrayOptions& options = {});

/// One feature's Fine-Gray model `feature + covariates`: the feature's coefficient, its
/// subdistribution hazard ratio with the Wald interval from the robust se, z and P = 2 pnorm(-|z|)
/// (summary.crr). NaN where not estimable.
struct FineGrayRow {
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  double n = 0, events = 0;  ///< subjects with a finite value, and their events of the cause
  double coef = kNaN, hr = kNaN, hr_lower95 = kNaN, hr_upper95 = kNaN, se = kNaN, z = kNaN, p_value = kNaN;
  /// too_few_events (estimates still given) > constant > aliased > not_converged > ok.
  FitStatus status = FitStatus::kOk;
};
struct FineGrayScreen {
  std::vector<FineGrayRow> rows;
  std::vector<double> fdr;  ///< Benjamini-Hochberg of P
};

/// Fits the Fine-Gray model of `cause` for every row of `values` (features x subjects, NaN =
/// missing: left out of that feature's fit, with its own censoring KM, as crr's na.omit) with
/// `covariates` (subjects x q). Threads: a parallel-for over features; the result does not depend
/// on `threads`.
FineGrayScreen fine_gray_screen(const std::vector<double>& time, const std::vector<int>& status, const Eigen::MatrixXd& covariates,
                                const Eigen::MatrixXd& values, int cause, int min_events, int threads);

}  // namespace lscmir::stats
