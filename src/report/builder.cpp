// SPDX-License-Identifier: GPL-3.0-or-later
// The report builder's helpers: rows, numbers for readers, figures, tables, provenance records.
#include "builder.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <fmt/core.h>

#include "lscmir/io/number.hpp"

namespace lscmir::report::detail {

namespace {
constexpr const char* kSchema = "https://vega.github.io/schema/vega-lite/v5.json";

/// A file name for the export menu: letters, digits, '-', '_' and '.' kept, the rest '_'.
std::string file_stem(const std::string& s) {
  std::string out;
  for (char c : s) out.push_back((std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') ? c : '_');
  if (out.size() > 80) out.resize(80);
  return out;
}
}  // namespace

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

std::string text(const json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number()) return pretty(v.get<double>(), 6);
  return v.dump();
}

void sort_ascending(json& rows, const std::string& column) {
  std::stable_sort(rows.begin(), rows.end(), [&](const json& x, const json& y) {
    const double a = x.contains(column) ? num(x[column]) : std::nan(""), c = y.contains(column) ? num(y[column]) : std::nan("");
    return std::isnan(c) ? !std::isnan(a) : (!std::isnan(a) && a < c);
  });
}

std::vector<std::string> columns_of(const io::ResultTable& t) {
  std::vector<std::string> names;
  for (const auto& c : t.columns) names.push_back(c.name);
  return names;
}

std::string pretty(double x, int digits) {
  if (std::isnan(x)) return "NA";
  if (std::isinf(x)) return x > 0 ? "Inf" : "-Inf";
  if (x == std::floor(x) && std::fabs(x) < 1e15) return fmt::format("{}", static_cast<long long>(x));
  if (x != 0 && std::fabs(x) < 1e-3) return fmt::format("{:.{}e}", x, std::max(digits - 1, 0));
  return fmt::format("{:.{}g}", x, digits);
}

std::string join_words(const std::vector<std::string>& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) out += (i == 0 ? "" : i + 1 == words.size() ? " and " : ", ") + words[i];
  return out;
}

json Builder::parameters(const std::string& stage) const {
  const std::string name = "run_info." + stage + ".json";
  for (const auto& [n, t] : run.provenance)
    if (n == name) {
      const json j = json::parse(t, nullptr, /*allow_exceptions=*/false);
      if (j.is_object() && j.contains("parameters") && j["parameters"].is_object()) return j["parameters"];
      return json::object();
    }
  return json::object();
}

std::vector<std::string> Builder::outputs(const std::string& stage) const {
  const std::string name = "run_info." + stage + ".json";
  std::vector<std::string> out;
  for (const auto& [n, t] : run.provenance)
    if (n == name) {
      const json j = json::parse(t, nullptr, /*allow_exceptions=*/false);
      if (j.is_object() && j.contains("outputs") && j["outputs"].is_array())
        for (const auto& o : j["outputs"])
          if (o.is_string()) out.push_back(o.get<std::string>());
    }
  return out;
}

void Builder::section(const std::string& id, const std::string& title, const std::string& intro) {
  summary.sections.push_back(id);
  body += "<section id=\"" + html_escape(id) + "\"><h2>" + html_escape(title) + "</h2>\n";
  if (!intro.empty()) body += "<p>" + html_escape(intro) + "</p>\n";
}

void Builder::chart(const std::string& title, const std::string& caption, json spec, const std::string& file) {
  const std::string id = fmt::format("chart{}", charts.size() + 1);
  spec["$schema"] = kSchema;
  spec["title"] = {{"text", title}, {"anchor", "start"}, {"fontSize", 13}, {"limit", 640}};
  if (!spec.contains("width") && !spec.contains("facet") && !spec.contains("hconcat") && !spec.contains("vconcat")) spec["width"] = 360;
  charts.push_back({{"id", id}, {"file", file_stem(file.empty() ? id : file)}, {"spec", std::move(spec)}});
  body += "<figure><div class=\"chart\" id=\"" + id + "\"></div><figcaption>" + html_escape(caption) + "</figcaption></figure>\n";
  ++summary.charts;
}

void Builder::html_table(const std::vector<std::string>& columns, const json& rows, std::size_t limit, const std::string& caption) {
  ++summary.tables;
  body += "<div class=\"table-tools\"><input type=\"search\" class=\"table-filter\" placeholder=\"filter rows\" aria-label=\"filter rows of: " +
          html_escape(caption) + "\"></div>";
  body += "<div class=\"table-wrap\"><table class=\"sortable\"><caption>" + html_escape(caption) + "</caption><thead><tr>";
  for (const auto& c : columns) body += "<th>" + html_escape(c) + "</th>";
  body += "</tr></thead><tbody>\n";
  std::size_t n = 0;
  for (const auto& r : rows) {
    if (n++ >= limit) break;
    body += "<tr>";
    for (const auto& c : columns) {
      const json& v = r.contains(c) ? r[c] : json(nullptr);
      std::string cell;
      if (v.is_null()) cell = "NA";
      else if (v.is_number()) cell = pretty(v.get<double>(), 4);
      else cell = text(v);
      body += "<td>" + html_escape(cell) + "</td>";
    }
    body += "</tr>\n";
  }
  body += "</tbody></table></div>\n";
  if (rows.size() > limit)
    body += "<p class=\"note\">" + html_escape(fmt::format("First {} of {} rows; the full table is in the run folder.", limit, rows.size())) + "</p>\n";
}

}  // namespace lscmir::report::detail
