// SPDX-License-Identifier: GPL-3.0-or-later
// The run report: tables of the run folder -> Vega-Lite specs and HTML tables in one file. This file
// holds the page, the study's samples and the candidates; differential.cpp the DE and specificity
// sections; outcome.cpp the cohort, pathways and virtual patients.
#include "lscmir/report/report.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include <fmt/core.h>

#include "assets.hpp"
#include "builder.hpp"
#include "lscmir/core/run_info.hpp"

namespace lscmir::report {
namespace detail {
namespace {

namespace fs = std::filesystem;

/// Which inputs are real and which simulated, the cohort's name, n, events and covariates.
void provenance_banner(Builder& b) {
  const json study = b.parameters("study");
  std::string html = "<div class=\"banner\" id=\"study-provenance\">";
  if (study.empty()) {
    html += "<p><strong>Inputs:</strong> " + html_escape("not recorded (a folder written by the single commands, or by an older lscmir)") + "</p>";
  } else {
    const bool simulated = study.value("simulated", false);
    const std::string sheet = study.value("samples", std::string());
    const std::string input = study.value("input", std::string());
    html += "<p><strong>Samples:</strong> ";
    html += simulated ? "<span class=\"simulated\">" + html_escape("the samples are simulated") + "</span>"
                      : "<span class=\"real\">" + html_escape("real samples") + "</span>";
    html += html_escape(fmt::format(" (sample sheet {}, data {}; [study] simulated = {} in the config).", sheet, input, simulated ? "true" : "false")) +
            "</p>";
    if (study.contains("cohort") && study["cohort"].is_object()) {
      const json& c = study["cohort"];
      std::string name = c.value("name", std::string());
      if (name.empty()) name = c.value("expression", std::string("the cohort"));
      std::string n_text;
      if (b.has("cox.tsv")) {
        double n = 0, events = 0;
        for (const auto& r : rows_of(b.table("cox.tsv"))) {
          n = std::max(n, num(r.value("n", json(nullptr))));
          events = std::max(events, num(r.value("events", json(nullptr))));
        }
        if (n > 0) n_text = fmt::format(", n = {} patients, {} events", pretty(n), pretty(events));
      }
      std::vector<std::string> cov;
      if (c.contains("covariates"))
        for (const auto& v : c["covariates"]) cov.push_back(text(v));
      const std::string unit = c.value("time_unit", std::string());
      html += "<p><strong>Outcome cohort:</strong> " +
              html_escape(fmt::format("{} (real patient data as supplied: {} and {}){}; time {}{}, event {}; covariates: {}.", name,
                                      c.value("expression", std::string()), c.value("clinical", std::string()), n_text,
                                      c.value("time", std::string()), unit.empty() ? "" : " (" + unit + ")", c.value("event", std::string()),
                                      cov.empty() ? "none" : join_words(cov))) +
              "</p>";
    }
  }
  html += "</div>\n";
  b.body += html;
}

/// qc_samples.tsv rows with the sample sheet's other columns (qc_sheet.tsv) merged in by sample.
json sample_rows(Builder& b, std::vector<std::string>& colour_columns) {
  json rows = rows_of(b.table("qc_samples.tsv"));
  colour_columns = {"population", "patient"};
  if (!b.has("qc_sheet.tsv")) return rows;
  const io::ResultTable& sheet = b.table("qc_sheet.tsv");
  std::map<std::string, json> by_sample;
  for (auto& r : rows_of(sheet)) by_sample[text(r["sample"])] = r;
  for (const auto& c : sheet.columns)
    if (c.name != "sample" && std::find(colour_columns.begin(), colour_columns.end(), c.name) == colour_columns.end())
      colour_columns.push_back(c.name);
  for (auto& r : rows) {
    const auto it = by_sample.find(text(r["sample"]));
    if (it == by_sample.end()) continue;
    for (const auto& [k, v] : it->second.items())
      if (!r.contains(k)) r[k] = v.is_null() ? json("NA") : json(text(v));
  }
  return rows;
}

}  // namespace

/// The miRTrace warnings of `lscmir quant` (qc.json), one row per sample, so a failed sort is seen
/// before any statistics. Nothing when the run has no quant stage or ran with --no-qc.
void library_qc(Builder& b) {
  const auto it = std::find_if(b.run.files.begin(), b.run.files.end(), [](const auto& f) { return f.first == "qc.json"; });
  if (it == b.run.files.end()) return;
  const json qc = json::parse(it->second, nullptr, false);
  if (qc.is_discarded() || !qc.contains("samples")) return;
  static const std::vector<std::pair<std::string, std::string>> kFlags = {
      {"phred", "phred"}, {"length", "length 20-25 nt"}, {"qc_passed", "QC-passed"}, {"rnatype", "miRNA"}, {"complexity", "complexity"}};
  json rows = json::array();
  std::vector<std::string> failed;
  for (const auto& s : qc["samples"]) {
    if (!s.contains("qc_flags")) continue;
    const json& f = s["qc_flags"];
    const double reads = s.value("reads", 0.0);
    json row = {{"sample", s.value("sample", "")},
                {"reads", reads},
                {"% assigned to a mature miRNA", reads > 0 ? pretty(100.0 * s.value("assigned_mature", 0.0) / reads) : "NA"}};
    std::vector<std::string> raised;
    for (const auto& [key, label] : kFlags) {
      const bool warn = f.contains(key) && f[key].value("warn", false);
      row[label] = warn ? "WARN" : "ok";
      if (warn) raised.push_back(label);
    }
    row["warnings"] = raised.empty() ? std::string("none") : join_words(raised);
    if (!raised.empty()) failed.push_back(s.value("sample", ""));
    rows.push_back(row);
  }
  if (rows.empty()) return;
  b.section("library_qc", "Library QC (miRTrace warnings)",
            failed.empty() ? fmt::format("All {} libraries pass miRTrace's checks.", rows.size())
                           : fmt::format("{} of {} libraries raise a miRTrace warning: {}. Check them before reading any statistic below.",
                                         failed.size(), rows.size(), join_words(failed)));
  std::vector<std::string> columns = {"sample", "reads", "% assigned to a mature miRNA"};
  for (const auto& [key, label] : kFlags) columns.push_back(label);
  columns.push_back("warnings");
  b.html_table(columns, rows, 500,
               "miRTrace's warnings (Kang et al. 2018): phred: < 50% of bases at phred >= 30; length: < 25% of reads 20-25 nt; "
               "QC-passed: < 25% of reads; miRNA: < 10% of kept reads miRNA; complexity: < 10% of the reference's hairpins detected. "
               "Tables: qc_status.tsv, qc_rnatype.tsv, qc_complexity.tsv, qc_contamination.tsv.");
  b.end_section();
}

void overview(Builder& b) {
  library_qc(b);
  const bool qc = b.has("qc_samples.tsv");
  if (!qc && b.parameters("study").empty()) return;
  if (!qc) {
    b.section("overview", "Study overview");
    provenance_banner(b);
    b.end_section();
    return;
  }
  const io::ResultTable& t = b.table("qc_samples.tsv");
  std::vector<std::string> colour_columns;
  const json rows = sample_rows(b, colour_columns);
  std::set<std::string> pops, patients;
  for (const auto& r : rows) {
    pops.insert(text(r.value("population", json(nullptr))));
    patients.insert(text(r.value("patient", json(nullptr))));
  }
  std::vector<std::string> pop_list(pops.begin(), pops.end());
  b.section("overview", "Study overview and QC",
            fmt::format("{} samples from {} patients; populations: {}.", t.rows(), patients.size(), join_words(pop_list)));
  provenance_banner(b);
  const bool named = t.rows() <= kNamedSamples;
  const json sample_axis = named ? json{{"labelAngle", -60}, {"title", "sample"}}
                                 : json{{"labels", false}, {"ticks", false},
                                        {"title", fmt::format("{} samples, ordered by population (hover a bar for its name)", t.rows())}};
  if (t.find("lib.size") != nullptr)
    b.chart("Library size per sample", "Reads per sample (library size), coloured by population.",
            {{"data", {{"values", rows}}},
             {"mark", "bar"},
             {"encoding",
              {{"x", {{"field", "sample"}, {"type", "nominal"}, {"sort", {{"field", "population"}}}, {"axis", sample_axis}}},
               {"y", {{"field", "lib\\.size"}, {"type", "quantitative"}, {"title", "library size (reads)"}}},
               {"color", {{"field", "population"}, {"type", "nominal"}}},
               {"tooltip", json::array({{{"field", "sample"}}, {{"field", "patient"}}, {{"field", "population"}}, {{"field", "lib\\.size"}, {"format", ","}, {"title", "library size"}}})}}},
             {"width", named ? 560 : 760}},
            "library_sizes");
  if (t.find("PC1") != nullptr) {
    std::string pc1 = "PC1", pc2 = "PC2", used;
    if (b.has("qc_pca.tsv"))
      for (const auto& r : rows_of(b.table("qc_pca.tsv"))) {
        const double v = num(r["variance"]);
        if (std::isnan(v)) continue;
        const std::string label = fmt::format("{} ({:.1f}% of variance)", text(r["component"]), 100 * v);
        if (r["component"] == "PC1") pc1 = label;
        if (r["component"] == "PC2") pc2 = label;
        used = text(r["features"]);
      }
    json options = json::array();
    for (const auto& c : colour_columns) options.push_back(c);
    b.chart("Principal components of the samples",
            fmt::format("PCA of log-expression ({} most variable features, centred); pick the sample-sheet column that colours the points.",
                        used.empty() ? "the" : used),
            {{"params", json::array({{{"name", "colour_by"}, {"value", "population"}, {"bind", {{"input", "select"}, {"options", options}, {"name", "colour by "}}}}})},
             {"data", {{"values", rows}}},
             {"transform", json::array({{{"calculate", "isValid(datum[colour_by]) ? '' + datum[colour_by] : 'NA'"}, {"as", "colour"}}})},
             {"mark", {{"type", "point"}, {"filled", true}, {"size", 70}}},
             {"encoding",
              {{"x", {{"field", "PC1"}, {"type", "quantitative"}, {"title", pc1}}},
               {"y", {{"field", "PC2"}, {"type", "quantitative"}, {"title", pc2}}},
               {"color", {{"field", "colour"}, {"type", "nominal"}, {"title", "sheet column value"}, {"legend", {{"columns", patients.size() > 24 ? 2 : 1}, {"symbolLimit", 40}}}}},
               {"tooltip", json::array({{{"field", "sample"}}, {{"field", "patient"}}, {{"field", "population"}}, {{"field", "colour"}, {"title", "colour"}}})}}}},
            "pca");
  }
  b.html_table(columns_of(t), rows, 500, "Samples.");
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

void candidates(Builder& b) {
  if (!b.has("candidates.tsv")) return;
  const io::ResultTable& t = b.table("candidates.tsv");
  const json rows = rows_of(t);
  b.section("candidates", "Therapy candidates",
            "Ranked by the score of docs/statistics.md: specificity, cohort outcome, HSC sparing and pathway targets. The literature "
            "columns (data/literature) are context: they never enter the score. Click a header to sort.");
  json top = json::array();
  for (std::size_t i = 0; i < rows.size() && i < 20; ++i) top.push_back(rows[i]);
  if (!top.empty())
    b.chart("Score of the top candidates", fmt::format("The {} best-ranked therapy candidates, coloured by intervention.", top.size()),
            {{"data", {{"values", top}}},
             {"mark", "bar"},
             {"encoding",
              {{"y", {{"field", "feature"}, {"type", "nominal"}, {"sort", nullptr}}},
               {"x", {{"field", "score"}, {"type", "quantitative"}}},
               {"color", {{"field", "intervention"}, {"type", "nominal"}}},
               {"tooltip", json::array({{{"field", "feature"}}, {{"field", "class"}}, {{"field", "score"}, {"format", ".3f"}}, {{"field", "evidence"}},
                                      {{"field", "literature"}}})}}}},
            "candidate_scores");
  b.html_table(columns_of(t), rows, 200, "Candidates.");
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

}  // namespace detail

namespace {

using detail::json;
namespace fs = std::filesystem;

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
.banner{border-left:4px solid #486581;background:#f0f4f8;padding:.3em 1em;margin:.8em 0}.banner p{margin:.35em 0}
.simulated{color:#8a4b00;font-weight:600}.real{color:#1e6b3a;font-weight:600}
.table-tools{margin-top:.8em}.table-filter{font-size:.85em;padding:.2em .4em;width:18em}
.vega-bindings{font-size:.85em;margin-top:.3em}
)css";

constexpr const char* kScript = R"js(
(function(){
  var errs = document.getElementById('script-errors');
  function record(m){ errs.hidden = false; errs.textContent += String(m) + '\n'; document.body.setAttribute('data-script-errors', String((+document.body.getAttribute('data-script-errors')||0) + 1)); }
  window.addEventListener('error', function(e){ record(e.message || 'error'); });
  window.addEventListener('unhandledrejection', function(e){ record(e.reason); });
  var blocked = 0;
  document.addEventListener('securitypolicyviolation', function(e){ blocked++; record('blocked by the content security policy: ' + e.blockedURI); });
  document.querySelectorAll('input.table-filter').forEach(function(input){
    var table = input.parentNode.nextElementSibling.querySelector('table');
    input.addEventListener('input', function(){
      var q = input.value.toLowerCase();
      Array.prototype.forEach.call(table.tBodies[0].rows, function(r){ r.hidden = q !== '' && r.textContent.toLowerCase().indexOf(q) < 0; });
    });
  });
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
    return vegaEmbed('#' + c.id, c.spec, {renderer: 'svg', downloadFileName: c.file,
      actions: {export: {svg: true, png: true}, source: false, compiled: false, editor: false}});
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
  using namespace detail;  // NOLINT(google-build-using-namespace): the sections of this report
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
          html_escape(fmt::format("lscmir {} report, made {} from {}", core::version(), core::utc_now_iso8601(), dir.empty() ? std::string("a run not yet written") : fs::absolute(dir).string())) +
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
