// SPDX-License-Identifier: GPL-3.0-or-later
// Virtual-patient model of healthy and leukemic hematopoiesis under 7+3 chemotherapy and miRNA
// modulation, after Stiehl & Marciniak-Czochra (multi-compartment lineages whose self-renewal
// fractions are regulated by a feedback signal from mature cells, with marrow crowding).
// docs/simulation.md gives the equations and the parameter table with sources.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace lscmir::sim {

/// Age groups of the virtual cohorts (index into ModelParams::groups).
enum class AgeGroup { kUnder60 = 0, kOver60 = 1 };
const char* age_group_name(AgeGroup g);

/// Hyper-parameters that differ by age group (the calibrated ones are marked in the docs).
struct GroupParams {
  double resistance_logit_mean = 0.0;  ///< LSC resistance R = logistic(N(mean, sd)); kill x (1 - R)
  double resistance_logit_sd = 1.0;
  double hsc_reserve_median = 1.0;     ///< HSC compartment at diagnosis, units of the healthy steady state
  double hsc_reserve_sdlog = 0.3;
  double aplasia_hazard = 0.005;       ///< death hazard per day with ANC < 0.5e9/L
  double other_mortality = 0.003;      ///< death hazard per year from other causes
};

/// Every model constant and population hyper-parameter. Units: days; healthy compartments in units
/// of their healthy steady state; leukemic compartments in cells.
struct ModelParams {
  std::string version = "v1";
  // Healthy lineage: HSC (c1) -> progenitors (c2) -> neutrophils (c3).
  double a1 = 0.85, p1 = 0.01;  ///< HSC self-renewal fraction (max) and proliferation rate (1/day)
  double a2 = 0.55, p2 = 0.8;   ///< progenitor self-renewal (max) and proliferation
  double d3 = 2.0;              ///< neutrophil clearance (1/day)
  double healthy_marrow = 4e11; ///< marrow cells represented by c2 = 1
  double marrow_capacity = 1e12;
  double crowding_rate = 1.0;   ///< death rate per unit of marrow excess over capacity (1/day)
  // Leukemic lineage: LSC (l1) -> blasts (l2); per-patient draws.
  double lsc_self_renewal_excess_median = 0.07;  ///< a_L1 = a1 + excess (capped at 0.99)
  double lsc_self_renewal_excess_sdlog = 0.25;
  double lsc_proliferation_median = 0.15, lsc_proliferation_sdlog = 0.2;
  double blast_amplification = 1e4;  ///< blasts per differentiating LSC offspring (transit divisions)
  double blast_self_renewal = 0.45;
  double blast_proliferation_median = 0.5, blast_proliferation_sdlog = 0.25;
  double blast_death = 0.05;
  double diagnosis_blast_min = 0.3, diagnosis_blast_max = 0.9;  ///< marrow blast fraction at diagnosis
  // Treatment: kill rate = intensity x proliferation rate of the compartment.
  double ara_induction = 12.0;  ///< cytarabine days 1-7
  int ara_induction_days = 7;
  double dnr_induction = 12.0;  ///< daunorubicin days 1-3
  int dnr_induction_days = 3;
  double ara_consolidation = 12.0;
  int consolidation_days = 5;
  int consolidation_cycles = 3;
  double consolidation_interval = 28.0;  ///< minimal days between cycle starts
  // Read-outs.
  double cr_assessment_day = 28.0, cr_assessment_last = 60.0;
  double blast_threshold = 0.05;       ///< CR below, relapse at or above
  double anc_normal = 4.0;             ///< ANC (1e9/L) when c3 = 1
  double anc_neutropenia = 0.5, anc_recovery = 1.0;
  double aplasia_max_days = 42.0;      ///< an uninterrupted neutropenia this long is fatal
  double lethal_burden = 1e12;         ///< leukemic cells
  double early_death_days = 60.0;
  double stochastic_threshold = 1e5;   ///< LSC count below which the compartment is stochastic
  double ode_abs_tol = 1e-7, ode_rel_tol = 1e-2;  ///< Rosenbrock error control
  std::array<GroupParams, 2> groups{};

