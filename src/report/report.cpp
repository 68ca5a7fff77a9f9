// SPDX-License-Identifier: GPL-3.0-or-later
// The run report: tables of the run folder -> Vega-Lite specs and HTML tables in one file.
#include "lscmir/report/report.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/core.h>

#include "assets.hpp"
#include "lscmir/core/error.hpp"
#include "lscmir/core/run_info.hpp"
#include "lscmir/io/number.hpp"

namespace lscmir::report {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr const char* kSchema = "https://vega.github.io/schema/vega-lite/v5.json";

/// A table as JSON rows: numbers where a cell is or reads as one, null for NA / NaN / Inf, text
/// otherwise (so a table from memory and the same table read back from its TSV give the same rows).
json rows_of(const io::ResultTable& t) {
  json rows = json::array();
  const std::size_t n = t.rows();
  for (std::size_t i = 0; i < n; ++i) {
    json o = json::object();
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
      const auto& col = t.columns[c];
      if (col.kind == io::ResultTable::Kind::kText) {
        const std::string& cell = col.text[i];
        double v = 0;
        if (cell == "NA" || cell == "NaN" || cell == "Inf" || cell == "-Inf") o[col.name] = nullptr;
        else if (io::parse_double(cell, v) && std::isfinite(v) && cell[0] != '+')
          o[col.name] = v;
        else o[col.name] = cell;
      } else {
        const double v = t.cell_number(i, c);
        if (std::isfinite(v)) o[col.name] = v;
        else o[col.name] = nullptr;
      }
    }
    rows.push_back(std::move(o));
  }
  return rows;
}

double num(const json& v) { return v.is_number() ? v.get<double>() : std::nan(""); }

/// Rows ordered by a numeric column, smallest first, missing values last (stable).
void sort_ascending(json& rows, const std::string& column) {
  std::stable_sort(rows.begin(), rows.end(), [&](const json& x, const json& y) {
    const double a = num(x[column]), c = num(y[column]);
    return std::isnan(c) ? !std::isnan(a) : (!std::isnan(a) && a < c);
  });
}

struct Builder {
  const study::RunResult& run;
  ReportSummary summary;
  std::string body;   // HTML sections
  json charts = json::array();
  std::set<std::string> read;

  bool has(const std::string& name) const { return run.find(name) != nullptr; }
  const io::ResultTable& table(const std::string& name) {
    read.insert(name);
    return *run.find(name);
  }

  void section(const std::string& id, const std::string& title, const std::string& intro = {}) {
    summary.sections.push_back(id);
    body += "<section id=\"" + html_escape(id) + "\"><h2>" + html_escape(title) + "</h2>\n";
    if (!intro.empty()) body += "<p>" + html_escape(intro) + "</p>\n";
  }
  void end_section() { body += "</section>\n"; }

  void chart(const std::string& caption, json spec) {
    const std::string id = fmt::format("chart{}", charts.size() + 1);
    spec["$schema"] = kSchema;
    if (!spec.contains("width") && !spec.contains("facet") && !spec.contains("hconcat") && !spec.contains("vconcat")) spec["width"] = 360;
    charts.push_back({{"id", id}, {"spec", std::move(spec)}});
    body += "<figure><div class=\"chart\" id=\"" + id + "\"></div><figcaption>" + html_escape(caption) + "</figcaption></figure>\n";
    ++summary.charts;
  }

