// SPDX-License-Identifier: GPL-3.0-or-later
// lscmir de: paired differential expression with limma semantics (study::differential_expression).
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/core.h>

#include "common.hpp"
#include "lscmir/core/error.hpp"
#include "lscmir/core/parallel.hpp"
#include "lscmir/io/matrix.hpp"
#include "lscmir/io/output.hpp"
#include "lscmir/io/sample_sheet.hpp"
#include "lscmir/study/de.hpp"

namespace lscmir::app {
namespace {

struct DeCliOptions {
  CommonOptions common;
  std::string counts, expression, samples, imputations;
  study::DeOptions de;
};

int run_de(const DeCliOptions& o, const std::vector<std::string>& argv, core::Logger& log) {
  const double t0 = now_seconds();
  core::RunInfo info = begin_run("de", argv, o.common, log);
  const int threads = core::resolve_threads(o.common.threads);
  const bool counts = !o.counts.empty();
  const io::SampleSheet sheet = io::read_sample_sheet(o.samples);
  io::LabeledMatrix mat =
      io::read_matrix(counts ? o.counts : o.expression, counts ? io::MatrixKind::kCounts : io::MatrixKind::kExpression, threads);
  info.inputs.push_back({counts ? "counts" : "expression", mat.path, mat.sha256, mat.bytes});
  info.inputs.push_back({"samples", sheet.path, sheet.sha256, sheet.bytes});
  std::optional<io::LabeledMatrix> spike;
  if (!o.de.spike_ins.empty()) {
    spike = io::read_matrix(o.de.spike_ins, io::MatrixKind::kCounts, threads);
    info.inputs.push_back({"spike_ins", spike->path, spike->sha256, spike->bytes});
  }
  study::DeResult r;
  if (!o.imputations.empty()) {
    if (counts) throw core::UsageError("--imputations goes with --expression (the qpcr expression.tsv), not --counts");
    if (spike) throw core::UsageError("--imputations (qPCR draws) does not go with --spike-ins");
    const study::ImputationDraws draws = study::read_imputations(o.imputations);
    info.inputs.push_back(io::checksum_file("imputations", o.imputations));
    r = study::differential_expression_mi(o.de, mat, draws, sheet, threads, log);
  } else {
    r = study::differential_expression(o.de, std::move(mat), counts, sheet, threads, log, spike ? &*spike : nullptr);
  }
  const std::vector<io::NamedTable> tables = study::de_tables(r);
  std::vector<std::string> outputs;
  for (const auto& t : tables) outputs.push_back(t.file);
  outputs.push_back("run_info.json");
  io::prepare_output_dir(o.common.out, outputs, o.common.force);
  info.outputs = io::write_tables(o.common.out, tables);
  info.parameters = study::de_parameters(o.de, r, threads);
  finish_run_info(info, o.common.out, log, t0);
  log.info("de", fmt::format("done in {:.2f} s wall, {:.2f} s CPU, peak memory {:.1f} MiB", info.wall_seconds, info.cpu_seconds,
                             static_cast<double>(info.peak_rss_kib) / 1024.0));
  return kExitOk;
}

}  // namespace

int cmd_de(const std::vector<std::string>& argv, core::Logger& log) {
  DeCliOptions o;
  double lfc = 0.0;
  CLI::App app("Differential expression between populations (limma: voom / trend / lm, eBayes, topTable)", "lscmir de");
  auto* counts = app.add_option("--counts", o.counts, "Count matrix (TSV/CSV): feature x sample");
  auto* expr = app.add_option("--expression", o.expression, "Log-expression matrix (NA allowed)");
  counts->excludes(expr);
  app.add_option("--imputations", o.imputations,
                 "imputations.tsv of qpcr --impute em-multiple N: one fit per draw, logFC pooled by Rubin's rules "
                 "(adds SE df fmi to the de tables)");
  app.add_option("--samples", o.samples, "Sample sheet: sample, patient, population, covariates")->required();
  app.add_option("--contrast", o.de.contrasts,
                 "Population contrast A-B (logFC = A - B) or NAME=LSC-(HSC+LPC)/2 (writes de_NAME.tsv); repeatable");
  app.add_option("--coef", o.de.coefs, "Test one design column on its own, e.g. a numeric covariate (age); repeatable");
  app.add_option("--design", o.de.design, "Model formula (default: ~ patient + population, or ~ population without patient)");
  app.add_option("--method", o.de.method, "voom (counts default), trend (eBayes trend=TRUE), lm (expression default)");
  app.add_option("--norm", o.de.norm, "Normalization for counts: TMM, upperquartile, RLE, none, spike-in")->capture_default_str();
  app.add_option("--spike-ins", o.de.spike_ins, "Spike-in count table (spikeins.tsv of lscmir quant) for --norm spike-in");
  app.add_flag("--robust", o.de.robust, "Robust empirical Bayes (Phipson et al. 2016)");
  auto* lfc_opt = app.add_option("--lfc", lfc, "Test |logFC| > X with treat (P.Value and adj.P.Val are treat's)");
  app.add_option("--contrast-se", o.de.contrast_se,
                 "exact: per-feature sqrt(c'(X'WX)^-1 c); limma: contrasts.fit's approximation")->capture_default_str();
  app.add_option("--block", o.de.block,
                 "Sample-sheet column of correlated blocks (e.g. patient): duplicateCorrelation and a GLS fit; "
                 "the default design becomes ~ population");
  app.add_flag("--sample-weights", o.de.sample_weights,
               "Sample quality weights: voomWithQualityWeights (voom) or arrayWeights (trend, lm); writes sample_weights.tsv");
  app.add_flag("--filter", o.de.filter,
               "Counts: drop low counts first with edgeR's filterByExpr (design-aware; min.count 10, min.total.count 15)");
  add_common_options(app, o.common);
  const int parsed = parse_or_exit(app, argv);
  if (parsed >= 0) return parsed;
  if (lfc_opt->count() > 0) o.de.lfc = lfc;
  if (o.counts.empty() && o.expression.empty()) {
    std::cerr << "lscmir de: error: one of --counts or --expression is required\n";
    return kExitUsage;
  }
  return guarded("de", log, [&] { return run_de(o, argv, log); });
}

}  // namespace lscmir::app