  /// Healthy steady-state feedback signal s* = 1 / (2 a1).
  double steady_signal() const { return 0.5 / a1; }
  /// Throws core::UsageError when a value is outside its domain (names the field).
  void validate() const;
};

nlohmann::json to_json(const ModelParams& p);
/// Reads the fields present in `j` over the defaults; unknown keys are errors.
/// @throws core::InputError(source, 0, ...) naming the bad key or value.
ModelParams params_from_json(const nlohmann::json& j, const std::string& source);
/// The committed, calibrated parameter file (data/simulate/params_v1.json, compiled in).
ModelParams default_params();
const char* default_params_text();

/// miRNA modulation of one arm.
struct MirnaEffect {
  double lsc_death = 0.0;      ///< added LSC death rate (1/day)
  double sensitize = 0.0;      ///< LSC kill rate x (1 + sensitize)
  double hsc_lsc_ratio = 0.0;  ///< HSC share of both effects (expression ratio HSC / LSC)
  double days = 365.0;         ///< duration from the start of induction
};

/// One arm: treated with 7+3 (+ consolidation) or untreated, with or without miRNA modulation.
struct Arm {
  std::string name = "standard";
  bool chemotherapy = true;
  MirnaEffect mirna;
};

/// Per-patient draws.
struct Patient {
  AgeGroup group = AgeGroup::kUnder60;
  double resistance = 0;        ///< R in (0, 1)
  double hsc_reserve = 1;       ///< c1 at diagnosis
  double lsc_self_renewal = 0;  ///< a_L1
  double lsc_proliferation = 0, blast_proliferation = 0;
  double blast_fraction = 0;    ///< at diagnosis
};

enum class DeathCause { kNone = 0, kLeukemia, kAplasia, kOther };
const char* death_cause_name(DeathCause c);

/// Clinical read-outs of one virtual patient (times in days from the start of induction).
struct Outcome {
  bool cr = false;
  double cr_time = -1;
  bool relapse = false;
  double relapse_time = -1;
  DeathCause cause = DeathCause::kNone;
  double death_time = -1;       ///< -1 = alive at the horizon
  bool lsc_extinct = false;     ///< LSC compartment reached 0
  double min_value = 0;         ///< smallest compartment value ever seen (sanity: >= 0)
  int consolidation_cycles = 0;
};

/// One sampled point of a trajectory.
struct TrajectoryPoint {
  double time, hsc, progenitors, anc, lsc, blasts, blast_fraction;
};

/// Stream seeds: a patient's draws come from (seed, group, index), its dynamics from
/// (seed, group, index) as well (`dynamics_seed`), the same in every arm: common random numbers,
/// so arms that do not differ write identical outcomes, and any thread count gives the same result.
std::uint64_t stream_seed(std::uint64_t seed, std::uint64_t a, std::uint64_t b, std::uint64_t c);
/// The dynamics stream of patient `index` of `group`, shared by every arm.
std::uint64_t dynamics_seed(std::uint64_t seed, AgeGroup group, std::uint64_t index);

/// Draws patient `index` of `group`.
Patient draw_patient(const ModelParams& p, AgeGroup group, std::uint64_t seed, std::uint64_t index);

/// Simulates one patient over `horizon_days`; `trajectory` (optional) receives every macro step.
Outcome simulate_patient(const ModelParams& p, const Patient& patient, const Arm& arm, double horizon_days,
                         std::uint64_t dynamics_seed, std::vector<TrajectoryPoint>* trajectory = nullptr);

/// Integrates the healthy lineage alone (no leukemia, no treatment) from (c1, c2, c3) for `days`;
/// returns the final state. Used to check the steady state.
std::array<double, 3> simulate_healthy(const ModelParams& p, std::array<double, 3> start, double days);

}  // namespace lscmir::sim
