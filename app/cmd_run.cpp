// SPDX-License-Identifier: GPL-3.0-or-later
// lscmir run CONFIG.toml: the whole study in one folder (study::run_study); lscmir demo: the same
// on the bundled data in data/demo/.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "common.hpp"
#include "lscmir/core/error.hpp"
#include "lscmir/core/parallel.hpp"
#include "lscmir/io/output.hpp"
#include "lscmir/report/report.hpp"
#include "lscmir/study/config.hpp"
#include "lscmir/study/pipeline.hpp"

namespace lscmir::app {
namespace {

namespace fs = std::filesystem;

/// After a failed run: run_info.json with "status": "failed", the stage and the error, so the folder
/// never looks like a finished run. An earlier complete run in the folder is left untouched and the
/// marker goes beside it as run_info.failed.json (the next successful run removes it). Best effort:
/// a folder that cannot be written keeps the original error.
void write_failure_marker(core::RunInfo info, const std::string& out, const std::string& stage, const std::string& error,
                          const core::Logger& log) {
  try {
    std::error_code ec;
    fs::create_directories(out, ec);
    if (ec) return;
    const fs::path previous = fs::path(out) / "run_info.json";
    bool earlier_run = false;
    if (fs::exists(previous, ec)) {
      std::ifstream in(previous);
      const nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
      earlier_run = !(j.is_object() && j.value("status", "") == "failed");
    }
    info.end_time = core::utc_now_iso8601();
    info.warnings = log.warnings();
    info.outputs.clear();
    nlohmann::json j = core::to_json(info);
    j["status"] = "failed";
    j["stage"] = stage;
    j["error"] = core::cell_for_message(error, 4000);
    io::write_file_atomic((fs::path(out) / (earlier_run ? "run_info.failed.json" : "run_info.json")).string(), core::json_text(j));
  } catch (const std::exception&) {  // NOLINT(bugprone-empty-catch): the run's own error is what the user must see
  }
}

int run_pipeline(study::StudyConfig c, const CommonOptions& o, const std::vector<std::string>& argv, core::Logger& log) {
  const double t0 = now_seconds();
  if (!c.fastq_sheet.empty()) resolve_qc_references(c.quant, log);
  core::RunInfo info = begin_run("run", argv, o, log);
  const std::string out = o.out.empty() ? c.out : o.out;
  if (out.empty()) throw core::UsageError("no output folder: give --out or [output] dir in " + c.path);
  if (fs::exists(out) && !fs::is_directory(out)) throw core::UsageError(out + " exists and is not a folder");
  if (fs::is_directory(out) && !fs::is_empty(out) && !o.force)
    throw core::UsageError(out + " is not empty; use --force to overwrite the run in it");
  const int threads = core::resolve_threads(o.threads);
  std::string stage = "inputs";
  report::ReportSummary rs;
  study::RunResult run;
  try {
    run = study::run_study(c, {threads, argv, &stage}, log);
    run.folder = out;
    stage = "report";
    run.files.emplace_back("report.html", report::build_report(run, c.title, &rs));
    // Everything is computed: only now is the folder touched (an earlier run is replaced as a whole).
    stage = "write";
    info.outputs = study::write_run(run, out);
  } catch (const std::exception& e) {
    write_failure_marker(info, out, stage, e.what(), log);
    throw;
  }
  log.info("run", fmt::format("report.html: {} charts, {} tables", rs.charts, rs.tables));
  info.inputs.push_back(io::checksum_file("config", c.path));
  std::sort(info.outputs.begin(), info.outputs.end());
  info.parameters = {{"config", c.path}, {"out", out}, {"threads", threads}, {"stages", run.stages}, {"notes", study::to_json(run.notes)}};
  finish_run_info(info, out, log, t0);
  log.info("run", fmt::format("done in {:.1f} s: {}", info.wall_seconds, out));
  return kExitOk;
}

/// data/demo/ (bundled_data_file's search order).
fs::path demo_dir() {
  const std::string toml = bundled_data_file("demo/demo.toml");
  if (!toml.empty()) return fs::path(toml).parent_path();
  throw core::UsageError("the demo data (data/demo/demo.toml) was not found; set LSCMIR_DATA to the project's data/ folder");
}

}  // namespace

int cmd_run(const std::vector<std::string>& argv, core::Logger& log) {
  std::string config;
  CommonOptions o;
  CLI::App app("Run the whole study from a TOML config (docs/config.md): DE, specificity, cohort, targets, candidates, report",
               "lscmir run");
  app.add_option("config", config, "The study's CONFIG.toml")->required();
  add_common_options(app, o, /*needs_out=*/false, "Output folder (overrides [output] dir)", "Overwrite the run in a non-empty output folder");
  const int parsed = parse_or_exit(app, argv);
  if (parsed >= 0) return parsed;
  return guarded("run", log, [&] { return run_pipeline(study::read_study_config(config), o, argv, log); });
}

int cmd_demo(const std::vector<std::string>& argv, core::Logger& log) {
  CommonOptions o;
  o.out = "demo_out";
  CLI::App app("The whole chain on the bundled demo study (data/demo/demo.toml): simulated sorted populations on real TCGA "
               "LAML abundances, the real TCGA LAML cohort, TargetScan 7.1, miRTarBase, Hallmark and WikiPathways",
               "lscmir demo");
  add_common_options(app, o, /*needs_out=*/false, "Output folder (overwritten)", nullptr);
  const int parsed = parse_or_exit(app, argv);
  if (parsed >= 0) return parsed;
  o.force = true;
  return guarded("demo", log, [&] { return run_pipeline(study::read_study_config((demo_dir() / "demo.toml").string()), o, argv, log); });
}

}  // namespace lscmir::app
