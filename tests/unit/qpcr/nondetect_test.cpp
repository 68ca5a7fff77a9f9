// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/qpcr/nondetect.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <gtest/gtest.h>

namespace lscmir::qpcr {
namespace {

// 6 assays x 12 samples (6 "A", 6 "B"); assay Ct rises with the assay index, B is 2 cycles higher.
CtMatrix make_matrix(double cut) {
  CtMatrix m;
  for (int a = 0; a < 6; ++a) m.assays.push_back("a" + std::to_string(a));
  for (int s = 0; s < 12; ++s) m.samples.push_back("s" + std::to_string(s));
  const std::size_t n = 72;
  m.ct.assign(n, std::nan(""));
  m.sd.assign(n, std::nan(""));
  m.wells.assign(n, 1);
  m.detected_wells.assign(n, 0);
  m.state.assign(n, CallState::kUndetected);
  for (std::size_t s = 0; s < 12; ++s)
    for (std::size_t a = 0; a < 6; ++a) {
      const double z = 28.0 + 1.5 * static_cast<double>(a) + (s >= 6 ? 2.0 : 0.0) + 0.3 * std::sin(1.7 * static_cast<double>(s * 6 + a));
      if (z <= cut || a == 0) {
        m.ct[m.at(a, s)] = z;
        m.state[m.at(a, s)] = CallState::kDetected;
        m.detected_wells[m.at(a, s)] = 1;
      }
    }
  return m;
}

Eigen::MatrixXd design() {
  Eigen::MatrixXd x(12, 2);
  for (int s = 0; s < 12; ++s) {
    x(s, 0) = 1;
    x(s, 1) = s >= 6 ? 1 : 0;
  }
  return x;
}

TEST(Nondetect, ImputesEveryNonDetectAboveTheDetectedCtOfItsGroup) {
  const CtMatrix m = make_matrix(34.0);
  const std::vector<double> offset(12, 0.0);
  NondetectOptions o;
  o.max_iter = 25;
  const NondetectFit f = fit_nondetects(m, design(), std::vector<FactorTerm>{{{1}, false}}, offset, 40.0, o);
  EXPECT_GT(f.slope, 0.0);
  int imputed = 0;
  for (std::size_t a = 0; a < 6; ++a)
    for (std::size_t s = 0; s < 12; ++s) {
      const std::size_t i = m.at(a, s);
      if (m.state[i] != CallState::kUndetected) {
        EXPECT_TRUE(std::isnan(f.imputed[i]));
        continue;
      }
      ++imputed;
      ASSERT_TRUE(std::isfinite(f.imputed[i]));
      for (std::size_t t = s >= 6 ? 6 : 0; t < (s >= 6 ? 12u : 6u); ++t)
        if (m.state[m.at(a, t)] == CallState::kDetected) EXPECT_GT(f.imputed[i], m.ct[m.at(a, t)] - 0.5);
    }
  EXPECT_GT(imputed, 5);
  // deterministic
  const NondetectFit g = fit_nondetects(m, design(), std::vector<FactorTerm>{{{1}, false}}, offset, 40.0, o);
  for (std::size_t i = 0; i < f.imputed.size(); ++i)
    if (!std::isnan(f.imputed[i])) EXPECT_EQ(f.imputed[i], g.imputed[i]);
  EXPECT_EQ(f.slope, g.slope);
}

TEST(Nondetect, NothingToImputeLeavesEveryCellAlone) {
  const CtMatrix m = make_matrix(100.0);
  const NondetectFit f = fit_nondetects(m, design(), std::vector<FactorTerm>{{{1}, false}}, std::vector<double>(12, 0.0), 40.0);
  for (double v : f.imputed) EXPECT_TRUE(std::isnan(v));
  EXPECT_TRUE(f.converged);
}

// Without parameter draws the draws of em-multiple come from Ct | Undetermined at the fit: their
// mean and SD are those of N(mu, sigma^2) x P(Undetermined | Ct), integrated here on a fine grid.
TEST(Nondetect, DrawsAverageToTheConditionalExpectation) {
  const CtMatrix m = make_matrix(34.0);
  NondetectOptions o;
  o.max_iter = 25;  // the toy arrays are nearly separable: the curve steepens without end
  const NondetectFit f = fit_nondetects(m, design(), std::vector<FactorTerm>{{{1}, false}}, std::vector<double>(12, 0.0), 40.0, o);
  const int n = 4000;
  const auto d = draw_nondetects(m, f, n, 7, false);
  const auto e = draw_nondetects(m, f, n, 7, false);
  const auto other = draw_nondetects(m, f, 2, 8, false);
  ASSERT_EQ(d.size(), static_cast<std::size_t>(n));
  int cells = 0;
  for (std::size_t i = 0; i < m.state.size(); ++i) {
    if (m.state[i] != CallState::kUndetected) {
      EXPECT_TRUE(std::isnan(d[0][i]));
      continue;
    }
    ++cells;
    double s1 = 0, s2 = 0;
    for (int k = 0; k < n; ++k) {
      ASSERT_TRUE(std::isfinite(d[static_cast<std::size_t>(k)][i]));
      EXPECT_EQ(d[static_cast<std::size_t>(k)][i], e[static_cast<std::size_t>(k)][i]);
      s1 += d[static_cast<std::size_t>(k)][i];
      s2 += d[static_cast<std::size_t>(k)][i] * d[static_cast<std::size_t>(k)][i];
    }
    const double mean = s1 / n, sd = std::sqrt(s2 / n - mean * mean);
    const double sigma = f.sigma[i % m.n_assays()], mu = f.mu[i];
    double w0 = 0, w1 = 0, w2 = 0;
    for (int j = -200000; j <= 200000; ++j) {
      const double z = mu + sigma * j * 5e-5;
      const double w = std::exp(-0.5 * (z - mu) * (z - mu) / (sigma * sigma)) / (1 + std::exp(-(f.intercept + f.slope * z)));
      w0 += w;
      w1 += w * z;
      w2 += w * z * z;
    }
    const double e1 = w1 / w0, sd_true = std::sqrt(w2 / w0 - e1 * e1);
    EXPECT_NEAR(mean, e1, 5.0 * sd_true / std::sqrt(static_cast<double>(n))) << i;
    EXPECT_NEAR(sd, sd_true, 0.1 * sd_true) << i;
    EXPECT_LE(sd_true, sigma);
    EXPECT_NE(other[0][i], d[0][i]);
  }
  EXPECT_GT(cells, 5);
}

// With parameter draws (proper imputation, the default) every draw first draws sigma, the
// assay's coefficients and the curve from their approximate posterior, so the draws of every
// cell spread more than at the fixed fit; still deterministic per seed. (The centre moves too on
// these nearly separable toy arrays, whose steep curve is poorly determined.)
TEST(Nondetect, ParameterDrawsWidenTheDraws) {
  const CtMatrix m = make_matrix(34.0);
  NondetectOptions o;
  o.max_iter = 25;
  const NondetectFit f = fit_nondetects(m, design(), std::vector<FactorTerm>{{{1}, false}}, std::vector<double>(12, 0.0), 40.0, o);
  ASSERT_FALSE(f.assay_draws.empty());
  EXPECT_GT(f.sigma_df, 0);
  const int n = 300;
  const auto fixed = draw_nondetects(m, f, n, 7, false);
  const auto proper = draw_nondetects(m, f, n, 7);
  const auto again = draw_nondetects(m, f, 3, 7);
  int cells = 0, wider = 0;
  double min_ratio = 1e9;
  for (std::size_t i = 0; i < m.state.size(); ++i) {
    if (m.state[i] != CallState::kUndetected) continue;
    ++cells;
    double s1 = 0, s2 = 0, p1 = 0, p2 = 0;
    for (int k = 0; k < n; ++k) {
      const double a = fixed[static_cast<std::size_t>(k)][i], b = proper[static_cast<std::size_t>(k)][i];
      ASSERT_TRUE(std::isfinite(b));
      s1 += a;
      s2 += a * a;
      p1 += b;
      p2 += b * b;
    }
    const double sd_fixed = std::sqrt(s2 / n - (s1 / n) * (s1 / n)), sd_proper = std::sqrt(p2 / n - (p1 / n) * (p1 / n));
    EXPECT_GE(sd_proper, sd_fixed) << i;
    wider += sd_proper > 1.02 * sd_fixed;
    min_ratio = std::min(min_ratio, sd_proper / sd_fixed);
    for (int k = 0; k < 3; ++k) EXPECT_EQ(again[static_cast<std::size_t>(k)][i], proper[static_cast<std::size_t>(k)][i]);
  }
  EXPECT_GT(cells, 5);
  // never narrower, and clearly wider (by more than Monte Carlo noise) in nine cells of ten
  EXPECT_GE(10 * wider, 9 * cells) << "smallest SD ratio " << min_ratio;
  std::printf("parameter draws: smallest SD ratio over %d cells %.3g\n", cells, min_ratio);
}

// 30 assays x 10 patients x 2 populations, residual SD 0.5, per assay and patient an effect of SD
// `patient_sd`, a well Undetermined with probability logistic(2 (Ct - 33)). The random patient term's SD is estimated from the
// data: near the planted SD, and near 0 when there are no patient effects.
CtMatrix patient_matrix(double patient_sd, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto normal = [&rng] {
    const double u1 = (static_cast<double>(rng() >> 11) + 0.5) * 0x1.0p-53, u2 = static_cast<double>(rng() >> 11) * 0x1.0p-53;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * 3.141592653589793 * u2);
  };
  CtMatrix m;
  const std::size_t na = 30, ns = 20;
  for (std::size_t a = 0; a < na; ++a) m.assays.push_back("a" + std::to_string(a));
  for (std::size_t s = 0; s < ns; ++s) m.samples.push_back("s" + std::to_string(s));
  m.ct.assign(na * ns, std::nan(""));
  m.sd.assign(na * ns, std::nan(""));
  m.wells.assign(na * ns, 1);
  m.detected_wells.assign(na * ns, 0);
  m.state.assign(na * ns, CallState::kUndetected);
  for (std::size_t a = 0; a < na; ++a) {
    std::vector<double> patient(10);
    for (double& p : patient) p = patient_sd * normal();
    for (std::size_t s = 0; s < ns; ++s) {
      const double z = 26.0 + 0.25 * static_cast<double>(a) + (s % 2 == 1 ? 1.5 : 0.0) + patient[s / 2] + 0.5 * normal();
      const double u = static_cast<double>(rng() >> 11) * 0x1.0p-53;
      if (u >= 1.0 / (1.0 + std::exp(-2.0 * (z - 33.0)))) {  // Undetermined with P = logistic(2 (z - 33))
        m.ct[m.at(a, s)] = z;
        m.state[m.at(a, s)] = CallState::kDetected;
        m.detected_wells[m.at(a, s)] = 1;
      }
    }
  }
  return m;
}

TEST(Nondetect, RandomPatientEffectsGetTheirSdFromTheData) {
  // design ~ population + patient: intercept, population (odd samples), 9 patient columns
  Eigen::MatrixXd x = Eigen::MatrixXd::Zero(20, 11);
  std::vector<FactorTerm> terms{{{1}, false}, {{}, true}};
  for (Eigen::Index c = 2; c < 11; ++c) terms[1].columns.push_back(c);
  for (Eigen::Index s = 0; s < 20; ++s) {
    x(s, 0) = 1;
    x(s, 1) = s % 2;
    if (s / 2 > 0) x(s, 1 + s / 2) = 1;
  }
  const std::vector<double> offset(20, 0.0);
  NondetectOptions o;
  o.max_iter = 200;  // the SD reaches its neighbourhood fast; the last digits of a vanishing SD crawl
  o.tol = 1e-6;
  for (const double planted : {1.0, 0.0}) {
    const CtMatrix m = patient_matrix(planted, 11);
    int und = 0;
    for (auto st : m.state) und += st == CallState::kUndetected;
    ASSERT_GT(und, 30);
    const NondetectFit f = fit_nondetects(m, x, terms, offset, 40.0, o);
    ASSERT_EQ(f.term_sd.size(), 2u);
    EXPECT_EQ(f.term_sd[0], NondetectOptions{}.effect_prior_sd);
    EXPECT_GT(f.iterations, 1);
    EXPECT_NEAR(f.sigma[0], 0.5, 0.1) << planted;
    if (planted > 0) EXPECT_NEAR(f.term_sd[1], planted, 0.2);
    else EXPECT_LT(f.term_sd[1], 0.15);
    std::printf("planted patient SD %.1f: estimated %.3f, sigma %.3f, %d non-detects, %d iterations%s\n", planted, f.term_sd[1], f.sigma[0], und, f.iterations,
                f.converged ? "" : " (not converged)");
  }
}

}  // namespace
}  // namespace lscmir::qpcr
