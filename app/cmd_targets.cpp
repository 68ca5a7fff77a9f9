// SPDX-License-Identifier: GPL-3.0-or-later
// lscmir targets: seed sites with TargetScan 7's definitions, or imported target tables.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "common.hpp"
#include "lscmir/core/error.hpp"
#include "lscmir/core/parallel.hpp"
#include "lscmir/io/output.hpp"
#include "lscmir/targets/imports.hpp"
#include "lscmir/targets/scan.hpp"

namespace lscmir::app {
namespace {

struct TargetsOptions {
  CommonOptions common;
  std::string families, mirnas, utrs, species = "9606", site_types, map;
  std::vector<std::string> import;
  int shadow = 14;
  bool no_sites = false;
};

/// A file written in pieces to a temporary name beside it and renamed by commit(); removed when
/// destroyed uncommitted, so a failure never leaves a partial output. (Genome-wide sites.tsv files
/// run to gigabytes, so they are streamed instead of built in memory for io::write_file_atomic.)
class StreamedOutput {
 public:
  explicit StreamedOutput(const std::string& path) : path_(path) {
    const std::filesystem::path p(path);
    tmp_ = (p.parent_path() / ("." + p.filename().string() + ".tmp." + std::to_string(::getpid()) + ".s")).string();
    file_ = std::fopen(tmp_.c_str(), "wb");
    if (!file_) throw core::InputError(path, 0, std::string("cannot write: ") + std::strerror(errno));
  }
  StreamedOutput(const StreamedOutput&) = delete;
  StreamedOutput& operator=(const StreamedOutput&) = delete;
  ~StreamedOutput() {
    if (file_) std::fclose(file_);
    if (!committed_) std::remove(tmp_.c_str());
  }
  void write(std::string_view s) {
    if (!s.empty() && std::fwrite(s.data(), 1, s.size(), file_) != s.size())
      throw core::InputError(path_, 0, std::string("write failed: ") + std::strerror(errno));
  }
  void commit() {
    const bool ok = std::fflush(file_) == 0 && ::fsync(::fileno(file_)) == 0;
    const int rc = std::fclose(file_);
    file_ = nullptr;
    if (!ok || rc != 0 || std::rename(tmp_.c_str(), path_.c_str()) != 0)
      throw core::InputError(path_, 0, std::string("write failed: ") + std::strerror(errno));
    committed_ = true;
  }

 private:
  std::string path_, tmp_;
  std::FILE* file_ = nullptr;
  bool committed_ = false;
};

std::string families_text(const std::vector<targets::Family>& fams) {
  std::string s = "family\tseed\tspecies\tmembers\n";
  for (const auto& f : fams) {
    std::string sp, mem;
    for (const auto& x : f.species) sp.append(sp.empty() ? "" : ";").append(x);
    for (const auto& x : f.members) mem.append(mem.empty() ? "" : ";").append(x);
    s += f.id + '\t' + f.seed + '\t' + sp + '\t' + (mem.empty() ? "NA" : mem) + '\n';
  }
  return s;
}

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
  const targets::ImportResult r = kind == "targetscan" ? targets::import_targetscan(file, o.species)
                                                       : targets::import_mirtarbase(file, o.map);
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
  const std::vector<targets::Family> fams =
      o.families.empty() ? targets::read_mature_fasta(o.mirnas, o.species) : targets::read_families(o.families);
  const targets::UtrSet utrs = targets::read_utrs(o.utrs, o.species);
  const double t_read = now_seconds() - mark;
  std::vector<std::string> outputs = {"targets.tsv", "families.tsv", "run_info.json"};
  if (!o.no_sites) outputs.push_back("sites.tsv");
  io::prepare_output_dir(o.common.out, outputs, o.common.force);

