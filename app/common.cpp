// SPDX-License-Identifier: GPL-3.0-or-later
#include "common.hpp"

#include <chrono>
#include <filesystem>
#include <iostream>

#include <fmt/core.h>

#include "lscmir/core/error.hpp"
#include "lscmir/io/output.hpp"

namespace lscmir::app {

void add_common_options(CLI::App& app, CommonOptions& o, bool needs_out) {
  app.add_option("--threads", o.threads, "Worker threads (0 = all cores)")->check(CLI::NonNegativeNumber);
  if (needs_out) app.add_option("--out", o.out, "Output folder")->required();
  app.add_flag("--force", o.force, "Overwrite existing outputs");
  app.add_flag("--quiet", o.quiet, "Only warnings and errors on stderr");
}

int guarded(const std::string& command, [[maybe_unused]] core::Logger& log, const std::function<int()>& body) {
  try {
    return body();
  } catch (const core::InputError& e) {
    std::cerr << "lscmir " << command << ": error: " << e.what() << '\n';
    return kExitUsage;
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
  io::write_file_atomic((std::filesystem::path(dir) / "run_info.json").string(), core::to_json(info).dump(2) + "\n");
}

}  // namespace lscmir::app

namespace lscmir::app {
int cmd_de(const std::vector<std::string>& argv, core::Logger& log);
int cmd_survival(const std::vector<std::string>& argv, core::Logger& log);
int cmd_targets(const std::vector<std::string>& argv, core::Logger& log);
int cmd_enrich(const std::vector<std::string>& argv, core::Logger& log);

const std::vector<Command>& commands() {
  static const std::vector<Command> kCommands = {
      {"de", "differential expression between populations (limma voom / trend / lm)", cmd_de},
      {"survival", "per-miRNA Cox, log-rank, Kaplan-Meier and logistic models", cmd_survival},
      {"targets", "miRNA seed sites (TargetScan 7 definitions) or imported target tables", cmd_targets},
      {"enrich", "gene-set enrichment of miRNA targets (hypergeometric, empirical)", cmd_enrich},
  };
  return kCommands;
}
}  // namespace lscmir::app
