// SPDX-License-Identifier: GPL-3.0-or-later
// sites.tsv and targets.tsv text.
#include <algorithm>
#include <array>
#include <charconv>
#include <cstdlib>
#include <string>
#include <vector>

#include "lscmir/core/parallel.hpp"
#include "lscmir/targets/scan.hpp"

namespace lscmir::targets {

namespace {

void append_uint(std::string& s, std::uint64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  s.append(buf, r.ptr);
}

/// Perl's numeric value of a string (leading number, else 0), for `sort { $a <=> $b }`. Not
/// io::parse_double on purpose: that reads a whole cell or nothing, while Perl takes the leading
/// number ("9606x" is 9606, "x" is 0, " 7" is 7), and targetscan_70.pl's species order, which the
/// output reproduces byte for byte, depends on exactly that.
double perl_number(const std::string& s) {
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  return end == s.c_str() ? 0.0 : v;
}

/// targetscan_70.pl's makeListNonRedundant: unique, string-sorted, then stably sorted numerically.
std::string species_list(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  std::stable_sort(v.begin(), v.end(), [](const std::string& a, const std::string& b) { return perl_number(a) < perl_number(b); });
  std::string out;
  for (const auto& s : v) out.append(out.empty() ? "" : " ").append(s);
  return out;
}

/// Site types a site of `type` stands for in a group's per-type species lists (a wide site
/// contains the narrower ones), restricted to the reported types.
std::vector<SiteType> implied_types(SiteType type, const SiteTypeSet& types) {
  std::vector<SiteType> out{type};
  auto add = [&](SiteType t) {
    if (types.has(t)) out.push_back(t);
  };
  switch (type) {
    case SiteType::k7mer1a: add(SiteType::k6mer); break;
    case SiteType::k7mer_m8: add(SiteType::k6mer); add(SiteType::kOffset6mer); break;
    case SiteType::k8mer1a:
      add(SiteType::k7mer1a); add(SiteType::k7mer_m8); add(SiteType::k6mer); add(SiteType::kOffset6mer);
      break;
    default: break;
  }
  return out;
}

void append_row(std::string& s, const UtrGene& gene, const Family& fam, const Site& x, std::uint64_t group_num,
                std::string_view group_type, std::string_view group_species, std::string_view with_type) {
  s.append(gene.gene).push_back('\t');
  s.append(fam.id).push_back('\t');
  s.append(gene.utrs[x.species].species).push_back('\t');
  append_uint(s, x.msa_start);
  s.push_back('\t');
  append_uint(s, x.msa_end);
  s.push_back('\t');
  append_uint(s, x.utr_start);
  s.push_back('\t');
  append_uint(s, x.utr_end());
  s.push_back('\t');
  append_uint(s, group_num);
  s.push_back('\t');
  s.append(site_type_name(x.type)).append("\tx\t");
  s.append(group_type).push_back('\t');
  s.append(group_species).push_back('\t');
  s.append(with_type).push_back('\t');
  s.push_back(x.orf_overlap ? '1' : '0');
  s.push_back('\n');
}

void format_gene(std::string& s, const UtrGene& gene, const GeneSites& gs, const SeedIndex& index) {
  const auto& fams = index.families();
  const auto& sites = gs.sites;
  for (std::size_t b = 0; b < sites.size();) {
    std::size_t e = b + 1;
    while (e < sites.size() && sites[e].family == sites[b].family && sites[e].group == sites[b].group) ++e;
    const std::uint64_t group_num = gs.group_offset + sites[b].group;
    const Family& fam = fams[sites[b].family];
    if (e == b + 1) {  // a group of one site: its own type and species
      const Site& x = sites[b];
      append_row(s, gene, fam, x, group_num, site_type_name(x.type), gene.utrs[x.species].species, {});
      b = e;
      continue;
    }
    // Group summary: type names by TargetScan's type id, species, species per (implied) type.
    std::vector<int> type_ids;
    std::vector<std::string> species;
    std::array<std::vector<std::string>, 8> by_type;
    for (std::size_t i = b; i < e; ++i) {
      type_ids.push_back(static_cast<int>(sites[i].type));
      const std::string& sp = gene.utrs[sites[i].species].species;
      species.push_back(sp);
      for (SiteType t : implied_types(sites[i].type, index.types())) by_type[static_cast<std::size_t>(t)].push_back(sp);
    }
    std::sort(type_ids.begin(), type_ids.end());
    type_ids.erase(std::unique(type_ids.begin(), type_ids.end()), type_ids.end());
    std::string group_type;
    for (int t : type_ids) group_type.append(group_type.empty() ? "" : "+").append(site_type_name(static_cast<SiteType>(t)));
    const std::string group_species = species_list(species);
    for (std::size_t i = b; i < e; ++i) {
      const Site& x = sites[i];
      const std::string with_type =
          group_type == site_type_name(x.type) ? std::string() : species_list(by_type[static_cast<std::size_t>(x.type)]);
      append_row(s, gene, fam, x, group_num, group_type, group_species, with_type);
    }
    b = e;
  }
}

}  // namespace

std::string sites_header() {
  return "a_Gene_ID\tmiRNA_family_ID\tspecies_ID\tMSA_start\tMSA_end\tUTR_start\tUTR_end\tGroup_num\tSite_type\t"
         "miRNA in this species\tGroup_type\tSpecies_in_this_group\tSpecies_in_this_group_with_this_site_type\tORF_overlap\n";
}

void append_sites(const UtrSet& utrs, const std::vector<GeneSites>& sites, const SeedIndex& index, std::size_t begin,
                  std::size_t end, std::string& out) {
  for (std::size_t g = begin; g < end; ++g) format_gene(out, utrs.genes[g], sites[g], index);
}

std::string format_sites(const UtrSet& utrs, const std::vector<GeneSites>& sites, const SeedIndex& index, int threads) {
  const std::size_t n = utrs.genes.size();
  const std::size_t chunks = std::min<std::size_t>(n, static_cast<std::size_t>(std::max(threads, 1)) * 8);
  std::vector<std::string> parts(chunks);
  core::parallel_for(chunks, threads, [&](std::size_t c) { append_sites(utrs, sites, index, n * c / chunks, n * (c + 1) / chunks, parts[c]); });
  std::string s = sites_header();
  std::size_t total = s.size();
  for (const auto& p : parts) total += p.size();
  s.reserve(total);
  for (const auto& p : parts) s += p;
  return s;
}

std::string targets_header(const SeedIndex& index) {
  return index.types().offset6mer ? "mirna\tgene\tn_8mer\tn_7mer_m8\tn_7mer_1a\tn_6mer\tn_offset_6mer\ttotal\n"
                                  : "mirna\tgene\tn_8mer\tn_7mer_m8\tn_7mer_1a\tn_6mer\ttotal\n";
}

std::size_t append_targets(const UtrSet& utrs, const std::vector<GeneSites>& sites, const SeedIndex& index,
                           const std::string& species, bool per_member, std::size_t begin, std::size_t end, std::string& s) {
  const auto& fams = index.families();
  const bool offset = index.types().offset6mer;
  std::size_t count = 0;
  for (std::size_t g = begin; g < end; ++g) {
    const UtrGene& gene = utrs.genes[g];
    const auto& v = sites[g].sites;
    for (std::size_t b = 0; b < v.size();) {
      std::size_t e = b;
      std::array<std::uint64_t, 8> n{};
      while (e < v.size() && v[e].family == v[b].family) {
        if (gene.utrs[v[e].species].species == species) ++n[static_cast<std::size_t>(v[e].type)];
        ++e;
      }
      const std::uint64_t total = n[1] + n[2] + n[3] + n[6] + n[7];
      if (total > 0) {
        const Family& f = fams[v[b].family];
        auto row = [&](const std::string& name) {
          s.append(name).push_back('\t');
          s.append(gene.gene);
          for (std::size_t t : {3u, 2u, 1u, 6u}) {
            s.push_back('\t');
            append_uint(s, n[t]);
          }
          if (offset) {
            s.push_back('\t');
            append_uint(s, n[7]);
          }
          s.push_back('\t');
          append_uint(s, total);
          s.push_back('\n');
          ++count;
        };
        if (per_member && !f.members.empty())
          for (const auto& m : f.members) row(m);
        else
          row(f.id);
      }
      b = e;
    }
  }
  return count;
}

std::string format_targets(const UtrSet& utrs, const std::vector<GeneSites>& sites, const SeedIndex& index,
                           const std::string& species, bool per_member, std::size_t* rows) {
  std::string s = targets_header(index);
  const std::size_t n = append_targets(utrs, sites, index, species, per_member, 0, utrs.genes.size(), s);
  if (rows) *rows = n;
  return s;
}

}  // namespace lscmir::targets
