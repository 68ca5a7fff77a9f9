// SPDX-License-Identifier: GPL-3.0-or-later
// The per-feature survival screens without the binary: rows equal direct fits, the permutation
// FDR is reproducible and thread-independent, and the zero-beta score pass equals cox_derivatives.
#include "lscmir/stats/cox_screen.hpp"

#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include "lscmir/stats/distributions.hpp"

namespace lscmir::stats {
namespace {

/// n subjects with tied times (rounded to 1/4), two strata, one covariate; `features` rows of
/// values, the first two carrying the hazard, feature 2 with a missing value, feature 3 constant.
struct Screen {
  SurvivalData data;
  Eigen::MatrixXd values;
};

Screen simulate(int n, int features, unsigned seed, bool with_covariate) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> norm;
  std::exponential_distribution<double> expo(1.0);
  Screen s;
  s.values.resize(features, n);
  for (int f = 0; f < features; ++f)
    for (int i = 0; i < n; ++i) s.values(f, i) = norm(gen);
  s.values(2, 5) = std::numeric_limits<double>::quiet_NaN();
  s.values.row(3).setConstant(1.5);
  s.data.covariates.resize(n, with_covariate ? 1 : 0);
  for (int i = 0; i < n; ++i) {
    if (with_covariate) s.data.covariates(i, 0) = 40 + 10 * norm(gen);
    const double t = std::ceil(expo(gen) * std::exp(-0.8 * s.values(0, i) + 0.5 * s.values(1, i)) * 4) / 4;
    const double c = std::ceil(expo(gen) * 3 * 4) / 4;
    s.data.time.push_back(std::min(t, c));
    s.data.event.push_back(t <= c ? 1 : 0);
    s.data.strata.push_back(i % 2);
  }
  return s;
}

TEST(CoxScreen, RowEqualsADirectFit) {
  const Screen s = simulate(120, 6, 3, true);
  CoxScreenOptions o;
  const CoxScreen screen = cox_screen(s.data, s.values, o, 2);
  ASSERT_EQ(screen.rows.size(), 6u);
  ASSERT_EQ(screen.fdr.size(), 6u);
  // Feature 0 with every subject: one fit of time, event ~ x + covariate, strata.
  Eigen::MatrixXd x(120, 2);
  x.col(0) = s.values.row(0).transpose();
  x.col(1) = s.data.covariates.col(0);
  const RiskSets rs(s.data.time, s.data.event, s.data.strata);
  const CoxFit fit = cox_fit(rs, x, Eigen::VectorXd::Zero(2), o.cox);
  const CoxScreenRow& r = screen.rows[0];
  EXPECT_EQ(r.status, FitStatus::kOk);
  EXPECT_EQ(r.n, 120);
  EXPECT_EQ(r.events, rs.events());
  EXPECT_DOUBLE_EQ(r.coef, fit.coef[0]);
  EXPECT_DOUBLE_EQ(r.se, std::sqrt(fit.var(0, 0)));
  EXPECT_DOUBLE_EQ(r.hr_lower95, std::exp(fit.coef[0] - kNormalQuantile975 * r.se));
  EXPECT_DOUBLE_EQ(r.p_wald, 2 * pnorm_upper(std::fabs(fit.coef[0] / r.se)));
  const CoxFit reduced = cox_fit(rs, x.rightCols(1), Eigen::VectorXd::Zero(1), o.cox);
  EXPECT_DOUBLE_EQ(r.p_lrt, pchisq_upper(2 * (fit.loglik - reduced.loglik), 1));
  EXPECT_GT(r.coef, 0);  // higher values shorten the simulated times: a hazard ratio above 1
  EXPECT_LT(r.p_wald, 1e-3);
  // Feature 2 drops its missing subject; feature 3 is constant.
  EXPECT_EQ(screen.rows[2].n, 119);
  EXPECT_EQ(screen.rows[3].status, FitStatus::kConstant);
  EXPECT_TRUE(std::isnan(screen.rows[3].coef));
  EXPECT_TRUE(std::isnan(screen.fdr[3]));
  // A feature identical to a covariate (at another scale) is aliased, not constant.
  {
    SurvivalData d = s.data;
    d.covariates = s.values.row(0).transpose() * 1e-6;
    const CoxScreen al = cox_screen(d, s.values.topRows(1), o, 1);
    EXPECT_EQ(al.rows[0].status, FitStatus::kAliased);
    EXPECT_TRUE(std::isnan(al.rows[0].coef));
    EXPECT_STREQ(to_string(FitStatus::kAliased), "aliased");
  }
  // Too few events: the fit is reported, the status says so.
  o.min_events = 1000;
  const CoxScreen few = cox_screen(s.data, s.values, o, 1);
  EXPECT_EQ(few.rows[0].status, FitStatus::kTooFewEvents);
  EXPECT_DOUBLE_EQ(few.rows[0].coef, r.coef);
}

TEST(CoxScreen, PermutationFdrIsReproducibleAndThreadIndependent) {
  for (const bool cov : {false, true}) {
    const Screen s = simulate(80, 12, 9, cov);
    CoxOptions o;
    const auto a = permutation_fdr(s.data, s.values, o, 40, 7, 1);
    const auto b = permutation_fdr(s.data, s.values, o, 40, 7, 2);
    const auto c = permutation_fdr(s.data, s.values, o, 40, 7, 1);
    const auto other = permutation_fdr(s.data, s.values, o, 40, 8, 1);
    ASSERT_EQ(a.size(), 12u);
    for (std::size_t f = 0; f < a.size(); ++f) {
      if (std::isnan(a[f])) {
        EXPECT_TRUE(std::isnan(b[f]) && std::isnan(c[f]));
        continue;
      }
      EXPECT_EQ(a[f], b[f]) << f;
      EXPECT_EQ(a[f], c[f]) << f;
      EXPECT_GE(a[f], 0.0);
      EXPECT_LE(a[f], 1.0);
    }
    // Features 2 (a missing value) and 3 (constant) take no part.
    EXPECT_TRUE(std::isnan(a[2]));
    EXPECT_TRUE(std::isnan(a[3]));
    // The two features that carry the hazard are the strongest calls.
    EXPECT_LT(a[0], 0.2);
    EXPECT_NE(a, other);
  }
}

TEST(CoxScreen, ScoreAtZeroEqualsCoxDerivatives) {
  const Screen s = simulate(150, 4, 21, false);
  const RiskSets rs(s.data.time, s.data.event, s.data.strata);
  ASSERT_LT(rs.blocks().size(), 150u);  // tied times
  for (const Ties ties : {Ties::kEfron, Ties::kBreslow}) {
    const Eigen::VectorXd x = s.values.row(0).transpose();
    const double center = x.mean();
    const Eigen::MatrixXd xc = (x.array() - center).matrix();
    const CoxDerivatives d = cox_derivatives(rs, xc, Eigen::VectorXd::Zero(1), ties);
    const CoxScore1 z = cox_score_at_zero(rs, x, center, ties);
    EXPECT_EQ(z.u, d.u[0]);
    EXPECT_EQ(z.info, d.imat(0, 0));
    // The general (matrix) pass agrees too, to rounding: a second, constant-zero covariate
    // column makes cox_derivatives take it.
    Eigen::MatrixXd x2(150, 2);
    x2.col(0) = xc;
    x2.col(1).setZero();
    const CoxDerivatives d2 = cox_derivatives(rs, x2, Eigen::VectorXd::Zero(2), ties);
    EXPECT_NEAR(z.u, d2.u[0], 1e-10 * (1 + std::fabs(z.u)));
    EXPECT_NEAR(z.info, d2.imat(0, 0), 1e-10 * z.info);
  }
  // Efron and Breslow differ with ties.
  const Eigen::VectorXd x = s.values.row(0).transpose();
  EXPECT_NE(cox_score_at_zero(rs, x, x.mean(), Ties::kEfron).info, cox_score_at_zero(rs, x, x.mean(), Ties::kBreslow).info);
}

TEST(CoxScreen, SplitsKmAndLogistic) {
  const Screen s = simulate(100, 5, 5, false);
  const auto med = logrank_split_screen(s.data.time, s.data.event, s.values, LogrankSplit::kMedian, 2);
  ASSERT_EQ(med.size(), 5u);
  EXPECT_EQ(med[0].n_high, 50);
  EXPECT_EQ(med[2].n_high, 49);  // 99 finite values: 49 above the median
  EXPECT_LT(med[0].p_value, 0.05);
  EXPECT_TRUE(std::isnan(med[0].cutpoint));
  const auto q = logrank_split_screen(s.data.time, s.data.event, s.values, LogrankSplit::kQuartile, 1);
  EXPECT_EQ(q[0].n_high, 25);
  const auto ms = logrank_split_screen(s.data.time, s.data.event, s.values, LogrankSplit::kMaxstat, 1);
  EXPECT_FALSE(std::isnan(ms[0].cutpoint));
  EXPECT_TRUE(std::isnan(ms[3].chisq));  // constant: no cut point
  const KmByMedian km = km_by_median(s.data.time, s.data.event, s.values, 0);
  ASSERT_FALSE(km.high.empty());
  ASSERT_FALSE(km.low.empty());
  EXPECT_EQ(km.high.front().n_risk + km.low.front().n_risk, 100);
  // --km follows --split: quartile curves hold the top and bottom quarters only; maxstat splits
  // at the logrank screen's cut point.
  const KmByMedian kq = km_by_split(s.data.time, s.data.event, s.values, 0, LogrankSplit::kQuartile);
  EXPECT_EQ(kq.high.front().n_risk, q[0].n_high);
  EXPECT_EQ(kq.high.front().n_risk + kq.low.front().n_risk, 50);
  const KmByMedian km_ms = km_by_split(s.data.time, s.data.event, s.values, 0, LogrankSplit::kMaxstat);
  EXPECT_EQ(km_ms.high.front().n_risk, ms[0].n_high);

  Eigen::VectorXd y(100);
  for (int i = 0; i < 100; ++i) y[i] = s.values(0, i) + 0.5 * s.values(4, i) > 0 ? 1 : 0;
  const LogisticScreen lg = logistic_screen(y, Eigen::MatrixXd(100, 0), s.values, 2);
  ASSERT_EQ(lg.rows.size(), 5u);
  EXPECT_EQ(lg.rows[0].status, FitStatus::kOk);
  EXPECT_GT(lg.rows[0].coef, 0);
  EXPECT_LT(lg.rows[0].p_value, 1e-4);
  EXPECT_DOUBLE_EQ(lg.rows[0].or_upper95, std::exp(lg.rows[0].coef + kNormalQuantile975 * lg.rows[0].se));
  EXPECT_EQ(lg.rows[2].n, 99);
  EXPECT_EQ(lg.rows[3].status, FitStatus::kConstant);
  EXPECT_TRUE(std::isnan(lg.fdr[3]));
}

}  // namespace
}  // namespace lscmir::stats
