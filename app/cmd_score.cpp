// SPDX-License-Identifier: GPL-3.0-or-later
// lscmir score fit | apply: a multi-miRNA risk score, a lasso / elastic-net Cox fit with
// cross-validated penalty (glmnet / cv.glmnet semantics) and its fixed weights applied to another
// cohort (the work is study::score_fit / study::score_apply).
#include <cmath>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "common.hpp"
#include "lscmir/core/error.hpp"
#include "lscmir/core/parallel.hpp"
#include "lscmir/io/matrix.hpp"
#include "lscmir/io/output.hpp"
#include "lscmir/io/table.hpp"
#include "lscmir/study/score.hpp"

namespace lscmir::app {
namespace {

struct ScoreCommandOptions {
  CommonOptions fit_common, apply_common;
  study::ScoreFitOptions fit;
  study::ScoreApplyOptions apply;
};

int run_fit(const ScoreCommandOptions& options, const std::vector<std::string>& argv, core::Logger& log) {
  const double t0 = now_seconds();
  const study::ScoreFitOptions& o = options.fit;
  const CommonOptions& common = options.fit_common;
  core::RunInfo info = begin_run("score fit", argv, common, log);
  const int threads = core::resolve_threads(common.threads);
  study::validate(o);
  const io::LabeledMatrix m = io::read_matrix(o.expression, io::MatrixKind::kExpression, threads);
  const io::Table clin = io::read_table(o.clinical);
  info.inputs.push_back({"expression", m.path, m.sha256, m.bytes});
  info.inputs.push_back(io::checksum_file("clinical", o.clinical));
  study::ScoreData data = study::score_data(o.cohort, m, clin, log);
  std::vector<int> folds;
  if (!o.foldid.empty()) {
    folds = study::read_foldid(io::read_table(o.foldid), data.patients);
    info.inputs.push_back(io::checksum_file("foldid", o.foldid));
  } else {
    folds = study::random_folds(data.patients.size(), o.nfolds, o.seed);
  }
  io::prepare_output_dir(common.out, study::score_fit_files(o), common.force);
  const study::ScoreFit fit = study::score_fit(o, std::move(data), folds, threads, log);
  for (auto& name : io::write_tables(common.out, study::score_fit_tables(fit))) info.outputs.push_back(std::move(name));
  info.parameters = {{"alpha", o.alpha},         {"s", o.s},           {"nfolds", o.foldid.empty() ? o.nfolds : 0},
                     {"foldid", o.foldid},       {"thresh", o.thresh}, {"bootstrap", o.bootstrap},
                     {"lambda", fit.cv.fit.lambda[fit.chosen]}, {"cutoff", fit.cutoff}, {"threads", threads}};
  if (o.cohort.cause > 0) info.parameters["cause"] = o.cohort.cause;
  if (o.foldid.empty() || o.bootstrap > 0) info.seed = o.seed;
  finish_run_info(info, common.out, log, t0);
  log.info("score", fmt::format("done in {:.2f} s wall, {:.2f} s CPU", info.wall_seconds, info.cpu_seconds));
  return kExitOk;
}

int run_apply(const ScoreCommandOptions& options, const std::vector<std::string>& argv, core::Logger& log) {
  const double t0 = now_seconds();
  const study::ScoreApplyOptions& o = options.apply;
  const CommonOptions& common = options.apply_common;
  core::RunInfo info = begin_run("score apply", argv, common, log);
  const int threads = core::resolve_threads(common.threads);
  const bool validate = !o.clinical.empty();
  if (validate && (o.cohort.id.empty() || o.cohort.time.empty() || o.cohort.event.empty()))
    throw core::UsageError("--clinical needs --id, --time and --event");
  if (!validate && (!o.cohort.id.empty() || !o.cohort.time.empty() || !o.cohort.event.empty() || o.cohort.cause != 0))
    throw core::UsageError("--id, --time, --event and --cause need --clinical");
  study::validate_cause(o.cohort);
  const study::ScoreWeights w = study::read_weights(io::read_table(o.weights));
  info.inputs.push_back(io::checksum_file("weights", o.weights));
  double cutoff = o.cutoff;
  if (std::isnan(cutoff)) {
    // The training median: score.tsv that score fit wrote beside weights.tsv.
    const std::string training = (std::filesystem::path(o.weights).parent_path() / "score.tsv").string();
    if (!std::filesystem::exists(training))
      throw core::UsageError("no --cutoff and no training " + training + " beside the weights to take the median of; give --cutoff");
    cutoff = study::training_cutoff(io::read_table(training));
    info.inputs.push_back(io::checksum_file("training_scores", training));
  }
  const io::LabeledMatrix m = io::read_matrix(o.expression, io::MatrixKind::kExpression, threads);
  info.inputs.push_back({"expression", m.path, m.sha256, m.bytes});
  io::Table clin;
  if (validate) {
    clin = io::read_table(o.clinical);
    info.inputs.push_back(io::checksum_file("clinical", o.clinical));
  }
  const study::ScoreApply result = study::score_apply(w, m, cutoff, validate ? &o.cohort : nullptr, validate ? &clin : nullptr, log);
  io::prepare_output_dir(common.out, study::score_apply_files(validate), common.force);
  for (auto& name : io::write_tables(common.out, study::score_apply_tables(result))) info.outputs.push_back(std::move(name));
  info.parameters = {{"cutoff", cutoff}, {"cutoff_given", !std::isnan(o.cutoff)}, {"features", w.features.size()}};
  if (o.cohort.cause > 0) info.parameters["cause"] = o.cohort.cause;
  finish_run_info(info, common.out, log, t0);
  if (validate)
    log.info("score", fmt::format("HR {:.4g} per unit of score (P {:.3g}), C {:.4f}, log-rank P {:.3g}", result.cox.hr,
                                  result.cox.p_wald, result.cox.c, result.logrank.p_value));
  log.info("score", fmt::format("done in {:.2f} s wall, {:.2f} s CPU", info.wall_seconds, info.cpu_seconds));
  return kExitOk;
}

}  // namespace

int cmd_score(const std::vector<std::string>& argv, core::Logger& log) {
  ScoreCommandOptions options;
  CLI::App app("A multi-miRNA risk score: lasso / elastic-net Cox weights (glmnet, cv.glmnet) and their application to a cohort",
               "lscmir score");
  app.require_subcommand(1);
  auto* fit = app.add_subcommand("fit", "Fit the penalized Cox path, cross-validate lambda, write the weights");
  study::ScoreFitOptions& f = options.fit;
  fit->add_option("--expression", f.expression, "Expression matrix: feature x patient")->required();
  fit->add_option("--clinical", f.clinical, "Clinical table (TSV/CSV)")->required();
  fit->add_option("--id", f.cohort.id, "Clinical column holding the patient ids of the matrix columns")->required();
  fit->add_option("--time", f.cohort.time, "Clinical column: follow-up time (> 0)")->required();
  fit->add_option("--event", f.cohort.event, "Clinical column: event indicator (1 = event, 0 = censored)")->required();
  fit->add_option("--cause", f.cohort.cause,
                  "Competing risks: --event holds 0 = censored, K = this cause, other codes = competing; the score is "
                  "fitted to the cause-specific hazard (other causes censored)");
  fit->add_option("--alpha", f.alpha, "Elastic-net mixing: 1 = lasso")->capture_default_str();
  auto* foldid = fit->add_option("--foldid", f.foldid, "TSV with columns patient, fold (1..K): fixed folds (cv.glmnet foldid)");
  fit->add_option("--nfolds", f.nfolds, "Random folds when no --foldid")->capture_default_str()->excludes(foldid);
  fit->add_option("--seed", f.seed, "Seed of the random folds and the bootstrap")->capture_default_str();
  fit->add_option("--s", f.s, "The weights' lambda: lambda.min or lambda.1se")->capture_default_str();
  fit->add_option("--bootstrap", f.bootstrap, "Harrell's optimism-corrected C from this many bootstrap samples (writes cindex.tsv)")
      ->check(CLI::NonNegativeNumber);
  fit->add_option("--thresh", f.thresh, "Coordinate-descent convergence threshold (glmnet's thresh)")->capture_default_str();
  add_common_options(*fit, options.fit_common);
  auto* apply = app.add_subcommand("apply", "Apply fixed weights: the score, its split and, with clinical data, its validation");
  study::ScoreApplyOptions& a = options.apply;
  apply->add_option("--weights", a.weights, "weights.tsv (feature, coef) from score fit")->required();
  apply->add_option("--expression", a.expression, "Expression matrix of the cohort: feature x patient")->required();
  apply->add_option("--clinical", a.clinical, "Clinical table: adds validation.tsv and km_score.tsv");
  apply->add_option("--id", a.cohort.id, "Clinical column holding the patient ids");
  apply->add_option("--time", a.cohort.time, "Clinical column: follow-up time");
  apply->add_option("--event", a.cohort.event, "Clinical column: event indicator (1 = event, 0 = censored)");
  apply->add_option("--cause", a.cohort.cause, "Competing risks, as in score fit: the validation is cause-specific");
  apply->add_option("--cutoff", a.cutoff, "Split the score here (default: the median of the training score.tsv beside --weights)");
  add_common_options(*apply, options.apply_common);

  std::vector<std::string> rev(argv.rbegin(), argv.rend() - 1);
  try {
    app.parse(rev);
  } catch (const CLI::CallForHelp&) {
    const CLI::App* shown = fit->parsed() ? fit : apply->parsed() ? apply : &app;
    std::cout << shown->help();
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    std::cerr << "lscmir score: error: " << e.what() << "\nRun 'lscmir score --help' for usage.\n";
    return kExitUsage;
  }
  if (fit->parsed()) return guarded("score fit", log, [&] { return run_fit(options, argv, log); });
  return guarded("score apply", log, [&] { return run_apply(options, argv, log); });
}

}  // namespace lscmir::app
