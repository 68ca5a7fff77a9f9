// SPDX-License-Identifier: GPL-3.0-or-later
// What every subcommand shares: the dispatch entry, shared options, error-to-exit mapping.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "lscmir/core/log.hpp"
#include "lscmir/core/run_info.hpp"
#include "lscmir/quant/run.hpp"

namespace lscmir::app {

/// Exit codes: 0 success, 1 numerical or internal error, 2 input or usage error, 3 an output
/// could not be written.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitOutput = 3;

/// Options every subcommand that writes a folder takes.
struct CommonOptions {
  int threads = 0;  ///< 0 = all cores
  std::string out;
  bool force = false;
  bool quiet = false;
};

/// Declares --threads, --out, --force, --quiet on a subcommand. With needs_out false, --out is
/// optional; `out_help` and `force_help` replace the default texts (a null force_help: no --force).
void add_common_options(CLI::App& app, CommonOptions& options, bool needs_out = true, const char* out_help = nullptr,
                        const char* force_help = "Overwrite existing outputs");

struct Command {
  const char* name;
  const char* summary;
  /// Builds the CLI11 parser for the command (options bound to state owned by the command) and
  /// returns the function to run after a successful parse.
  std::function<int(const std::vector<std::string>& argv, core::Logger& log)> run;
};

/// The dispatch table.
const std::vector<Command>& commands();

/// Runs `body` and maps lscmir's typed errors to messages on stderr and exit codes.
int guarded(const std::string& command, core::Logger& log, const std::function<int()>& body);

/// Parses argv (argv[0] = "lscmir <cmd>") with `app`, handling --help; returns -1 to continue.
int parse_or_exit(CLI::App& app, const std::vector<std::string>& argv);

/// Starts a run record (command, argv, start time) and applies --quiet to the logger.
core::RunInfo begin_run(const std::string& command, const std::vector<std::string>& argv, const CommonOptions& options,
                        core::Logger& log);

/// Fills the timing fields of run_info and writes DIR/run_info.json atomically.
/// A file of the bundled data/ folder (e.g. "mirtrace/tRNA_hsa.fa"): under $LSCMIR_DATA when set,
/// else <binary>/../share/lscmir (installed tree), else the source tree the binary was built from.
/// Empty when none holds it.
std::string bundled_data_file(const std::string& relative);

/// The QC references of `lscmir quant` and of run's quant stage: with QC on, `trna` and `clades`
/// "auto" become the bundled data/mirtrace/ files (a warning and that QC off when absent) and
/// "none" becomes off; with QC off all four references are cleared.
void resolve_qc_references(quant::QuantOptions& q, core::Logger& log);

void finish_run_info(core::RunInfo& info, const std::string& dir, const core::Logger& log, double wall_start);

/// Monotonic seconds since an arbitrary origin.
double now_seconds();

}  // namespace lscmir::app
