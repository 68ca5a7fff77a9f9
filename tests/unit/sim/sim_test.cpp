// SPDX-License-Identifier: GPL-3.0-or-later
// Acceptance tests of the virtual-patient model (issue 8): positivity, the healthy steady state,
// untreated leukemia, arm agreement without an effect, dose-response direction, the HSC cost,
// reproducibility across thread counts, the exact birth-death step and the parameter file.
#include <cmath>
#include <cstring>

#include <gtest/gtest.h>

#include "../../../src/sim/detail/birth_death.hpp"
#include "lscmir/core/error.hpp"
#include "lscmir/sim/cohort.hpp"
#include "lscmir/sim/model.hpp"

namespace lscmir::sim {
namespace {

constexpr double kFiveYears = 5 * kDaysPerYear;
const std::array<AgeGroup, 2> kGroups{AgeGroup::kUnder60, AgeGroup::kOver60};

Arm mirna_arm(double effect, double ratio, double sensitize = 0.0) {
  Arm a;
  a.name = "mirna";
  a.mirna = {effect, sensitize, ratio, 365.0};
  return a;
}

TEST(SimHealthy, SteadyStateIsStableWithoutLeukemia) {
  const ModelParams p = default_params();
  const auto same = simulate_healthy(p, {1.0, 1.0, 1.0}, 2000.0);
  for (double v : same) EXPECT_NEAR(v, 1.0, 1e-6);
  // Perturbations in every direction return to (1, 1, 1).
  for (const auto& start : {std::array<double, 3>{0.3, 0.2, 0.1}, std::array<double, 3>{1.0, 3.0, 2.5},
                            std::array<double, 3>{0.6, 1.5, 0.5}}) {
    const auto end = simulate_healthy(p, start, 5000.0);
    for (double v : end) EXPECT_NEAR(v, 1.0, 1e-3) << start[0] << "," << start[1] << "," << start[2];
  }
}

TEST(SimPatients, NoNegativeCellNumbers) {
  const ModelParams p = default_params();
  for (const AgeGroup g : kGroups)
    for (const Arm& arm : {Arm{}, mirna_arm(0.1, 1.0, 2.0), mirna_arm(0.05, 0.0)})
      for (std::uint64_t i = 0; i < 40; ++i) {
        std::vector<TrajectoryPoint> tr;
        const Outcome o = simulate_patient(p, draw_patient(p, g, 7, i), arm, kFiveYears, stream_seed(7, 1, 0, i), &tr);
        // The raw integrator output (before any clamping) never goes below zero.
        EXPECT_GE(o.min_value, 0.0) << "patient " << i;
        for (const auto& q : tr) {
          ASSERT_GE(q.hsc, 0.0);
          ASSERT_GE(q.progenitors, 0.0);
          ASSERT_GE(q.anc, 0.0);
          ASSERT_GE(q.lsc, 0.0);
          ASSERT_GE(q.blasts, 0.0);
        }
      }
}

TEST(SimPatients, UntreatedLeukemiaIsAlwaysFatal) {
  const ModelParams p = default_params();
  Arm untreated;
  untreated.name = "untreated";
  untreated.chemotherapy = false;
  for (const AgeGroup g : kGroups) {
    const auto out = run_cohort(p, untreated, g, 400, kFiveYears, 11, 2);
    for (std::size_t i = 0; i < out.size(); ++i) {
      EXPECT_GE(out[i].death_time, 0.0) << age_group_name(g) << " patient " << i << " survived untreated";
      EXPECT_FALSE(out[i].cr);
    }
  }
}

TEST(SimCohorts, ArmsWithoutMirnaEffectAreIdentical) {
  // Common random numbers: the same patients and the same dynamics streams in every arm, so a
  // mirna arm with no effect follows every patient exactly as the standard arm does.
  const ModelParams p = default_params();
  const std::size_t n = 300;
  for (const AgeGroup g : kGroups) {
    const auto a = run_cohort(p, Arm{}, g, n, kFiveYears, 3, 2);
    const auto b = run_cohort(p, mirna_arm(0.0, 1.0), g, n, kFiveYears, 3, 2);
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i) {
      EXPECT_EQ(std::memcmp(&a[i].death_time, &b[i].death_time, sizeof(double)), 0) << age_group_name(g) << " " << i;
      EXPECT_EQ(a[i].cr, b[i].cr) << i;
      EXPECT_EQ(a[i].relapse, b[i].relapse) << i;
      EXPECT_EQ(a[i].cause, b[i].cause) << i;
    }
  }
}

TEST(SimCohorts, FiveYearSurvivalRisesWithLscSpecificEffect) {
  const ModelParams p = default_params();
  const auto points = dose_response(p, {AgeGroup::kUnder60, AgeGroup::kOver60}, {0.0, 0.02, 0.05, 0.1}, {0.0}, 0.0, 365.0,
                                    500, 5, 2);
  ASSERT_EQ(points.size(), 8u);
  for (std::size_t g = 0; g < 2; ++g) {
    for (std::size_t k = 1; k < 4; ++k) {
      const auto& lo = points[g * 4 + k - 1].summary.os_5y;
      const auto& hi = points[g * 4 + k].summary.os_5y;
      EXPECT_GT(hi.estimate, lo.estimate) << "group " << g << " effect step " << k;
    }
    // The whole rise is well beyond Monte Carlo error.
    EXPECT_GT(points[g * 4 + 3].summary.os_5y.lower, points[g * 4].summary.os_5y.upper);
  }
}

TEST(SimCohorts, EarlyDeathsRiseWhenTheEffectHitsHscs) {
  const ModelParams p = default_params();
  const std::size_t n = 400;
  for (const AgeGroup g : kGroups) {
    // Added death 0.1/day and kill x 2 on LSCs; with ratio 1 the HSCs get the same.
    const Summary specific = summarize(p, run_cohort(p, mirna_arm(0.1, 0.0, 1.0), g, n, kFiveYears, 9, 2), kFiveYears);
    const Summary shared = summarize(p, run_cohort(p, mirna_arm(0.1, 1.0, 1.0), g, n, kFiveYears, 9, 2), kFiveYears);
    EXPECT_GT(shared.early_death.estimate, specific.early_death.upper)
        << age_group_name(g) << ": " << shared.early_death.estimate << " vs " << specific.early_death.estimate;
    EXPECT_GT(shared.deaths_aplasia, specific.deaths_aplasia);
  }
}

TEST(SimCohorts, OneAndTwoThreadsGiveIdenticalOutcomes) {
  const ModelParams p = default_params();
  const auto a = run_cohort(p, mirna_arm(0.03, 0.5, 0.5), AgeGroup::kOver60, 300, kFiveYears, 42, 1);
  const auto b = run_cohort(p, mirna_arm(0.03, 0.5, 0.5), AgeGroup::kOver60, 300, kFiveYears, 42, 2);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(std::memcmp(&a[i].death_time, &b[i].death_time, sizeof(double)), 0) << i;
    EXPECT_EQ(a[i].cr, b[i].cr);
    EXPECT_EQ(a[i].relapse_time, b[i].relapse_time);
    EXPECT_EQ(a[i].cause, b[i].cause);
  }
}

