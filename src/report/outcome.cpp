// SPDX-License-Identifier: GPL-3.0-or-later
// The report's outcome sections: the cohort (forest plot, Kaplan-Meier panels with log-rank P, HR,
// censoring marks, confidence bands and numbers at risk), pathway enrichment and virtual patients.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

#include <fmt/core.h>

#include "builder.hpp"
#include "lscmir/study/survival.hpp"

namespace lscmir::report::detail {
namespace {

constexpr const char* kHigh = "#c0392b";
constexpr const char* kLow = "#2c7fb8";

/// The time unit: [cohort] time_unit, else a word of the time column's name (OS_months -> months).
std::string time_unit(const json& cohort) {
  std::string unit = cohort.value("time_unit", std::string());
  if (!unit.empty()) return unit;
  std::string name = cohort.value("time", std::string());
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const char* u : {"days", "weeks", "months", "years"}) {
    const std::string singular(u, std::char_traits<char>::length(u) - 1);
    if (name.find(singular) != std::string::npos) return u;
  }
  return "";
}

/// How the Kaplan-Meier groups were made ([cohort] / survival --split), in words.
struct SplitWords {
  std::string high, low, rule;
};
SplitWords split_words(const std::string& split) {
  if (split == "tertile") return {"high (top tertile)", "low (bottom tertile)", "top vs bottom tertile (middle third left out)"};
  if (split == "quartile") return {"high (top quartile)", "low (bottom quartile)", "top vs bottom quartile (middle half left out)"};
  if (split == "maxstat") return {"high (above the cut point)", "low (at or below)", "the maximally selected log-rank cut point"};
  return {"high (above the median)", "low (at or below the median)", "the median"};
}

/// A tidy step for the at-risk grid: 1, 2 or 5 times a power of ten, about a quarter of `span`.
double grid_step(double span) {
  if (!(span > 0)) return 1;
  const double quarter = span / 4, p = std::pow(10.0, std::floor(std::log10(quarter)));
  return p * (quarter >= 5 * p ? 5 : quarter >= 2 * p ? 2 : 1);
}

/// The Kaplan-Meier panel of the table f (km_table's columns) of `feature`; `chart_file` names the
/// chart's download.
void km_panel(Builder& b, const std::string& f, const std::string& feature, const json& cohort, const SplitWords& words, const std::string& unit,
              const std::string& cohort_name, const std::string& chart_file) {
  const io::ResultTable& t = b.table(f);
  const json rows = rows_of(t);
  const study::KmPanelStats st = study::km_panel_stats(t, f);
  const std::string high = fmt::format("{} (n = {})", words.high, pretty(st.n_high)), low = fmt::format("{} (n = {})", words.low, pretty(st.n_low));
  double tmax = 0;
  for (const auto& r : rows) tmax = std::max(tmax, num(r["time"]));
  json curve = json::array(), censor = json::array();
  for (const std::string g : {"high", "low"}) {
    const std::string label = g == "high" ? high : low;
    curve.push_back({{"group", g}, {"curve", label}, {"time", 0}, {"surv", 1}, {"lower", 1}, {"upper", 1}});
    for (const auto& r : rows) {
      if (r["group"] != g) continue;
      json x = {{"group", g}, {"curve", label}, {"time", r["time"]}, {"surv", r["surv"]}, {"lower", r["lower"]}, {"upper", r["upper"]},
                {"n.risk", r["n.risk"]}, {"n.event", r["n.event"]}, {"n.censor", r["n.censor"]}};
      if (num(r["n.censor"]) > 0) censor.push_back(x);
      curve.push_back(std::move(x));
    }
  }
  json risk = json::array();
  const double step = grid_step(tmax);
  for (const std::string g : {"high", "low"})
    for (double at = 0; at <= tmax + 1e-9; at += step) {
      double n = 0;
      for (const auto& r : rows)
        if (r["group"] == g && num(r["time"]) >= at) {
          n = num(r["n.risk"]);
          break;
        }
      risk.push_back({{"group", g}, {"curve", g == "high" ? high : low}, {"time", at}, {"n", n}});
    }
  const std::string p_text = "log-rank P = " + pretty(st.logrank_p, 2);
  const std::string hr_text = std::isnan(st.hr) ? "HR (high vs low) not estimable"
                                                : fmt::format("HR (high vs low) = {} (95% CI {}–{})", pretty(st.hr, 3), pretty(st.hr_lower95, 3),
                                                              pretty(st.hr_upper95, 3));
  const json notes = json::array({{{"time", tmax * 0.02}, {"surv", 0.13}, {"label", p_text}}, {{"time", tmax * 0.02}, {"surv", 0.04}, {"label", hr_text}}});
  const std::string time_title = unit.empty() ? cohort.value("time", std::string("time")) : "time (" + unit + ")";
  const json colour_scale = {{"domain", json::array({high, low})}, {"range", json::array({kHigh, kLow})}};
  // one legend definition on every colour encoding: the views share the scale, and a null legend on
  // one of them would remove the merged legend
  const json legend = {{"title", feature + " expression"}, {"orient", "top-right"}, {"fillColor", "white"}, {"padding", 4},
                       {"labelLimit", 320}, {"symbolOpacity", 1}, {"symbolType", "stroke"}, {"symbolStrokeWidth", 2}};
  const json x = {{"field", "time"}, {"type", "quantitative"}, {"title", time_title}, {"scale", {{"domain", json::array({0, tmax})}, {"nice", false}}}};
  const json y_axis_extent = {{"minExtent", 60}, {"maxExtent", 60}};
  json top = {{"width", 440},
              {"height", 250},
              {"layer",
               json::array({{{"data", {{"values", curve}}},
                             {"mark", {{"type", "area"}, {"interpolate", "step-after"}}},
                             {"encoding",
                              {{"x", x},
                               {"y", {{"field", "lower"}, {"type", "quantitative"}}},
                               {"y2", {{"field", "upper"}}},
                               {"color", {{"field", "curve"}, {"type", "nominal"}, {"scale", colour_scale}, {"legend", legend}}},
                               {"opacity", {{"condition", {{"test", "ci"}, {"value", 0.16}}}, {"value", 0}}}}}},
                            {{"data", {{"values", curve}}},
                             {"mark", {{"type", "line"}, {"interpolate", "step-after"}, {"strokeWidth", 2}}},
                             {"encoding",
                              {{"x", x},
                               {"y", {{"field", "surv"}, {"type", "quantitative"}, {"title", "survival probability"}, {"scale", {{"domain", json::array({0, 1})}}},
                                      {"axis", y_axis_extent}}},
                               {"color", {{"field", "curve"}, {"type", "nominal"}, {"scale", colour_scale}, {"legend", legend}}},
                               {"tooltip", json::array({{{"field", "curve"}}, {{"field", "time"}}, {{"field", "surv"}, {"format", ".3f"}},
                                                        {{"field", "n\\.risk"}, {"title", "at risk"}}})}}}},
                            {{"data", {{"values", censor}}},
                             {"mark", {{"type", "point"}, {"shape", "cross"}, {"filled", true}, {"size", 36}}},
                             {"encoding",
                              {{"x", x},
                               {"y", {{"field", "surv"}, {"type", "quantitative"}}},
                               {"color", {{"field", "curve"}, {"type", "nominal"}, {"scale", colour_scale}, {"legend", legend}}},
                               {"tooltip", json::array({{{"field", "curve"}}, {{"field", "time"}}, {{"field", "n\\.censor"}, {"title", "censored"}}})}}}},
                            {{"data", {{"values", notes}}},
                             {"mark", {{"type", "text"}, {"align", "left"}, {"baseline", "bottom"}, {"fontSize", 12}, {"color", "#1f2933"}}},
                             {"encoding", {{"x", {{"field", "time"}, {"type", "quantitative"}}}, {"y", {{"field", "surv"}, {"type", "quantitative"}}}, {"text", {{"field", "label"}}}}}}})}};
  json table = {{"width", 440},
                {"height", 44},
                {"view", {{"stroke", nullptr}}},
                {"title", {{"text", "Number at risk"}, {"fontSize", 11}, {"anchor", "start"}}},
                {"data", {{"values", risk}}},
                {"mark", {{"type", "text"}, {"fontSize", 11}}},
                {"encoding",
                 {{"x", x},
                  {"y", {{"field", "group"}, {"type", "nominal"}, {"sort", json::array({"high", "low"})},
                         {"axis", {{"title", nullptr}, {"domain", false}, {"ticks", false}, {"offset", 14}, {"minExtent", 46}, {"maxExtent", 46}}}}},
                  {"text", {{"field", "n"}, {"type", "quantitative"}}},
                  {"color", {{"field", "curve"}, {"type", "nominal"}, {"scale", colour_scale}, {"legend", legend}}}}}};
  b.chart("Kaplan-Meier: " + feature + (cohort_name.empty() ? "" : " in " + cohort_name),
          fmt::format("Patients split at {} of {} expression; step curves with + at censorings (tick the box for 95% confidence bands); "
                      "log-rank test and Cox hazard ratio of high vs low (unadjusted); numbers at risk below.",
                      words.rule, feature),
          {{"params", json::array({{{"name", "ci"}, {"value", false}, {"bind", {{"input", "checkbox"}, {"name", "95% confidence bands "}}}}})},
           {"vconcat", json::array({top, table})},
           {"spacing", 6}},
          chart_file);
}

/// With competing risks ([cohort] cause): the cumulative incidence per group and cause of a KM
/// feature (cif_<feature>.tsv, Aalen-Johansen as cmprsk::cuminc) with Gray's P per cause.
void cif_panel(Builder& b, const std::string& f, const std::string& unit, const std::string& cohort_name, int cause_of_interest) {
  const std::string feature = f.substr(4, f.size() - 8);
  json rows = rows_of(b.table(f));
  double tmax = 0;
  json curve = json::array();
  std::set<std::string> started;
  for (auto& r : rows) {
    tmax = std::max(tmax, num(r["time"]));
    const int cause = static_cast<int>(num(r["cause"]));
    const std::string label = text(r["group"]) + ", " + (cause == cause_of_interest ? "cause " + std::to_string(cause) + " (of interest)"
                                                                                       : "cause " + std::to_string(cause) + " (competing)");
    if (started.insert(label).second) curve.push_back({{"curve", label}, {"group", r["group"]}, {"time", 0}, {"est", 0}});
    curve.push_back({{"curve", label}, {"group", r["group"]}, {"time", r["time"]}, {"est", r["est"]}});
  }
  std::string gray_text;
  if (b.has("gray_" + feature + ".tsv"))
    for (const auto& g : rows_of(b.table("gray_" + feature + ".tsv")))
      gray_text += fmt::format("{}cause {}: Gray's P = {}", gray_text.empty() ? "" : "; ", pretty(num(g["cause"])), pretty(num(g["P"]), 2));
  const std::string time_title = unit.empty() ? std::string("time") : "time (" + unit + ")";
  b.chart("Cumulative incidence: " + feature + (cohort_name.empty() ? "" : " in " + cohort_name),
          fmt::format("Aalen-Johansen cumulative incidence of each cause, patients split as the Kaplan-Meier curves of {} (high vs low); "
                      "a competing event is not censored. {}.",
                      feature, gray_text.empty() ? std::string("Gray's test not available (a group is empty)") : gray_text),
          {{"data", {{"values", curve}}},
           {"width", 440},
           {"height", 250},
           {"mark", {{"type", "line"}, {"interpolate", "step-after"}, {"strokeWidth", 2}}},
           {"encoding",
            {{"x", {{"field", "time"}, {"type", "quantitative"}, {"title", time_title}, {"scale", {{"domain", json::array({0, tmax})}, {"nice", false}}}}},
             {"y", {{"field", "est"}, {"type", "quantitative"}, {"title", "cumulative incidence"}, {"scale", {{"domain", json::array({0, 1})}}}}},
             {"color", {{"field", "group"}, {"type", "nominal"}, {"scale", {{"domain", json::array({"high", "low"})}, {"range", json::array({kHigh, kLow})}}},
                        {"title", feature + " expression"}}},
             {"strokeDash", {{"field", "curve"}, {"type", "nominal"}, {"title", "group, cause"}}},
             {"tooltip", json::array({{{"field", "curve"}}, {{"field", "time"}}, {{"field", "est"}, {"format", ".3f"}}})}}}},
          "cif_" + feature);
}

/// The multi-miRNA risk score of the [score] stage: its weights and the Kaplan-Meier curves of its
/// median split, on the cohort it was fitted on.
void score_block(Builder& b, const json& cohort, const std::string& unit, const std::string& cohort_name) {
  if (!b.has("score_weights.tsv")) return;
  const json p = b.parameters("score");
  json rows = rows_of(b.table("score_weights.tsv"));
  for (auto& r : rows) r["sign"] = num(r["coef"]) > 0 ? "higher risk" : "lower risk";
  const std::string s = p.value("s", std::string("lambda.min"));
  const double alpha = p.contains("alpha") ? num(p["alpha"]) : 1.0;
  const std::string fit = fmt::format("{} Cox fit (alpha = {}) of the {} cohort miRNAs on {} patients, penalty at {} = {} of {}-fold "
                                      "cross-validation",
                                      alpha == 1 ? "Lasso" : "Elastic-net", pretty(alpha), pretty(num(p.value("features", json(nullptr)))),
                                      pretty(num(p.value("patients", json(nullptr)))), s, pretty(num(p.value("lambda", json(nullptr))), 3),
                                      p.contains("nfolds") && num(p["nfolds"]) > 0 ? pretty(num(p["nfolds"])) : std::string("fixed"));
  if (rows.empty()) {
    b.html_table({"feature", "coef"}, rows, 1, "Risk score: no miRNA has a non-zero weight (" + fit + ").");
    return;
  }
  b.chart("Risk score weights" + (cohort_name.empty() ? "" : " (" + cohort_name + ")"),
          fit + "; weight per unit of log-expression, the score is the weighted sum. Positive weights raise the hazard.",
          {{"data", {{"values", rows}}},
           {"width", 360},
           {"height", {{"step", 18}}},
           {"mark", "bar"},
           {"encoding",
            {{"y", {{"field", "feature"}, {"type", "nominal"}, {"sort", "-x"}, {"title", nullptr}}},
             {"x", {{"field", "coef"}, {"type", "quantitative"}, {"title", "weight (Cox coefficient)"}}},
             {"color", {{"field", "sign"}, {"type", "nominal"}, {"scale", {{"domain", json::array({"higher risk", "lower risk"})},
                                                                           {"range", json::array({kHigh, kLow})}}}}},
             {"tooltip", json::array({{{"field", "feature"}}, {{"field", "coef"}, {"format", ".4g"}}})}}}},
          "score_weights");
  if (b.has("score_km.tsv"))
    km_panel(b, "score_km.tsv", "risk score", cohort,
             {"high (above the median score)", "low (at or below the median)", "the median"}, unit, cohort_name, "score_km");
  json split_rows;
  std::vector<std::string> cols;
  if (b.has("score_split.tsv")) {
    split_rows = rows_of(b.table("score_split.tsv"));
    cols = columns_of(b.table("score_split.tsv"));
  }
  if (b.has("score_cindex.tsv")) {
    for (const auto& r : rows_of(b.table("score_cindex.tsv")))
      for (auto& sr : split_rows) sr["C." + text(r["name"])] = r["value"];
    for (const char* n : {"C.apparent", "C.optimism", "C.corrected"}) cols.push_back(n);
  }
  if (!split_rows.empty())
    b.html_table(cols, split_rows, 1,
                 "Risk score on the patients it was fitted on: Cox model of the score (per unit), Harrell's C and the log-rank test of the "
                 "median split. These are apparent figures (optimistic); the bootstrap C, when run, corrects for the optimism; an "
                 "external cohort needs `lscmir score apply`.");
}

}  // namespace

