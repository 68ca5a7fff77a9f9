// SPDX-License-Identifier: GPL-3.0-or-later
// lscmir enrich: do a miRNA set's targets fall in gene sets? Hypergeometric and empirical tests.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "common.hpp"
#include "lscmir/core/error.hpp"
#include "lscmir/core/parallel.hpp"
#include "lscmir/io/name_list.hpp"
#include "lscmir/io/output.hpp"
#include "lscmir/study/rank.hpp"
#include "lscmir/targets/tables.hpp"

namespace lscmir::app {
namespace {

struct EnrichCliOptions {
  CommonOptions common;
  std::string targets, mirnas, mirna_file, universe, mirbase, method = "hypergeometric";
  std::vector<std::string> gene_sets;
  std::size_t permutations = 10000;
  std::uint64_t seed = 1;
};

/// --mirbase: each chosen name as the table names it, matched as `lscmir rank` matches targets
/// (study::target_mirnas: the name itself, its mirna_key, a precursor's mature miRNAs). Names
/// with no match are kept as given, so enrich's error names them.
std::vector<std::string> map_to_table(const std::vector<std::string>& chosen, const std::string& mirbase, const targets::TargetTable& table,
                                      core::Logger& log) {
  study::MirnaNames names;
  study::read_precursor_map(mirbase, names);
  std::vector<std::string> out;
  std::size_t mapped = 0;
  auto add = [&](const std::string& m) {
    if (std::find(out.begin(), out.end(), m) == out.end()) out.push_back(m);
  };
  for (const auto& name : chosen) {
    const std::vector<std::string> found = study::target_mirnas(name, names, table.mirnas);
    if (found.empty()) add(name);
    mapped += !found.empty() && found != std::vector<std::string>{name};
    for (const auto& m : found) add(m);
  }
  log.info("enrich", fmt::format("--mirbase: {} of {} chosen name(s) mapped to {} miRNA(s) of the targets table", mapped, chosen.size(),
                                 out.size()));
  return out;
}

int run_enrich(const EnrichCliOptions& o, const std::vector<std::string>& argv, core::Logger& log) {
  const double t0 = now_seconds();
  core::RunInfo info = begin_run("enrich", argv, o.common, log);
  targets::EnrichOptions eo{targets::parse_enrich_method(o.method), o.permutations, o.seed, core::resolve_threads(o.common.threads)};
  if (o.mirnas.empty() == o.mirna_file.empty()) throw core::UsageError("give exactly one of --mirnas a,b,... or --mirna-file FILE");
  const bool empirical = eo.method == targets::EnrichMethod::kEmpirical;
  if (empirical && o.permutations == 0) throw core::UsageError("--permutations must be >= 1");
  std::vector<std::string> mirnas;
  for (std::size_t start = 0; !o.mirnas.empty();) {
    const std::size_t comma = o.mirnas.find(',', start);
    mirnas.push_back(o.mirnas.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (mirnas.back().empty()) throw core::UsageError("--mirnas: empty name in \"" + o.mirnas + "\"");
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (o.mirnas.empty()) mirnas = io::read_name_list(o.mirna_file, "miRNA names");
  const targets::TargetTable table = targets::read_target_table(o.targets);
  if (!o.mirbase.empty()) mirnas = map_to_table(mirnas, o.mirbase, table, log);
  const std::vector<targets::GeneSet> sets = targets::read_gene_sets(o.gene_sets, [&](const std::string& w) { log.warn("enrich", w); });
  std::vector<std::string> universe;
  if (!o.universe.empty()) universe = io::read_name_list(o.universe, "genes");
  io::prepare_output_dir(o.common.out, {"enrichment.tsv", "run_info.json"}, o.common.force);

  const double t_compute = now_seconds();
  core::Progress progress(log, "enrich", "permutations", empirical ? o.permutations : 0);
  eo.progress = &progress;
  const targets::EnrichResult r = targets::enrich(table, mirnas, sets, o.universe.empty() ? nullptr : &universe, eo);
  progress.finish();
  const double secs = now_seconds() - t_compute;
  std::size_t sig = 0;
  for (const auto& row : r.rows) sig += (empirical ? row.fdr_empirical : row.fdr) < 0.05;
  log.info("enrich", fmt::format("{} miRNAs, universe {} genes, {} selected; {} sets, {} at FDR < 0.05{} ({:.2f} s)", r.mirnas.size(),
                                 r.universe, r.selected, r.rows.size(), sig,
                                 empirical ? fmt::format(" (empirical, {} permutations)", eo.permutations) : "", secs));
  if (const std::string w = targets::dropped_sets_warning(r); !w.empty()) log.warn("enrich", w);
  io::write_file_atomic((std::filesystem::path(o.common.out) / "enrichment.tsv").string(), targets::format_enrichment(r, empirical));
  info.outputs.push_back("enrichment.tsv");
  info.inputs.push_back(io::checksum_file("targets", o.targets));
  for (const auto& f : o.gene_sets) info.inputs.push_back(io::checksum_file("gene_sets", f));
  if (!o.universe.empty()) info.inputs.push_back(io::checksum_file("universe", o.universe));
  if (!o.mirna_file.empty()) info.inputs.push_back(io::checksum_file("mirnas", o.mirna_file));
  if (!o.mirbase.empty()) info.inputs.push_back(io::checksum_file("mirbase", o.mirbase));
  info.parameters = targets::enrich_parameters(eo, r);
  if (empirical) info.seed = eo.seed;
  finish_run_info(info, o.common.out, log, t0);
  return kExitOk;
}

}  // namespace

int cmd_enrich(const std::vector<std::string>& argv, core::Logger& log) {
  EnrichCliOptions o;
  CLI::App app("Gene-set enrichment of miRNA targets (hypergeometric with BH; empirical over random miRNA sets)", "lscmir enrich");
  app.add_option("--targets", o.targets, "Target table with mirna and gene columns (e.g. lscmir targets' targets.tsv)")->required();
  app.add_option("--mirnas", o.mirnas, "Chosen miRNAs, comma-separated");
  app.add_option("--mirna-file", o.mirna_file, "Chosen miRNAs, one per line");
  app.add_option("--gene-sets", o.gene_sets, "Gene sets (GMT); several files allowed")->required()->expected(1, 1000);
  app.add_option("--mirbase", o.mirbase,
                 "miRBase precursor-to-mature table (precursor_name, mature_name): chosen precursor names (hsa-mir-21, as TCGA and "
                 "cohort tables write them) stand for their mature miRNAs in the targets table, as in lscmir rank");
  app.add_option("--universe", o.universe, "Background genes, one per line (intersected with the default universe)");
  app.add_option("--method", o.method, "hypergeometric or empirical (adds P.empirical, FDR.empirical)")->capture_default_str();
  app.add_option("--permutations", o.permutations, "Random miRNA sets for --method empirical")->capture_default_str();
  app.add_option("--seed", o.seed, "Seed of the random miRNA sets")->capture_default_str();
  add_common_options(app, o.common);
  const int parsed = parse_or_exit(app, argv);
  if (parsed >= 0) return parsed;
  return guarded("enrich", log, [&] { return run_enrich(o, argv, log); });
}

}  // namespace lscmir::app
