// SPDX-License-Identifier: GPL-3.0-or-later
// families.tsv, the streamed scan outputs, gene-set files and enrichment parameters.
#include "lscmir/targets/tables.hpp"

#include <algorithm>
#include <array>
#include <future>
#include <map>
#include <string_view>
#include <utility>

#include <fmt/core.h>

#include "lscmir/core/error.hpp"
#include "lscmir/core/parallel.hpp"
#include "lscmir/io/gzip.hpp"

namespace lscmir::targets {

io::ResultTable families_table(const std::vector<Family>& families) {
  std::vector<std::string> id, seed, species, members;
  for (const auto& f : families) {
    std::string sp, mem;
    for (const auto& x : f.species) sp.append(sp.empty() ? "" : ";").append(x);
    for (const auto& x : f.members) mem.append(mem.empty() ? "" : ";").append(x);
    id.push_back(f.id);
    seed.push_back(f.seed);
    species.push_back(std::move(sp));
    members.push_back(mem.empty() ? "NA" : std::move(mem));
  }
  io::ResultTable t;
  t.add_text("family", std::move(id)).add_text("seed", std::move(seed)).add_text("species", std::move(species));
  t.add_text("members", std::move(members));
  return t;
}

std::size_t write_scan_outputs(const UtrSet& utrs, const std::vector<GeneSites>& gene_sites, const SeedIndex& index,
                               const std::string& species, io::StreamedOutput* sites, io::StreamedOutput& targets,
                               int threads, bool gzip) {
  const bool per_member = true;  // rows per mature miRNA whenever the families name their members
  // Pieces of a fixed number of genes, whatever the thread count, so that the gzip members (one per
  // piece) and hence the compressed bytes are the same for every thread count.
  constexpr std::size_t kPieceGenes = 128, kPieces = 16;
  struct Piece {
    std::string sites, targets, sites_gz, targets_gz;
    std::size_t rows = 0;
  };
  const std::size_t n_genes = utrs.genes.size(), block = kPieceGenes * kPieces;
  std::array<std::vector<Piece>, 2> sets{std::vector<Piece>(kPieces), std::vector<Piece>(kPieces)};
  std::size_t n_rows = 0;
  // Block k + 1 is formatted (and compressed) by the workers while block k is written by one more
  // thread: the writing, mostly the kernel's copy into the page cache, overlaps the formatting.
  std::future<void> writing;
  auto write_set = [&](const std::vector<Piece>* set) {
    for (const auto& piece : *set) {
      if (sites) sites->write(gzip ? piece.sites_gz : piece.sites);
      targets.write(gzip ? piece.targets_gz : piece.targets);
    }
  };
  std::size_t current = 0;
  for (std::size_t b = 0; b == 0 || b < n_genes; b += block) {  // one block even with no genes: the headers
    const std::size_t e = std::min(n_genes, b + block);
    auto& set = sets[current];
    core::parallel_for(kPieces, threads, [&](std::size_t p) {
      Piece& piece = set[p];
      const std::size_t pb = std::min(e, b + p * kPieceGenes), pe = std::min(e, pb + kPieceGenes);
      piece.sites.clear();
      piece.targets.clear();
      if (b == 0 && p == 0) {
        if (sites) piece.sites = sites_header();
        piece.targets = targets_header(index);
      }
      if (sites) append_sites(utrs, gene_sites, index, pb, pe, piece.sites);
      piece.rows = append_targets(utrs, gene_sites, index, species, per_member, pb, pe, piece.targets);
      if (gzip) {
        piece.sites_gz.clear();
        piece.targets_gz.clear();
        if (sites && !piece.sites.empty()) io::append_gzip_member(piece.sites, piece.sites_gz);
        if (!piece.targets.empty()) io::append_gzip_member(piece.targets, piece.targets_gz);
      }
    });
    for (const auto& piece : set) n_rows += piece.rows;
    if (writing.valid()) writing.get();  // rethrows the write error of the block before
    writing = std::async(std::launch::async, write_set, &set);
    current ^= 1;
  }
  writing.get();
  return n_rows;
}

std::size_t count_sites(const std::vector<GeneSites>& gene_sites) {
  std::size_t n = 0;
  for (const auto& g : gene_sites) n += g.sites.size();
  return n;
}

std::vector<std::string> site_type_names(const SiteTypeSet& types) {
  std::vector<std::string> names;
  for (auto t : {SiteType::k8mer1a, SiteType::k7mer_m8, SiteType::k7mer1a, SiteType::k6mer, SiteType::kOffset6mer})
    if (types.has(t)) names.emplace_back(site_type_name(t));
  return names;
}

EnrichMethod parse_enrich_method(const std::string& text) {
  if (text == "hypergeometric") return EnrichMethod::kHypergeometric;
  if (text == "empirical") return EnrichMethod::kEmpirical;
  throw core::UsageError("--method must be hypergeometric or empirical (got \"" + text + "\")");
}

void check_gene_sets(const std::vector<GeneSet>& sets, const std::function<void(const std::string&)>& warn) {
  std::map<std::string, std::pair<std::string, std::size_t>> names;
  for (const auto& s : sets) {
    auto [it, fresh] = names.try_emplace(s.name, s.file, s.line);
    if (!fresh)
      throw core::InputError(s.file, s.line, "gene set \"" + core::cell_for_message(s.name) + "\" was already defined (" + it->second.first + ", line " +
                                                 std::to_string(it->second.second) + ")");
    if (s.duplicates > 0) warn(fmt::format("{}: {} repeated gene(s) counted once", s.name, s.duplicates));
    if (s.genes.empty()) warn(fmt::format("{} ({}, line {}) has no genes", s.name, s.file, s.line));
  }
}

std::vector<GeneSet> read_gene_sets(const std::vector<std::string>& files, const std::function<void(const std::string&)>& warn) {
  std::vector<GeneSet> sets;
  for (const auto& f : files)
    for (auto& s : read_gmt(f)) sets.push_back(std::move(s));
  check_gene_sets(sets, warn);
  return sets;
}

std::string dropped_sets_warning(const EnrichResult& result) {
  if (result.dropped.empty()) return {};
  std::string names;
  for (std::size_t i = 0; i < result.dropped.size() && i < 5; ++i) names += (i ? ", " : "") + core::cell_for_message(result.dropped[i]);
  if (result.dropped.size() > 5) names += ", ...";
  std::string msg = fmt::format("{} gene set(s) share no gene with the universe and are not tested (not in the table, not in the FDR): {}",
                                result.dropped.size(), names);
  for (const auto& f : result.unmatched_files) msg += "; no set of " + f + " shares a gene with the targets";
  return msg;
}

nlohmann::json enrich_parameters(const EnrichOptions& options, const EnrichResult& result) {
  const bool empirical = options.method == EnrichMethod::kEmpirical;
  nlohmann::json j = {{"method", empirical ? "empirical" : "hypergeometric"}, {"mirnas", result.mirnas},
                      {"universe_size", result.universe}, {"selected", result.selected}, {"sets_tested", result.rows.size()},
                      {"sets_dropped", result.dropped.size()}, {"threads", options.threads}};
  if (empirical) j["permutations"] = options.permutations;
  return j;
}

}  // namespace lscmir::targets
