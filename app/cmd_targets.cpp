// SPDX-License-Identifier: GPL-3.0-or-later
// lscmir targets: seed sites with TargetScan 7's definitions, or imported target tables.
#include <algorithm>
#include <filesystem>
#include <optional>

#include <fmt/core.h>

#include "common.hpp"
#include "lscmir/core/progress.hpp"
#include "lscmir/core/error.hpp"
#include "lscmir/core/parallel.hpp"
#include "lscmir/io/output.hpp"
#include "lscmir/targets/imports.hpp"
#include "lscmir/targets/tables.hpp"

namespace lscmir::app {
namespace {

struct TargetsOptions {
  CommonOptions common;
  std::string families, mirnas, utrs, species = "9606", site_types, map;
  std::vector<std::string> import;
  int shadow = 14;
  bool no_sites = false, gzip = false;
};

int run_import(const TargetsOptions& o, const std::vector<std::string>& argv, core::Logger& log) {
  const double t0 = now_seconds();
  core::RunInfo info = begin_run("targets", argv, o.common, log);
  const std::string& kind = o.import[0];
  const std::string& file = o.import[1];
  if (kind != "targetscan" && kind != "mirtarbase")
    throw core::UsageError("--import takes targetscan or mirtarbase and a file (got \"" + kind + "\")");
  if (!o.map.empty() && kind != "mirtarbase") throw core::UsageError("--map applies to --import mirtarbase only");
  if (!o.families.empty() || !o.mirnas.empty() || !o.utrs.empty() || !o.site_types.empty())
    throw core::UsageError("--import cannot be combined with --families, --mirnas, --utrs or --site-types");
  const auto r = kind == "targetscan" ? targets::import_targetscan(file, o.species) : targets::import_mirtarbase(file, o.map);
  for (const auto& w : r.warnings) log.warn("targets", w);
  info.inputs.push_back(io::checksum_file(kind, file));
  if (!o.map.empty()) info.inputs.push_back(io::checksum_file("map", o.map));
  io::prepare_output_dir(o.common.out, {"targets.tsv", "run_info.json"}, o.common.force);
  io::write_file_atomic((std::filesystem::path(o.common.out) / "targets.tsv").string(), r.text);
  info.outputs.push_back("targets.tsv");
  info.parameters = {{"import", kind}, {"species", o.species}, {"map", o.map.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.map)}};
  log.info("targets", fmt::format("{} records of {} -> {} miRNA-gene pairs in targets.tsv", r.records, file, r.rows));
  finish_run_info(info, o.common.out, log, t0);
  return kExitOk;
}

int run_targets(const TargetsOptions& o, const std::vector<std::string>& argv, core::Logger& log) {
  if (!o.import.empty()) return run_import(o, argv, log);
  const double t0 = now_seconds();
  core::RunInfo info = begin_run("targets", argv, o.common, log);
  const int threads = core::resolve_threads(o.common.threads);
  if (o.families.empty() == o.mirnas.empty())
    throw core::UsageError("give exactly one of --families (TargetScan miR_Family_info) or --mirnas (mature miRNA FASTA)");
  if (o.utrs.empty()) throw core::UsageError("--utrs is required (TargetScan UTR_Sequences table or FASTA)");
  if (!o.map.empty()) throw core::UsageError("--map applies to --import mirtarbase only");
  if (o.species.empty()) throw core::UsageError("--species must not be empty");
  if (o.shadow < 0) throw core::UsageError("--shadow must be >= 0");
  const targets::SiteTypeSet types = o.site_types.empty() ? targets::SiteTypeSet{} : targets::parse_site_types(o.site_types);

  double mark = now_seconds();
  const auto fams = o.families.empty() ? targets::read_mature_fasta(o.mirnas, o.species) : targets::read_families(o.families);
  const targets::UtrSet utrs = targets::read_utrs(o.utrs, o.species);
  const double t_read = now_seconds() - mark;
  // Every name a scan can write is checked (and, after --force, replaced or removed), so the folder
  // never mixes this run's files with another variant's (targets.tsv beside targets.tsv.gz).
  const std::string sites_name = o.gzip ? "sites.tsv.gz" : "sites.tsv", targets_name = o.gzip ? "targets.tsv.gz" : "targets.tsv";
  const std::vector<std::string> written = o.no_sites ? std::vector<std::string>{targets_name, "families.tsv"}
                                                      : std::vector<std::string>{sites_name, targets_name, "families.tsv"};
  io::prepare_output_dir(o.common.out, {"sites.tsv", "sites.tsv.gz", "targets.tsv", "targets.tsv.gz", "families.tsv", "run_info.json"},
                         o.common.force);
  mark = now_seconds();
  const targets::SeedIndex index(fams, types);
  core::Progress progress(log, "targets", "genes", utrs.genes.size());
  const std::vector<targets::GeneSites> sites = targets::scan_utrs(utrs, index, targets::ScanOptions{o.shadow}, threads, &progress);
  progress.finish();
  const double t_scan = now_seconds() - mark;
  const std::size_t n_sites = targets::count_sites(sites);
  log.info("targets", fmt::format("{} families, {} genes, {:.2f} Mnt: {} sites in {:.2f} s ({:.1f} Mnt/s, {} threads)", fams.size(),
                                  utrs.genes.size(), static_cast<double>(utrs.nucleotides) / 1e6, n_sites, t_scan,
                                  static_cast<double>(utrs.nucleotides) / 1e6 / std::max(t_scan, 1e-9), threads));
  mark = now_seconds();
  const std::filesystem::path dir(o.common.out);
  std::optional<io::StreamedOutput> sites_out;
  if (!o.no_sites) sites_out.emplace((dir / sites_name).string());
  io::StreamedOutput targets_out((dir / targets_name).string());
  const std::size_t n_rows =
      targets::write_scan_outputs(utrs, sites, index, o.species, sites_out ? &*sites_out : nullptr, targets_out, threads, o.gzip);
  if (n_rows == 0) log.warn("targets", "no sites in species " + o.species + " (targets.tsv counts that species only; see --species)");
  if (sites_out) sites_out->commit();
  targets_out.commit();
  io::write_tables(o.common.out, {{"families.tsv", targets::families_table(fams)}});
  for (const char* name : {"sites.tsv", "sites.tsv.gz", "targets.tsv", "targets.tsv.gz"})
    if (std::find(written.begin(), written.end(), name) == written.end()) io::remove_output(o.common.out, name);
  info.outputs = written;
  log.info("targets", fmt::format("read {:.2f} s, scan {:.2f} s, format and write {:.2f} s", t_read, t_scan, now_seconds() - mark));
  info.inputs.push_back(io::checksum_file(o.families.empty() ? "mirnas" : "families", o.families.empty() ? o.mirnas : o.families));
  info.inputs.push_back(io::checksum_file("utrs", o.utrs));
  info.parameters = {{"species", o.species}, {"site_types", targets::site_type_names(types)}, {"shadow", o.shadow}, {"threads", threads},
                     {"families", fams.size()}, {"genes", utrs.genes.size()}, {"nucleotides", utrs.nucleotides},
                     {"sites", n_sites}, {"targets_rows", n_rows}, {"sites_tsv", !o.no_sites}, {"gzip", o.gzip}};
  finish_run_info(info, o.common.out, log, t0);
  return kExitOk;
}

}  // namespace

