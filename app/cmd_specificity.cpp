// SPDX-License-Identifier: GPL-3.0-or-later
// lscmir specificity: LSC- / HSC-specific, stem-shared and leukemia-wide miRNAs from three DE tables.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "common.hpp"
#include "lscmir/core/error.hpp"
#include "lscmir/io/output.hpp"
#include "lscmir/study/paired.hpp"
#include "lscmir/study/specificity.hpp"

namespace lscmir::app {
namespace {

namespace fs = std::filesystem;

struct SpecOptions {
  CommonOptions common;
  std::string de;
  study::PopulationLabels labels;
  study::SpecificityOptions spec;
};

/// Tables made with `lscmir de --lfc` hold treat p-values already; specificity applies treat itself.
void refuse_treat_tables(const std::string& dir) {
  const fs::path de_info = fs::path(dir) / "run_info.json";
  if (!fs::exists(de_info)) return;
  std::ifstream in(de_info);
  const auto j = nlohmann::json::parse(in, nullptr, false);
  if (!j.is_discarded() && j.contains("parameters") && j["parameters"].contains("lfc") && !j["parameters"]["lfc"].is_null())
    throw core::UsageError("--de " + dir + " was made with lscmir de --lfc; specificity needs the plain tables (it applies treat at --lfc itself)");
}

int run_specificity(const SpecOptions& o, const std::vector<std::string>& argv, core::Logger& log) {
  const double t0 = now_seconds();
  core::RunInfo info = begin_run("specificity", argv, o.common, log);
  const auto& l = o.labels;
  study::check_specificity_options(l, o.spec);
  refuse_treat_tables(o.de);
  const study::DeTable t1 = study::read_de_contrast(o.de, l.lsc, l.hsc), t2 = study::read_de_contrast(o.de, l.lsc, l.lpc),
                       t3 = study::read_de_contrast(o.de, l.hsc, l.lpc);
  for (const auto* t : {&t1, &t2, &t3}) info.inputs.push_back(io::checksum_file("de", t->path));
  study::SpecificityResult r = study::specificity(t1, t2, t3, l, o.spec);
  study::PairedDifferences p[3];
  const study::PairedDifferences* have[3] = {nullptr, nullptr, nullptr};
  const std::string pairs[3][2] = {{l.lsc, l.hsc}, {l.lsc, l.lpc}, {l.hsc, l.lpc}};
  for (int k = 0; k < 3; ++k)
    if (study::read_paired(o.de, pairs[k][0], pairs[k][1], p[k])) {
      have[k] = &p[k];
      info.inputs.push_back(io::checksum_file("paired", p[k].path));
    }
  study::add_consistency(r, have);
  if (!have[0]) log.info("specificity", "no paired_" + pairs[0][0] + "_vs_" + pairs[0][1] + ".tsv in " + o.de + ": no per-patient consistency");
  study::log_specificity(r, log);
  io::prepare_output_dir(o.common.out, {"specificity.tsv", "specificity_summary.tsv", "run_info.json"}, o.common.force);
  info.outputs = io::write_tables(o.common.out, study::specificity_tables(r));
  info.parameters = study::specificity_parameters(r);
  finish_run_info(info, o.common.out, log, t0);
  return kExitOk;
}

}  // namespace

int cmd_specificity(const std::vector<std::string>& argv, core::Logger& log) {
  SpecOptions o;
  CLI::App app("Specificity calls (LSC-specific, LSC-depleted, HSC-specific, stem-shared, leukemia-wide) from three DE tables",
               "lscmir specificity");
  app.add_option("--de", o.de, "Folder with the DE tables of lscmir de (de_A_vs_B.tsv)")->required();
  app.add_option("--lsc", o.labels.lsc, "LSC population label")->capture_default_str();
  app.add_option("--hsc", o.labels.hsc, "HSC population label")->capture_default_str();
  app.add_option("--lpc", o.labels.lpc, "LPC population label")->capture_default_str();
  app.add_option("--fdr", o.spec.fdr, "FDR for a class call")->capture_default_str();
  app.add_option("--lfc", o.spec.lfc, "treat threshold: |log2 fold change| > X")->capture_default_str();
  add_common_options(app, o.common);
  const int parsed = parse_or_exit(app, argv);
  if (parsed >= 0) return parsed;
  return guarded("specificity", log, [&] { return run_specificity(o, argv, log); });
}

}  // namespace lscmir::app
