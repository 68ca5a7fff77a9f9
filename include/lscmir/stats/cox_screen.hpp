// SPDX-License-Identifier: GPL-3.0-or-later
// Per-feature survival screens: one Cox model per feature (with covariates and strata), the
// permutation FDR of the score tests, log-rank tests of a split, Kaplan-Meier curves by the
// median, and per-feature logistic models of a binary response.
#pragma once

#include "lscmir/core/progress.hpp"

#include <cstdint>
#include <limits>
#include <vector>

#include <Eigen/Dense>

#include "lscmir/stats/cox.hpp"

namespace lscmir::stats {

/// The outcome of the subjects a screen uses, one entry per subject (the columns of `values`).
struct SurvivalData {
  std::vector<double> time;
  std::vector<int> event;    ///< 1 = event, 0 = censored
  std::vector<int> strata;   ///< stratum code per subject (all 0 = none)
  Eigen::MatrixXd covariates;  ///< subjects x q (treatment coded); q may be 0
  std::size_t size() const { return time.size(); }
};

struct CoxScreenOptions {
  CoxOptions cox;
  int min_events = 3;  ///< fewer events than this: status kTooFewEvents (the fit is still reported)
  bool ph_test = false;  ///< also the cox.zph test of each fit (CoxScreenRow::ph_*)
};

/// One feature's Cox model: the feature's coefficient with its Wald interval and the three tests
/// of coxph (Wald, likelihood ratio and score against the model without the feature), and
/// Harrell's C of the fitted linear predictor. NaN where not estimable.
struct CoxScreenRow {
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  double n = 0, events = 0;  ///< subjects with a finite value, and their events
  double coef = kNaN, hr = kNaN, hr_lower95 = kNaN, hr_upper95 = kNaN, se = kNaN, z = kNaN;
  double p_wald = kNaN, p_lrt = kNaN, p_score = kNaN, c = kNaN;
  /// With CoxScreenOptions::ph_test: cox.zph of the feature's term and the global test.
  double ph_chisq = kNaN, ph_p = kNaN, ph_global_chisq = kNaN, ph_global_df = kNaN, ph_global_p = kNaN;
  /// Precedence: too_few_events > constant > aliased > separation > not_converged > ok.
  FitStatus status = FitStatus::kOk;
};

struct CoxScreen {
  std::vector<CoxScreenRow> rows;  ///< one per feature (row of `values`)
  std::vector<double> fdr;         ///< Benjamini-Hochberg of P.Wald
};

/// Fits `time, event ~ feature + covariates (+ strata)` for every row of `values` (features x
/// subjects, NaN = missing: that subject is left out of that feature's fit, with its own risk
/// sets). Threads: a parallel-for over features; the result does not depend on `threads`.
CoxScreen cox_screen(const SurvivalData& data, const Eigen::MatrixXd& values, const CoxScreenOptions& options, int threads);

/// Permutation FDR of the per-feature score tests (Storey & Tibshirani 2003, the null from
/// permuting the subjects' values against outcome, strata and covariates, which stay together so
/// the covariate-only model is fitted once): for each feature, the mean number of permuted
/// p-values (over all features) at or below its p, over the number of observed p-values at or
/// below it, made monotone in p. Only features finite in every subject and not constant take
/// part; the others get NaN. Permutation b uses std::mt19937_64 seeded with
/// seed ^ (0x9E3779B97F4A7C15 * (b + 1)) whichever thread runs it, and the counts are integers
/// (exact in double), so the result is the same for any number of threads. `progress`
/// (optional) counts the permutations.
std::vector<double> permutation_fdr(const SurvivalData& data, const Eigen::MatrixXd& values, const CoxOptions& options,
                                    int permutations, std::uint64_t seed, int threads, core::Progress* progress = nullptr);

/// How subjects are split for a log-rank test of each feature.
enum class LogrankSplit {
  kMedian,    ///< above vs at-or-below the median
  kTertile,   ///< above the upper vs at-or-below the lower tertile (the middle left out)
  kQuartile,  ///< above the upper vs at-or-below the lower quartile
  kMaxstat,   ///< the maximally selected cut point (maxstat_logrank), tested again by log-rank
};

struct LogrankSplitRow {
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  double n_high = kNaN, chisq = kNaN, p_value = kNaN;
  double cutpoint = kNaN, statistic = kNaN, p_adjusted = kNaN;  ///< kMaxstat only
};

/// The log-rank test of `split` for every row of `values` (features x subjects; subjects with a
/// NaN value are left out of that feature), stratified by `strata` (one code per subject; empty =
/// none) as survdiff(... ~ group + strata(s)). The maxstat cut point itself is searched without
/// strata (maxstat.test has none). Threads: a parallel-for over features.
std::vector<LogrankSplitRow> logrank_split_screen(const std::vector<double>& time, const std::vector<int>& event,
                                                  const std::vector<int>& strata, const Eigen::MatrixXd& values,
                                                  LogrankSplit split, int threads);
/// Unstratified.
std::vector<LogrankSplitRow> logrank_split_screen(const std::vector<double>& time, const std::vector<int>& event,
                                                  const Eigen::MatrixXd& values, LogrankSplit split, int threads);

/// Kaplan-Meier curves (not stratified) of the high and low groups of row `feature` of `values`
/// (NaN values left out) split as logrank_split_screen splits: above vs at-or-below the median,
/// the top vs the bottom tertile / quartile, or above vs at-or-below the maxstat cut point (both
/// curves empty when maxstat finds no cut point).
struct KmByMedian {
  std::vector<KmRow> high, low;
};
KmByMedian km_by_split(const std::vector<double>& time, const std::vector<int>& event, const Eigen::MatrixXd& values,
                       Eigen::Index feature, LogrankSplit split);
/// The groups km_by_split draws, per subject: 1 = high, 0 = low, -1 = left out (a NaN value, the
/// middle of a tertile / quartile split, or no maxstat cut point).
std::vector<int> split_membership(const std::vector<double>& time, const std::vector<int>& event, const Eigen::MatrixXd& values,
                                  Eigen::Index feature, LogrankSplit split);
/// km_by_split with the median split.
KmByMedian km_by_median(const std::vector<double>& time, const std::vector<int>& event, const Eigen::MatrixXd& values,
                        Eigen::Index feature);

/// One feature's logistic model `y ~ feature + covariates`: the feature's coefficient, odds ratio
/// with its Wald interval, and the Wald test.
struct LogisticScreenRow {
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  double n = 0;
  double coef = kNaN, odds_ratio = kNaN, or_lower95 = kNaN, or_upper95 = kNaN, se = kNaN, z = kNaN, p_value = kNaN;
  FitStatus status = FitStatus::kOk;  ///< kConstant when the feature does not vary
};
struct LogisticScreen {
  std::vector<LogisticScreenRow> rows;
  std::vector<double> fdr;  ///< Benjamini-Hochberg of P
};

/// Fits the logistic model for every row of `values` (features x subjects) on the 0/1 response
/// `y` with `covariates` (subjects x q). Threads: a parallel-for over features.
LogisticScreen logistic_screen(const Eigen::VectorXd& y, const Eigen::MatrixXd& covariates, const Eigen::MatrixXd& values,
                               int threads);

}  // namespace lscmir::stats
