// SPDX-License-Identifier: GPL-3.0-or-later
// Cohorts, read-outs and dose-response grids.
#include "lscmir/sim/cohort.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "lscmir/core/parallel.hpp"
#include "lscmir/stats/distributions.hpp"

namespace lscmir::sim {

std::vector<Outcome> run_cohort(const ModelParams& p, const Arm& arm, AgeGroup group,
                                std::size_t n, double horizon_days, std::uint64_t seed, int threads, core::Progress* progress) {
  std::vector<Outcome> out(n);
  // Chunks of 64 patients handed out in index order keep both threads busy when the cost per
  // patient varies (cured patients stop early); results are written by index.
  constexpr std::size_t kChunk = 64;
  const std::size_t chunks = (n + kChunk - 1) / kChunk;
  const int t = std::max(1, threads);
  core::parallel_for_chunks(static_cast<std::size_t>(t), t, [&](std::size_t b, std::size_t e) {
    for (std::size_t worker = b; worker < e; ++worker)
      for (std::size_t c = worker; c < chunks; c += static_cast<std::size_t>(t))
        for (std::size_t i = c * kChunk; i < std::min(n, (c + 1) * kChunk); ++i) {
          const Patient pt = draw_patient(p, group, seed, i);
          out[i] = simulate_patient(p, pt, arm, horizon_days, dynamics_seed(seed, group, i));
          core::progress_add(progress);
        }
  });
  return out;
}

Proportion wilson(std::size_t successes, std::size_t n) {
  Proportion r;
  if (n == 0) {
    r.estimate = r.lower = r.upper = std::numeric_limits<double>::quiet_NaN();
    return r;
  }
  const double z = stats::kNormalQuantile975;
  const double nn = static_cast<double>(n);
  const double ph = static_cast<double>(successes) / nn;
  const double den = 1 + z * z / nn;
  const double centre = (ph + z * z / (2 * nn)) / den;
  const double half = z * std::sqrt(ph * (1 - ph) / nn + z * z / (4 * nn * nn)) / den;
  r.estimate = ph;
  r.lower = std::max(0.0, centre - half);
  r.upper = std::min(1.0, centre + half);
  return r;
}

Summary summarize(const ModelParams& p, const std::vector<Outcome>& outcomes, double horizon_days) {
  Summary s;
  s.n = outcomes.size();
  std::size_t cr = 0, relapse = 0, alive1 = 0, alive5 = 0, early = 0;
  std::vector<double> death_times;
  for (const Outcome& o : outcomes) {
    cr += o.cr;
    relapse += o.relapse;
    const bool dead = o.death_time >= 0;
    if (!dead || o.death_time > kDaysPerYear) ++alive1;
    if (!dead || o.death_time > 5 * kDaysPerYear) ++alive5;
    if (dead && o.death_time <= p.early_death_days) ++early;
    if (dead) death_times.push_back(o.death_time);
    if (o.cause == DeathCause::kLeukemia) ++s.deaths_leukemia;
    if (o.cause == DeathCause::kAplasia) ++s.deaths_aplasia;
    if (o.cause == DeathCause::kOther) ++s.deaths_other;
  }
  s.cr = wilson(cr, s.n);
  s.relapse = wilson(relapse, cr);
  s.os_1y = wilson(alive1, s.n);
  s.os_5y = wilson(alive5, s.n);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (horizon_days < kDaysPerYear - 1e-9) s.os_1y.estimate = s.os_1y.lower = s.os_1y.upper = nan;
  if (horizon_days < 5 * kDaysPerYear - 1e-9) s.os_5y.estimate = s.os_5y.lower = s.os_5y.upper = nan;
  s.early_death = wilson(early, s.n);
  // Median OS: the first death time at which at most half the cohort is alive (no censoring
  // before the horizon, so Kaplan-Meier is the empirical survival function).
  std::sort(death_times.begin(), death_times.end());
  s.median_os_months = nan;
  const std::size_t need = (s.n + 1) / 2;  // S(t) <= 0.5  <=>  deaths(<= t) >= n / 2
  if (s.n > 0 && death_times.size() >= need) s.median_os_months = death_times[need - 1] / kDaysPerMonth;
  return s;
}

std::vector<std::pair<double, double>> km_grid(const std::vector<Outcome>& outcomes, double horizon_days,
                                               double step_months) {
  std::vector<double> death_times;
  for (const Outcome& o : outcomes)
    if (o.death_time >= 0) death_times.push_back(o.death_time);
  std::sort(death_times.begin(), death_times.end());
  std::vector<std::pair<double, double>> out;
  const double n = static_cast<double>(outcomes.size());
  const double horizon_months = horizon_days / kDaysPerMonth;
  const auto steps = static_cast<std::size_t>(std::floor(horizon_months / step_months + 1e-9));
  std::size_t dead = 0;
  for (std::size_t k = 0; k <= steps; ++k) {
    const double tm = static_cast<double>(k) * step_months;
    const double td = tm * kDaysPerMonth;
    while (dead < death_times.size() && death_times[dead] <= td + 1e-9) ++dead;
    out.emplace_back(tm, n > 0 ? static_cast<double>(outcomes.size() - dead) / n : std::numeric_limits<double>::quiet_NaN());
  }
  return out;
}

std::vector<DosePoint> dose_response(const ModelParams& p, const std::vector<AgeGroup>& groups,
                                     const std::vector<double>& lsc_effects, const std::vector<double>& ratios,
                                     double sensitize, double mirna_days, std::size_t n, std::uint64_t seed,
                                     int threads, core::Progress* progress) {
  std::vector<DosePoint> out;
  const double horizon = 5 * kDaysPerYear;
  for (const AgeGroup g : groups)
    for (const double ratio : ratios)
      for (const double effect : lsc_effects) {
        Arm arm;
        arm.name = "mirna";
        arm.mirna = {effect, sensitize, ratio, mirna_days};
        // Every grid point uses the same patients and dynamics streams (common random numbers),
        // so differences along the grid are the effect's, not Monte Carlo noise.
        const auto outcomes = run_cohort(p, arm, g, n, horizon, seed, threads, progress);
        out.push_back({g, effect, ratio, summarize(p, outcomes, horizon)});
      }
  return out;
}

}  // namespace lscmir::sim

