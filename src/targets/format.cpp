// SPDX-License-Identifier: GPL-3.0-or-later
// sites.tsv and targets.tsv text.
#include <algorithm>
#include <array>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "lscmir/core/parallel.hpp"
#include "lscmir/targets/scan.hpp"

namespace lscmir::targets {

namespace {

/// Rows are written through a raw pointer into room made at the end of the string (one resize per
/// gene or group instead of a capacity check per cell); Room::done() trims to what was written.
class Room {
 public:
  explicit Room(std::string& s) : s_(s), used_(s.size()) {}
  Room(const Room&) = delete;
  Room& operator=(const Room&) = delete;
  ~Room() { s_.resize(used_); }
  /// A pointer to at least `n` writable bytes after what was written so far.
  char* get(std::size_t n) {
    // At least 256 KiB more at a time: resize zero-fills, so growing in big steps keeps that
    // a small, linear cost.
    if (s_.size() - used_ < n) s_.resize(used_ + std::max<std::size_t>(n, 256 * 1024));
    return s_.data() + used_;
  }
  void put(char* end) { used_ = static_cast<std::size_t>(end - s_.data()); }

 private:
  std::string& s_;
  std::size_t used_;
};

inline char* put(char* p, std::string_view v) {
  if (!v.empty()) std::memcpy(p, v.data(), v.size());  // an empty view may hold a null pointer
  return p + v.size();
}

/// Decimal digits of v, written at p; returns the end. Most cells are small (site counts of 0-9,
/// coordinates of a few digits): one comparison per digit, then two digits per step.
inline char* put_uint(char* p, std::uint64_t v) {
  if (v < 10) {
    *p = static_cast<char>('0' + v);
    return p + 1;
  }
  if (v >= 100000000) return std::to_chars(p, p + 20, v).ptr;
  static constexpr char kPairs[] =
      "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
      "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
      "8081828384858687888990919293949596979899";
  const int n = v < 100 ? 2 : v < 1000 ? 3 : v < 10000 ? 4 : v < 100000 ? 5 : v < 1000000 ? 6 : v < 10000000 ? 7 : 8;
  char* q = p + n;
  while (v >= 100) {
    const std::size_t r = static_cast<std::size_t>(v % 100) * 2;
    v /= 100;
    q -= 2;
    q[0] = kPairs[r];
    q[1] = kPairs[r + 1];
  }
  if (v >= 10) {
    q[-2] = kPairs[v * 2];
    q[-1] = kPairs[v * 2 + 1];
  } else {
    q[-1] = static_cast<char>('0' + v);
  }
  return p + n;
}

/// site_type_name as a view (no strlen per row); every name is at most 16 bytes.
std::string_view type_name(SiteType t) {
  static constexpr std::array<std::string_view, 8> kNames{"?", "7mer-1a", "7mer-m8", "8mer-1a", "?", "?", "6mer", "offset-6mer"};
  return kNames[static_cast<std::size_t>(t) & 7];
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

/// Bytes of a sites.tsv row beyond its text cells: 4 coordinates of up to 10 digits, a group number
/// of up to 20, a site type name, the "x" column, 13 tabs, the ORF flag and the newline.
constexpr std::size_t kRowFixed = 4 * 10 + 20 + 16 + 1 + 13 + 2;

char* put_row(char* p, std::string_view gene, std::string_view fam, std::string_view species, const Site& x,
              std::uint64_t group_num, std::string_view group_type, std::string_view group_species, std::string_view with_type) {
  p = put(p, gene);
  *p++ = '\t';
  p = put(p, fam);
  *p++ = '\t';
  p = put(p, species);
  *p++ = '\t';
  p = put_uint(p, x.msa_start);
  *p++ = '\t';
  p = put_uint(p, x.msa_end);
  *p++ = '\t';
  p = put_uint(p, x.utr_start);
  *p++ = '\t';
  p = put_uint(p, x.utr_end());
  *p++ = '\t';
  p = put_uint(p, group_num);
  *p++ = '\t';
  p = put(p, type_name(x.type));
  p = put(p, "\tx\t");
  p = put(p, group_type);
  *p++ = '\t';
  p = put(p, group_species);
  *p++ = '\t';
  p = put(p, with_type);
  *p++ = '\t';
  *p++ = x.orf_overlap ? '1' : '0';
  *p++ = '\n';
  return p;
}

void format_gene(Room& room, const UtrGene& gene, const GeneSites& gs, const SeedIndex& index) {
  const auto& fams = index.families();
  const auto& sites = gs.sites;
  std::size_t longest_species = 0;
  for (const auto& u : gene.utrs) longest_species = std::max(longest_species, u.species.size());
  for (std::size_t b = 0; b < sites.size();) {
    std::size_t e = b + 1;
    while (e < sites.size() && sites[e].family == sites[b].family && sites[e].group == sites[b].group) ++e;
    const std::uint64_t group_num = gs.group_offset + sites[b].group;
    const Family& fam = fams[sites[b].family];
    const std::size_t row_base = gene.gene.size() + fam.id.size() + longest_species + kRowFixed;
    if (e == b + 1) {  // a group of one site: its own type and species
      const Site& x = sites[b];
      const std::string_view sp = gene.utrs[x.species].species;
      char* p = room.get(row_base + 2 * 16 + sp.size());
      room.put(put_row(p, gene.gene, fam.id, sp, x, group_num, type_name(x.type), sp, {}));
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
    for (int t : type_ids) group_type.append(group_type.empty() ? "" : "+").append(type_name(static_cast<SiteType>(t)));
    const std::string group_species = species_list(species);
    for (std::size_t i = b; i < e; ++i) {
      const Site& x = sites[i];
      const std::string with_type =
          group_type == type_name(x.type) ? std::string() : species_list(by_type[static_cast<std::size_t>(x.type)]);
      char* p = room.get(row_base + group_type.size() + group_species.size() + with_type.size());
      room.put(put_row(p, gene.gene, fam.id, gene.utrs[x.species].species, x, group_num, group_type, group_species, with_type));
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
  Room room(out);
  for (std::size_t g = begin; g < end; ++g) format_gene(room, utrs.genes[g], sites[g], index);
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
  Room room(s);
  std::vector<std::uint8_t> counted;  // per UTR of a gene: is it `species`
  for (std::size_t g = begin; g < end; ++g) {
    const UtrGene& gene = utrs.genes[g];
    const auto& v = sites[g].sites;
    counted.assign(gene.utrs.size(), 0);
    for (std::size_t u = 0; u < gene.utrs.size(); ++u) counted[u] = gene.utrs[u].species == species ? 1 : 0;
    for (std::size_t b = 0; b < v.size();) {
      std::size_t e = b;
      std::array<std::uint64_t, 8> n{};
      while (e < v.size() && v[e].family == v[b].family) {
        n[static_cast<std::size_t>(v[e].type)] += counted[v[e].species];
        ++e;
      }
      const std::uint64_t total = n[1] + n[2] + n[3] + n[6] + n[7];
      if (total > 0) {
        const Family& f = fams[v[b].family];
        auto row = [&](const std::string& name) {
          char* p = room.get(name.size() + gene.gene.size() + 7 * 21 + 1);
          p = put(p, name);
          *p++ = '\t';
          p = put(p, gene.gene);
          for (std::size_t t : {3u, 2u, 1u, 6u}) {
            *p++ = '\t';
            p = put_uint(p, n[t]);
          }
          if (offset) {
            *p++ = '\t';
            p = put_uint(p, n[7]);
          }
          *p++ = '\t';
          p = put_uint(p, total);
          *p++ = '\n';
          room.put(p);
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
