// SPDX-License-Identifier: GPL-3.0-or-later
// The report's builder (private to src/report): the run's tables as JSON rows, the HTML of the
// sections, the Vega-Lite specs, and what the run's provenance records say about the study.
#pragma once

#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lscmir/io/result_table.hpp"
#include "lscmir/report/report.hpp"
#include "lscmir/study/run_folder.hpp"

namespace lscmir::report::detail {

using json = nlohmann::json;

/// A table as JSON rows: numbers where a cell is or reads as one, null for NA / NaN / Inf, text
/// otherwise (so a table from memory and the same table read back from its TSV give the same rows).
json rows_of(const io::ResultTable& t);
/// The number in a JSON cell, NaN when it is not one.
double num(const json& v);
/// The text of a JSON cell (numbers as JSON prints them), "" for null.
std::string text(const json& v);
/// Rows ordered by a numeric column, smallest first, missing values last (stable).
void sort_ascending(json& rows, const std::string& column);
std::vector<std::string> columns_of(const io::ResultTable& t);
/// A number for a reader: `digits` significant digits, "NA" for NaN, small P values as 1.2e-05.
std::string pretty(double x, int digits = 3);
/// "a, b and c".
std::string join_words(const std::vector<std::string>& words);

struct Builder {
  const study::RunResult& run;
  ReportSummary summary;
  std::string body;  // HTML sections
  json charts = json::array();
  std::set<std::string> read;

  bool has(const std::string& name) const { return run.find(name) != nullptr; }
  const io::ResultTable& table(const std::string& name) {
    read.insert(name);
    return *run.find(name);
  }
  /// The "parameters" object of run_info.<stage>.json, or an empty object (absent or unreadable).
  json parameters(const std::string& stage) const;
  /// The "outputs" list of run_info.<stage>.json (in the order the stage wrote them), or empty.
  std::vector<std::string> outputs(const std::string& stage) const;

  void section(const std::string& id, const std::string& title, const std::string& intro = {});
  void paragraph(const std::string& html_text_escaped_by_caller) { body += html_text_escaped_by_caller; }
  void end_section() { body += "</section>\n"; }
  /// A figure: `title` is drawn as the chart's title (it names the chart's subject), `caption`
  /// below it; both are escaped. `file` names the SVG / PNG the export menu saves.
  void chart(const std::string& title, const std::string& caption, json spec, const std::string& file = {});
  /// An HTML table of `rows` (columns in `columns` order), sortable by clicking a header and
  /// filtered by a text box.
  void html_table(const std::vector<std::string>& columns, const json& rows, std::size_t limit, const std::string& caption);
};

/// Above this many samples the sample axes carry no names (hover for them).
constexpr std::size_t kNamedSamples = 60;

// The sections, in report order.
void overview(Builder& b);
void differential(Builder& b);
void specificity(Builder& b);
void paired_lines(Builder& b);
void cohort(Builder& b);
void targets_section(Builder& b);
void candidates(Builder& b);
void simulation(Builder& b);
void provenance(Builder& b);

}  // namespace lscmir::report::detail
