// SPDX-License-Identifier: GPL-3.0-or-later
// One virtual patient: the hybrid deterministic / stochastic integration of the lineage model.
//
// Time is cut into macro steps (1 day while a drug runs, 2 days during the first 90 days and the
// treatment phase, 7-14 days later). Within a step the large compartments (HSC, progenitors,
// neutrophils, blasts, and the LSCs while they number at least `stochastic_threshold`) follow the
// ODE system of docs/simulation.md, integrated by Boost.Odeint's Rosenbrock (stiff, order 4) stepper
// with step-size control. A small LSC compartment is an integer that changes once per step by an
// exact draw from the linear birth-death transition law (Kendall 1948) with the step's rates, while
// the ODE sees it as constant: extinction (cure) and regrowth (relapse) are chance events.
#include "lscmir/sim/model.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include <boost/numeric/odeint.hpp>

#include "detail/birth_death.hpp"
#include "detail/rng.hpp"
#include "lscmir/core/error.hpp"

namespace lscmir::sim {
namespace {

namespace odeint = boost::numeric::odeint;
using Vec = boost::numeric::ublas::vector<double>;
using Mat = boost::numeric::ublas::matrix<double>;

constexpr double kGiga = 1e9;  // leukemic compartments are integrated in units of 1e9 cells

double normal(detail::Rng& rng) {
  // Box-Muller, own implementation so draws do not depend on the standard library.
  const double u1 = rng.uniform(), u2 = rng.uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}
double logistic(double x) { return 1.0 / (1.0 + std::exp(-x)); }

/// Rates held constant over one macro step.
struct StepRates {
  double kappa = 0;       // summed drug intensity
  double mu_lsc = 0, mu_hsc = 0;
  double kill_hsc = 1, kill_lsc = 1, kill_blast = 1;  // multipliers of the proliferation-proportional kill
};

/// The right-hand side and Jacobian (state: c1, c2, c3, L, B; L and B in 1e9 cells).
struct Model {
  const ModelParams* p;
  double al1, pl1, pl2, al2, amp;
  double k, beta2, beta3, marrow_g, capacity_g;
  StepRates r;
  bool lsc_frozen = false;

  Model(const ModelParams& mp, const Patient& pt)
      : p(&mp), al1(pt.lsc_self_renewal), pl1(pt.lsc_proliferation), pl2(pt.blast_proliferation), al2(mp.blast_self_renewal), amp(mp.blast_amplification) {
    const double s = mp.steady_signal();
    k = 2.0 * mp.a1 - 1.0;                                          // s(c3 = 1) = s*
    beta2 = (1.0 - 2.0 * mp.a2 * s) * mp.p2 / mp.p1;                // c2* = 1 when c1 = 1
    beta3 = mp.d3 / (2.0 * (1.0 - mp.a2 * s) * mp.p2);              // c3* = 1 when c2 = 1
    marrow_g = mp.healthy_marrow / kGiga;
    capacity_g = mp.marrow_capacity / kGiga;
  }
  double signal(double c3) const { return 1.0 / (1.0 + k * std::max(c3, 0.0)); }
  double crowding(double c2, double l, double b) const {
    const double x = marrow_g * c2 + l + b;
    return x > capacity_g ? p->crowding_rate * (x / capacity_g - 1.0) : 0.0;
  }