void cohort(Builder& b) {
  const bool forest = b.has("forest.tsv");
  const std::vector<std::string> km = b.run.tables_like("km_", ".tsv");
  if (!forest && km.empty() && !b.has("cox.tsv") && !b.has("score_weights.tsv")) return;
  const json study = b.parameters("study");
  const json cohort_info = study.contains("cohort") && study["cohort"].is_object() ? study["cohort"] : json::object();
  json params = b.parameters("cohort");
  if (params.empty()) params = b.parameters("survival");
  std::vector<std::string> covariates;
  if (params.contains("covariates"))
    for (const auto& c : params["covariates"]) covariates.push_back(text(c));
  else if (cohort_info.contains("covariates"))
    for (const auto& c : cohort_info["covariates"]) covariates.push_back(text(c));
  const std::string strata = params.value("strata", std::string());
  const std::string adjustment = (covariates.empty() ? std::string("unadjusted") : "adjusted for " + join_words(covariates)) +
                                 (strata.empty() ? "" : ", stratified by " + strata);
  const std::string name = cohort_info.value("name", std::string());
  double n = 0, events = 0;
  json cox_rows;
  if (b.has("cox.tsv")) {
    cox_rows = rows_of(b.table("cox.tsv"));
    for (const auto& r : cox_rows) {
      n = std::max(n, num(r.value("n", json(nullptr))));
      events = std::max(events, num(r.value("events", json(nullptr))));
    }
  }
  const std::string who = (name.empty() ? std::string("the outcome cohort") : name) +
                          (n > 0 ? fmt::format(" (n = {}, {} events)", pretty(n), pretty(events)) : std::string());
  json km_params = b.parameters("cohort_km");
  const SplitWords words = split_words(km_params.value("split", params.value("split", std::string())));
  b.section("cohort", "Outcome in the cohort",
            fmt::format("Per-miRNA Cox models in {}, {}.{}", who, adjustment,
                        km.empty() ? std::string(" No Kaplan-Meier curves were drawn.") : " Kaplan-Meier curves split at " + words.rule + "."));
  if (forest) {
    json rows = rows_of(b.table("forest.tsv"));
    for (auto& r : rows) {
      r["hr_text"] = fmt::format("{} ({}–{})", pretty(num(r["HR"]), 3), pretty(num(r["HR.lower95"]), 3), pretty(num(r["HR.upper95"]), 3));
      r["p_text"] = pretty(num(r["P.Wald"]), 2);
    }
    const json y = {{"field", "label"}, {"type", "nominal"}, {"sort", nullptr}, {"title", nullptr}};
    const json y_hidden = {{"field", "label"}, {"type", "nominal"}, {"sort", nullptr}, {"axis", nullptr}};
    const json height = {{"step", 22}};
    if (!rows.empty())
      b.chart("Forest plot: hazard ratios of the candidates' miRNAs in " + (name.empty() ? std::string("the cohort") : name),
              fmt::format("Hazard ratio per unit of log-expression with its 95% CI and Wald P, Cox model {}, in {}; candidate (cohort miRNA).",
                          adjustment, who),
              {{"data", {{"values", rows}}},
               {"spacing", 8},
               {"hconcat",
                json::array({{{"width", 320},
                              {"height", height},
                              {"layer",
                               json::array({{{"mark", "rule"},
                                             {"encoding",
                                              {{"y", y},
                                               {"x", {{"field", "HR\\.lower95"}, {"type", "quantitative"}, {"scale", {{"type", "log"}}},
                                                      {"title", "hazard ratio (log scale), " + adjustment}}},
                                               {"x2", {{"field", "HR\\.upper95"}}}}}},
                                            {{"mark", {{"type", "point"}, {"filled", true}, {"size", 60}}},
                                             {"encoding",
                                              {{"y", y},
                                               {"x", {{"field", "HR"}, {"type", "quantitative"}}},
                                               {"color", {{"field", "intervention"}, {"type", "nominal"}}},
                                               {"tooltip", json::array({{{"field", "feature"}}, {{"field", "cohort_feature"}}, {{"field", "hr_text"}, {"title", "HR (95% CI)"}},
                                                                        {{"field", "P\\.Wald"}, {"format", ".3g"}}})}}}},
                                            {{"mark", {{"type", "rule"}, {"strokeDash", json::array({4, 4})}}}, {"encoding", {{"x", {{"datum", 1}}}}}}})}},
                             {{"width", 150},
                              {"height", height},
                              {"view", {{"stroke", nullptr}}},
                              {"title", {{"text", "HR (95% CI)"}, {"fontSize", 11}, {"anchor", "start"}}},
                              {"mark", {{"type", "text"}, {"align", "left"}, {"fontSize", 11}}},
                              {"encoding", {{"y", y_hidden}, {"x", {{"value", 0}}}, {"text", {{"field", "hr_text"}}}}}},
                             {{"width", 60},
                              {"height", height},
                              {"view", {{"stroke", nullptr}}},
                              {"title", {{"text", "P"}, {"fontSize", 11}, {"anchor", "start"}}},
                              {"mark", {{"type", "text"}, {"align", "left"}, {"fontSize", 11}}},
                              {"encoding", {{"y", y_hidden}, {"x", {{"value", 0}}}, {"text", {{"field", "p_text"}}}}}}})}},
              "forest");
  }
  const std::string unit = time_unit(cohort_info.empty() ? params : cohort_info);
  for (const auto& f : km) {
    const std::string feature = f.substr(3, f.size() - 7);
    km_panel(b, f, feature, cohort_info.empty() ? params : cohort_info, words, unit, name, "km_" + feature);
  }
  const int cause = static_cast<int>(num(params.value("cause", json(0))));
  for (const auto& f : b.run.tables_like("cif_", ".tsv")) cif_panel(b, f, unit, name, cause);
  score_block(b, cohort_info.empty() ? params : cohort_info, unit, name);
  if (b.has("cox.tsv")) {
    sort_ascending(cox_rows, "P.Wald");
    b.html_table(columns_of(b.table("cox.tsv")), cox_rows, 25, "Cohort Cox models (" + adjustment + "), smallest P first.");
  }
  b.end_section();
}

