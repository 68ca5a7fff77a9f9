// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/study/run_folder.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "lscmir/core/error.hpp"
#include "lscmir/io/output.hpp"
#include "lscmir/io/table.hpp"

namespace lscmir::study {
namespace fs = std::filesystem;

bool RunFile::matches(std::string_view file) const {
  if (exact()) return file == prefix;
  return file.size() > prefix.size() + suffix.size() && file.substr(0, prefix.size()) == prefix &&
         file.substr(file.size() - suffix.size()) == suffix;
}

const std::vector<RunFile>& run_layout() {
  static const std::vector<RunFile> kLayout = {
      {"quant_sheet.tsv", "", "quant", true},
      {"counts.tsv", "", "quant", true},
      {"hairpin_counts.tsv", "", "quant", true},
      {"isomirs.gff3", "", "quant", false},
      {"qc_status.tsv", "", "quant", true},
      {"qc_length.tsv", "", "quant", true},
      {"qc_phred.tsv", "", "quant", true},
      {"qc_rnatype.tsv", "", "quant", true},
      {"qc_complexity.tsv", "", "quant", true},
      {"qc_contamination.tsv", "", "quant", true},
      {"qc.json", "", "quant", false},
      {"multiqc/", "_mqc.json", "quant", false},
      {"expression.tsv", "", "qpcr", true},
      {"ct_summary.tsv", "", "qpcr", true},
      {"normalizers.tsv", "", "qpcr", true},
      {"detection.tsv", "", "qpcr", true},
      {"references.tsv", "", "qpcr", true},
      {"imputations.tsv", "", "qpcr", true},
      {"onoff_", ".tsv", "qpcr", true},
      {"norm_factors.tsv", "", "de", true},
      {"de_", ".tsv", "de", true},
      {"paired_", ".tsv", "de", true},
      {"sample_weights.tsv", "", "de", true},
      {"voom_trend.tsv", "", "de", true},
      {"pvalue_histogram.tsv", "", "de", true},
      {"specificity.tsv", "", "specificity", true},
      {"specificity_summary.tsv", "", "specificity", true},
      {"cox.tsv", "", "cohort", true},
      {"logrank.tsv", "", "cohort", true},
      {"logistic.tsv", "", "cohort", true},
      {"finegray.tsv", "", "cohort", true},
      {"cox_ph_global.tsv", "", "cohort", true},
      {"km_", ".tsv", "cohort_km", true},
      {"cif_", ".tsv", "cohort_km", true},
      {"gray_", ".tsv", "cohort_km", true},
      {"score_", ".tsv", "score", true},
      {"target_pairs.tsv", "", "targets", true},
      {"candidates.tsv", "", "rank", true},
      {"forest.tsv", "", "rank", true},
      {"enrichment_", ".tsv", "enrich", true},
      {"overlap_", ".tsv", "enrich", true},
      {"sim_", ".tsv", "simulate", true},
      {"qc_samples.tsv", "", "qc", true},
      {"qc_pca.tsv", "", "qc", true},
      {"qc_sheet.tsv", "", "qc", true},
      {"report_expression.tsv", "", "qc", true},
      {"report.html", "", "report", false},
  };
  return kLayout;
}

const RunFile* layout_entry(std::string_view file) {
  for (const auto& f : run_layout())
    if (f.matches(file)) return &f;
  return nullptr;
}

void RunResult::put(std::string file, io::ResultTable table) {
  const RunFile* e = layout_entry(file);
  core::ensure(e != nullptr && e->table, "RunResult::put: a table name outside the run layout");
  for (auto& t : tables)
    if (t.file == file) {
      t.table = std::move(table);
      return;
    }
  tables.push_back({std::move(file), std::move(table)});
}

const io::ResultTable* RunResult::find(std::string_view file) const {
  for (const auto& t : tables)
    if (t.file == file) return &t.table;
  return nullptr;
}

std::vector<std::string> RunResult::tables_like(std::string_view prefix, std::string_view suffix) const {
  std::vector<std::string> out;
  const RunFile pattern{prefix, suffix, "", true};
  for (const auto& t : tables)
    if (pattern.matches(t.file)) out.push_back(t.file);
  std::sort(out.begin(), out.end());
  return out;
}

nlohmann::json to_json(const RunNotes& n) {
  nlohmann::json skipped = nlohmann::json::array();
  for (const auto& s : n.skipped) skipped.push_back({{"stage", s.stage}, {"reason", s.reason}});
  return {{"skipped", skipped}, {"candidates_from", n.candidates_from}, {"primary", n.primary}, {"km_drawn", n.km_drawn},
          {"km_split", n.km_split}};
}

RunNotes run_notes_from_json(const nlohmann::json& j) {
  RunNotes n;
  if (!j.is_object()) return n;
  const auto text = [&](const char* key) { return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string(); };
  if (j.contains("skipped") && j["skipped"].is_array())
    for (const auto& s : j["skipped"])
      if (s.is_object() && s.contains("stage") && s["stage"].is_string())
        n.skipped.push_back({s["stage"].get<std::string>(), s.value("reason", std::string())});
  n.candidates_from = text("candidates_from");
  if (j.contains("primary") && j["primary"].is_array())
    for (const auto& p : j["primary"])
      if (p.is_string()) n.primary.push_back(p.get<std::string>());
  n.km_drawn = j.value("km_drawn", false);
  n.km_split = text("km_split");
  return n;
}

namespace {
bool is_run_info(const std::string& n) { return n.rfind("run_info", 0) == 0 && fs::path(n).extension() == ".json"; }
}  // namespace

RunResult read_run(const std::string& dir) {
  if (!fs::is_directory(dir)) throw core::UsageError(dir + " is not a run folder");
  RunResult run;
  run.folder = dir;
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file()) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  for (const auto& n : names) {
    const std::string path = (fs::path(dir) / n).string();
    if (is_run_info(n)) {
      std::ifstream in(path, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      run.provenance.emplace_back(n, ss.str());
      continue;
    }
    const RunFile* e = layout_entry(n);
    if (e && e->table) run.tables.push_back({n, io::from_table(io::read_table(path))});
  }
  bool notes = false;
  for (const auto& [n, text] : run.provenance) {
    if (n != "run_info.json") continue;
    const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_object() && j.contains("parameters") && j["parameters"].is_object() && j["parameters"].contains("notes")) {
      run.notes = run_notes_from_json(j["parameters"]["notes"]);
      notes = true;
    }
  }
  if (!notes && !run.tables_like("km_", ".tsv").empty()) {  // a folder written before the notes existed
    run.notes.km_drawn = true;
    run.notes.km_split = "median";
  }
  return run;
}