  void rhs(const Vec& x, Vec& dx) const {
    const ModelParams& m = *p;
    const double c1 = x[0], c2 = x[1], c3 = x[2], l = x[3], b = x[4];
    const double s = signal(c3);
    const double g = crowding(c2, l, b);
    dx[0] = (2 * m.a1 * s - 1) * m.p1 * c1 - (r.kappa * m.p1 * r.kill_hsc + r.mu_hsc + g) * c1;
    dx[1] = beta2 * 2 * (1 - m.a1 * s) * m.p1 * c1 + (2 * m.a2 * s - 1) * m.p2 * c2 - (r.kappa * m.p2 + g) * c2;
    dx[2] = beta3 * 2 * (1 - m.a2 * s) * m.p2 * c2 - m.d3 * c3;
    dx[3] = lsc_frozen ? 0.0 : ((2 * al1 * s - 1) * pl1 - (r.kappa * pl1 * r.kill_lsc + r.mu_lsc + g)) * l;
    dx[4] = 2 * amp * (1 - al1 * s) * pl1 * l + (2 * al2 * s - 1) * pl2 * b - (r.kappa * pl2 * r.kill_blast + m.blast_death + g) * b;
  }

  void jacobian(const Vec& x, Mat& j) const {
    const ModelParams& m = *p;
    const double c1 = x[0], c2 = x[1], c3 = x[2], l = x[3], b = x[4];
    const double s = signal(c3);
    const double ds = c3 > 0 ? -k * s * s : 0.0;
    const double g = crowding(c2, l, b);
    const bool over = g > 0;
    const double gl = over ? m.crowding_rate / capacity_g : 0.0;  // dg/dL = dg/dB
    const double g2 = gl * marrow_g;                             // dg/dc2
    j(0, 0) = (2 * m.a1 * s - 1) * m.p1 - (r.kappa * m.p1 * r.kill_hsc + r.mu_hsc + g);
    j(0, 1) = -c1 * g2;
    j(0, 2) = 2 * m.a1 * m.p1 * c1 * ds;
    j(0, 3) = -c1 * gl;
    j(0, 4) = -c1 * gl;
    j(1, 0) = beta2 * 2 * (1 - m.a1 * s) * m.p1;
    j(1, 1) = (2 * m.a2 * s - 1) * m.p2 - (r.kappa * m.p2 + g) - c2 * g2;
    j(1, 2) = (-beta2 * 2 * m.a1 * m.p1 * c1 + 2 * m.a2 * m.p2 * c2) * ds;
    j(1, 3) = -c2 * gl;
    j(1, 4) = -c2 * gl;
    j(2, 0) = 0;
    j(2, 1) = beta3 * 2 * (1 - m.a2 * s) * m.p2;
    j(2, 2) = -beta3 * 2 * m.a2 * m.p2 * c2 * ds - m.d3;
    j(2, 3) = 0;
    j(2, 4) = 0;
    if (lsc_frozen) {
      for (int c = 0; c < 5; ++c) j(3, c) = 0;
    } else {
      j(3, 0) = 0;
      j(3, 1) = -l * g2;
      j(3, 2) = 2 * al1 * pl1 * l * ds;
      j(3, 3) = (2 * al1 * s - 1) * pl1 - (r.kappa * pl1 * r.kill_lsc + r.mu_lsc + g) - l * gl;
      j(3, 4) = -l * gl;
    }
    j(4, 0) = 0;
    j(4, 1) = -b * g2;
    j(4, 2) = (-2 * amp * al1 * pl1 * l + 2 * al2 * pl2 * b) * ds;
    j(4, 3) = (lsc_frozen ? 0.0 : 2 * amp * (1 - al1 * s) * pl1) - b * gl;
    j(4, 4) = (2 * al2 * s - 1) * pl2 - (r.kappa * pl2 * r.kill_blast + m.blast_death + g) - b * gl;
  }
};

struct Rhs {
  const Model* m;
  void operator()(const Vec& x, Vec& dx, double /*t*/) const { m->rhs(x, dx); }
};
struct Jac {
  const Model* m;
  void operator()(const Vec& x, Mat& j, double /*t*/, Vec& dfdt) const {
    m->jacobian(x, j);
    for (std::size_t i = 0; i < dfdt.size(); ++i) dfdt[i] = 0.0;  // rates are constant within a macro step
  }
};

/// Integrates the model from t0 to t1 with the controlled Rosenbrock stepper; `dt` is carried
/// between calls so each macro step starts from the last accepted step size.
class Integrator {
 public:
  Integrator(double abs_tol, double rel_tol)
      : stepper_(odeint::make_controlled<odeint::rosenbrock4<double>>(abs_tol, rel_tol)) {}
  void run(const Model& model, Vec& x, double t0, double t1) {
    double t = t0;
    auto system = std::make_pair(Rhs{&model}, Jac{&model});
    int guard = 0;
    while (t1 - t > 1e-12 * std::max(1.0, std::fabs(t1))) {
      double step = std::min(dt_, t1 - t);
      const bool truncated = step < dt_;
      const double before = step;
      if (stepper_.try_step(system, x, t, step) == odeint::success) {
        // `step` now holds the proposed next size; keep the untruncated proposal.
        dt_ = truncated && step >= before ? dt_ : step;
      } else {
        dt_ = step;
      }
      if (++guard > 100000) throw core::NumericalError("ODE step size collapsed in the hematopoiesis model");
    }
  }

