// SPDX-License-Identifier: GPL-3.0-or-later
// lscmir qpcr: Ct exports -> -dCt expression, detection counts, geNorm and paired on/off calls.
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "common.hpp"
#include "lscmir/stats/design.hpp"
#include "lscmir/core/error.hpp"
#include "lscmir/io/output.hpp"
#include "lscmir/qpcr/study.hpp"

namespace lscmir::app {
namespace {

struct QpcrCliOptions {
  CommonOptions common;
  qpcr::QpcrOptions qpcr;
  std::vector<std::string> contrasts;
  std::vector<std::string> impute;  ///< --impute METHOD [N]
};

int run_qpcr(const QpcrCliOptions& o, const std::vector<std::string>& argv, core::Logger& log) {
  const double t0 = now_seconds();
  core::RunInfo info = begin_run("qpcr", argv, o.common, log);
  const qpcr::QpcrData data = qpcr::read_study(o.qpcr, log);
  for (auto& record : qpcr::input_records(data)) info.inputs.push_back(std::move(record));
  std::vector<qpcr::Contrast> contrasts;
  std::set<std::string> tags;
  for (const auto& text : o.contrasts) {
    const stats::LevelContrast c = stats::split_contrast(text, data.levels, "population");
    contrasts.push_back(c);
    if (!tags.insert(c.tag).second) throw core::UsageError("--contrast " + text + " is given twice");
  }
  const qpcr::QpcrResult result = qpcr::analyze(data, contrasts, o.qpcr, log);
  const std::vector<io::NamedTable> tables = qpcr::qpcr_tables(result);
  std::vector<std::string> outputs;
  for (const auto& t : tables) outputs.push_back(t.file);
  outputs.push_back("run_info.json");
  io::prepare_output_dir(o.common.out, outputs, o.common.force);
  info.outputs = io::write_tables(o.common.out, tables);
  info.parameters = qpcr::qpcr_parameters(result, o.qpcr, o.contrasts);
  finish_run_info(info, o.common.out, log, t0);
  return kExitOk;
}

}  // namespace

int cmd_qpcr(const std::vector<std::string>& argv, core::Logger& log) {
  QpcrCliOptions o;
  qpcr::QpcrOptions& q = o.qpcr;
  CLI::App app("qPCR Ct values -> -dCt expression, detection calls, geNorm and paired on/off tests", "lscmir qpcr");
  app.add_option("--ct", q.ct, "Ct file(s): long table, wide matrix or QuantStudio / ViiA7 / 7900HT export; repeat for one file per plate")->required();
  app.add_option("--samples", q.samples, "Sample sheet: sample, patient, population")->required();
  app.add_option("--format", q.format, "auto, long, wide or quantstudio")->capture_default_str();
  app.add_option("--ct-max", q.ct_max, "A Ct above this counts as not detected")->capture_default_str();
  app.add_option("--normalize", q.normalize, "global-mean, reference:A,B,... or none")->capture_default_str();
  auto* ctl = app.add_option("--controls", q.controls,
                             "Control assay name prefixes, comma-separated (default RNU,SNORD,U6,RNU6B,MammU6)");
  app.add_option("--impute", o.impute,
                 "ct-max: non-detects at the cut-off; em: conditional expectation under the McCall et al. 2014 non-detect model (EM); "
                 "em-multiple N: em plus N draws from the fitted model (imputations.tsv, for de --imputations)")
      ->expected(1, 2);
  app.add_option("--em-design", q.em_design,
                 "em / em-multiple: formula of the Ct model over sample-sheet columns, e.g. \"~ population + patient + age\" "
                 "(patient random, other factors fixed, numbers covariates; default ~ population + patient)");
  app.add_option("--seed", q.seed, "em-multiple: seed of the draws")->capture_default_str();
  app.add_option("--contrast", o.contrasts, "Population contrast A-B for the on/off test; repeatable");
  app.add_option("--fdr", q.fdr, "FDR below which an on/off difference is called")->capture_default_str();
  app.add_option("--genorm-candidates", q.genorm_candidates, "Assays for geNorm (default: every assay detected in all samples)");
  app.add_option("--sample-column", q.columns.sample, "Long format: sample column")->capture_default_str();
  app.add_option("--target-column", q.columns.target, "Long format: assay column")->capture_default_str();
  app.add_option("--ct-column", q.columns.ct, "Long format: Ct column")->capture_default_str();
  add_common_options(app, o.common);
  const int parsed = parse_or_exit(app, argv);
  if (parsed >= 0) return parsed;
  q.controls_given = ctl->count() > 0;
  if (!o.impute.empty()) {
    q.impute = o.impute[0];
    if (o.impute.size() == 2 && q.impute != "em-multiple") {
      std::cerr << "lscmir qpcr: error: --impute " << q.impute << " takes no count (only em-multiple N does)\n";
      return kExitUsage;
    }
    if (q.impute == "em-multiple") {
      std::size_t used = 0;
      int n = 0;
      try {
        if (o.impute.size() == 2) n = std::stoi(o.impute[1], &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (o.impute.size() != 2 || used != o.impute[1].size()) {
        std::cerr << "lscmir qpcr: error: --impute em-multiple needs the number of draws, e.g. --impute em-multiple 20\n";
        return kExitUsage;
      }
      q.imputations = n;
    }
  }
  return guarded("qpcr", log, [&] { return run_qpcr(o, argv, log); });
}

}  // namespace lscmir::app