  /// An HTML table of `rows` (columns in `columns` order); sortable by clicking a header.
  void html_table(const std::vector<std::string>& columns, const json& rows, std::size_t limit, const std::string& caption) {
    ++summary.tables;
    body += "<div class=\"table-wrap\"><table class=\"sortable\"><caption>" + html_escape(caption) + "</caption><thead><tr>";
    for (const auto& c : columns) body += "<th>" + html_escape(c) + "</th>";
    body += "</tr></thead><tbody>\n";
    std::size_t n = 0;
    for (const auto& r : rows) {
      if (n++ >= limit) break;
      body += "<tr>";
      for (const auto& c : columns) {
        const json& v = r.contains(c) ? r[c] : json(nullptr);
        std::string text;
        if (v.is_null()) text = "NA";
        else if (v.is_number()) {
          const double x = v.get<double>();
          text = (x == std::floor(x) && std::fabs(x) < 1e15) ? fmt::format("{}", static_cast<long long>(x)) : fmt::format("{:.4g}", x);
        } else text = v.get<std::string>();
        body += "<td>" + html_escape(text) + "</td>";
      }
      body += "</tr>\n";
    }
    body += "</tbody></table></div>\n";
    if (rows.size() > limit) body += "<p class=\"note\">" + html_escape(fmt::format("First {} of {} rows; the full table is in the run folder.", limit, rows.size())) + "</p>\n";
  }
};

std::vector<std::string> columns_of(const io::ResultTable& t) {
  std::vector<std::string> names;
  for (const auto& c : t.columns) names.push_back(c.name);
  return names;
}

void overview(Builder& b) {
  if (!b.has("qc_samples.tsv")) return;
  const io::ResultTable& t = b.table("qc_samples.tsv");
  const json rows = rows_of(t);
  std::set<std::string> pops, patients;
  const auto* pcol = t.find("population");
  const auto* patcol = t.find("patient");
  for (std::size_t i = 0; i < t.rows(); ++i) {
    if (pcol) pops.insert(t.cell_text(i, static_cast<std::size_t>(pcol - t.columns.data())));
    if (patcol) patients.insert(t.cell_text(i, static_cast<std::size_t>(patcol - t.columns.data())));
  }
  std::string pop_list;
  for (const auto& p : pops) pop_list += (pop_list.empty() ? "" : ", ") + p;
  b.section("overview", "Study overview and QC",
            fmt::format("{} samples from {} patients; populations: {}.", t.rows(), patients.size(), pop_list));
  if (t.find("lib.size") != nullptr)
    b.chart("Library sizes (reads per sample), coloured by population.",
            {{"data", {{"values", rows}}},
             {"mark", "bar"},
             {"encoding",
              {{"x", {{"field", "sample"}, {"type", "nominal"}, {"sort", nullptr}, {"axis", {{"labelAngle", -60}}}}},
               {"y", {{"field", "lib\\.size"}, {"type", "quantitative"}, {"title", "library size"}}},
               {"color", {{"field", "population"}, {"type", "nominal"}}},
               {"tooltip", json::array({{{"field", "sample"}}, {{"field", "patient"}}, {{"field", "lib\\.size"}}})}}},
             {"width", 560}});
  if (t.find("PC1") != nullptr)
    b.chart("Principal components of log-expression (most variable features), coloured by population.",
            {{"data", {{"values", rows}}},
             {"mark", {{"type", "point"}, {"filled", true}, {"size", 70}}},
             {"encoding",
              {{"x", {{"field", "PC1"}, {"type", "quantitative"}}},
               {"y", {{"field", "PC2"}, {"type", "quantitative"}}},
               {"color", {{"field", "population"}, {"type", "nominal"}}},
               {"tooltip", json::array({{{"field", "sample"}}, {{"field", "patient"}}, {{"field", "population"}}})}}}});
  b.html_table(columns_of(t), rows, 500, "Samples.");
  b.end_section();
}