void targets_section(Builder& b) {
  const std::vector<std::string> files = b.run.tables_like("enrichment", ".tsv");
  if (files.empty()) return;
  b.section("targets", "Targets and pathways",
            "Enrichment of the candidates' targets in the gene sets. The hypergeometric P treats genes as independent draws and is biased "
            "for miRNA targets (genes with long 3'UTRs are targeted by many miRNAs); when the empirical test over random miRNA sets was "
            "run, the charts lead with its FDR.");
  for (const auto& f : files) {
    const io::ResultTable& t = b.table(f);
    std::string which = f.substr(0, f.size() - 4);
    if (which.rfind("enrichment_", 0) == 0) which = which.substr(11);
    const json p = b.parameters("enrich_" + which);
    std::vector<std::string> mirnas;
    if (p.contains("mirnas"))
      for (const auto& m : p["mirnas"]) mirnas.push_back(text(m));
    const std::string input = mirnas.empty() ? "the targets in " + f
                                             : fmt::format("targets of the top {} {} candidates", mirnas.size(), which == "enrichment" ? "chosen" : which);
    const bool empirical = t.find("FDR.empirical") != nullptr;
    const std::string lead = empirical ? "FDR.empirical" : "FDR";
    json rows = rows_of(t);
    // the genes behind each overlap (overlap_<which>.tsv), shown beside the set
    std::map<std::string, std::vector<std::string>> genes;
    const std::string overlap_file = "overlap_" + which + ".tsv";
    if (b.has(overlap_file))
      for (const auto& r : rows_of(b.table(overlap_file))) genes[text(r["gene_set"])].push_back(text(r["gene"]));
    std::vector<std::string> columns = columns_of(t);
    if (!genes.empty()) {
      columns.push_back("genes");
      for (auto& r : rows) {
        const auto it = genes.find(text(r["gene_set"]));
        std::string list;
        const std::size_t n = it == genes.end() ? 0 : it->second.size();
        for (std::size_t k = 0; k < n && k < 40; ++k) list += (k ? ", " : "") + it->second[k];
        if (n > 40) list += fmt::format(", ... (+{})", n - 40);
        r["genes"] = list;
      }
    }
    sort_ascending(rows, "P");
    sort_ascending(rows, lead);
    json top = json::array();
    for (const auto& r : rows) {
      if (top.size() >= 15) break;
      const double q = num(r[lead]);
      if (std::isnan(q)) continue;
      json x = r;
      x["neglog10FDR"] = -std::log10(std::max(q, 1e-300));
      top.push_back(x);
    }
    const std::string stat = empirical ? "empirical FDR (random miRNA sets)" : "hypergeometric FDR (BH; biased for miRNA targets)";
    if (!top.empty() && t.find("gene_set") != nullptr)
      b.chart("Gene sets enriched in the " + input,
              fmt::format("{} of {}: bars -log10 {}, dashed line FDR = 0.05; colour: overlap / expected; hover a bar for its overlapping genes (also in the table). miRNAs: {}.",
                          empirical ? "The 15 sets with the smallest empirical FDR" : "The 15 sets with the smallest FDR", input, stat,
                          mirnas.empty() ? "see " + f : join_words(mirnas)),
              {{"width", 360},
               {"layer",
                json::array({{{"data", {{"values", top}}},
                              {"transform", json::array({{{"calculate", "datum.overlap / max(datum.expected, 1e-9)"}, {"as", "ratio"}}})},
                              {"mark", "bar"},
                              {"encoding",
                               {{"y", {{"field", "gene_set"}, {"type", "nominal"}, {"sort", nullptr}, {"title", nullptr}}},
                                {"x", {{"field", "neglog10FDR"}, {"type", "quantitative"}, {"title", "-log10 " + stat}}},
                                {"color", {{"field", "ratio"}, {"type", "quantitative"}, {"title", "overlap / expected"}}},
                                {"tooltip", json::array({{{"field", "gene_set"}}, {{"field", "size"}}, {{"field", "overlap"}}, {{"field", "expected"}, {"format", ".2f"}},
                                                         {{"field", lead}, {"format", ".3g"}}, {{"field", "P"}, {"format", ".3g"}, {"title", "hypergeometric P"}},
                                                         {{"field", "genes"}, {"title", "overlapping genes"}}})}}}},
                             {{"mark", {{"type", "rule"}, {"strokeDash", json::array({4, 4})}, {"color", "#52606d"}}},
                              {"encoding", {{"x", {{"datum", -std::log10(0.05)}}}}}}})}},
              "enrichment_" + which);
    b.html_table(columns, rows, 60, f + ": " + input + " (smallest " + lead + " first" + (genes.empty() ? "" : "; genes: the overlapping targets") + ")");
  }
  b.end_section();
}

