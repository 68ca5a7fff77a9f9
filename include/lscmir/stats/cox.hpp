// SPDX-License-Identifier: GPL-3.0-or-later
// Cox proportional hazards (survival's coxph semantics: Efron or Breslow ties, strata,
// Newton-Raphson with step halving), Harrell's concordance, log-rank tests and Kaplan-Meier.
#pragma once

#include <string>
#include <vector>

#include <Eigen/Dense>

namespace lscmir::stats {

enum class Ties { kEfron, kBreslow };

/// Per-fit outcome, carried into output tables (like R's warnings) instead of an exception.
/// kAliased: the feature varies but the information matrix is singular (a covariate is a linear
/// function of the feature and the other terms; R gives that covariate NA).
enum class FitStatus { kOk, kSeparation, kConstant, kNotConverged, kTooFewEvents, kAliased };
const char* to_string(FitStatus s);

/// Subjects sorted once by stratum and decreasing time, with the blocks of tied times; every
/// feature's fit reuses it. Subjects are indexed 0..n-1 in the caller's order.
class RiskSets {
 public:
  /// @param event 1 = event, 0 = censored. @param strata stratum code per subject (all 0 = none).
  RiskSets(const std::vector<double>& time, const std::vector<int>& event, const std::vector<int>& strata);
  std::size_t size() const { return order_.size(); }
  int events() const { return n_events_; }

  struct Block {  ///< subjects order_[begin, end) share one stratum and one time
    std::size_t begin, end;
    int deaths;
    bool stratum_start;  ///< first block (largest time) of its stratum
  };
  const std::vector<std::size_t>& order() const { return order_; }
  const std::vector<Block>& blocks() const { return blocks_; }
  const std::vector<double>& time() const { return time_; }
  const std::vector<int>& event() const { return event_; }
  const std::vector<int>& strata() const { return strata_; }

 private:
  std::vector<double> time_;
  std::vector<int> event_, strata_;
  std::vector<std::size_t> order_;
  std::vector<Block> blocks_;
  int n_events_ = 0;
};

struct CoxOptions {
  Ties ties = Ties::kEfron;
  int max_iter = 20;     ///< coxph.control iter.max
  double eps = 1e-9;     ///< relative change in log likelihood for convergence
  double toler_inf = 3.1622776601683795e-05;  ///< sqrt(eps): the "coefficient may be infinite" check
};

struct CoxFit {
  Eigen::VectorXd coef;     ///< at convergence
  Eigen::MatrixXd var;      ///< inverse information at coef
  double loglik_init = 0;   ///< at `init`
  double loglik = 0;        ///< at coef
  double score_test = 0;    ///< u' I^-1 u at `init` (coxph's score test)
  int iter = 0;
  FitStatus status = FitStatus::kOk;
};

/// Fits the Cox model with covariates x (subjects x p, in the RiskSets' subject order) from
/// `init`. Never throws for data problems: a singular information matrix (status kConstant) or
/// non-convergence is reported in `status`. As coxph, the columns that are not 0/1 indicators
/// are centered and scaled by 1 / mean |x - mean| before the Newton iterations (undone in coef
/// and var), so singularity is judged scale-free: a column 1e7 times another's fits alike.
CoxFit cox_fit(const RiskSets& rs, const Eigen::MatrixXd& x, const Eigen::VectorXd& init, const CoxOptions& options);

/// Centers the columns of x that are not 0/1 indicators, as coxph does before fitting (the fit is
/// invariant to it; it keeps exp() of the linear predictor in range).
Eigen::MatrixXd center_covariates(const Eigen::MatrixXd& x);

/// Log partial likelihood, score and information at beta (one backward pass over the risk sets).
struct CoxDerivatives {
  double loglik = 0;
  Eigen::VectorXd u;
  Eigen::MatrixXd imat;
};
CoxDerivatives cox_derivatives(const RiskSets& rs, const Eigen::MatrixXd& x, const Eigen::VectorXd& beta, Ties ties);

/// Score u and information i of one covariate at beta = 0, with x centered by `center` (x - center
/// is the covariate): every risk weight is 1, so the same backward pass as cox_derivatives needs
/// no exp / log and allocates nothing. The score statistic is u^2 / i. Bit for bit the u and imat
/// of cox_derivatives(rs, x - center, 0, ties); the permutation screen calls it millions of times.
struct CoxScore1 {
  double u = 0, info = 0;
};
CoxScore1 cox_score_at_zero(const RiskSets& rs, const Eigen::Ref<const Eigen::VectorXd>& x, double center, Ties ties);

/// Harrell's C as survival::concordance computes it for a risk score (higher = shorter survival):
/// over pairs in the same stratum where the shorter time is an event (a censoring at the same
/// time counts as later), concordant + tied/2 over concordant + discordant + tied in score.
double concordance(const std::vector<double>& time, const std::vector<int>& event, const std::vector<int>& strata,
                   const std::vector<double>& score);

/// Two-group log-rank test (survival::survdiff with rho = 0): chi-square on 1 df.
struct LogRank {
  double observed1 = 0, expected1 = 0, variance = 0, chisq = 0, p_value = 1;
};
LogRank logrank_test(const std::vector<double>& time, const std::vector<int>& event, const std::vector<int>& group1);
/// Stratified two-group log-rank test (survdiff(... ~ group + strata(s))): observed, expected
/// and variance summed over the strata (each with its own risk sets).
LogRank logrank_test(const std::vector<double>& time, const std::vector<int>& event, const std::vector<int>& group1,
                     const std::vector<int>& strata);

/// Maximally selected log-rank statistic (Lausen & Schumacher 1992, as maxstat::maxstat.test with
/// smethod = "LogRank"): log-rank scores, cut points between the minprop and maxprop quantiles,
/// M = max |standardized sum of scores of the low group|, and the Lau92 approximation of the
/// selection-adjusted p-value. `cutpoint` is the largest value of the low group.
struct MaxStat {
  double cutpoint = 0, statistic = 0, p_value = 1;
  std::size_t n_high = 0;
  bool ok = false;  ///< false when no cut point lies within [minprop, maxprop]
};
MaxStat maxstat_logrank(const std::vector<double>& time, const std::vector<int>& event, const std::vector<double>& x,
                        double minprop = 0.1, double maxprop = 0.9);

/// Kaplan-Meier estimate at every distinct time (censored-only times included, as
/// summary(survfit, censored = TRUE)), Greenwood standard error and log-transformed 95% CI.
struct KmRow {
  double time, n_risk, n_event, surv, std_err, lower, upper;
  double n_censor = 0;  ///< censorings at this time (summary.survfit's n.censor)
};
std::vector<KmRow> kaplan_meier(const std::vector<double>& time, const std::vector<int>& event, double conf = 0.95);

}  // namespace lscmir::stats
