// SPDX-License-Identifier: GPL-3.0-or-later
// The provenance record written as run_info.json into every output folder.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace lscmir::core {

/// The version string of this build ("0.1.0").
const char* version();

struct InputRecord {
  std::string role;    // "counts", "samples", ...
  std::string path;    // as given by the user
  std::string sha256;  // hex digest of the file's bytes
  std::uintmax_t bytes = 0;
};

struct RunInfo {
  std::string command;                 // subcommand name
  std::vector<std::string> argv;       // the full command line
  std::vector<InputRecord> inputs;
  nlohmann::json parameters = nlohmann::json::object();
  std::optional<std::uint64_t> seed;
  std::string start_time;              // ISO 8601 UTC
  std::string end_time;
  double wall_seconds = 0.0;
  double cpu_seconds = 0.0;
  std::int64_t peak_rss_kib = 0;
  std::vector<std::string> warnings;
  std::vector<std::string> outputs;    // file names written, relative to the output folder
};

/// Serializes to JSON (stable key order).
nlohmann::json to_json(const RunInfo& info);

/// JSON text for a file: indented by 2, newline-terminated. Names are data and may hold bytes that
/// are not UTF-8, which JSON cannot carry: those are written as U+FFFD (the TSV tables keep the
/// bytes), never an error after the tables are written.
std::string json_text(const nlohmann::json& j);

/// Current UTC time as ISO 8601 ("2026-11-29T20:41:00Z").
std::string utc_now_iso8601();

/// Process CPU seconds (user + system) and peak resident set size (KiB) so far.
double process_cpu_seconds();
std::int64_t process_peak_rss_kib();

}  // namespace lscmir::core
