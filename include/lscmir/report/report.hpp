// SPDX-License-Identifier: GPL-3.0-or-later
// The self-contained HTML report of a run folder: Vega-Lite charts (Vega, Vega-Lite and vega-embed
// inlined, so it opens offline), sortable tables and the run's provenance.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "lscmir/study/run_folder.hpp"

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

/// Builds the report of a run (in memory from `lscmir run`, or read back by study::read_run for
/// `lscmir report DIR`); every section is optional and drawn when its tables are there. `title`
/// is shown at the top, `run.folder` in the header.
std::string build_report(const study::RunResult& run, const std::string& title, ReportSummary* summary = nullptr);

}  // namespace lscmir::report