void differential(Builder& b) {
  const std::vector<std::string> files = b.run.tables_like("de_", ".tsv");
  if (files.empty()) return;
  b.section("de", "Differential expression", "Paired limma models (patient absorbed); one volcano and one MA plot per contrast.");
  for (const auto& f : files) {
    const io::ResultTable& t = b.table(f);
    json rows = rows_of(t);
    for (auto& r : rows) {
      const double p = num(r["P.Value"]), q = num(r["adj.P.Val"]);
      r["neglog10P"] = std::isnan(p) ? json(nullptr) : json(-std::log10(std::max(p, 1e-300)));
      r["significant"] = !std::isnan(q) && q < 0.05 ? "adj.P.Val < 0.05" : "not significant";
    }
    std::string contrast = f.substr(3, f.size() - 7);
    const auto vs = contrast.find("_vs_");
    if (vs != std::string::npos) contrast = contrast.substr(0, vs) + " vs " + contrast.substr(vs + 4);
    const json tooltip = json::array({{{"field", "feature"}}, {{"field", "logFC"}, {"format", ".3f"}}, {{"field", "adj\\.P\\.Val"}, {"format", ".3g"}}});
    const json color = {{"field", "significant"}, {"type", "nominal"}, {"scale", {{"range", json::array({"#c0392b", "#9aa5b1"})}}}};
    b.chart("Volcano plot, " + contrast + ".",
            {{"data", {{"values", rows}}},
             {"mark", {{"type", "point"}, {"filled", true}, {"size", 18}, {"opacity", 0.7}}},
             {"encoding",
              {{"x", {{"field", "logFC"}, {"type", "quantitative"}, {"title", "log2 fold change"}}},
               {"y", {{"field", "neglog10P"}, {"type", "quantitative"}, {"title", "-log10 P"}}},
               {"color", color},
               {"tooltip", tooltip}}}});
    b.chart("MA plot, " + contrast + ".",
            {{"data", {{"values", rows}}},
             {"mark", {{"type", "point"}, {"filled", true}, {"size", 18}, {"opacity", 0.7}}},
             {"encoding",
              {{"x", {{"field", "AveExpr"}, {"type", "quantitative"}, {"title", "average log-expression"}}},
               {"y", {{"field", "logFC"}, {"type", "quantitative"}, {"title", "log2 fold change"}}},
               {"color", color},
               {"tooltip", tooltip}}}});
  }
  b.end_section();
}

void specificity(Builder& b) {
  if (!b.has("specificity.tsv")) return;
  b.section("specificity", "Specificity",
            "Intersection-union tests on treat p-values over the three paired contrasts (docs/statistics.md).");
  if (b.has("specificity_summary.tsv")) {
    const io::ResultTable& s = b.table("specificity_summary.tsv");
    b.chart("miRNAs per specificity class.",
            {{"data", {{"values", rows_of(s)}}},
             {"mark", "bar"},
             {"encoding",
              {{"y", {{"field", "class"}, {"type", "nominal"}, {"sort", nullptr}}},
               {"x", {{"field", "n"}, {"type", "quantitative"}, {"title", "miRNAs"}}},
               {"color", {{"field", "class"}, {"type", "nominal"}, {"legend", nullptr}}}}}});
  }
  if (b.has("report_expression.tsv")) {
    const io::ResultTable& e = b.table("report_expression.tsv");
    json rows = json::array();
    for (auto& r : rows_of(e))
      if (r["role"] == "specific") rows.push_back(r);
    if (!rows.empty())
      b.chart("Heatmap of the specific miRNAs: log-expression centred and scaled per miRNA (z), samples by population.",
              {{"data", {{"values", rows}}},
               {"mark", "rect"},
               {"encoding",
                {{"x", {{"field", "sample"}, {"type", "nominal"}, {"sort", {{"field", "population"}}}, {"axis", {{"labelAngle", -60}}}}},
                 {"y", {{"field", "feature"}, {"type", "nominal"}, {"sort", {{"field", "class"}}}}},
                 {"color", {{"field", "z"}, {"type", "quantitative"}, {"scale", {{"scheme", "redblue"}, {"reverse", true}, {"domainMid", 0}}}}},
                 {"tooltip", json::array({{{"field", "feature"}}, {{"field", "sample"}}, {{"field", "class"}}, {{"field", "value"}, {"format", ".2f"}}})}}},
               {"width", 560}});
  }
  const io::ResultTable& t = b.table("specificity.tsv");
  json rows = json::array();
  for (auto& r : rows_of(t))
    if (r["class"] != "none") rows.push_back(r);
  b.html_table(columns_of(t), rows, 200, "Specific miRNAs (class other than none).");
  b.end_section();
}

