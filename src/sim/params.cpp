// SPDX-License-Identifier: GPL-3.0-or-later
// The parameter file: JSON with every model constant and the per-age-group hyper-parameters.
#include <cmath>
#include <functional>
#include <map>
#include <string>

#include "lscmir/core/error.hpp"
#include "lscmir/sim/model.hpp"

namespace lscmir::sim {
namespace {

// Field tables: one place names every JSON key of ModelParams and GroupParams.
template <typename T>
using Fields = std::map<std::string, std::function<double&(T&)>>;

const Fields<ModelParams>& model_fields() {
  static const Fields<ModelParams> f = {
      {"a1", [](ModelParams& p) -> double& { return p.a1; }},
      {"p1", [](ModelParams& p) -> double& { return p.p1; }},
      {"a2", [](ModelParams& p) -> double& { return p.a2; }},
      {"p2", [](ModelParams& p) -> double& { return p.p2; }},
      {"d3", [](ModelParams& p) -> double& { return p.d3; }},
      {"healthy_marrow", [](ModelParams& p) -> double& { return p.healthy_marrow; }},
      {"marrow_capacity", [](ModelParams& p) -> double& { return p.marrow_capacity; }},
      {"crowding_rate", [](ModelParams& p) -> double& { return p.crowding_rate; }},
      {"lsc_self_renewal_excess_median", [](ModelParams& p) -> double& { return p.lsc_self_renewal_excess_median; }},
      {"lsc_self_renewal_excess_sdlog", [](ModelParams& p) -> double& { return p.lsc_self_renewal_excess_sdlog; }},
      {"lsc_proliferation_median", [](ModelParams& p) -> double& { return p.lsc_proliferation_median; }},
      {"lsc_proliferation_sdlog", [](ModelParams& p) -> double& { return p.lsc_proliferation_sdlog; }},
      {"blast_amplification", [](ModelParams& p) -> double& { return p.blast_amplification; }},
      {"blast_self_renewal", [](ModelParams& p) -> double& { return p.blast_self_renewal; }},
      {"blast_proliferation_median", [](ModelParams& p) -> double& { return p.blast_proliferation_median; }},
      {"blast_proliferation_sdlog", [](ModelParams& p) -> double& { return p.blast_proliferation_sdlog; }},
      {"blast_death", [](ModelParams& p) -> double& { return p.blast_death; }},
      {"diagnosis_blast_min", [](ModelParams& p) -> double& { return p.diagnosis_blast_min; }},
      {"diagnosis_blast_max", [](ModelParams& p) -> double& { return p.diagnosis_blast_max; }},
      {"ara_induction", [](ModelParams& p) -> double& { return p.ara_induction; }},
      {"dnr_induction", [](ModelParams& p) -> double& { return p.dnr_induction; }},
      {"ara_consolidation", [](ModelParams& p) -> double& { return p.ara_consolidation; }},
      {"consolidation_interval", [](ModelParams& p) -> double& { return p.consolidation_interval; }},
      {"cr_assessment_day", [](ModelParams& p) -> double& { return p.cr_assessment_day; }},
      {"cr_assessment_last", [](ModelParams& p) -> double& { return p.cr_assessment_last; }},
      {"blast_threshold", [](ModelParams& p) -> double& { return p.blast_threshold; }},
      {"anc_normal", [](ModelParams& p) -> double& { return p.anc_normal; }},
      {"anc_neutropenia", [](ModelParams& p) -> double& { return p.anc_neutropenia; }},
      {"anc_recovery", [](ModelParams& p) -> double& { return p.anc_recovery; }},
      {"aplasia_max_days", [](ModelParams& p) -> double& { return p.aplasia_max_days; }},
      {"lethal_burden", [](ModelParams& p) -> double& { return p.lethal_burden; }},
      {"early_death_days", [](ModelParams& p) -> double& { return p.early_death_days; }},
      {"ode_abs_tol", [](ModelParams& p) -> double& { return p.ode_abs_tol; }},
      {"ode_rel_tol", [](ModelParams& p) -> double& { return p.ode_rel_tol; }},
      {"stochastic_threshold", [](ModelParams& p) -> double& { return p.stochastic_threshold; }},
  };
  return f;
}

const std::map<std::string, std::function<int&(ModelParams&)>>& int_fields() {
  static const std::map<std::string, std::function<int&(ModelParams&)>> f = {
      {"ara_induction_days", [](ModelParams& p) -> int& { return p.ara_induction_days; }},
      {"dnr_induction_days", [](ModelParams& p) -> int& { return p.dnr_induction_days; }},
      {"consolidation_days", [](ModelParams& p) -> int& { return p.consolidation_days; }},
      {"consolidation_cycles", [](ModelParams& p) -> int& { return p.consolidation_cycles; }},
  };
  return f;
}

const Fields<GroupParams>& group_fields() {
  static const Fields<GroupParams> f = {
      {"resistance_logit_mean", [](GroupParams& g) -> double& { return g.resistance_logit_mean; }},
      {"resistance_logit_sd", [](GroupParams& g) -> double& { return g.resistance_logit_sd; }},
      {"hsc_reserve_median", [](GroupParams& g) -> double& { return g.hsc_reserve_median; }},
      {"hsc_reserve_sdlog", [](GroupParams& g) -> double& { return g.hsc_reserve_sdlog; }},
      {"aplasia_hazard", [](GroupParams& g) -> double& { return g.aplasia_hazard; }},
      {"other_mortality", [](GroupParams& g) -> double& { return g.other_mortality; }},
  };
  return f;
}

}  // namespace

void ModelParams::validate() const {
  auto require = [](bool ok, const std::string& what) {
    if (!ok) throw core::UsageError("simulation parameter " + what);
  };
  require(a1 > 0.5 && a1 < 1, "a1 must be in (0.5, 1)");
  require(a2 > 0 && a2 < a1, "a2 must be in (0, a1)");
  require(p1 > 0 && p2 > 0 && d3 > 0, "p1, p2 and d3 must be positive");
  require(healthy_marrow > 0 && marrow_capacity > healthy_marrow, "marrow_capacity must exceed healthy_marrow > 0");
  require(crowding_rate >= 0, "crowding_rate must be >= 0");
  require(lsc_self_renewal_excess_median > 0 && lsc_proliferation_median > 0 && blast_proliferation_median > 0,
          "LSC / blast medians must be positive");
  require(blast_self_renewal >= 0 && blast_self_renewal <= 0.5, "blast_self_renewal must be in [0, 0.5]");
  require(blast_death >= 0, "blast_death must be >= 0");
  require(blast_amplification >= 1, "blast_amplification must be >= 1");
  require(diagnosis_blast_min > 0 && diagnosis_blast_min <= diagnosis_blast_max && diagnosis_blast_max < 1,
          "diagnosis_blast_min/max must satisfy 0 < min <= max < 1");
  require(ara_induction >= 0 && dnr_induction >= 0 && ara_consolidation >= 0, "drug intensities must be >= 0");
  require(ara_induction_days >= 0 && dnr_induction_days >= 0 && consolidation_days >= 0 && consolidation_cycles >= 0,
          "day and cycle counts must be >= 0");
  require(cr_assessment_day > 0 && cr_assessment_last >= cr_assessment_day, "CR assessment days are inconsistent");
  require(blast_threshold > 0 && blast_threshold < 1, "blast_threshold must be in (0, 1)");
  require(anc_normal > 0 && anc_neutropenia > 0 && anc_recovery >= anc_neutropenia, "ANC thresholds are inconsistent");
  require(ode_abs_tol > 0 && ode_rel_tol > 0 && ode_rel_tol < 0.1, "ode_abs_tol > 0 and 0 < ode_rel_tol < 0.1 required");
  require(aplasia_max_days > 0, "aplasia_max_days must be positive");
  require(lethal_burden > 0 && stochastic_threshold >= 1, "lethal_burden > 0 and stochastic_threshold >= 1 required");
  for (const auto& g : groups) {
    require(g.resistance_logit_sd >= 0 && g.hsc_reserve_median > 0 && g.hsc_reserve_sdlog >= 0, "group spreads must be >= 0");
    require(g.aplasia_hazard >= 0 && g.other_mortality >= 0, "group hazards must be >= 0");
  }
}

nlohmann::json to_json(const ModelParams& p) {
  nlohmann::json j = nlohmann::json::object();
  ModelParams copy = p;
  j["version"] = p.version;
  for (const auto& [k, get] : model_fields()) j[k] = get(copy);
  for (const auto& [k, get] : int_fields()) j[k] = get(copy);
  nlohmann::json groups = nlohmann::json::object();
  for (std::size_t i = 0; i < 2; ++i) {
    nlohmann::json g = nlohmann::json::object();
    for (const auto& [k, get] : group_fields()) g[k] = get(copy.groups[i]);
    groups[age_group_name(static_cast<AgeGroup>(i))] = g;
  }
  j["groups"] = groups;
  return j;
}

ModelParams params_from_json(const nlohmann::json& j, const std::string& source) {
  if (!j.is_object()) throw core::InputError(source, 0, "expected a JSON object of simulation parameters");
  ModelParams p;
  auto number = [&](const nlohmann::json& v, const std::string& key) {
    if (!v.is_number()) throw core::InputError(source, 0, "parameter \"" + key + "\" must be a number");
    const double d = v.get<double>();
    if (!std::isfinite(d)) throw core::InputError(source, 0, "parameter \"" + key + "\" must be finite");
    return d;
  };
  for (const auto& [key, value] : j.items()) {
    if (key == "version") {
      if (!value.is_string()) throw core::InputError(source, 0, "\"version\" must be a string");
      p.version = value.get<std::string>();
    } else if (key == "groups") {
      if (!value.is_object()) throw core::InputError(source, 0, "\"groups\" must be an object");
      for (const auto& [gname, gval] : value.items()) {
        std::size_t gi;
        if (gname == "under60") gi = 0;
        else if (gname == "over60") gi = 1;
        else throw core::InputError(source, 0, "unknown age group \"" + gname + "\"", "use under60 and over60");
        if (!gval.is_object()) throw core::InputError(source, 0, "group \"" + gname + "\" must be an object");
        for (const auto& [gk, gv] : gval.items()) {
          const auto it = group_fields().find(gk);
          if (it == group_fields().end()) throw core::InputError(source, 0, "unknown group parameter \"" + gk + "\"");
          it->second(p.groups[gi]) = number(gv, gname + "." + gk);
        }
      }
    } else if (const auto it = model_fields().find(key); it != model_fields().end()) {
      it->second(p) = number(value, key);
    } else if (const auto ii = int_fields().find(key); ii != int_fields().end()) {
      const double d = number(value, key);
      if (d != std::floor(d) || std::fabs(d) > 1e6) throw core::InputError(source, 0, "parameter \"" + key + "\" must be an integer");
      ii->second(p) = static_cast<int>(d);
    } else {
      throw core::InputError(source, 0, "unknown parameter \"" + key + "\"");
    }
  }
  return p;
}

ModelParams default_params() {
  static const ModelParams p = params_from_json(nlohmann::json::parse(default_params_text()), "data/simulate/params_v1.json");
  return p;
}

}  // namespace lscmir::sim
