// SPDX-License-Identifier: GPL-3.0-or-later
// The self-contained HTML report of a run folder: Vega-Lite charts (Vega, Vega-Lite and vega-embed
// inlined, so it opens offline), sortable tables and the run's provenance.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace lscmir::report {

/// Escapes &, <, >, " and ' for HTML text and attribute values.
std::string html_escape(std::string_view s);

/// JSON text safe inside <script type="application/json">: '<', '>', '&', U+2028 and U+2029 as \u escapes.
std::string json_for_script(const nlohmann::json& j);

/// What the report found and drew.
struct ReportSummary {
  int charts = 0;
  int tables = 0;
  std::vector<std::string> sections;
  std::vector<std::string> inputs;  ///< files of the run folder that were read
};

/// Builds the report of the run folder `dir` (the files `lscmir run` writes; every section is
/// optional and drawn when its files exist). `title` is shown at the top.
/// @throws core::InputError when a table in the folder is malformed.
std::string build_report(const std::string& dir, const std::string& title, ReportSummary* summary = nullptr);

}  // namespace lscmir::report