/// The stages of the chain that did not run, and why (RunNotes::skipped), as a plain list.
void skipped_stages(Builder& b) {
  if (b.run.notes.skipped.empty()) return;
  b.section("skipped", "Stages not run");
  b.body += "<ul class=\"skipped\">\n";
  for (const auto& sk : b.run.notes.skipped) b.body += "<li><b>" + html_escape(sk.stage) + "</b>: " + html_escape(sk.reason) + "</li>\n";
  b.body += "</ul>\n";
  b.end_section();
}

void paired_lines(Builder& b) {
  if (!b.has("report_expression.tsv")) return;
  const io::ResultTable& e = b.table("report_expression.tsv");
  json rows = json::array();
  for (auto& r : rows_of(e))
    if (r["role"] == "top") rows.push_back(r);
  if (rows.empty()) return;
  b.section("paired", "Top candidates within patients", "One line per patient across the sorted populations.");
  b.chart("Log-expression of the top candidates in each patient's populations.",
          {{"data", {{"values", rows}}},
           {"facet", {{"field", "feature"}, {"type", "nominal"}, {"title", nullptr}}},
           {"columns", 3},
           {"spec",
            {{"width", 200},
             {"height", 160},
             {"mark", {{"type", "line"}, {"point", true}, {"opacity", 0.6}}},
             {"encoding",
              {{"x", {{"field", "population"}, {"type", "nominal"}, {"title", nullptr}, {"sort", nullptr}}},
               {"y", {{"field", "value"}, {"type", "quantitative"}, {"title", "log-expression"}, {"scale", {{"zero", false}}}}},
               {"detail", {{"field", "patient"}, {"type", "nominal"}}},
               {"color", {{"field", "patient"}, {"type", "nominal"}, {"legend", nullptr}}},
               {"tooltip", json::array({{{"field", "patient"}}, {{"field", "sample"}}, {{"field", "value"}, {"format", ".2f"}}})}}}}},
           {"resolve", {{"scale", {{"y", "independent"}}}}}});
  b.end_section();
}

