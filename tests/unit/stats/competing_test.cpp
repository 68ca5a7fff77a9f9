// SPDX-License-Identifier: GPL-3.0-or-later
// Invariants of the competing-risks engine and cox.zph; agreement with cmprsk / survival is
// checked by tests/cli/survival_golden_test (cases laml_cr_*, laml_ph*).
#include "lscmir/stats/competing.hpp"

#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include "lscmir/stats/cox_zph.hpp"

namespace lscmir::stats {
namespace {

struct Cr {
  std::vector<double> time;
  std::vector<int> status;
  Eigen::MatrixXd x;
};

/// Two causes and censoring, times rounded to 0.1 so that ties occur.
Cr simulate(int n, unsigned seed, bool competing = true) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> norm;
  std::exponential_distribution<double> expo(1.0);
  Cr s;
  s.x.resize(n, 2);
  for (int i = 0; i < n; ++i) {
    s.x(i, 0) = norm(gen);
    s.x(i, 1) = i % 3 == 0 ? 1.0 : 0.0;
    const double t1 = expo(gen) * std::exp(-0.6 * s.x(i, 0));
    const double t2 = competing ? expo(gen) * 1.5 : 1e300;
    const double c = expo(gen) * 2;
    const double t = std::min({t1, t2, c});
    s.time.push_back(std::round(t * 10) / 10);
    s.status.push_back(t == c ? 0 : (t == t1 ? 1 : 2));
  }
  return s;
}

TEST(CumulativeIncidence, CausesAddUpToOneMinusKaplanMeier) {
  const Cr s = simulate(150, 3);
  std::vector<int> any(s.status.size());
  for (std::size_t i = 0; i < any.size(); ++i) any[i] = s.status[i] != 0;
  const auto km = kaplan_meier(s.time, any);
  const auto c1 = cumulative_incidence(s.time, s.status, 1), c2 = cumulative_incidence(s.time, s.status, 2);
  ASSERT_FALSE(c1.empty());
  ASSERT_FALSE(c2.empty());
  // At every KM time, F1 + F2 (steps carried forward) = 1 - S.
  std::size_t i1 = 0, i2 = 0;
  double f1 = 0, f2 = 0;
  for (const auto& row : km) {
    while (i1 < c1.size() && c1[i1].time <= row.time) f1 = c1[i1++].est;
    while (i2 < c2.size() && c2[i2].time <= row.time) f2 = c2[i2++].est;
    EXPECT_NEAR(f1 + f2, 1 - row.surv, 1e-12) << row.time;
  }
  for (const auto& p : c1) EXPECT_GT(p.var, 0);
}

TEST(GrayTest, IdenticalGroupsGiveZero) {
  Cr s = simulate(80, 5);
  std::vector<double> t = s.time;
  std::vector<int> st = s.status, g(t.size(), 0);
  t.insert(t.end(), s.time.begin(), s.time.end());
  st.insert(st.end(), s.status.begin(), s.status.end());
  g.resize(t.size(), 1);
  const GrayTest r = gray_test(t, st, g, 2, 1);
  EXPECT_NEAR(r.stat, 0, 1e-20);
  EXPECT_EQ(r.df, 1);
  // Moving the cause-1 events of one group earlier makes the groups differ.
  for (std::size_t i = 0; i < s.time.size(); ++i)
    if (st[i] == 1) t[i] *= 0.3;
  EXPECT_GT(gray_test(t, st, g, 2, 1).stat, 1);
}

TEST(FineGray, WithoutCompetingEventsItIsTheBreslowCox) {
  const Cr s = simulate(120, 7, false);
  const FineGrayFit fg = fine_gray_fit(s.time, s.status, s.x, 1, {50, 1e-12});
  ASSERT_EQ(fg.status, FitStatus::kOk);
  std::vector<int> ev(s.status.begin(), s.status.end());
  const RiskSets rs(s.time, ev, std::vector<int>(ev.size(), 0));
  CoxOptions co;
  co.ties = Ties::kBreslow;
  co.eps = 1e-14;
  const CoxFit cf = cox_fit(rs, s.x, Eigen::VectorXd::Zero(2), co);
  for (int j = 0; j < 2; ++j) EXPECT_NEAR(fg.coef[j], cf.coef[j], 1e-8);
  // The information is the Cox information (the robust variance is a different estimator).
  EXPECT_LT((fg.info.inverse() - cf.var).cwiseAbs().maxCoeff(), 1e-8);
}

TEST(FineGray, ShiftOfACovariateChangesNothing) {
  const Cr s = simulate(100, 11);
  Eigen::MatrixXd xs = s.x;
  xs.col(0).array() += 1e3;
  const FineGrayFit a = fine_gray_fit(s.time, s.status, s.x, 1), b = fine_gray_fit(s.time, s.status, xs, 1);
  ASSERT_EQ(a.status, FitStatus::kOk);
  EXPECT_LT((a.coef - b.coef).cwiseAbs().maxCoeff(), 1e-9);
  EXPECT_LT((a.var - b.var).cwiseAbs().maxCoeff(), 1e-9);
  EXPECT_GT(a.var(0, 0), 0);
}

TEST(FineGray, AliasedColumnIsReported) {
  const Cr s = simulate(60, 13);
  Eigen::MatrixXd x(60, 2);
  x.col(0) = s.x.col(0);
  x.col(1) = 2 * s.x.col(0);
  EXPECT_EQ(fine_gray_fit(s.time, s.status, x, 1).status, FitStatus::kConstant);
}

TEST(FineGrayScreen, SameRowsForOneAndTwoThreadsAndNaNsDropped) {
  const Cr s = simulate(90, 17);
  Eigen::MatrixXd v(3, 90);
  v.row(0) = s.x.col(0).transpose();
  v.row(1) = s.x.col(1).transpose();
  v.row(2).setConstant(2.0);
  v(0, 4) = std::nan("");
  const FineGrayScreen a = fine_gray_screen(s.time, s.status, Eigen::MatrixXd(90, 0), v, 1, 3, 1);
  const FineGrayScreen b = fine_gray_screen(s.time, s.status, Eigen::MatrixXd(90, 0), v, 1, 3, 2);
  EXPECT_EQ(a.rows[0].n, 89);
  EXPECT_EQ(a.rows[2].status, FitStatus::kConstant);
  EXPECT_TRUE(std::isnan(a.rows[2].coef));
  for (int f = 0; f < 2; ++f) EXPECT_EQ(a.rows[static_cast<std::size_t>(f)].coef, b.rows[static_cast<std::size_t>(f)].coef);
  EXPECT_LT(a.rows[0].p_value, 0.05);  // the simulated effect of x on cause 1
}

TEST(CoxZph, TimeVaryingEffectIsDetectedAndShiftInvariant) {
  // Hazard ratio exp(1.5 x) early, exp(-1.5 x) late: strongly non-proportional.
  std::mt19937_64 gen(19);
  std::normal_distribution<double> norm;
  std::uniform_real_distribution<double> unif;
  const int n = 300;
  std::vector<double> t(n);
  std::vector<int> e(n);
  Eigen::MatrixXd x(n, 1);
  for (int i = 0; i < n; ++i) {
    x(i, 0) = norm(gen);
    const double h1 = std::exp(1.5 * x(i, 0)), h2 = std::exp(-1.5 * x(i, 0));
    const double u = -std::log(unif(gen));
    t[static_cast<std::size_t>(i)] = u < h1 ? u / h1 : 1 + (u - h1) / h2;
    e[static_cast<std::size_t>(i)] = 1;
  }
  const RiskSets rs(t, e, std::vector<int>(n, 0));
  const CoxFit fit = cox_fit(rs, x, Eigen::VectorXd::Zero(1), CoxOptions{});
  const CoxZph z = cox_zph(rs, x, fit.coef, Ties::kEfron);
  EXPECT_LT(z.p_value, 1e-6);
  EXPECT_NEAR(z.chisq, z.global_chisq, 1e-9 * z.chisq);  // one column: the term is the global test
  Eigen::MatrixXd xs = x.array() + 100.0;
  EXPECT_NEAR(cox_zph(rs, xs, fit.coef, Ties::kEfron).chisq, z.chisq, 1e-8 * z.chisq);
}

}  // namespace
}  // namespace lscmir::stats