 private:
  odeint::rosenbrock4_controller<odeint::rosenbrock4<double>> stepper_;
  double dt_ = 0.05;
};

}  // namespace

namespace detail {
// Survivors of n independent lineages are binomial, each surviving lineage has a geometric size
// (Kendall 1948), so the sum is survivors + negative binomial.
std::uint64_t birth_death(std::uint64_t n, double b, double d, double dt, Rng& rng) {
  if (n == 0) return 0;
  double alpha, beta;
  const double diff = b - d;
  if (std::fabs(diff) * dt < 1e-9) {
    alpha = beta = b * dt / (1.0 + b * dt);
  } else {
    const double em1 = std::expm1(diff * dt);
    const double den = b * em1 + diff;
    alpha = d * em1 / den;
    beta = b * em1 / den;
  }
  alpha = std::clamp(alpha, 0.0, 1.0);
  beta = std::clamp(beta, 0.0, 1.0 - 1e-15);
  if (alpha >= 1.0) return 0;
  std::binomial_distribution<std::uint64_t> survive(n, 1.0 - alpha);
  const std::uint64_t k = survive(rng);
  if (k == 0 || beta <= 0) return k;
  std::negative_binomial_distribution<std::uint64_t> extra(k, 1.0 - beta);
  return k + extra(rng);
}
}  // namespace detail

namespace {
using detail::birth_death;

/// Drug courses as [start, end) intervals with an intensity.
struct Course {
  double start, end, intensity;
};

double fraction_below(double a, double b, double threshold) {
  if (a < threshold && b < threshold) return 1.0;
  if (a >= threshold && b >= threshold) return 0.0;
  const double f = (threshold - a) / (b - a);  // crossing point along the step
  return a < threshold ? f : 1.0 - f;
}

}  // namespace

const char* age_group_name(AgeGroup g) { return g == AgeGroup::kUnder60 ? "under60" : "over60"; }

const char* death_cause_name(DeathCause c) {
  switch (c) {
    case DeathCause::kNone: return "alive";
    case DeathCause::kLeukemia: return "leukemia";
    case DeathCause::kAplasia: return "aplasia";
    case DeathCause::kOther: return "other";
  }
  return "?";
}

std::uint64_t stream_seed(std::uint64_t seed, std::uint64_t a, std::uint64_t b, std::uint64_t c) {
  std::uint64_t x = seed;
  std::uint64_t h = detail::splitmix64(x);
  for (const std::uint64_t v : {a, b, c}) {
    x = h ^ (v + 0x632be59bd9b4e019ULL);
    h = detail::splitmix64(x);
  }
  return h;
}

std::uint64_t dynamics_seed(std::uint64_t seed, AgeGroup group, std::uint64_t index) {
  return stream_seed(seed, 0xd1a, static_cast<std::uint64_t>(group), index);
}

Patient draw_patient(const ModelParams& p, AgeGroup group, std::uint64_t seed, std::uint64_t index) {
  detail::Rng rng(stream_seed(seed, 0x5eed, static_cast<std::uint64_t>(group), index));
  const GroupParams& g = p.groups[static_cast<std::size_t>(group)];
  Patient pt;
  pt.group = group;
  pt.resistance = logistic(g.resistance_logit_mean + g.resistance_logit_sd * normal(rng));
  // The HSC pool at diagnosis is at most the healthy steady state; a leukemia at diagnosis is
  // progressive, so its LSC self-renewal exceeds the HSC's by at least half the median excess.
  pt.hsc_reserve = std::min(1.0, g.hsc_reserve_median * std::exp(g.hsc_reserve_sdlog * normal(rng)));
  const double excess = std::max(0.5 * p.lsc_self_renewal_excess_median,
                                 p.lsc_self_renewal_excess_median * std::exp(p.lsc_self_renewal_excess_sdlog * normal(rng)));
  pt.lsc_self_renewal = std::min(p.a1 + excess, 0.99);
  pt.lsc_proliferation = p.lsc_proliferation_median * std::exp(p.lsc_proliferation_sdlog * normal(rng));
  pt.blast_proliferation = p.blast_proliferation_median * std::exp(p.blast_proliferation_sdlog * normal(rng));
  pt.blast_fraction = p.diagnosis_blast_min + (p.diagnosis_blast_max - p.diagnosis_blast_min) * rng.uniform();
  return pt;
}

Outcome simulate_patient(const ModelParams& p, const Patient& pt, const Arm& arm, double horizon, std::uint64_t seed,
                         std::vector<TrajectoryPoint>* trajectory) {
  detail::Rng rng(seed);
  const GroupParams& g = p.groups[static_cast<std::size_t>(pt.group)];
  Model model(p, pt);
  Integrator integrator(p.ode_abs_tol, p.ode_rel_tol);
  Outcome out;

  // Diagnosis: blast fraction f of the marrow, healthy progenitors and neutrophils at (1 - f) of
  // normal, HSC at the patient's reserve, LSC : blast split at the quasi-steady ratio of the
  // signal at diagnosis.
  const double f = pt.blast_fraction;
  Vec x(5);
  x[0] = pt.hsc_reserve;
  x[1] = 1.0 - f;
  x[2] = 1.0 - f;
  {
    const double s = model.signal(x[2]);
    const double ratio = 2 * p.blast_amplification * (1 - pt.lsc_self_renewal * s) * pt.lsc_proliferation /
                         (p.blast_death + std::max(1 - 2 * p.blast_self_renewal * s, 0.0) * pt.blast_proliferation);
    const double leukemic = f * model.marrow_g;  // blast fraction of a marrow of healthy_marrow cells
    x[3] = leukemic / (1 + ratio);
    x[4] = leukemic - x[3];
  }
  bool stochastic = false;
  std::uint64_t lsc_count = 0;
  const double threshold_g = p.stochastic_threshold / kGiga;

  const double aplasia_budget = -std::log(rng.uniform());  // Exp(1) hazard budget
  const double other_death = g.other_mortality > 0 ? -std::log(rng.uniform()) * 365.25 / g.other_mortality
                                                   : std::numeric_limits<double>::infinity();
  double hazard = 0, neutropenic_run = 0;

  std::vector<Course> courses;
  if (arm.chemotherapy) {
    courses.push_back({0.0, static_cast<double>(p.ara_induction_days), p.ara_induction});
    courses.push_back({0.0, static_cast<double>(p.dnr_induction_days), p.dnr_induction});
  }
  bool assessed = !arm.chemotherapy, treatment_done = !arm.chemotherapy;
  double last_cycle_start = 0;
  const double mirna_end = (arm.mirna.lsc_death > 0 || arm.mirna.sensitize > 0) ? arm.mirna.days : 0.0;

  const double anc_scale = p.anc_normal;
  auto blast_fraction = [&](const Vec& v) {
    const double leuk = v[3] + v[4];
    const double all = leuk + model.marrow_g * v[1];
    return all > 0 ? leuk / all : 0.0;
  };
  auto record = [&](double t) {
    if (!trajectory) return;
    trajectory->push_back({t, x[0], x[1], x[2] * anc_scale, x[3] * kGiga, x[4] * kGiga, blast_fraction(x)});
  };
  out.min_value = std::min({x[0], x[1], x[2], x[3], x[4]});
  record(0.0);

  double t = 0;
  while (t < horizon - 1e-9) {
    // Rates of this step.
    double kappa = 0, next_boundary = horizon;
    for (const Course& c : courses) {
      if (c.start <= t + 1e-9 && t < c.end - 1e-9) kappa += c.intensity;
      if (c.start > t + 1e-9) next_boundary = std::min(next_boundary, c.start);
      if (c.end > t + 1e-9) next_boundary = std::min(next_boundary, c.end);
    }
    const bool mirna_on = t < mirna_end - 1e-9;
    if (mirna_on) next_boundary = std::min(next_boundary, mirna_end);
    StepRates& r = model.r;
    r.kappa = kappa;
    r.mu_lsc = mirna_on ? arm.mirna.lsc_death : 0.0;
    r.mu_hsc = mirna_on ? arm.mirna.lsc_death * arm.mirna.hsc_lsc_ratio : 0.0;
    const double sens = mirna_on ? arm.mirna.sensitize : 0.0;
    r.kill_lsc = (1.0 - pt.resistance) * (1.0 + sens);
    r.kill_blast = 1.0 - pt.resistance;
    r.kill_hsc = 1.0 + sens * arm.mirna.hsc_lsc_ratio;

    double dt;
    if (kappa > 0) dt = 4.0;  // one step per constant-intensity stretch of a course (at most 4 days)
    else if (!treatment_done || t < 90) dt = 3.0;
    else dt = stochastic ? 28.0 : 7.0;
    dt = std::min({dt, next_boundary - t, horizon - t});

    // Switch the LSC representation at the start of the step.
    if (!stochastic && x[3] < threshold_g) {
      const double cells = x[3] * kGiga;
      const double fl = std::floor(cells);
      lsc_count = static_cast<std::uint64_t>(fl) + (rng.uniform() < cells - fl ? 1 : 0);
      stochastic = true;
      x[3] = static_cast<double>(lsc_count) / kGiga;
    } else if (stochastic && static_cast<double>(lsc_count) >= 10.0 * p.stochastic_threshold) {
      stochastic = false;
    }
    model.lsc_frozen = stochastic;

    const double s0 = model.signal(x[2]);
    const double g0 = model.crowding(x[1], x[3], x[4]);
    const double c3_before = x[2];
    integrator.run(model, x, t, t + dt);
    out.min_value = std::min({out.min_value, x[0], x[1], x[2], x[3], x[4]});
    for (std::size_t i = 0; i < 5; ++i) x[i] = std::max(x[i], 0.0);

    if (stochastic) {
      const double s = 0.5 * (s0 + model.signal(x[2]));
      const double gc = 0.5 * (g0 + model.crowding(x[1], x[3], x[4]));
      const double q = pt.lsc_self_renewal * s;
      const double birth = pt.lsc_proliferation * q * q;
      const double death = pt.lsc_proliferation * (1 - q) * (1 - q) + kappa * pt.lsc_proliferation * r.kill_lsc + r.mu_lsc + gc;
      lsc_count = birth_death(lsc_count, birth, death, dt, rng);
      x[3] = static_cast<double>(lsc_count) / kGiga;
      if (lsc_count == 0) out.lsc_extinct = true;
    }
    const double below = fraction_below(c3_before * anc_scale, x[2] * anc_scale, p.anc_neutropenia);
    hazard += g.aplasia_hazard * dt * below;
    // Length of the current neutropenic episode (the part of the step below the threshold is at
    // its end when the step ends below it).
    neutropenic_run = x[2] * anc_scale < p.anc_neutropenia ? (below >= 1.0 ? neutropenic_run + dt : below * dt) : 0.0;
    t += dt;
    record(t);

    // Deaths.
    const double bf = blast_fraction(x);
    const double leukemic_cells = (x[3] + x[4]) * kGiga;
    if (other_death <= t) {
      out.cause = DeathCause::kOther;
      out.death_time = other_death;
      break;
    }
    if (leukemic_cells >= p.lethal_burden) {
      out.cause = DeathCause::kLeukemia;
      out.death_time = t;
      break;
    }
    if (hazard >= aplasia_budget || neutropenic_run >= p.aplasia_max_days) {
      // Marrow failure with a leukemic burden of at least 5% of a normal marrow is death from
      // leukemia; otherwise from aplasia (the blast percentage of an empty marrow says nothing).
      out.cause = (x[3] + x[4]) >= p.blast_threshold * model.marrow_g ? DeathCause::kLeukemia : DeathCause::kAplasia;
      out.death_time = t;
      break;
    }

    // Treatment decisions.
    const double anc = x[2] * anc_scale;
    if (!assessed && t >= p.cr_assessment_day - 1e-9 && (anc >= p.anc_recovery || t >= p.cr_assessment_last - 1e-9)) {
      assessed = true;
      if (bf < p.blast_threshold && anc >= p.anc_recovery) {
        out.cr = true;
        out.cr_time = t;
      } else {
        treatment_done = true;  // refractory: no further therapy is modelled
      }
    }
    // Relapse: marrow blasts >= 5% once counts have recovered (blast percentages of an aplastic
    // marrow are not read), or leukemic cells >= 5% of a normal marrow at any time.
    const bool relapse_now = (bf >= p.blast_threshold && anc >= p.anc_recovery) ||
                             (x[3] + x[4]) >= p.blast_threshold * model.marrow_g;
    if (out.cr && !out.relapse && relapse_now) {
      out.relapse = true;
      out.relapse_time = t;
      treatment_done = true;  // salvage therapy is not modelled
    }
    if (out.cr && !treatment_done) {
      if (out.consolidation_cycles < p.consolidation_cycles) {
        const bool first = out.consolidation_cycles == 0;
        if ((first || t >= last_cycle_start + p.consolidation_interval - 1e-9) && anc >= p.anc_recovery) {
          courses.push_back({t, t + p.consolidation_days, p.ara_consolidation});
          last_cycle_start = t;
          ++out.consolidation_cycles;
        }
      } else if (t >= last_cycle_start + p.consolidation_days + 40.0) {
        treatment_done = true;
      }
    }

    // Cure: no LSC, no blast cell left, counts recovered, nothing scheduled: only other-cause death
    // remains possible.
    if (treatment_done && stochastic && lsc_count == 0 && x[4] * kGiga < 1.0 && anc >= p.anc_recovery && !mirna_on &&
        !trajectory) {
      if (other_death < horizon) {
        out.cause = DeathCause::kOther;
        out.death_time = other_death;
      }
      break;
    }
  }
  return out;
}

std::array<double, 3> simulate_healthy(const ModelParams& p, std::array<double, 3> start, double days) {
  Patient pt;
  pt.lsc_self_renewal = p.a1;
  pt.lsc_proliferation = 0;
  pt.blast_proliferation = 0;
  Model model(p, pt);
  model.lsc_frozen = true;
  Integrator integrator(p.ode_abs_tol, p.ode_rel_tol);
  Vec x(5);
  x[0] = start[0];
  x[1] = start[1];
  x[2] = start[2];
  x[3] = 0;
  x[4] = 0;
  integrator.run(model, x, 0.0, days);
  return {x[0], x[1], x[2]};
}

}  // namespace lscmir::sim