void cohort(Builder& b) {
  const bool forest = b.has("forest.tsv");
  const std::vector<std::string> km = b.run.tables_like("km_", ".tsv");
  if (!forest && km.empty() && !b.has("cox.tsv")) return;
  const study::RunNotes& notes = b.run.notes;
  b.section("cohort", "Outcome in the cohort",
            std::string("Per-miRNA Cox models in the outcome cohort") +
                (notes.km_drawn && !km.empty() ? "; Kaplan-Meier curves split at the " + (notes.km_split.empty() ? std::string("median") : notes.km_split) + "."
                                               : "; no Kaplan-Meier curves were drawn."));
  if (forest) {
    const io::ResultTable& f = b.table("forest.tsv");
    const json rows = rows_of(f);
    if (!rows.empty())
      b.chart("Forest plot: hazard ratio per unit of log-expression (95% CI) of the candidates' cohort miRNAs.",
              {{"data", {{"values", rows}}},
               {"layer",
                json::array({{{"mark", "rule"},
                              {"encoding",
                               {{"y", {{"field", "label"}, {"type", "nominal"}, {"sort", nullptr}, {"title", nullptr}}},
                                {"x", {{"field", "HR\\.lower95"}, {"type", "quantitative"}, {"scale", {{"type", "log"}}}, {"title", "hazard ratio"}}},
                                {"x2", {{"field", "HR\\.upper95"}}}}}},
                             {{"mark", {{"type", "point"}, {"filled", true}, {"size", 60}}},
                              {"encoding",
                               {{"y", {{"field", "label"}, {"type", "nominal"}, {"sort", nullptr}}},
                                {"x", {{"field", "HR"}, {"type", "quantitative"}}},
                                {"color", {{"field", "intervention"}, {"type", "nominal"}}},
                                {"tooltip", json::array({{{"field", "feature"}}, {{"field", "cohort_feature"}}, {{"field", "HR"}, {"format", ".3f"}}, {{"field", "P\\.Wald"}, {"format", ".3g"}}})}}}},
                             {{"mark", {{"type", "rule"}, {"strokeDash", json::array({4, 4})}}}, {"encoding", {{"x", {{"datum", 1}}}}}}})}});
  }
  for (const auto& f : km) {
    const io::ResultTable& t = b.table(f);
    json rows = rows_of(t);
    const std::string feature = f.substr(3, f.size() - 7);
    // numbers at risk at a grid of times: n.risk of the first row at or after the time
    double tmax = 0;
    for (const auto& r : rows) tmax = std::max(tmax, num(r["time"]));
    const double step = tmax > 0 ? std::pow(10.0, std::floor(std::log10(tmax / 4))) * (tmax / 4 >= 5 * std::pow(10.0, std::floor(std::log10(tmax / 4))) ? 5 : tmax / 4 >= 2 * std::pow(10.0, std::floor(std::log10(tmax / 4))) ? 2 : 1) : 1;
    json risk = json::array();
    for (const std::string g : {"high", "low"})
      for (double at = 0; at <= tmax + 1e-9; at += step) {
        double n = 0;
        for (const auto& r : rows)
          if (r["group"] == g && num(r["time"]) >= at) {
            n = num(r["n.risk"]);
            break;
          }
        risk.push_back({{"group", g}, {"time", at}, {"n", n}});
      }
    json curve = rows;
    for (const std::string g : {"high", "low"}) {  // start each curve at S(0) = 1
      curve.push_back({{"group", g}, {"time", 0}, {"surv", 1}});
    }
    b.chart("Kaplan-Meier curves of " + feature + " (high = above the median), with numbers at risk.",
            {{"vconcat",
              json::array({{{"width", 420},
                            {"height", 220},
                            {"data", {{"values", curve}}},
                            {"mark", {{"type", "line"}, {"interpolate", "step-after"}}},
                            {"encoding",
                             {{"x", {{"field", "time"}, {"type", "quantitative"}, {"scale", {{"domain", json::array({0, tmax})}}}}},
                              {"y", {{"field", "surv"}, {"type", "quantitative"}, {"title", "survival"}, {"scale", {{"domain", json::array({0, 1})}}}}},
                              {"color", {{"field", "group"}, {"type", "nominal"}}}}}},
                           {{"width", 420},
                            {"height", 40},
                            {"data", {{"values", risk}}},
                            {"mark", "text"},
                            {"encoding",
                             {{"x", {{"field", "time"}, {"type", "quantitative"}, {"title", "at risk"}, {"scale", {{"domain", json::array({0, tmax})}}}}},
                              {"y", {{"field", "group"}, {"type", "nominal"}, {"title", nullptr}}},
                              {"text", {{"field", "n"}, {"type", "quantitative"}}},
                              {"color", {{"field", "group"}, {"type", "nominal"}, {"legend", nullptr}}}}}}})}});
  }
  if (b.has("cox.tsv")) {
    const io::ResultTable& t = b.table("cox.tsv");
    json rows = rows_of(t);
    sort_ascending(rows, "P.Wald");
    b.html_table(columns_of(t), rows, 25, "Cohort Cox models, smallest P first.");
  }
  b.end_section();
}

