// SPDX-License-Identifier: GPL-3.0-or-later
// lscmir survival: per-feature Cox models, log-rank splits, Kaplan-Meier curves and logistic
// models of a binary response, with survival / glm semantics (the work is study::survival_screen).
#include <string>
#include <vector>

#include <fmt/core.h>

#include "common.hpp"
#include "lscmir/core/parallel.hpp"
#include "lscmir/io/matrix.hpp"
#include "lscmir/io/output.hpp"
#include "lscmir/io/table.hpp"
#include "lscmir/study/survival.hpp"

namespace lscmir::app {
namespace {

struct SurvivalCommandOptions {
  CommonOptions common;
  study::SurvivalOptions survival;
};

int run_survival(const SurvivalCommandOptions& options, const std::vector<std::string>& argv, core::Logger& log) {
  const double t0 = now_seconds();
  const study::SurvivalOptions& o = options.survival;
  core::RunInfo info = begin_run("survival", argv, options.common, log);
  const int threads = core::resolve_threads(options.common.threads);
  study::validate(o);
  const io::LabeledMatrix m = io::read_matrix(o.expression, io::MatrixKind::kExpression, threads);
  const io::Table clin = io::read_table(o.clinical);
  info.inputs.push_back({"expression", m.path, m.sha256, m.bytes});
  info.inputs.push_back(io::checksum_file("clinical", o.clinical));
  const study::SurvivalCohort cohort = study::survival_cohort(o, m, clin, log);
  io::prepare_output_dir(options.common.out, study::survival_output_files(o), options.common.force);
  const study::SurvivalResult result = study::survival_screen(o, cohort, m, threads, log);
  for (auto& name : io::write_tables(options.common.out, study::survival_tables(result))) info.outputs.push_back(std::move(name));
  info.parameters = study::survival_parameters(o, threads);
  if (o.permutations > 0) info.seed = o.seed;
  finish_run_info(info, options.common.out, log, t0);
  log.info("survival", fmt::format("done in {:.2f} s wall, {:.2f} s CPU", info.wall_seconds, info.cpu_seconds));
  return kExitOk;
}

}  // namespace

int cmd_survival(const std::vector<std::string>& argv, core::Logger& log) {
  SurvivalCommandOptions options;
  study::SurvivalOptions& o = options.survival;
  CLI::App app("Per-feature Cox models, log-rank splits, Kaplan-Meier curves and logistic models (R survival / glm semantics)",
               "lscmir survival");
  app.add_option("--expression", o.expression, "Expression matrix: feature x patient")->required();
  app.add_option("--clinical", o.clinical, "Clinical table (TSV/CSV)")->required();
  app.add_option("--id", o.cohort.id, "Clinical column holding the patient ids of the matrix columns")->required();
  app.add_option("--time", o.cohort.time, "Clinical column: follow-up time")->required();
  app.add_option("--event", o.cohort.event, "Clinical column: event indicator (1 = event, 0 = censored)")->required();
  app.add_option("--cause", o.cohort.cause,
                 "Competing risks: --event holds 0 = censored, this code = the event of interest, other positive codes = "
                 "competing events (adds finegray.tsv; with --km, cif_FEATURE.tsv and gray_FEATURE.tsv)")
      ->check(CLI::Range(1, 999999999));
  app.add_option("--covariates", o.cohort.covariates, "Adjust for these clinical columns (comma-separated)")->delimiter(',');
  app.add_option("--reference", o.cohort.reference, "Reference level of a categorical covariate: var=level (repeatable)");
  app.add_option("--strata", o.cohort.strata, "Stratify the Cox models by this clinical column");
  app.add_option("--ties", o.ties, "efron or breslow")->capture_default_str();
  app.add_option("--split", o.split, "Log-rank test of a split: median, tertile, quartile or maxstat");
  app.add_option("--km", o.km, "Kaplan-Meier curves (high vs low, split as --split; by the median without it) for these features");
  app.add_option("--binary", o.cohort.binary, "Clinical 0/1 column for per-feature logistic regression");
  app.add_option("--permutations", o.permutations, "Permutation FDR of the Cox score tests (adds FDR.perm)")->check(CLI::NonNegativeNumber);
  app.add_option("--seed", o.seed, "Seed for --permutations")->capture_default_str();
  app.add_flag("--ph-test", o.ph_test, "Proportional-hazards test of each Cox fit (cox.zph, km transform): adds PH.chisq PH.P");
  app.add_option("--ph-level", o.ph_level, "With --ph-test: PH.P below this marks the row ph_rejected")->capture_default_str();
  app.add_option("--min-events", o.min_events, "Fewer events than this: status too_few_events")->capture_default_str();
  add_common_options(app, options.common);
  const int parsed = parse_or_exit(app, argv);
  if (parsed >= 0) return parsed;
  return guarded("survival", log, [&] { return run_survival(options, argv, log); });
}

}  // namespace lscmir::app
