// SPDX-License-Identifier: GPL-3.0-or-later
// The run folder: which files a study run writes (and which stage writes each), the one result
// model a run hands to the TSV writer and to the HTML report, and the one reader of a folder.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "lscmir/io/result_table.hpp"

namespace lscmir::study {

/// One kind of file a run writes: an exact name ("cox.tsv") or a prefix and a suffix ("de_", ".tsv").
struct RunFile {
  std::string_view prefix, suffix;  ///< exact names have the whole name as prefix and an empty suffix
  std::string_view stage;           ///< the stage that writes it
  bool table;                       ///< a TSV table (read back by read_run) or another file
  bool exact() const { return suffix.empty(); }
  bool matches(std::string_view file) const;
};

/// Every file kind of a run folder, in report order.
const std::vector<RunFile>& run_layout();

/// The layout entry of a file name, or nullptr when a run does not write such a file.
const RunFile* layout_entry(std::string_view file);

/// A stage of the chain that did not run, and why. The log says the same; the report lists it.
struct SkippedStage {
  std::string stage;   ///< "specificity", "rank", "hsc_sparing", "cohort", "forest", "cohort_km", "enrich_inhibit", "simulate", ...
  std::string reason;  ///< one sentence for the reader of the report
};

/// What a run did beyond its tables, for the report: kept in run_info.json ("parameters" ->
/// "notes") and read back by read_run.
struct RunNotes {
  std::vector<SkippedStage> skipped;   ///< in chain order
  std::string candidates_from;         ///< "specificity" (three populations), "contrasts" (the primary ones) or "" (no candidates)
  std::vector<std::string> primary;    ///< the contrasts the candidates were ranked on (as the config writes them)
  bool km_drawn = false;               ///< km_<feature>.tsv curves were drawn
  std::string km_split;                ///< how their high / low groups were split ("median"); empty when none were drawn
};
nlohmann::json to_json(const RunNotes& notes);
/// The notes of a run_info.json "notes" object (missing fields keep their defaults).
RunNotes run_notes_from_json(const nlohmann::json& j);

/// What one run produced: its tables, other outputs (isomirs.gff3, qc.json, ...), and the
/// provenance records (run_info*.json texts).
struct RunResult {
  std::string folder;                                          ///< where the run is written / was read
  std::vector<io::NamedTable> tables;                          ///< in the order they were added
  std::vector<std::pair<std::string, std::string>> files;      ///< other outputs: name -> text
  std::vector<std::pair<std::string, std::string>> provenance; ///< run_info file name -> JSON text
  nlohmann::json stages = nlohmann::json::array();             ///< per stage: name, seconds, outputs
  RunNotes notes;                                              ///< skipped stages and what the report must say

  /// Adds (or replaces) a table. @throws core::InternalError for a name outside run_layout().
  void put(std::string file, io::ResultTable table);
  /// The table called `file`, or nullptr.
  const io::ResultTable* find(std::string_view file) const;
  /// Names of the tables starting with `prefix` and ending with `suffix`, sorted bytewise.
  std::vector<std::string> tables_like(std::string_view prefix, std::string_view suffix) const;
};

/// Reads a run folder: every table of run_layout() present in `dir` (numbers read back by
/// io::from_table), every run_info*.json, and the notes of run_info.json (a folder of an older
/// run without them: km_drawn when it has km_*.tsv tables, split "median"). @throws core::UsageError when `dir` is not a folder,
/// core::InputError for a malformed table.
RunResult read_run(const std::string& dir);

/// Writes a run into `dir` (created if needed): every table, file and provenance record is staged
/// (io::StagedFiles: written and fsync'ed beside its target) before any is renamed into place, then
/// the files of an earlier run in `dir` that this run did not write are removed (only names of
/// run_layout() and run_info*.json; anything else in the folder is left alone), as are stale
/// temporaries of a killed run. Returns the names written. @throws core::OutputError when a file
/// cannot be written; the earlier run is then left exactly as it was.
std::vector<std::string> write_run(const RunResult& run, const std::string& dir);

}  // namespace lscmir::study