void targets_section(Builder& b) {
  const std::vector<std::string> files = b.run.tables_like("enrichment", ".tsv");
  if (files.empty()) return;
  b.section("targets", "Targets and pathways", "Enrichment of the candidates' targets in the gene sets (hypergeometric and, when run, empirical over random miRNA sets).");
  for (const auto& f : files) {
    const io::ResultTable& t = b.table(f);
    json rows = rows_of(t);
    sort_ascending(rows, "P");
    json top = json::array();
    for (const auto& r : rows) {
      if (top.size() >= 15) break;
      const double p = num(r["P"]);
      if (std::isnan(p)) continue;
      json x = r;
      x["neglog10P"] = -std::log10(std::max(p, 1e-300));
      top.push_back(x);
    }
    if (!top.empty() && t.find("gene_set") != nullptr)
      b.chart("Gene sets most enriched in the targets (" + f + "): -log10 hypergeometric P; colour: overlap / expected.",
              {{"data", {{"values", top}}},
               {"transform", json::array({{{"calculate", "datum.overlap / max(datum.expected, 1e-9)"}, {"as", "ratio"}}})},
               {"mark", "bar"},
               {"encoding",
                {{"y", {{"field", "gene_set"}, {"type", "nominal"}, {"sort", "-x"}, {"title", nullptr}}},
                 {"x", {{"field", "neglog10P"}, {"type", "quantitative"}, {"title", "-log10 P"}}},
                 {"color", {{"field", "ratio"}, {"type", "quantitative"}, {"title", "overlap / expected"}}},
                 {"tooltip", json::array({{{"field", "gene_set"}}, {{"field", "size"}}, {{"field", "overlap"}}, {{"field", "expected"}, {"format", ".2f"}}, {{"field", "FDR"}, {"format", ".3g"}}})}}}});
    b.html_table(columns_of(t), rows, 60, f + " (smallest P first)");
  }
  b.end_section();
}

void candidates(Builder& b) {
  if (!b.has("candidates.tsv")) return;
  const io::ResultTable& t = b.table("candidates.tsv");
  const json rows = rows_of(t);
  b.section("candidates", "Therapy candidates",
            "Ranked by the score of docs/statistics.md: specificity, cohort outcome, HSC sparing and pathway targets. Click a header to sort.");
  json top = json::array();
  for (std::size_t i = 0; i < rows.size() && i < 20; ++i) top.push_back(rows[i]);
  if (!top.empty())
    b.chart("Score of the top candidates, by intervention.",
            {{"data", {{"values", top}}},
             {"mark", "bar"},
             {"encoding",
              {{"y", {{"field", "feature"}, {"type", "nominal"}, {"sort", nullptr}}},
               {"x", {{"field", "score"}, {"type", "quantitative"}}},
               {"color", {{"field", "intervention"}, {"type", "nominal"}}},
               {"tooltip", json::array({{{"field", "feature"}}, {{"field", "class"}}, {{"field", "score"}, {"format", ".3f"}}, {{"field", "evidence"}}})}}}});
  b.html_table(columns_of(t), rows, 200, "Candidates.");
  b.end_section();
}

