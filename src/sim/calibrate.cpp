// SPDX-License-Identifier: GPL-3.0-or-later
// Calibration of the age-group hyper-parameters against published outcomes of 7+3.
//
// Per age group three hyper-parameters are fitted: the mean and the spread of the logit LSC
// resistance (together they set CR and cure) and the death hazard per neutropenic day (early
// deaths). The HSC reserve by age group is an input, not fitted. The loss is the squared distance to the targets in units of a tolerance (CR 0.05, 5-year
// OS 0.025, early death 0.02), evaluated on a fixed cohort with fixed streams (common random
// numbers), so it is a deterministic function that Nelder-Mead can minimise. The fitted values are
// then checked on an independent seed with a larger cohort.
#include <algorithm>
#include <array>
#include <cmath>

#include "lscmir/sim/cohort.hpp"

namespace lscmir::sim {
namespace {

using Point = std::array<double, 3>;

GroupParams apply(GroupParams g, const Point& x) {
  g.resistance_logit_mean = x[0];
  g.resistance_logit_sd = std::exp(x[1]);
  g.aplasia_hazard = std::exp(x[2]);
  return g;
}

/// Nelder-Mead (Lagarias et al. 1998 coefficients: reflection 1, expansion 2, contraction 0.5,
/// shrink 0.5) for a fixed number of evaluations.
template <typename F>
Point nelder_mead(F&& f, Point start, const Point& step, int max_eval) {
  std::array<Point, 4> s;
  std::array<double, 4> v;
  s[0] = start;
  for (std::size_t i = 0; i < 3; ++i) {
    s[i + 1] = start;
    s[i + 1][i] += step[i];
  }
  int evals = 0;
  for (std::size_t i = 0; i < 4; ++i) v[i] = f(s[i]), ++evals;
  while (evals < max_eval) {
    std::array<std::size_t, 4> idx{0, 1, 2, 3};
    std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
    std::array<Point, 4> ss;
    std::array<double, 4> vv;
    for (std::size_t i = 0; i < 4; ++i) ss[i] = s[idx[i]], vv[i] = v[idx[i]];
    s = ss;
    v = vv;
    if (v[3] - v[0] < 1e-6) break;
    Point c{0, 0, 0};
    for (std::size_t i = 0; i < 3; ++i)
      for (std::size_t d = 0; d < 3; ++d) c[d] += s[i][d] / 3.0;
    auto along = [&](double coef) {
      Point p;
      for (std::size_t d = 0; d < 3; ++d) p[d] = c[d] + coef * (s[3][d] - c[d]);
      return p;
    };
    const Point xr = along(-1.0);
    const double fr = f(xr);
    ++evals;
    if (fr < v[0]) {
      const Point xe = along(-2.0);
      const double fe = f(xe);
      ++evals;
      if (fe < fr) s[3] = xe, v[3] = fe;
      else s[3] = xr, v[3] = fr;
    } else if (fr < v[2]) {
      s[3] = xr, v[3] = fr;
    } else {
      const bool outside = fr < v[3];
      const Point xc = along(outside ? -0.5 : 0.5);
      const double fc = f(xc);
      ++evals;
      if (fc < (outside ? fr : v[3])) {
        s[3] = xc, v[3] = fc;
      } else {
        for (std::size_t i = 1; i < 4; ++i) {
          for (std::size_t d = 0; d < 3; ++d) s[i][d] = s[0][d] + 0.5 * (s[i][d] - s[0][d]);
          v[i] = f(s[i]);
          ++evals;
        }
      }
    }
  }
  const auto best = std::min_element(v.begin(), v.end()) - v.begin();
  return s[static_cast<std::size_t>(best)];
}

}  // namespace

CalibrationResult calibrate(const ModelParams& start, const CalibrationTargets& targets, std::uint64_t seed, int threads,
                            const std::function<void(const CalibrationStep&)>& progress) {
  CalibrationResult result;
  result.params = start;
  const double horizon = 5 * kDaysPerYear;
  Arm standard;
  for (std::size_t gi = 0; gi < 2; ++gi) {
    const auto group = static_cast<AgeGroup>(gi);
    const double os_target = gi == 0 ? targets.os5_under60 : targets.os5_over60;
    const double ed_target = gi == 0 ? targets.early_death_under60 : targets.early_death_over60;
    int evaluation = 0;
    auto loss = [&](const Point& x) {
      ModelParams p = result.params;
      p.groups[gi] = apply(p.groups[gi], x);
      const Summary s = summarize(p, run_cohort(p, standard, group, targets.patients, horizon, seed, threads), horizon);
      const double l = std::pow((s.cr.estimate - targets.cr) / 0.05, 2) + std::pow((s.os_5y.estimate - os_target) / 0.025, 2) +
                       std::pow((s.early_death.estimate - ed_target) / 0.02, 2);
      CalibrationStep step{group, ++evaluation, p.groups[gi], s.cr.estimate, s.os_5y.estimate, s.early_death.estimate, l};
      result.trace.push_back(step);
      if (progress) progress(step);
      return l;
    };
    const GroupParams& g0 = result.params.groups[gi];
    const Point x0{g0.resistance_logit_mean, std::log(g0.resistance_logit_sd), std::log(g0.aplasia_hazard)};
    const Point best = nelder_mead(loss, x0, {0.5, 0.3, 0.5}, targets.max_evaluations);
    result.params.groups[gi] = apply(result.params.groups[gi], best);
  }
  const std::uint64_t check_seed = seed ^ 0x9e3779b97f4a7c15ULL;
  for (std::size_t gi = 0; gi < 2; ++gi) {
    const auto group = static_cast<AgeGroup>(gi);
    result.check[gi] = summarize(
        result.params, run_cohort(result.params, standard, group, targets.check_patients, horizon, check_seed, threads),
        horizon);
  }
  return result;
}

}  // namespace lscmir::sim
