// SPDX-License-Identifier: GPL-3.0-or-later
// lscmir enrich: do a miRNA set's targets fall in gene sets? Hypergeometric and empirical tests.
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "common.hpp"
#include "lscmir/core/error.hpp"
#include "lscmir/core/parallel.hpp"
#include "lscmir/io/output.hpp"
#include "lscmir/targets/enrich.hpp"

namespace lscmir::app {
namespace {

struct EnrichCliOptions {
  CommonOptions common;
  std::string targets, mirnas, mirna_file, universe, method = "hypergeometric";
  std::vector<std::string> gene_sets;
  std::size_t permutations = 10000;
  std::uint64_t seed = 1;
};

/// One name per line ('#' comments, blank lines and CR ignored; the first tab-separated field).
std::vector<std::string> read_name_list(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw core::InputError(path, 0, std::string("cannot open file: ") + std::strerror(errno));
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (out.empty() && line.size() >= 3 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);
    line = line.substr(0, line.find('\t'));
    while (!line.empty() && line.back() == ' ') line.pop_back();
    while (!line.empty() && line.front() == ' ') line.erase(0, 1);
    if (line.empty() || line[0] == '#') continue;
    out.push_back(line);
  }
  if (in.bad()) throw core::InputError(path, 0, "read error");
  if (out.empty()) throw core::InputError(path, 0, std::string("no ") + what + " found (expected one per line)");
  return out;
}

int run_enrich(const EnrichCliOptions& o, const std::vector<std::string>& argv, core::Logger& log) {
  const double t0 = now_seconds();
  core::RunInfo info = begin_run("enrich", argv, o.common, log);
  const int threads = core::resolve_threads(o.common.threads);
  targets::EnrichOptions eo;
  if (o.method == "hypergeometric") eo.method = targets::EnrichMethod::kHypergeometric;
  else if (o.method == "empirical") eo.method = targets::EnrichMethod::kEmpirical;
  else throw core::UsageError("--method must be hypergeometric or empirical (got \"" + o.method + "\")");
  if (o.mirnas.empty() == o.mirna_file.empty()) throw core::UsageError("give exactly one of --mirnas a,b,... or --mirna-file FILE");
  if (eo.method == targets::EnrichMethod::kEmpirical && o.permutations == 0) throw core::UsageError("--permutations must be >= 1");
  eo.permutations = o.permutations;
  eo.seed = o.seed;
  eo.threads = threads;

  std::vector<std::string> mirnas;
  if (!o.mirnas.empty()) {
    std::size_t start = 0;
    for (;;) {
      const std::size_t comma = o.mirnas.find(',', start);
      std::string m = o.mirnas.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (m.empty()) throw core::UsageError("--mirnas: empty name in \"" + o.mirnas + "\"");
      mirnas.push_back(m);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  } else {
    mirnas = read_name_list(o.mirna_file, "miRNA names");
  }
  const targets::TargetTable table = targets::read_target_table(o.targets);
  std::vector<targets::GeneSet> sets;
  std::map<std::string, std::pair<std::string, std::size_t>> names;
  for (const auto& f : o.gene_sets) {
    for (auto& s : targets::read_gmt(f)) {
      auto [it, fresh] = names.try_emplace(s.name, s.file, s.line);
      if (!fresh)
        throw core::InputError(s.file, s.line, "gene set \"" + s.name + "\" was already defined (" + it->second.first + ", line " +
                                                   std::to_string(it->second.second) + ")");
      if (s.duplicates > 0) log.warn("enrich", fmt::format("{}: {} repeated gene(s) counted once", s.name, s.duplicates));
      if (s.genes.empty()) log.warn("enrich", fmt::format("{} ({}, line {}) has no genes", s.name, s.file, s.line));
      sets.push_back(std::move(s));
    }
  }
  std::vector<std::string> universe;
  if (!o.universe.empty()) universe = read_name_list(o.universe, "genes");
  io::prepare_output_dir(o.common.out, {"enrichment.tsv", "run_info.json"}, o.common.force);

  const double t_compute = now_seconds();
  const targets::EnrichResult r = targets::enrich(table, mirnas, sets, o.universe.empty() ? nullptr : &universe, eo);
  const double secs = now_seconds() - t_compute;
  const bool empirical = eo.method == targets::EnrichMethod::kEmpirical;
  std::size_t sig = 0;
  for (const auto& row : r.rows) sig += (empirical ? row.fdr_empirical : row.fdr) < 0.05;
  log.info("enrich", fmt::format("{} miRNAs, universe {} genes, {} selected; {} sets, {} at FDR < 0.05{} ({:.2f} s)", r.mirnas.size(),
                                 r.universe, r.selected, r.rows.size(), sig,
                                 empirical ? fmt::format(" (empirical, {} permutations)", eo.permutations) : "", secs));
  if (r.universe == 0) log.warn("enrich", "the universe is empty: no gene of the targets table is in any gene set");
  io::write_file_atomic((std::filesystem::path(o.common.out) / "enrichment.tsv").string(), targets::format_enrichment(r, empirical));
  info.outputs.push_back("enrichment.tsv");
  info.inputs.push_back(io::checksum_file("targets", o.targets));
  for (const auto& f : o.gene_sets) info.inputs.push_back(io::checksum_file("gene_sets", f));
  if (!o.universe.empty()) info.inputs.push_back(io::checksum_file("universe", o.universe));
  if (!o.mirna_file.empty()) info.inputs.push_back(io::checksum_file("mirnas", o.mirna_file));
  info.parameters = {{"method", o.method}, {"mirnas", r.mirnas}, {"universe_size", r.universe}, {"selected", r.selected},
                     {"threads", threads}};
  if (empirical) {
    info.parameters["permutations"] = eo.permutations;
    info.seed = eo.seed;
  }
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