namespace lscmir::sim {
namespace {

struct Perturbed {
  ModelParams params;
  double scale_lsc_excess = 1, scale_lsc_sr = 1, scale_lsc_p = 1, scale_sens = 1, scale_blast_p = 1, scale_reserve = 1;
};

Summary run_perturbed(const ModelParams& base, const Perturbed& q, AgeGroup group, std::size_t n, std::uint64_t seed,
                      int threads) {
  const double horizon = 5 * kDaysPerYear;
  std::vector<Outcome> out(n);
  const Arm standard;
  core::parallel_for(n, threads, [&](std::size_t i) {
    // Patients are drawn with the base parameters, so a perturbed model constant (e.g. a1) does
    // not move the patient draws that are defined relative to it.
    Patient pt = draw_patient(base, group, seed, i);
    pt.lsc_self_renewal = base.a1 + (pt.lsc_self_renewal - base.a1) * q.scale_lsc_excess;
    pt.lsc_self_renewal = std::min(0.99, pt.lsc_self_renewal * q.scale_lsc_sr);
    pt.lsc_proliferation *= q.scale_lsc_p;
    pt.resistance = std::clamp(1.0 - (1.0 - pt.resistance) * q.scale_sens, 0.0, 1.0);
    pt.blast_proliferation *= q.scale_blast_p;
    pt.hsc_reserve = std::min(1.0, pt.hsc_reserve * q.scale_reserve);
    out[i] = simulate_patient(q.params, pt, standard, horizon, dynamics_seed(seed, group, i));
  });
  return summarize(q.params, out, horizon);
}

}  // namespace

std::vector<SensitivityRow> sensitivity(const ModelParams& p, const std::vector<AgeGroup>& groups, double delta,
                                        std::size_t n, std::uint64_t seed, int threads) {
  const std::vector<std::string> names{"lsc_self_renewal", "lsc_self_renewal_excess", "lsc_proliferation", "lsc_chemosensitivity", "blast_proliferation",
                                       "blast_amplification", "hsc_reserve", "hsc_self_renewal", "hsc_proliferation",
                                       "drug_intensity"};
  auto make = [&](const std::string& name, double f) {
    Perturbed q{p};
    if (name == "lsc_self_renewal") q.scale_lsc_sr = f;
    else if (name == "lsc_self_renewal_excess") q.scale_lsc_excess = f;
    else if (name == "lsc_proliferation") q.scale_lsc_p = f;
    else if (name == "lsc_chemosensitivity") q.scale_sens = f;
    else if (name == "blast_proliferation") q.scale_blast_p = f;
    else if (name == "blast_amplification") q.params.blast_amplification *= f;
    else if (name == "hsc_reserve") q.scale_reserve = f;
    else if (name == "hsc_self_renewal") q.params.a1 = std::min(0.99, p.a1 * f);
    else if (name == "hsc_proliferation") q.params.p1 *= f;
    else if (name == "drug_intensity") {
      q.params.ara_induction *= f;
      q.params.dnr_induction *= f;
      q.params.ara_consolidation *= f;
    }
    return q;
  };
  std::vector<SensitivityRow> rows;
  for (const AgeGroup g : groups) {
    const Summary base = run_perturbed(p, Perturbed{p}, g, n, seed, threads);
    for (const auto& name : names) {
      const Summary lo = run_perturbed(p, make(name, 1 - delta), g, n, seed, threads);
      const Summary hi = run_perturbed(p, make(name, 1 + delta), g, n, seed, threads);
      SensitivityRow r{name, g, lo.relapse.estimate, base.relapse.estimate, hi.relapse.estimate, lo.os_5y.estimate,
                       base.os_5y.estimate, hi.os_5y.estimate, lo.cr.estimate, hi.cr.estimate, 0, 0};
      r.relapse_elasticity = (hi.relapse.estimate - lo.relapse.estimate) / (2 * delta * base.relapse.estimate);
      r.os5_elasticity = (hi.os_5y.estimate - lo.os_5y.estimate) / (2 * delta * base.os_5y.estimate);
      rows.push_back(r);
    }
  }
  return rows;
}

}  // namespace lscmir::sim
