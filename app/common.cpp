// SPDX-License-Identifier: GPL-3.0-or-later
#include "common.hpp"

#include <cstdlib>
#include <filesystem>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>

#include <fmt/core.h>

#include "lscmir/core/error.hpp"
#include "lscmir/io/output.hpp"

namespace lscmir::app {

void add_common_options(CLI::App& app, CommonOptions& o, bool needs_out, const char* out_help, const char* force_help) {
  app.add_option("--threads", o.threads, "Worker threads (0 = all cores)")->check(CLI::NonNegativeNumber);
  auto* out = app.add_option("--out", o.out, out_help ? out_help : "Output folder");
  if (needs_out) out->required();
  else if (!o.out.empty()) out->capture_default_str();
  if (force_help) app.add_flag("--force", o.force, force_help);
  app.add_flag("--quiet", o.quiet, "Only warnings and errors on stderr");
}

int guarded(const std::string& command, [[maybe_unused]] core::Logger& log, const std::function<int()>& body) {
  try {
    return body();
  } catch (const core::InputError& e) {
    std::cerr << "lscmir " << command << ": error: " << e.what() << '\n';
    return kExitUsage;
  } catch (const core::OutputError& e) {
    std::cerr << "lscmir " << command << ": error writing output: " << e.what() << '\n';
    return kExitOutput;
  } catch (const core::UsageError& e) {
    std::cerr << "lscmir " << command << ": error: " << e.what() << '\n';
    return kExitUsage;
  } catch (const core::NumericalError& e) {
    std::cerr << "lscmir " << command << ": numerical error: " << e.what() << '\n';
    return kExitFailure;
  } catch (const core::InternalError& e) {
    std::cerr << "lscmir " << command << ": " << e.what() << " (please report this as a bug)\n";
    return kExitFailure;
  } catch (const std::bad_alloc&) {
    std::cerr << "lscmir " << command << ": error: out of memory\n";
    return kExitFailure;
  } catch (const std::exception& e) {
    std::cerr << "lscmir " << command << ": internal error: " << e.what() << " (please report this as a bug)\n";
    return kExitFailure;
  }
}

int parse_or_exit(CLI::App& app, const std::vector<std::string>& argv) {
  std::vector<std::string> rev(argv.rbegin(), argv.rend() - 1);  // CLI11 takes reversed args without argv[0]
  try {
    app.parse(rev);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return kExitOk;
  } catch (const CLI::CallForAllHelp&) {
    std::cout << app.help("", CLI::AppFormatMode::All);
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    std::cerr << app.get_name() << ": error: " << e.what() << "\nRun '" << app.get_name() << " --help' for usage.\n";
    return kExitUsage;
  }
  return -1;
}

core::RunInfo begin_run(const std::string& command, const std::vector<std::string>& argv, const CommonOptions& options,
                        core::Logger& log) {
  core::RunInfo info;
  info.command = command;
  info.argv = argv;
  info.start_time = core::utc_now_iso8601();
  if (options.quiet) log.set_level(core::LogLevel::kWarning);
  return info;
}

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void finish_run_info(core::RunInfo& info, const std::string& dir, const core::Logger& log, double wall_start) {
  info.end_time = core::utc_now_iso8601();
  info.wall_seconds = now_seconds() - wall_start;
  info.cpu_seconds = core::process_cpu_seconds();
  info.peak_rss_kib = core::process_peak_rss_kib();
  info.warnings = log.warnings();
  io::write_file_atomic((std::filesystem::path(dir) / "run_info.json").string(), core::json_text(core::to_json(info)));
}

}  // namespace lscmir::app

namespace lscmir::app {
int cmd_de(const std::vector<std::string>& argv, core::Logger& log);
int cmd_demo(const std::vector<std::string>& argv, core::Logger& log);
int cmd_qpcr(const std::vector<std::string>& argv, core::Logger& log);
int cmd_rank(const std::vector<std::string>& argv, core::Logger& log);
int cmd_score(const std::vector<std::string>& argv, core::Logger& log);
int cmd_report(const std::vector<std::string>& argv, core::Logger& log);
int cmd_run(const std::vector<std::string>& argv, core::Logger& log);
int cmd_specificity(const std::vector<std::string>& argv, core::Logger& log);
int cmd_survival(const std::vector<std::string>& argv, core::Logger& log);
int cmd_quant(const std::vector<std::string>& argv, core::Logger& log);
int cmd_simulate(const std::vector<std::string>& argv, core::Logger& log);
int cmd_targets(const std::vector<std::string>& argv, core::Logger& log);
int cmd_enrich(const std::vector<std::string>& argv, core::Logger& log);

const std::vector<Command>& commands() {
  static const std::vector<Command> kCommands = {
      {"demo", "the whole study on the bundled demo data (data/demo), with its report", cmd_demo},
      {"de", "differential expression between populations (limma voom / trend / lm)", cmd_de},
      {"qpcr", "qPCR Ct import, -dCt normalization, geNorm and on/off detection calls", cmd_qpcr},
      {"rank", "therapy candidates: specificity, cohort outcome, HSC sparing and pathway targets", cmd_rank},
      {"report", "self-contained HTML report of a run folder (opens offline)", cmd_report},
      {"run", "the whole study from a CONFIG.toml: DE, specificity, cohort, targets, candidates, report", cmd_run},
      {"score", "a multi-miRNA risk score: lasso Cox weights (cv.glmnet) fitted, or applied to a cohort", cmd_score},
      {"specificity", "LSC-specific, HSC-specific, stem-shared and leukemia-wide miRNAs from the three contrasts", cmd_specificity},
      {"survival", "per-miRNA Cox, log-rank, Kaplan-Meier and logistic models", cmd_survival},
      {"quant", "small RNA-seq FASTQ to mature miRNA counts, isomiRs (mirGFF3) and QC", cmd_quant},
      {"simulate", "virtual patients: LSC/HSC dynamics under 7+3 and miRNA modulation", cmd_simulate},
      {"targets", "miRNA seed sites (TargetScan 7 definitions) or imported target tables", cmd_targets},
      {"enrich", "gene-set enrichment of miRNA targets (hypergeometric, empirical)", cmd_enrich},
  };
  return kCommands;
}
std::string bundled_data_file(const std::string& relative) {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("LSCMIR_DATA"); env && *env) {
    const fs::path p = fs::path(env) / relative;
    return fs::is_regular_file(p) ? p.string() : std::string();
  }
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed = exe.parent_path().parent_path() / "share" / "lscmir" / relative;
    if (fs::is_regular_file(installed)) return installed.string();
  }
  const fs::path source = fs::path(LSCMIR_SOURCE_DATA_DIR) / relative;
  return fs::is_regular_file(source) ? source.string() : std::string();
}

namespace {
std::string bundled_or_off(const std::string& value, const std::string& bundled, const char* option, core::Logger& log) {
  if (value == "none") return {};
  if (value != "auto") return value;
  std::string path = bundled_data_file(bundled);
  if (path.empty()) log.warn("quant", fmt::format("{} auto: data/{} was not found (set LSCMIR_DATA); that QC is off", option, bundled));
  return path;
}
}  // namespace

void resolve_qc_references(quant::QuantOptions& q, core::Logger& log) {
  if (!q.qc) {
    q.rrna.clear();
    q.trna.clear();
    q.artifacts.clear();
    q.clades.clear();
    return;
  }
  q.trna = bundled_or_off(q.trna, "mirtrace/tRNA_hsa.fa", "trna", log);
  q.clades = bundled_or_off(q.clades, "mirtrace/clade_prefixes.tsv", "clades", log);
}

}  // namespace lscmir::app