std::vector<std::string> write_run(const RunResult& run, const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw core::OutputError(dir, "cannot create the run folder: " + ec.message());
  // Every file is staged first (the earlier run untouched); only when all are on disk are they renamed in.
  std::set<fs::path> folders{fs::path(dir)};
  for (const auto& [name, text] : run.files) {
    const fs::path p = fs::path(dir) / name;
    fs::create_directories(p.parent_path(), ec);
    if (ec) throw core::OutputError(p.parent_path().string(), "cannot create folder: " + ec.message());
    folders.insert(p.parent_path());
  }
  for (const auto& f : folders) io::remove_stale_temporaries(f.string());
  io::StagedFiles staged(dir);
  io::stage_tables(staged, run.tables);
  for (const auto& [name, text] : run.files) staged.add(name, text);
  for (const auto& [name, text] : run.provenance) staged.add(name, text);
  std::vector<std::string> written = staged.commit();
  // Only now that the new run is complete: the files of an earlier run that this one did not write.
  const std::set<std::string> keep(written.begin(), written.end());
  std::vector<fs::path> stale;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
    if (!e.is_regular_file()) continue;
    const std::string rel = fs::relative(e.path(), dir).generic_string();
    if (keep.count(rel) || rel == "run_info.json") continue;  // the caller replaces run_info.json last
    if (is_run_info(rel) || (layout_entry(rel) && rel != "report.html")) stale.push_back(e.path());
  }
  for (const auto& p : stale) fs::remove(p, ec);
  return written;
}

}  // namespace lscmir::study
