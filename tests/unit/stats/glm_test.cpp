// SPDX-License-Identifier: GPL-3.0-or-later
// Logistic IRLS (stats::logistic_fit): closed-form 2x2 case, score zero at the MLE, separation.
#include "lscmir/stats/glm.hpp"

#include <cmath>
#include <random>

#include <gtest/gtest.h>

namespace lscmir::stats {
namespace {

/// Intercept plus one 0/1 covariate, a successes and b failures at x = 0, c and d at x = 1.
void two_by_two(int a, int b, int c, int d, Eigen::MatrixXd& x, Eigen::VectorXd& y) {
  const int n = a + b + c + d;
  x.resize(n, 2);
  y.resize(n);
  int i = 0;
  auto add = [&](double xv, double yv, int k) {
    for (int j = 0; j < k; ++j, ++i) {
      x(i, 0) = 1;
      x(i, 1) = xv;
      y(i) = yv;
    }
  };
  add(0, 1, a);
  add(0, 0, b);
  add(1, 1, c);
  add(1, 0, d);
}

TEST(LogisticFit, TwoByTwoTableHasTheClosedFormMle) {
  // The MLE of a saturated 2x2 logistic model: log odds of group 0 and the log odds ratio,
  // standard errors sqrt(1/a + 1/b) and sqrt(1/a + 1/b + 1/c + 1/d) (Woolf).
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
  two_by_two(3, 7, 6, 4, x, y);
  const LogisticFit f = logistic_fit(x, y);
  ASSERT_EQ(f.status, FitStatus::kOk);
  EXPECT_NEAR(f.coef(0), std::log(3.0 / 7.0), 1e-8);
  EXPECT_NEAR(f.coef(1), std::log((6.0 / 4.0) / (3.0 / 7.0)), 1e-8);
  EXPECT_NEAR(f.se(0), std::sqrt(1.0 / 3 + 1.0 / 7), 1e-6);
  EXPECT_NEAR(f.se(1), std::sqrt(1.0 / 3 + 1.0 / 7 + 1.0 / 6 + 1.0 / 4), 1e-6);
  // Deviance = -2 log-likelihood of Bernoulli data.
  const double ll = 3 * std::log(0.3) + 7 * std::log(0.7) + 6 * std::log(0.6) + 4 * std::log(0.4);
  EXPECT_NEAR(f.deviance, -2 * ll, 1e-8);
  EXPECT_GT(f.iter, 0);
  EXPECT_LE(f.iter, 25);
}

TEST(LogisticFit, ScoreIsZeroAtTheMle) {
  std::mt19937 rng(11);
  std::normal_distribution<double> z(0, 1);
  std::uniform_real_distribution<double> u(0, 1);
  const int n = 200;
  Eigen::MatrixXd x(n, 3);
  Eigen::VectorXd y(n);
  for (int i = 0; i < n; ++i) {
    x(i, 0) = 1;
    x(i, 1) = z(rng);
    x(i, 2) = z(rng) * 2 + 1;
    const double eta = -0.5 + 0.8 * x(i, 1) - 0.3 * x(i, 2);
    y(i) = u(rng) < 1 / (1 + std::exp(-eta)) ? 1 : 0;
  }
  const LogisticFit f = logistic_fit(x, y);
  ASSERT_EQ(f.status, FitStatus::kOk);
  const Eigen::VectorXd mu = (1.0 + (-(x * f.coef)).array().exp()).inverse();
  const Eigen::VectorXd score = x.transpose() * (y - mu);
  EXPECT_LT(score.cwiseAbs().maxCoeff(), 1e-6) << score.transpose();
  // Standard errors are those of the inverse Fisher information at the MLE.
  const Eigen::VectorXd w = mu.array() * (1 - mu.array());
  const Eigen::MatrixXd info = x.transpose() * w.asDiagonal() * x;
  const Eigen::VectorXd se = info.inverse().diagonal().cwiseSqrt();
  for (int j = 0; j < 3; ++j) EXPECT_NEAR(f.se(j), se(j), 1e-4 * se(j));
  // Deviance is -2 log-likelihood and no other coefficient does better.
  auto deviance = [&](const Eigen::VectorXd& b) {
    double d = 0;
    for (int i = 0; i < n; ++i) {
      const double p = 1 / (1 + std::exp(-x.row(i).dot(b)));
      d -= 2 * (y(i) > 0 ? std::log(p) : std::log(1 - p));
    }
    return d;
  };
  EXPECT_NEAR(f.deviance, deviance(f.coef), 1e-6);
  for (int j = 0; j < 3; ++j) {
    Eigen::VectorXd b = f.coef;
    b(j) += 0.01;
    EXPECT_GT(deviance(b), f.deviance);
    b(j) -= 0.02;
    EXPECT_GT(deviance(b), f.deviance);
  }
}

TEST(LogisticFit, CompleteSeparationIsAStatusNotAnError) {
  Eigen::MatrixXd x(8, 2);
  Eigen::VectorXd y(8);
  for (int i = 0; i < 8; ++i) {
    x(i, 0) = 1;
    x(i, 1) = i;
    y(i) = i >= 4 ? 1 : 0;
  }
  const LogisticFit f = logistic_fit(x, y);
  EXPECT_EQ(f.status, FitStatus::kSeparation);
  EXPECT_LT(f.deviance, 1e-3);  // fitted probabilities run to 0 and 1
}

}  // namespace
}  // namespace lscmir::stats