void simulation(Builder& b) {
  if (!b.has("sim_km.tsv") && !b.has("sim_summary.tsv")) return;
  b.section("simulation", "Virtual patients",
            "Simulated 7+3 induction and consolidation with and without the candidate's miRNA modulation (docs/simulation.md); "
            "the miRNA effect reaches HSCs in proportion to the candidate's HSC/LSC expression ratio. These are model outputs, not data.");
  if (b.has("sim_km.tsv")) {
    const io::ResultTable& t = b.table("sim_km.tsv");
    json rows = rows_of(t);
    for (auto& r : rows) r["curve"] = text(r["arm"]) + " / " + text(r["age_group"]);
    json spec = {{"data", {{"values", rows}}},
                 {"mark", {{"type", "line"}, {"interpolate", "step-after"}}},
                 {"encoding",
                  {{"x", {{"field", "time"}, {"type", "quantitative"}, {"title", "months"}}},
                   {"y", {{"field", "surv"}, {"type", "quantitative"}, {"title", "overall survival"}, {"scale", {{"domain", json::array({0, 1})}}}}},
                   {"color", {{"field", "curve"}, {"type", "nominal"}, {"title", "arm / age"}}}}}};
    if (t.find("candidate") != nullptr) {
      json inner = spec;
      inner.erase("data");
      inner["width"] = 320;
      spec = {{"data", {{"values", rows}}}, {"facet", {{"field", "candidate"}, {"type", "nominal"}, {"title", "candidate"}}}, {"spec", inner}};
    }
    b.chart("Virtual patients: simulated overall survival", "Simulated overall survival by arm (standard, miRNA) and age group, per candidate.", spec,
            "sim_survival");
  }
  if (b.has("sim_dose_response.tsv")) {
    const io::ResultTable& t = b.table("sim_dose_response.tsv");
    json rows = rows_of(t);
    std::string candidate;
    for (auto& r : rows) {
      r["ratio"] = pretty(num(r["hsc_lsc_ratio"]), 3);
      if (candidate.empty() && r.contains("candidate")) candidate = text(r["candidate"]);
    }
    b.chart("Virtual patients: dose-response" + (candidate.empty() ? std::string() : " of " + candidate),
            "Simulated 5-year overall survival against the added LSC death rate, for HSC/LSC expression ratios (the HSC cost), per age group.",
            {{"data", {{"values", rows}}},
             {"facet", {{"field", "age_group"}, {"type", "nominal"}, {"title", "age group"}}},
             {"spec",
              {{"width", 300},
               {"mark", {{"type", "line"}, {"point", true}}},
               {"encoding",
                {{"x", {{"field", "mirna_effect_lsc"}, {"type", "quantitative"}, {"title", "added LSC death rate (1/day)"}}},
                 {"y", {{"field", "OS_5y"}, {"type", "quantitative"}, {"title", "5-year OS"}}},
                 {"color", {{"field", "ratio"}, {"type", "ordinal"}, {"title", "HSC/LSC ratio"}, {"sort", {{"field", "hsc_lsc_ratio"}}}}},
                 {"tooltip", json::array({{{"field", "ratio"}, {"title", "HSC/LSC ratio"}}, {{"field", "mirna_effect_lsc"}}, {{"field", "OS_5y"}, {"format", ".3f"}}})}}}}}},
            "sim_dose_response");
  }
  if (b.has("sim_trajectories.tsv")) {
    const io::ResultTable& t = b.table("sim_trajectories.tsv");
    json rows = json::array();
    std::string first;
    const bool has_candidate = t.find("candidate") != nullptr;
    for (auto& r : rows_of(t)) {
      if (has_candidate) {
        const std::string cand = text(r["candidate"]);
        if (first.empty()) first = cand;
        if (cand != first) continue;
      }
      if (num(r["patient"]) != 1 || r["age_group"] != "under60") continue;
      for (const std::string comp : {"hsc", "lsc", "blasts", "anc"}) {
        const double v = num(r[comp]);
        if (v > 1e-6) rows.push_back({{"arm", r["arm"]}, {"time", r["time"]}, {"compartment", comp}, {"value", v}});
      }
    }
    if (!rows.empty())
      b.chart("Virtual patients: trajectories of one patient" + (first.empty() ? std::string() : " (" + first + ")"),
              "One virtual patient (under 60) in each arm: HSCs and neutrophils (anc) relative to normal, LSC and blast counts.",
              {{"data", {{"values", rows}}},
               {"facet", {{"field", "arm"}, {"type", "nominal"}, {"title", "arm"}}},
               {"spec",
                {{"width", 300},
                 {"mark", "line"},
                 {"encoding",
                  {{"x", {{"field", "time"}, {"type", "quantitative"}, {"title", "days"}}},
                   {"y", {{"field", "value"}, {"type", "quantitative"}, {"scale", {{"type", "log"}}}, {"title", "size (log scale)"}}},
                   {"color", {{"field", "compartment"}, {"type", "nominal"}}}}}}}},
              "sim_trajectories");
  }
  if (b.has("sim_summary.tsv")) {
    const io::ResultTable& t = b.table("sim_summary.tsv");
    b.html_table(columns_of(t), rows_of(t), 100, "Simulated outcomes per arm.");
  }
  b.end_section();
}

}  // namespace lscmir::report::detail
