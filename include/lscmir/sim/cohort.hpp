// SPDX-License-Identifier: GPL-3.0-or-later
// Virtual cohorts: many patients per arm and age group, their summary read-outs, Kaplan-Meier
// curves, dose-response grids and the calibration of the age-group hyper-parameters.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "lscmir/core/progress.hpp"
#include "lscmir/sim/model.hpp"

namespace lscmir::sim {

/// Outcomes of `n` patients of `group` in `arm` (index order; any thread count gives the same).
/// Threads: patients in parallel, each with its own streams. Every arm uses the same patient and
/// dynamics streams (common random numbers). `progress` (optional) counts patients.
std::vector<Outcome> run_cohort(const ModelParams& p, const Arm& arm, AgeGroup group,
                                std::size_t n, double horizon_days, std::uint64_t seed, int threads,
                                core::Progress* progress = nullptr);

/// A proportion with its Wilson 95% interval.
struct Proportion {
  double estimate = 0, lower = 0, upper = 0;
};
Proportion wilson(std::size_t successes, std::size_t n);

/// Summary read-outs of one cohort. Fractions of all patients except `relapse` (of CR patients).
/// OS_5y is NaN when the horizon is shorter than 5 years; median_os_months NaN when not reached.
struct Summary {
  std::size_t n = 0;
  Proportion cr, relapse, os_1y, os_5y, early_death;
  double median_os_months = 0;
  std::size_t deaths_leukemia = 0, deaths_aplasia = 0, deaths_other = 0;
};
Summary summarize(const ModelParams& p, const std::vector<Outcome>& outcomes, double horizon_days);

/// Kaplan-Meier survival (no censoring before the horizon) on the grid 0, step, 2 step, ... horizon
/// (months). Returns (time_months, surv) pairs.
std::vector<std::pair<double, double>> km_grid(const std::vector<Outcome>& outcomes, double horizon_days,
                                               double step_months);

inline constexpr double kDaysPerMonth = 365.25 / 12.0;
inline constexpr double kDaysPerYear = 365.25;

/// One point of a dose-response grid.
struct DosePoint {
  AgeGroup group;
  double lsc_effect, ratio;
  Summary summary;
};
/// 5-year read-outs over a grid of LSC death rates x HSC/LSC ratios (sensitization fixed).
std::vector<DosePoint> dose_response(const ModelParams& p, const std::vector<AgeGroup>& groups,
                                     const std::vector<double>& lsc_effects, const std::vector<double>& ratios,
                                     double sensitize, double mirna_days, std::size_t n, std::uint64_t seed,
                                     int threads, core::Progress* progress = nullptr);

/// Calibration targets (midpoints of the published ranges) and the procedure's settings.
struct CalibrationTargets {
  double cr = 0.70;
  double os5_under60 = 0.35, os5_over60 = 0.15;
  double early_death_under60 = 0.05, early_death_over60 = 0.12;
  std::size_t patients = 3000;     ///< per evaluation (common random numbers)
  int max_evaluations = 80;        ///< per age group
  std::size_t check_patients = 20000;  ///< independent check run after fitting
};

/// One line of the calibration record.
struct CalibrationStep {
  AgeGroup group;
  int evaluation;
  GroupParams params;
  double cr, os5, early_death, loss;
};

struct CalibrationResult {
  ModelParams params;                 ///< input params with the fitted group hyper-parameters
  std::vector<CalibrationStep> trace;
  std::array<Summary, 2> check;       ///< independent-seed check of the fitted params, per group
};

/// Fits, per age group, the mean and sd of the logit LSC resistance and the aplasia hazard so
/// the standard arm hits the targets (Nelder-Mead on a squared, tolerance-scaled loss with common
/// random numbers, then an independent check run). `progress` (optional) is called per evaluation.
CalibrationResult calibrate(const ModelParams& start, const CalibrationTargets& targets, std::uint64_t seed, int threads,
                            const std::function<void(const CalibrationStep&)>& progress = {});

}  // namespace lscmir::sim

namespace lscmir::sim {

/// One row of the one-at-a-time sensitivity analysis: a parameter scaled by (1 - delta) and
/// (1 + delta) in every patient, relapse (of CR patients), CR and 5-year OS of the standard arm,
/// and the elasticity of relapse, (relapse(+) - relapse(-)) / (2 delta relapse(0)).
struct SensitivityRow {
  std::string parameter;
  AgeGroup group;
  double relapse_minus, relapse_base, relapse_plus;
  double os5_minus, os5_base, os5_plus;
  double cr_minus, cr_plus;
  double relapse_elasticity, os5_elasticity;
};
/// Parameters: lsc_self_renewal (aL), lsc_self_renewal_excess (aL - a1), lsc_proliferation, lsc_chemosensitivity (1 - R), blast_proliferation,
/// blast_amplification, hsc_reserve, hsc_self_renewal (a1), hsc_proliferation (p1),
/// drug_intensity. Same patients and streams for every run (common random numbers).
std::vector<SensitivityRow> sensitivity(const ModelParams& p, const std::vector<AgeGroup>& groups, double delta,
                                        std::size_t n, std::uint64_t seed, int threads);

}  // namespace lscmir::sim
