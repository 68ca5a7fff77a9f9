// SPDX-License-Identifier: GPL-3.0-or-later
// The report's differential-expression sections: per contrast the volcano, MA plot and top table;
// the specificity calls; the within-patient differences of the top candidates.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/core.h>

#include "builder.hpp"

namespace lscmir::report::detail {
namespace {

/// Volcano points labelled per contrast, and rows of each contrast's top table.
constexpr std::size_t kVolcanoLabels = 10, kTopTableRows = 200;

/// Within-patient differences (paired_<tag>.tsv of the ranking contrast) of the top candidates:
/// in how many patients each call holds.
void paired_heatmap(Builder& b) {
  if (!b.has("candidates.tsv")) return;
  const io::ResultTable& cand = b.table("candidates.tsv");
  std::string tag;
  for (const auto& c : cand.columns)
    if (c.name.rfind("logFC.", 0) == 0) {
      tag = c.name.substr(6);
      break;
    }
  const std::string file = "paired_" + tag + ".tsv";
  if (tag.empty() || !b.has(file)) return;
  const io::ResultTable& p = b.table(file);
  std::map<std::string, std::size_t> row_of;
  for (std::size_t i = 0; i < p.rows(); ++i) row_of.emplace(p.cell_text(i, 0), i);
  json rows = json::array();
  const std::size_t cf = static_cast<std::size_t>(cand.find("feature") - cand.columns.data());
  std::size_t shown = 0;
  for (std::size_t i = 0; i < cand.rows() && shown < 20; ++i) {
    const auto it = row_of.find(cand.cell_text(i, cf));
    if (it == row_of.end()) continue;
    ++shown;
    for (std::size_t c = 1; c < p.columns.size(); ++c) {
      const double d = p.cell_number(it->second, c);
      if (!std::isfinite(d)) continue;
      rows.push_back({{"feature", it->first}, {"rank", static_cast<int>(i + 1)}, {"patient", p.columns[c].name}, {"difference", d}});
    }
  }
  if (rows.empty()) return;
  std::string contrast = tag;
  if (const auto at = contrast.find("_vs_"); at != std::string::npos) contrast.replace(at, 4, " - ");
  b.chart("Within-patient differences " + contrast + " of the top candidates",
          "Per patient (columns) the difference " + contrast +
              " on the log scale the DE model fits, for the best-ranked candidates (rows, by rank); blank: the patient lacks one "
              "population. A call that holds in most patients has one colour across its row (frac_consistent in candidates.tsv).",
          {{"data", {{"values", rows}}},
           {"mark", "rect"},
           {"encoding",
            {{"x", {{"field", "patient"}, {"type", "nominal"}, {"sort", nullptr}, {"axis", {{"labelAngle", -60}}}}},
             {"y", {{"field", "feature"}, {"type", "nominal"}, {"sort", {{"field", "rank"}}}, {"title", nullptr}}},
             {"color", {{"field", "difference"}, {"type", "quantitative"}, {"title", "log2 difference"},
                        {"scale", {{"scheme", "redblue"}, {"reverse", true}, {"domainMid", 0}}}}},
             {"tooltip", json::array({{{"field", "feature"}}, {{"field", "patient"}}, {{"field", "difference"}, {"format", ".2f"}}})}}},
           {"width", 560}},
          "paired_heatmap");
}

}  // namespace

void differential(Builder& b) {
  // contrasts in the order given: the DE stage's outputs are in contrast order
  std::vector<std::string> files;
  for (const auto& f : b.outputs("de"))
    if (f.rfind("de_", 0) == 0 && b.has(f)) files.push_back(f);
  for (const auto& f : b.run.tables_like("de_", ".tsv"))
    if (std::find(files.begin(), files.end(), f) == files.end()) files.push_back(f);
  if (files.empty()) return;
  const json de = b.parameters("de");
  const std::string method = de.value("method", std::string());
  const std::string design = de.value("design", std::string());
  b.section("de", "Differential expression",
            fmt::format("limma models{}{}; per contrast a labelled volcano plot, an MA plot and a table of the top hits; the P-value "
                        "histograms below check the tests (a flat histogram with a peak near 0 is what a good test gives).",
                        method.empty() ? "" : " (" + method + ")", design.empty() ? "" : ", design " + design));
  json histogram = json::array();
  std::vector<std::string> contrast_names;
  for (const auto& f : files) {
    const io::ResultTable& t = b.table(f);
    json rows = rows_of(t);
    std::string contrast = f.substr(3, f.size() - 7);
    const auto vs = contrast.find("_vs_");
    if (vs != std::string::npos) contrast = contrast.substr(0, vs) + " vs " + contrast.substr(vs + 4);
    contrast_names.push_back(contrast);
    std::vector<int> bins(20, 0);
    for (auto& r : rows) {
      const double p = num(r["P.Value"]), q = num(r["adj.P.Val"]);
      r["neglog10P"] = std::isnan(p) ? json(nullptr) : json(-std::log10(std::max(p, 1e-300)));
      r["significant"] = !std::isnan(q) && q < 0.05 ? "adj.P.Val < 0.05" : "not significant";
      if (!std::isnan(p)) ++bins[static_cast<std::size_t>(std::clamp(static_cast<int>(p * 20), 0, 19))];
    }
    for (int k = 0; k < 20; ++k) histogram.push_back({{"contrast", contrast}, {"from", k / 20.0}, {"to", (k + 1) / 20.0}, {"n", bins[static_cast<std::size_t>(k)]}});
    json by_p = rows;
    sort_ascending(by_p, "P.Value");
    json labels = json::array();
    for (const auto& r : by_p) {
      if (labels.size() >= kVolcanoLabels) break;
      if (!r["neglog10P"].is_null() && !r["logFC"].is_null())
        labels.push_back({{"feature", r["feature"]}, {"logFC", r["logFC"]}, {"neglog10P", r["neglog10P"]}, {"side", num(r["logFC"]) < 0 ? "right" : "left"}});
    }
    const json tooltip = json::array({{{"field", "feature"}}, {{"field", "logFC"}, {"format", ".3f"}}, {{"field", "P\\.Value"}, {"format", ".3g"}}, {{"field", "adj\\.P\\.Val"}, {"format", ".3g"}}});
    const json color = {{"field", "significant"}, {"type", "nominal"}, {"title", nullptr},
                        {"scale", {{"domain", json::array({"adj.P.Val < 0.05", "not significant"})}, {"range", json::array({"#c0392b", "#9aa5b1"})}}},
                        {"legend", {{"orient", "bottom"}, {"direction", "horizontal"}}}};
    b.chart("Volcano plot: " + contrast,
            fmt::format("log2 fold change ({}) against -log10 P; red: adj.P.Val < 0.05; the {} smallest P labelled.", contrast, labels.size()),
            {{"width", 420},
             {"height", 300},
             {"layer",
              json::array({{{"data", {{"values", rows}}},
                            {"mark", {{"type", "point"}, {"filled", true}, {"size", 18}, {"opacity", 0.7}}},
                            {"encoding",
                             {{"x", {{"field", "logFC"}, {"type", "quantitative"}, {"title", "log2 fold change"}}},
                              {"y", {{"field", "neglog10P"}, {"type", "quantitative"}, {"title", "-log10 P"}}},
                              {"color", color},
                              {"tooltip", tooltip}}}},
                           {{"data", {{"values", labels}}},
                            {"layer",
                             json::array({{{"mark", {{"type", "text"}, {"align", "left"}, {"dx", 5}, {"dy", -3}, {"fontSize", 9}, {"color", "#1f2933"}}},
                                           {"transform", json::array({{{"filter", "datum.side == 'left'"}}})},
                                           {"encoding", {{"x", {{"field", "logFC"}, {"type", "quantitative"}}}, {"y", {{"field", "neglog10P"}, {"type", "quantitative"}}}, {"text", {{"field", "feature"}}}}}},
                                          {{"mark", {{"type", "text"}, {"align", "right"}, {"dx", -5}, {"dy", -3}, {"fontSize", 9}, {"color", "#1f2933"}}},
                                           {"transform", json::array({{{"filter", "datum.side == 'right'"}}})},
                                           {"encoding", {{"x", {{"field", "logFC"}, {"type", "quantitative"}}}, {"y", {{"field", "neglog10P"}, {"type", "quantitative"}}}, {"text", {{"field", "feature"}}}}}}})}}})}},
            "volcano_" + contrast);
    b.chart("MA plot: " + contrast, "log2 fold change (" + contrast + ") against average log-expression; red: adj.P.Val < 0.05.",
            {{"data", {{"values", rows}}},
             {"mark", {{"type", "point"}, {"filled", true}, {"size", 18}, {"opacity", 0.7}}},
             {"encoding",
              {{"x", {{"field", "AveExpr"}, {"type", "quantitative"}, {"title", "average log-expression"}}},
               {"y", {{"field", "logFC"}, {"type", "quantitative"}, {"title", "log2 fold change"}}},
               {"color", color},
               {"tooltip", tooltip}}}},
            "ma_" + contrast);
    b.html_table(columns_of(t), by_p, kTopTableRows, "Top hits, " + contrast + " (" + f + ", smallest P first).");
  }
  json order = json::array();
  for (const auto& c : contrast_names) order.push_back(c);
  b.chart("P-value histograms per contrast", "Distribution of the moderated-t P values of every feature, 20 bins, one panel per contrast.",
          {{"data", {{"values", histogram}}},
           {"facet", {{"field", "contrast"}, {"type", "nominal"}, {"sort", order}, {"title", nullptr}}},
           {"columns", 3},
           {"spec",
            {{"width", 200},
             {"height", 120},
             {"mark", {{"type", "bar"}, {"color", "#486581"}}},
             {"encoding",
              {{"x", {{"field", "from"}, {"type", "quantitative"}, {"bin", {{"binned", true}, {"step", 0.05}}}, {"title", "P value"}, {"scale", {{"domain", json::array({0, 1})}}}}},
               {"x2", {{"field", "to"}}},
               {"y", {{"field", "n"}, {"type", "quantitative"}, {"title", "features"}}},
               {"tooltip", json::array({{{"field", "from"}}, {{"field", "to"}}, {{"field", "n"}}})}}}}}},
          "p_value_histograms");
  if (b.has("voom_trend.tsv")) {
    const io::ResultTable& vt = b.table("voom_trend.tsv");
    const json points = rows_of(vt);
    if (!points.empty())
      b.chart("voom mean-variance trend",
              "Per feature, sqrt(residual SD) against the average log2 count of voom's final pass (points) and the lowess trend its "
              "weights come from (line).",
              {{"data", {{"values", points}}},
               {"layer",
                json::array({{{"mark", {{"type", "point"}, {"size", 10}, {"opacity", 0.5}, {"color", "#486581"}}},
                              {"encoding",
                               {{"x", {{"field", "mean_log_count"}, {"type", "quantitative"}, {"title", "average log2 count"}}},
                                {"y", {{"field", "sqrt_sd"}, {"type", "quantitative"}, {"title", "sqrt(standard deviation)"}}},
                                {"tooltip", json::array({{{"field", "feature"}}, {{"field", "mean_log_count"}, {"format", ".2f"}},
                                                         {{"field", "sqrt_sd"}, {"format", ".3f"}}})}}}},
                             {{"mark", {{"type", "line"}, {"color", "#d64545"}}},
                              {"encoding",
                               {{"x", {{"field", "mean_log_count"}, {"type", "quantitative"}, {"sort", "ascending"}}},
                                {"y", {{"field", "trend"}, {"type", "quantitative"}}}}}}})},
               {"width", 560}},
              "voom_trend");
  }
  if (b.has("sample_weights.tsv")) {
    const json w = rows_of(b.table("sample_weights.tsv"));
    if (!w.empty())
      b.chart("Sample quality weights", "The weight of each sample in the DE fit (--sample-weights; 1 = average quality).",
              {{"data", {{"values", w}}},
               {"mark", "bar"},
               {"encoding",
                {{"x", {{"field", "sample"}, {"type", "nominal"}, {"sort", nullptr},
                        {"axis", w.size() <= kNamedSamples ? json{{"labelAngle", -60}}
                                                           : json{{"labels", false}, {"ticks", false}, {"title", fmt::format("{} samples", w.size())}}}}},
                 {"y", {{"field", "sample\\.weights"}, {"type", "quantitative"}, {"title", "sample weight"}}},
                 {"tooltip", json::array({{{"field", "sample"}}, {{"field", "sample\\.weights"}, {"format", ".3f"}}})}}},
               {"width", 560}},
              "sample_weights");
  }
  b.end_section();
}

void specificity(Builder& b) {
  if (!b.has("specificity.tsv")) return;
  b.section("specificity", "Specificity",
            "Intersection-union tests on treat p-values over the three paired contrasts (docs/statistics.md).");
  if (b.has("specificity_summary.tsv")) {
    const io::ResultTable& s = b.table("specificity_summary.tsv");
    b.chart("miRNAs per specificity class", "Number of miRNAs in each specificity class.",
            {{"data", {{"values", rows_of(s)}}},
             {"mark", "bar"},
             {"encoding",
              {{"y", {{"field", "class"}, {"type", "nominal"}, {"sort", nullptr}}},
               {"x", {{"field", "n"}, {"type", "quantitative"}, {"title", "miRNAs"}}},
               {"color", {{"field", "class"}, {"type", "nominal"}, {"legend", nullptr}}}}}},
            "specificity_classes");
  }
  if (b.has("report_expression.tsv")) {
    const io::ResultTable& e = b.table("report_expression.tsv");
    json rows = json::array();
    std::set<std::string> samples;
    for (auto& r : rows_of(e))
      if (r["role"] == "specific") {
        samples.insert(text(r["sample"]));
        rows.push_back(r);
      }
    const bool named = samples.size() <= kNamedSamples;
    if (!rows.empty())
      b.chart("Heatmap of the specific miRNAs", "Log-expression centred and scaled per miRNA (z); samples ordered by population, miRNAs by class.",
              {{"data", {{"values", rows}}},
               {"mark", "rect"},
               {"encoding",
                {{"x", {{"field", "sample"}, {"type", "nominal"}, {"sort", {{"field", "population"}}},
                        {"axis", named ? json{{"labelAngle", -60}} : json{{"labels", false}, {"ticks", false}, {"title", fmt::format("{} samples, ordered by population", samples.size())}}}}},
                 {"y", {{"field", "feature"}, {"type", "nominal"}, {"sort", {{"field", "class"}}}}},
                 {"color", {{"field", "z"}, {"type", "quantitative"}, {"scale", {{"scheme", "redblue"}, {"reverse", true}, {"domainMid", 0}}}}},
                 {"tooltip", json::array({{{"field", "feature"}}, {{"field", "sample"}}, {{"field", "population"}}, {{"field", "class"}}, {{"field", "value"}, {"format", ".2f"}}})}}},
               {"width", named ? 560 : 760}},
              "specific_heatmap");
  }
  const io::ResultTable& t = b.table("specificity.tsv");
  json rows = json::array();
  for (auto& r : rows_of(t))
    if (r["class"] != "none") rows.push_back(r);
  b.html_table(columns_of(t), rows, 200, "Specific miRNAs (class other than none).");
  b.end_section();
}

void paired_lines(Builder& b) {
  if (!b.has("report_expression.tsv")) return;
  const io::ResultTable& e = b.table("report_expression.tsv");
  json rows = json::array();
  std::set<std::string> patients;
  for (auto& r : rows_of(e))
    if (r["role"] == "top") {
      patients.insert(text(r["patient"]));
      rows.push_back(r);
    }
  if (rows.empty()) return;
  b.section("paired", "Top candidates within patients", "One line per patient across the sorted populations.");
  const bool legend = patients.size() <= 40;
  b.chart("Top candidates within patients: log-expression per population",
          legend ? "One line per patient (colours in the legend), one panel per candidate."
                 : fmt::format("One line per patient ({} patients: hover a line for its patient), one panel per candidate.", patients.size()),
          {{"data", {{"values", rows}}},
           {"facet", {{"field", "feature"}, {"type", "nominal"}, {"title", nullptr}, {"sort", nullptr}}},
           {"columns", 3},
           {"spec",
            {{"width", 200},
             {"height", 160},
             {"mark", {{"type", "line"}, {"point", true}, {"opacity", 0.6}}},
             {"encoding",
              {{"x", {{"field", "population"}, {"type", "nominal"}, {"title", nullptr}, {"sort", nullptr}}},
               {"y", {{"field", "value"}, {"type", "quantitative"}, {"title", "log-expression"}, {"scale", {{"zero", false}}}}},
               {"detail", {{"field", "patient"}, {"type", "nominal"}}},
               {"color", {{"field", "patient"}, {"type", "nominal"}, {"legend", legend ? json{{"title", "patient"}, {"columns", patients.size() > 20 ? 2 : 1}} : json(nullptr)}}},
               {"tooltip", json::array({{{"field", "patient"}}, {{"field", "sample"}}, {{"field", "value"}, {"format", ".2f"}}})}}}}},
           {"resolve", {{"scale", {{"y", "independent"}}}}}},
          "paired_lines");
  paired_heatmap(b);
  b.end_section();
}

}  // namespace lscmir::report::detail
