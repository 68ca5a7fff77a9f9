// SPDX-License-Identifier: GPL-3.0-or-later
// Invariants of the survival engine; agreement with R is checked by tests/cli/survival_golden_test.
#include "lscmir/stats/cox.hpp"

#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include "lscmir/stats/glm.hpp"

namespace lscmir::stats {
namespace {

struct Sim {
  std::vector<double> time;
  std::vector<int> event, strata;
  Eigen::MatrixXd x;
};

Sim simulate(int n, bool ties, unsigned seed) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> norm;
  std::exponential_distribution<double> expo(1.0);
  Sim s;
  s.x.resize(n, 2);
  for (int i = 0; i < n; ++i) {
    s.x(i, 0) = norm(gen);
    s.x(i, 1) = (i % 3 == 0) ? 1.0 : 0.0;
    double t = expo(gen) * std::exp(-0.7 * s.x(i, 0) + 0.4 * s.x(i, 1));
    if (ties) t = std::ceil(t * 4) / 4;
    const double c = expo(gen) * 2;
    s.time.push_back(std::min(t, ties ? std::ceil(c * 4) / 4 : c));
    s.event.push_back(t <= c ? 1 : 0);
    s.strata.push_back(0);
  }
  return s;
}

TEST(Cox, ScoreIsZeroAtTheMaximum) {
  for (auto ties : {Ties::kEfron, Ties::kBreslow}) {
    const Sim s = simulate(200, true, 7);
    const RiskSets rs(s.time, s.event, s.strata);
    CoxOptions o;
    o.ties = ties;
    const CoxFit fit = cox_fit(rs, s.x, Eigen::VectorXd::Zero(2), o);
    ASSERT_EQ(fit.status, FitStatus::kOk);
    const Eigen::MatrixXd xc = s.x.rowwise() - s.x.colwise().mean();
    const CoxDerivatives d = cox_derivatives(rs, xc, fit.coef, ties);
    EXPECT_LT(d.u.cwiseAbs().maxCoeff(), 1e-6);
    EXPECT_GT(fit.loglik, fit.loglik_init);
    EXPECT_GT(fit.coef[0], 0);  // simulated times shrink, so the hazard rises, with x
  }
}

TEST(Cox, EfronEqualsBreslowWithoutTies) {
  const Sim s = simulate(150, false, 11);
  const RiskSets rs(s.time, s.event, s.strata);
  CoxOptions e, b;
  b.ties = Ties::kBreslow;
  const CoxFit fe = cox_fit(rs, s.x, Eigen::VectorXd::Zero(2), e);
  const CoxFit fb = cox_fit(rs, s.x, Eigen::VectorXd::Zero(2), b);
  EXPECT_NEAR(fe.coef[0], fb.coef[0], 1e-12);
  EXPECT_NEAR(fe.loglik, fb.loglik, 1e-10);
}

TEST(Cox, ScoreTestOfAGroupIsTheLogRankTest) {
  // Without ties, the Cox score test of a binary covariate is the log-rank statistic.
  const Sim s = simulate(120, false, 5);
  const RiskSets rs(s.time, s.event, s.strata);
  const CoxFit fit = cox_fit(rs, s.x.col(1), Eigen::VectorXd::Zero(1), CoxOptions{});
  std::vector<int> g(s.time.size());
  for (std::size_t i = 0; i < g.size(); ++i) g[i] = s.x(static_cast<Eigen::Index>(i), 1) > 0;
  EXPECT_NEAR(fit.score_test, logrank_test(s.time, s.event, g).chisq, 1e-10);
}

TEST(Cox, FitIsScaleFree) {
  // Multiplying a column by 1e7 (or 1e-7) divides its coefficient and se by the factor; the
  // singularity check must not mistake the small-scale column for a constant (issue 14).
  const Sim s = simulate(200, true, 3);
  const RiskSets rs(s.time, s.event, s.strata);
  const CoxFit ref = cox_fit(rs, s.x, Eigen::VectorXd::Zero(2), CoxOptions{});
  ASSERT_EQ(ref.status, FitStatus::kOk);
  Eigen::MatrixXd x2(s.x.rows(), 2);
  x2.col(1) = (s.x.col(0).array() * 10.0 + 30.0).matrix();  // an age-like covariate
  for (double f : {1e7, 1e-7}) {
    x2.col(0) = s.x.col(0) * f;
    const CoxFit fit = cox_fit(rs, x2, Eigen::VectorXd::Zero(2), CoxOptions{});
    // x2 col 1 is collinear with col 0: singular at any scale
    EXPECT_EQ(fit.status, FitStatus::kConstant) << f;
    Eigen::MatrixXd x3 = s.x;
    x3.col(0) *= f;
    const CoxFit g = cox_fit(rs, x3, Eigen::VectorXd::Zero(2), CoxOptions{});
    ASSERT_EQ(g.status, FitStatus::kOk) << f;
    EXPECT_NEAR(g.coef[0] * f / ref.coef[0], 1.0, 1e-9) << f;
    EXPECT_NEAR(std::sqrt(g.var(0, 0)) * f / std::sqrt(ref.var(0, 0)), 1.0, 1e-9) << f;
    EXPECT_NEAR(g.loglik, ref.loglik, 1e-9 * std::fabs(ref.loglik));
  }
}

TEST(Cox, StratifiedLogRankSumsTheStrata) {
  const Sim a = simulate(80, true, 21), b = simulate(60, true, 22);
  std::vector<double> t = a.time;
  std::vector<int> e = a.event, g, st(a.time.size(), 0);
  t.insert(t.end(), b.time.begin(), b.time.end());
  e.insert(e.end(), b.event.begin(), b.event.end());
  st.resize(t.size(), 5);
  for (Eigen::Index i = 0; i < a.x.rows(); ++i) g.push_back(a.x(i, 1) > 0);
  for (Eigen::Index i = 0; i < b.x.rows(); ++i) g.push_back(b.x(i, 1) > 0);
  const std::vector<int> ga(g.begin(), g.begin() + 80), gb(g.begin() + 80, g.end());
  const LogRank la = logrank_test(a.time, a.event, ga), lb = logrank_test(b.time, b.event, gb);
  const LogRank ls = logrank_test(t, e, g, st);
  EXPECT_NEAR(ls.observed1 - ls.expected1, la.observed1 - la.expected1 + lb.observed1 - lb.expected1, 1e-10);
  EXPECT_NEAR(ls.variance, la.variance + lb.variance, 1e-10);
  EXPECT_NE(ls.chisq, logrank_test(t, e, g).chisq);  // pooled risk sets differ
  EXPECT_DOUBLE_EQ(logrank_test(a.time, a.event, ga, std::vector<int>(80, 3)).chisq, la.chisq);
}

TEST(Cox, SeparationAndConstantAreStatuses) {
  // Every death among the x = 1 group happens while an x = 1 subject is at risk before any x = 0
  // death: R warns "Loglik converged before variable 1; coefficient may be infinite" (coef 22.39
  // after 20 iterations).
  const std::vector<double> t = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  const std::vector<int> e = {1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 0};
  const std::vector<int> s(12, 0);
  const RiskSets rs(t, e, s);
  Eigen::MatrixXd sep(12, 1);
  sep << 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0;
  const CoxFit fit = cox_fit(rs, sep, Eigen::VectorXd::Zero(1), CoxOptions{});
  EXPECT_EQ(fit.status, FitStatus::kSeparation);
  EXPECT_NEAR(fit.coef[0], 22.389608880372915, 1e-6);
  EXPECT_EQ(fit.iter, 20);
  EXPECT_EQ(cox_fit(rs, Eigen::MatrixXd::Constant(12, 1, 2.0), Eigen::VectorXd::Zero(1), CoxOptions{}).status, FitStatus::kConstant);
}

TEST(Cox, StrataKeepRiskSetsApart) {
  Sim s = simulate(100, false, 3);
  for (std::size_t i = 0; i < s.strata.size(); ++i) s.strata[i] = static_cast<int>(i % 2);
  const RiskSets rs(s.time, s.event, s.strata);
  // The stratified likelihood is the sum of the per-stratum likelihoods.
  double sum = 0;
  for (int k = 0; k < 2; ++k) {
    std::vector<double> t;
    std::vector<int> e, z;
    std::vector<Eigen::Index> rows;
    for (std::size_t i = 0; i < s.time.size(); ++i)
      if (s.strata[i] == k) {
        t.push_back(s.time[i]);
        e.push_back(s.event[i]);
        z.push_back(0);
        rows.push_back(static_cast<Eigen::Index>(i));
      }
    Eigen::MatrixXd xs(static_cast<Eigen::Index>(rows.size()), 2);
    for (std::size_t r = 0; r < rows.size(); ++r) xs.row(static_cast<Eigen::Index>(r)) = s.x.row(rows[r]);
    sum += cox_derivatives(RiskSets(t, e, z), xs, Eigen::Vector2d(0.3, -0.2), Ties::kEfron).loglik;
  }
  EXPECT_NEAR(cox_derivatives(rs, s.x, Eigen::Vector2d(0.3, -0.2), Ties::kEfron).loglik, sum, 1e-10);
}

TEST(Concordance, CountsPairsLikeHarrell) {
  const std::vector<double> t = {1, 2, 3, 4};
  const std::vector<int> e = {1, 1, 0, 1};
  const std::vector<int> s(4, 0);
  // Perfectly ordered risk scores (higher risk, earlier death): C = 1; reversed: 0.
  EXPECT_DOUBLE_EQ(concordance(t, e, s, {4, 3, 2, 1}), 1.0);
  EXPECT_DOUBLE_EQ(concordance(t, e, s, {1, 2, 3, 4}), 0.0);
  EXPECT_DOUBLE_EQ(concordance(t, e, s, {1, 1, 1, 1}), 0.5);
}

TEST(KaplanMeier, ProductLimitAndGreenwood) {
  const auto rows = kaplan_meier({1, 2, 2, 3, 4}, {1, 1, 0, 1, 0});
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_DOUBLE_EQ(rows[0].surv, 0.8);
  EXPECT_DOUBLE_EQ(rows[1].surv, 0.8 * 0.75);
  EXPECT_DOUBLE_EQ(rows[1].n_risk, 4);
  EXPECT_DOUBLE_EQ(rows[2].surv, 0.8 * 0.75 * 0.5);
  EXPECT_DOUBLE_EQ(rows[3].n_event, 0);
  EXPECT_DOUBLE_EQ(rows[0].n_censor, 0);
  EXPECT_DOUBLE_EQ(rows[1].n_censor, 1);  // time 2: one death, one censoring
  EXPECT_DOUBLE_EQ(rows[3].n_censor, 1);
  const double gw = 1.0 / (5 * 4) + 1.0 / (4 * 3);
  EXPECT_NEAR(rows[1].std_err, rows[1].surv * std::sqrt(gw), 1e-15);
}

TEST(Logistic, ScoreIsZeroAtTheMaximum) {
  std::mt19937_64 gen(9);
  std::normal_distribution<double> norm;
  std::uniform_real_distribution<double> unif;
  const int n = 300;
  Eigen::MatrixXd x(n, 2);
  Eigen::VectorXd y(n);
  for (int i = 0; i < n; ++i) {
    x(i, 0) = 1;
    x(i, 1) = norm(gen);
    y[i] = unif(gen) < 1 / (1 + std::exp(-(0.3 + 1.1 * x(i, 1)))) ? 1 : 0;
  }
  const auto fit = logistic_fit(x, y);
  ASSERT_EQ(fit.status, FitStatus::kOk);
  Eigen::VectorXd mu = (x * fit.coef).unaryExpr([](double v) { return 1 / (1 + std::exp(-v)); });
  EXPECT_LT((x.transpose() * (y - mu)).cwiseAbs().maxCoeff(), 1e-6);
  // Perfect separation is flagged.
  Eigen::VectorXd ys = (x.col(1).array() > 0).cast<double>();
  EXPECT_EQ(logistic_fit(x, ys).status, FitStatus::kSeparation);
}

TEST(MaxStat, MatchesMaxstatLau92) {
  // R: maxstat.test(Surv(t, e) ~ v, smethod = "LogRank", pmethod = "Lau92") on these data gives
  // cutpoint 0.43, M 5.7670637152990087, p 6.0463085757057253e-07.
  std::vector<double> t, x;
  std::vector<int> e;
  for (int i = 0; i < 100; ++i) {
    const double v = i / 100.0;
    x.push_back(v);
    t.push_back(v > 0.5 ? 1 + (i % 7) : 20 + (i % 11));
    e.push_back(1);
  }
  const auto ms = maxstat_logrank(t, e, x);
  ASSERT_TRUE(ms.ok);
  EXPECT_NEAR(ms.cutpoint, 0.43, 1e-12);
  EXPECT_EQ(ms.n_high, 56u);
  EXPECT_NEAR(ms.statistic, 5.7670637152990087, 1e-10);
  EXPECT_NEAR(ms.p_value / 6.0463085757057253e-07, 1.0, 1e-8);
}

}  // namespace
}  // namespace lscmir::stats
