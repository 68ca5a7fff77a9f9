// SPDX-License-Identifier: GPL-3.0-or-later
// sites.tsv and targets.tsv text.
#include <algorithm>
#include <array>
#include <cstdlib>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "lscmir/core/parallel.hpp"
#include "lscmir/targets/scan.hpp"

namespace lscmir::targets {

namespace {

/// Perl's numeric value of a string (leading number, else 0), for `sort { $a <=> $b }`.
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

void format_gene(std::string& s, const UtrGene& gene, const GeneSites& gs, const SeedIndex& index) {
  const auto& fams = index.families();
  const auto& sites = gs.sites;
  for (std::size_t b = 0; b < sites.size();) {
    std::size_t e = b;
    while (e < sites.size() && sites[e].family == sites[b].family && sites[e].group == sites[b].group) ++e;
    // Group summary: type names by TargetScan's type id, species, species per (implied) type.
    std::vector<int> type_ids;
    std::vector<std::string> species;
    std::vector<std::vector<std::string>> by_type(8);
    for (std::size_t i = b; i < e; ++i) {
      type_ids.push_back(static_cast<int>(sites[i].type));
      const std::string& sp = gene.utrs[sites[i].species].species;
      species.push_back(sp);
      for (SiteType t : implied_types(sites[i].type, index.types())) by_type[static_cast<int>(t)].push_back(sp);
    }
    std::sort(type_ids.begin(), type_ids.end());
    type_ids.erase(std::unique(type_ids.begin(), type_ids.end()), type_ids.end());
    std::string group_type;
    for (int t : type_ids) group_type.append(group_type.empty() ? "" : "+").append(site_type_name(static_cast<SiteType>(t)));
    const std::string group_species = species_list(species);
    const std::uint64_t group_num = gs.group_offset + sites[b].group;
    for (std::size_t i = b; i < e; ++i) {
      const Site& x = sites[i];
      const char* name = site_type_name(x.type);
      const std::string with_type = group_type == name ? std::string() : species_list(by_type[static_cast<int>(x.type)]);
      fmt::format_to(std::back_inserter(s), "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\tx\t{}\t{}\t{}\t{}\n", gene.gene, fams[x.family].id,
                     gene.utrs[x.species].species, x.msa_start, x.msa_end, x.utr_start, x.utr_end(), group_num, name, group_type,
                     group_species, with_type, x.orf_overlap ? 1 : 0);
    }
    b = e;
  }
}

}  // namespace

std::string format_sites(const UtrSet& utrs, const std::vector<GeneSites>& sites, const SeedIndex& index, int threads) {
  const std::size_t n = utrs.genes.size();
  const std::size_t chunks = std::min<std::size_t>(n, static_cast<std::size_t>(std::max(threads, 1)) * 8);
  std::vector<std::string> parts(chunks);
  core::parallel_for(chunks, threads, [&](std::size_t c) {
    const std::size_t b = n * c / chunks, e = n * (c + 1) / chunks;
    for (std::size_t g = b; g < e; ++g) format_gene(parts[c], utrs.genes[g], sites[g], index);
  });
  std::size_t total = 0;
  for (const auto& p : parts) total += p.size();
  std::string s =
      "a_Gene_ID\tmiRNA_family_ID\tspecies_ID\tMSA_start\tMSA_end\tUTR_start\tUTR_end\tGroup_num\tSite_type\t"
      "miRNA in this species\tGroup_type\tSpecies_in_this_group\tSpecies_in_this_group_with_this_site_type\tORF_overlap\n";
  s.reserve(s.size() + total);
  for (const auto& p : parts) s += p;
  return s;
}

std::string format_targets(const UtrSet& utrs, const std::vector<GeneSites>& sites, const SeedIndex& index,
                           const std::string& species, bool per_member, std::size_t* rows) {
  const auto& fams = index.families();
  const bool offset = index.types().offset6mer;
  std::string s = offset ? "mirna\tgene\tn_8mer\tn_7mer_m8\tn_7mer_1a\tn_6mer\tn_offset_6mer\ttotal\n"
                         : "mirna\tgene\tn_8mer\tn_7mer_m8\tn_7mer_1a\tn_6mer\ttotal\n";
  std::size_t count = 0;
  for (std::size_t g = 0; g < utrs.genes.size(); ++g) {
    const UtrGene& gene = utrs.genes[g];
    const auto& v = sites[g].sites;
    for (std::size_t b = 0; b < v.size();) {
      std::size_t e = b;
      std::array<int, 8> n{};
      while (e < v.size() && v[e].family == v[b].family) {
        if (gene.utrs[v[e].species].species == species) ++n[static_cast<int>(v[e].type)];
        ++e;
      }
      const int total = n[1] + n[2] + n[3] + n[6] + n[7];
      if (total > 0) {
        const Family& f = fams[v[b].family];
        std::vector<std::string> names = per_member && !f.members.empty() ? f.members : std::vector<std::string>{f.id};
        for (const auto& name : names) {
          fmt::format_to(std::back_inserter(s), "{}\t{}\t{}\t{}\t{}\t{}\t", name, gene.gene, n[3], n[2], n[1], n[6]);
          if (offset) fmt::format_to(std::back_inserter(s), "{}\t", n[7]);
          fmt::format_to(std::back_inserter(s), "{}\n", total);
          ++count;
        }
      }
      b = e;
    }
  }
  if (rows) *rows = count;
  return s;
}

}  // namespace lscmir::targets