int cmd_targets(const std::vector<std::string>& argv, core::Logger& log) {
  TargetsOptions o;
  CLI::App app("miRNA seed sites with TargetScan 7's definitions and grouping, or imported target tables", "lscmir targets");
  app.add_option("--families", o.families, "TargetScan miR_Family_info (family, seed nt 2-8, species ids)");
  app.add_option("--mirnas", o.mirnas, "Mature miRNAs (FASTA), grouped into seed families");
  app.add_option("--utrs", o.utrs, "UTRs: TargetScan UTR_Sequences (gene, species, aligned sequence) or FASTA");
  app.add_option("--species", o.species, "Species id of FASTA UTRs and of the counts in targets.tsv")->capture_default_str();
  app.add_option("--site-types", o.site_types, "Comma list: 8mer,7mer-m8,7mer-1a,6mer,offset-6mer (default: all but offset-6mer)");
  app.add_option("--shadow", o.shadow, "Nucleotides masked at the UTR start (ribosome shadow)")->capture_default_str();
  app.add_option("--import", o.import, "Import a table instead: targetscan FILE | mirtarbase FILE")->expected(2);
  app.add_option("--map", o.map, "Entrez -> symbol map for --import mirtarbase");
  app.add_flag("--no-sites", o.no_sites, "Skip sites.tsv (write the per-gene counts of targets.tsv only)");
  app.add_flag("--gzip", o.gzip, "Write sites.tsv.gz and targets.tsv.gz (gzip, compressed by all threads) instead");
  add_common_options(app, o.common);
  const int parsed = parse_or_exit(app, argv);
  if (parsed >= 0) return parsed;
  return guarded("targets", log, [&] { return run_targets(o, argv, log); });
}

}  // namespace lscmir::app