void simulation(Builder& b) {
  if (!b.has("sim_km.tsv") && !b.has("sim_summary.tsv")) return;
  b.section("simulation", "Virtual patients",
            "Simulated 7+3 induction and consolidation with and without the candidate's miRNA modulation (docs/simulation.md); "
            "the miRNA effect reaches HSCs in proportion to the candidate's HSC/LSC expression ratio.");
  if (b.has("sim_km.tsv")) {
    const io::ResultTable& t = b.table("sim_km.tsv");
    json rows = rows_of(t);
    for (auto& r : rows) r["curve"] = (r["arm"].is_string() ? r["arm"].get<std::string>() : "") + " / " + (r["age_group"].is_string() ? r["age_group"].get<std::string>() : "");
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
      spec = {{"data", {{"values", rows}}}, {"facet", {{"field", "candidate"}, {"type", "nominal"}}}, {"spec", inner}};
    }
    b.chart("Simulated overall survival by arm and age group.", spec);
  }
  if (b.has("sim_dose_response.tsv")) {
    const io::ResultTable& t = b.table("sim_dose_response.tsv");
    b.chart("Dose-response: simulated 5-year overall survival against the added LSC death rate, for HSC/LSC expression ratios (the HSC cost).",
            {{"data", {{"values", rows_of(t)}}},
             {"facet", {{"field", "age_group"}, {"type", "nominal"}}},
             {"spec",
              {{"width", 300},
               {"mark", {{"type", "line"}, {"point", true}}},
               {"encoding",
                {{"x", {{"field", "mirna_effect_lsc"}, {"type", "quantitative"}, {"title", "added LSC death rate (1/day)"}}},
                 {"y", {{"field", "OS_5y"}, {"type", "quantitative"}, {"title", "5-year OS"}}},
                 {"color", {{"field", "hsc_lsc_ratio"}, {"type", "ordinal"}, {"title", "HSC/LSC ratio"}}}}}}}});
  }
  if (b.has("sim_trajectories.tsv")) {
    const io::ResultTable& t = b.table("sim_trajectories.tsv");
    json rows = json::array();
    std::string first;
    const bool has_candidate = t.find("candidate") != nullptr;
    for (auto& r : rows_of(t)) {
      if (has_candidate) {
        const std::string cand = r["candidate"].is_string() ? r["candidate"].get<std::string>() : r["candidate"].dump();
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
      b.chart("Trajectories of one virtual patient (under 60) in each arm: HSCs and neutrophils relative to normal, LSC and blast counts.",
              {{"data", {{"values", rows}}},
               {"facet", {{"field", "arm"}, {"type", "nominal"}}},
               {"spec",
                {{"width", 300},
                 {"mark", "line"},
                 {"encoding",
                  {{"x", {{"field", "time"}, {"type", "quantitative"}, {"title", "days"}}},
                   {"y", {{"field", "value"}, {"type", "quantitative"}, {"scale", {{"type", "log"}}}, {"title", "size"}}},
                   {"color", {{"field", "compartment"}, {"type", "nominal"}}}}}}}});
  }
  if (b.has("sim_summary.tsv")) {
    const io::ResultTable& t = b.table("sim_summary.tsv");
    b.html_table(columns_of(t), rows_of(t), 100, "Simulated outcomes per arm.");
  }
  b.end_section();
}

void provenance(Builder& b) {
  b.section("provenance", "Provenance");
  std::vector<std::pair<std::string, std::string>> infos = b.run.provenance;
  std::sort(infos.begin(), infos.end());
  for (const auto& [n, text] : infos) {
    b.read.insert(n);
    b.body += "<details><summary>" + html_escape(n) + "</summary><pre>" + html_escape(text) + "</pre></details>\n";
  }
  b.end_section();
}

constexpr const char* kStyle = R"css(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1f2933;background:#fff}
header{background:#243b53;color:#fff;padding:1.2em 2em}header h1{margin:0;font-size:1.5em}header p{margin:.3em 0 0;opacity:.85}
nav{padding:.5em 2em;background:#f0f4f8;position:sticky;top:0;z-index:1}nav a{margin-right:1em;color:#243b53}
main{padding:0 2em 3em}section{margin-top:2em}h2{border-bottom:1px solid #d9e2ec;padding-bottom:.2em}
figure{display:inline-block;margin:.5em 1.5em .5em 0;vertical-align:top}figcaption{font-size:.85em;color:#52606d;max-width:560px}
.table-wrap{overflow-x:auto;max-height:32em;overflow-y:auto;border:1px solid #d9e2ec;margin:.5em 0}
table{border-collapse:collapse;font-size:.85em}th,td{padding:.25em .6em;border-bottom:1px solid #eef2f6;text-align:left;white-space:nowrap}
th{background:#f0f4f8;cursor:pointer;position:sticky;top:0}caption{text-align:left;font-weight:600;padding:.3em}
.note{font-size:.85em;color:#52606d}#script-errors{color:#b00020;white-space:pre-wrap}
)css";

constexpr const char* kScript = R"js(
(function(){
  var errs = document.getElementById('script-errors');
  function record(m){ errs.hidden = false; errs.textContent += String(m) + '\n'; document.body.setAttribute('data-script-errors', String((+document.body.getAttribute('data-script-errors')||0) + 1)); }
  window.addEventListener('error', function(e){ record(e.message || 'error'); });
  window.addEventListener('unhandledrejection', function(e){ record(e.reason); });
  var blocked = 0;
  document.addEventListener('securitypolicyviolation', function(e){ blocked++; record('blocked by the content security policy: ' + e.blockedURI); });
  document.querySelectorAll('table.sortable').forEach(function(table){
    table.querySelectorAll('th').forEach(function(th, col){
      th.addEventListener('click', function(){
        var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
        var asc = th.getAttribute('data-sort') !== 'asc';
        table.querySelectorAll('th').forEach(function(h){ h.removeAttribute('data-sort'); });
        th.setAttribute('data-sort', asc ? 'asc' : 'desc');
        rows.sort(function(a, b){
          var x = a.cells[col].textContent, y = b.cells[col].textContent, nx = parseFloat(x), ny = parseFloat(y);
          var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
          return asc ? c : -c;
        });
        rows.forEach(function(r){ body.appendChild(r); });
      });
    });
  });
  var charts = JSON.parse(document.getElementById('lscmir-charts').textContent);
  Promise.allSettled(charts.map(function(c){
    return vegaEmbed('#' + c.id, c.spec, {renderer: 'canvas', actions: false});
  })).then(function(results){
    var ok = 0;
    results.forEach(function(r, i){ if (r.status === 'fulfilled') ok++; else record('chart ' + charts[i].id + ': ' + r.reason); });
    document.body.setAttribute('data-charts-rendered', String(ok));
    document.body.setAttribute('data-charts-total', String(charts.length));
    // the report is self-contained: the page itself fetched nothing
    document.body.setAttribute('data-resource-requests', String(performance.getEntriesByType('resource').length + blocked));
  });
})();
)js";

/// Inlined library code must not close the script element it sits in.
std::string script_safe(std::string_view js) {
  std::string out(js);
  for (std::size_t pos = 0; (pos = out.find("</script", pos)) != std::string::npos; pos += 2) out.replace(pos, 2, "<\\/");
  return out;
}

}  // namespace

std::string build_report(const study::RunResult& run, const std::string& title, ReportSummary* summary) {
  Builder b{run};
  const std::string dir = run.folder;
  overview(b);
  skipped_stages(b);
  differential(b);
  specificity(b);
  paired_lines(b);
  cohort(b);
  targets_section(b);
  candidates(b);
  simulation(b);
  provenance(b);

  std::string nav;
  for (const auto& s : b.summary.sections) nav += "<a href=\"#" + html_escape(s) + "\">" + html_escape(s) + "</a>";
  std::string html;
  html.reserve(1 << 21);
  html += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  html += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:\">\n";
  html += "<title>" + html_escape(title) + "</title><style>" + kStyle + "</style></head>\n<body>\n";
  html += "<header><h1>" + html_escape(title) + "</h1><p>" +
          html_escape(fmt::format("lscmir {} report, made {} from {}", core::version(), core::utc_now_iso8601(), fs::absolute(dir).string())) +
          "</p></header>\n<nav>" + nav + "</nav>\n<main>\n<pre id=\"script-errors\" hidden></pre>\n";
  html += b.body;
  html += "</main>\n<script type=\"application/json\" id=\"lscmir-charts\">" + json_for_script(b.charts) + "</script>\n";
  html += "<script>" + script_safe(detail::vega_js()) + "</script>\n";
  html += "<script>" + script_safe(detail::vega_lite_js()) + "</script>\n";
  html += "<script>" + script_safe(detail::vega_embed_js()) + "</script>\n";
  html += std::string("<script>") + kScript + "</script>\n</body></html>\n";
  b.summary.inputs.assign(b.read.begin(), b.read.end());
  if (summary) *summary = b.summary;
  return html;
}

}  // namespace lscmir::report