TEST(SimBirthDeath, MatchesTheLinearBirthDeathLaw) {
  // From one cell with b = 0.3, d = 0.1 over 10 days: mean e^{(b-d)t}, extinction probability
  // alpha = d (e^{(b-d)t} - 1) / (b e^{(b-d)t} - d).
  detail::Rng rng(123);
  const double b = 0.3, d = 0.1, t = 10.0;
  const int reps = 200000;
  double sum = 0;
  int extinct = 0;
  for (int r = 0; r < reps; ++r) {
    const auto k = detail::birth_death(1, b, d, t, rng);
    sum += static_cast<double>(k);
    extinct += k == 0;
  }
  const double e = std::exp((b - d) * t);
  const double alpha = d * (e - 1) / (b * e - d);
  const double mean = sum / reps;
  // Variance of one lineage: (b + d) / (b - d) * e (e - 1).
  const double sd = std::sqrt((b + d) / (b - d) * e * (e - 1) / reps);
  EXPECT_NEAR(mean, e, 4 * sd);
  EXPECT_NEAR(static_cast<double>(extinct) / reps, alpha, 4 * std::sqrt(alpha * (1 - alpha) / reps));
  // Pure death: survivors are binomial(n, e^{-dt}).
  double surv = 0;
  for (int r = 0; r < 2000; ++r) surv += static_cast<double>(detail::birth_death(1000, 0.0, 0.2, 5.0, rng));
  EXPECT_NEAR(surv / 2000 / 1000, std::exp(-1.0), 0.002);
  EXPECT_EQ(detail::birth_death(0, 1.0, 0.0, 1.0, rng), 0u);
}

TEST(SimParams, DefaultFileRoundTripsAndRejectsUnknownKeys) {
  const ModelParams p = default_params();
  EXPECT_NO_THROW(p.validate());
  const ModelParams q = params_from_json(to_json(p), "roundtrip");
  EXPECT_EQ(to_json(q).dump(), to_json(p).dump());
  EXPECT_THROW(params_from_json(nlohmann::json{{"a_one", 0.8}}, "x.json"), core::InputError);
  EXPECT_THROW(params_from_json(nlohmann::json{{"groups", {{"over70", {}}}}}, "x.json"), core::InputError);
  EXPECT_THROW(params_from_json(nlohmann::json{{"p1", "fast"}}, "x.json"), core::InputError);
  ModelParams bad = p;
  bad.a2 = bad.a1;
  EXPECT_THROW(bad.validate(), core::UsageError);
}

}  // namespace
}  // namespace lscmir::sim