  mark = now_seconds();
  const targets::SeedIndex index(fams, types);
  targets::ScanOptions sopt;
  sopt.mask_5prime = o.shadow;
  const std::vector<targets::GeneSites> sites = targets::scan_utrs(utrs, index, sopt, threads);
  const double t_scan = now_seconds() - mark;
  std::size_t n_sites = 0;
  for (const auto& g : sites) n_sites += g.sites.size();
  log.info("targets", fmt::format("{} families, {} genes, {:.2f} Mnt: {} sites in {:.2f} s ({:.1f} Mnt/s, {} threads)", fams.size(),
                                  utrs.genes.size(), static_cast<double>(utrs.nucleotides) / 1e6, n_sites, t_scan,
                                  static_cast<double>(utrs.nucleotides) / 1e6 / std::max(t_scan, 1e-9), threads));
  mark = now_seconds();
  // Formatted in blocks of genes by all threads, written in gene order.
  const std::filesystem::path dir(o.common.out);
  std::optional<StreamedOutput> sites_out;
  if (!o.no_sites) {
    sites_out.emplace((dir / "sites.tsv").string());
    sites_out->write(targets::sites_header());
  }
  StreamedOutput targets_out((dir / "targets.tsv").string());
  targets_out.write(targets::targets_header(index));
  const bool per_member = true;  // rows per mature miRNA whenever the families name their members
  const std::size_t n_genes = utrs.genes.size(), block = 2048;
  const std::size_t parts = static_cast<std::size_t>(threads) * 4;
  std::vector<std::string> site_parts(parts), target_parts(parts);
  std::vector<std::size_t> part_rows(parts);
  std::size_t n_rows = 0;
  for (std::size_t b = 0; b < n_genes; b += block) {
    const std::size_t e = std::min(n_genes, b + block);
    core::parallel_for(parts, threads, [&](std::size_t p) {
      const std::size_t pb = b + (e - b) * p / parts, pe = b + (e - b) * (p + 1) / parts;
      site_parts[p].clear();
      target_parts[p].clear();
      if (sites_out) targets::append_sites(utrs, sites, index, pb, pe, site_parts[p]);
      part_rows[p] = targets::append_targets(utrs, sites, index, o.species, per_member, pb, pe, target_parts[p]);
    });
    for (std::size_t p = 0; p < parts; ++p) {
      if (sites_out) sites_out->write(site_parts[p]);
      targets_out.write(target_parts[p]);
      n_rows += part_rows[p];
    }
  }
  if (n_rows == 0) log.warn("targets", "no sites in species " + o.species + " (targets.tsv counts that species only; see --species)");
  if (sites_out) sites_out->commit();
  targets_out.commit();
  io::write_file_atomic((dir / "families.tsv").string(), families_text(fams));
  info.outputs = {"targets.tsv", "families.tsv"};
  if (!o.no_sites) info.outputs.insert(info.outputs.begin(), "sites.tsv");
  log.info("targets", fmt::format("read {:.2f} s, scan {:.2f} s, format and write {:.2f} s", t_read, t_scan, now_seconds() - mark));
  info.inputs.push_back(io::checksum_file(o.families.empty() ? "mirnas" : "families", o.families.empty() ? o.mirnas : o.families));
  info.inputs.push_back(io::checksum_file("utrs", o.utrs));
  std::vector<std::string> tnames;
  for (auto t : {targets::SiteType::k8mer1a, targets::SiteType::k7mer_m8, targets::SiteType::k7mer1a, targets::SiteType::k6mer,
                 targets::SiteType::kOffset6mer})
    if (types.has(t)) tnames.emplace_back(targets::site_type_name(t));
  info.parameters = {{"species", o.species}, {"site_types", tnames}, {"shadow", o.shadow}, {"threads", threads},
                     {"families", fams.size()}, {"genes", utrs.genes.size()}, {"nucleotides", utrs.nucleotides},
                     {"sites", n_sites}, {"targets_rows", n_rows}, {"sites_tsv", !o.no_sites}};
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
  add_common_options(app, o.common);
  const int parsed = parse_or_exit(app, argv);
  if (parsed >= 0) return parsed;
  return guarded("targets", log, [&] { return run_targets(o, argv, log); });
}

}  // namespace lscmir::app
