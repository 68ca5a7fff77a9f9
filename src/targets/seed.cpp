// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/targets/seed.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "detail/text.hpp"
#include "lscmir/core/error.hpp"
#include "lscmir/io/fasta.hpp"

namespace lscmir::targets {

const char* site_type_name(SiteType type) {
  switch (type) {
    case SiteType::k7mer1a: return "7mer-1a";
    case SiteType::k7mer_m8: return "7mer-m8";
    case SiteType::k8mer1a: return "8mer-1a";
    case SiteType::k6mer: return "6mer";
    case SiteType::kOffset6mer: return "offset-6mer";
  }
  return "?";
}

int site_type_length(SiteType type) {
  switch (type) {
    case SiteType::k8mer1a: return 8;
    case SiteType::k7mer1a:
    case SiteType::k7mer_m8: return 7;
    case SiteType::k6mer:
    case SiteType::kOffset6mer: return 6;
  }
  return 0;
}

bool SiteTypeSet::has(SiteType type) const {
  switch (type) {
    case SiteType::k8mer1a: return m8mer;
    case SiteType::k7mer_m8: return m7mer_m8;
    case SiteType::k7mer1a: return m7mer_1a;
    case SiteType::k6mer: return m6mer;
    case SiteType::kOffset6mer: return offset6mer;
  }
  return false;
}

SiteTypeSet parse_site_types(std::string_view list) {
  SiteTypeSet s{false, false, false, false, false};
  for (std::string_view item : detail::split(list, ',')) {
    item = detail::trim(item);
    std::string v(item);
    std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (v == "8mer" || v == "8mer-1a" || v == "8mer-a1") s.m8mer = true;
    else if (v == "7mer-m8") s.m7mer_m8 = true;
    else if (v == "7mer-1a" || v == "7mer-a1") s.m7mer_1a = true;
    else if (v == "6mer") s.m6mer = true;
    else if (v == "offset-6mer" || v == "offset6mer") s.offset6mer = true;
    else if (v == "all") s = SiteTypeSet{true, true, true, true, true};
    else
      throw core::UsageError("--site-types: unknown site type \"" + std::string(item) +
                             "\" (expected a comma list of 8mer, 7mer-m8, 7mer-1a, 6mer, offset-6mer)");
  }
  if (!(s.m8mer || s.m7mer_m8 || s.m7mer_1a || s.m6mer || s.offset6mer))
    throw core::UsageError("--site-types: no site type given");
  return s;
}

namespace {

/// Uppercase RNA of a 7-nt seed, or empty when it is not 7 nt of ACGU/T.
std::string normalize_seed(std::string_view s) {
  std::string out;
  for (char c : s) {
    const std::uint8_t code = nt_code(c);
    if (code > 3) return {};
    out.push_back("ACGU"[code]);
  }
  return out.size() == 7 ? out : std::string{};
}

struct FamilyBuilder {
  std::string seed;
  std::size_t line = 0;
  std::set<std::string> species, members;
};

std::vector<Family> finish(std::map<std::string, FamilyBuilder>& by_id) {
  std::vector<Family> out;
  out.reserve(by_id.size());
  for (auto& [id, b] : by_id) {  // std::map orders by bytes, as Perl's sort
    Family f;
    f.id = id;
    f.seed = b.seed;
    f.species.assign(b.species.begin(), b.species.end());
    f.members.assign(b.members.begin(), b.members.end());
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace

std::vector<Family> read_families(const std::string& path) {
  const std::string text = detail::read_text(path);
  std::map<std::string, FamilyBuilder> by_id;
  // Column layout: 3-column targetscan_70.pl input, or the miR_Family_Info download (header).
  std::size_t c_fam = 0, c_seed = 1, c_species = 2, c_member = std::string::npos, n_fields = 3;
  bool header_seen = false, first = true;
  detail::for_each_line(text, [&](std::string_view line, std::size_t number) {
    if (detail::is_blank(line) || line.front() == '#') return;
    const auto f = detail::split(line, '\t');
    if (first) {
      first = false;
      std::string h0(detail::trim(f[0]));
      std::transform(h0.begin(), h0.end(), h0.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (h0 == "mir family" || h0 == "mir_family") {
        header_seen = true;
        n_fields = f.size();
        c_seed = c_species = std::string::npos;
        for (std::size_t i = 0; i < f.size(); ++i) {
          std::string h(detail::trim(f[i]));
          std::transform(h.begin(), h.end(), h.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
          if (h == "seed+m8" || h == "seed_m8") c_seed = i;
          else if (h == "species id" || h == "species_id") c_species = i;
          else if (h == "mirbase id" || h == "mirbase_id") c_member = i;
        }
        if (c_seed == std::string::npos || c_species == std::string::npos)
          throw core::InputError(path, number, "the miR family header has no seed (\"Seed+m8\") or species (\"Species ID\") column");
        return;
      }
    }
    if (f.size() != n_fields)
      throw core::InputError(path, number,
                             "expected " + std::to_string(n_fields) + " tab-separated fields" +
                                 (header_seen ? " (as in the header)" : " (miRNA family, seed nt 2-8, species ids)") +
                                 ", found " + std::to_string(f.size()));
    const std::string id(detail::trim(f[c_fam]));
    if (id.empty()) throw core::InputError(path, number, "empty miRNA family id");
    const std::string seed = normalize_seed(detail::trim(f[c_seed]));
    if (seed.empty())
      throw core::InputError(path, number, "expected a 7-nt seed (miRNA nt 2-8, ACGU) for family \"" + core::cell_for_message(id) + "\", found " +
                                               detail::quote(f[c_seed]));
    auto [it, inserted] = by_id.try_emplace(id);
    FamilyBuilder& b = it->second;
    if (inserted) {
      b.seed = seed;
      b.line = number;
    } else if (b.seed != seed) {
      throw core::InputError(path, number, "family \"" + core::cell_for_message(id) + "\" has seed " + seed + " here but " + b.seed + " on line " +
                                               std::to_string(b.line));
    }
    for (std::string_view sp : detail::split(f[c_species], ';')) {
      sp = detail::trim(sp);
      if (!sp.empty()) b.species.emplace(sp);
    }
    if (c_member != std::string::npos) {
      const std::string_view m = detail::trim(f[c_member]);
      if (!m.empty()) b.members.emplace(m);
    }
  });
  if (by_id.empty()) throw core::InputError(path, 0, "no miRNA families found", "expected lines: family<TAB>seed<TAB>species;species");
  return finish(by_id);
}

std::vector<Family> families_from_mature(const std::vector<std::pair<std::string, std::string>>& mature,
                                         const std::string& species) {
  std::map<std::string, std::set<std::string>> by_seed;
  for (const auto& [name, seq] : mature) by_seed[normalize_seed(std::string_view(seq).substr(1, 7))].insert(name);
  std::map<std::string, FamilyBuilder> by_id;
  for (auto& [seed, names] : by_seed) {
    // TargetScan-style name: the first member in full, then each other member without the prefix
    // it shares with the first one up to a '-' ("hsa-miR-17-5p/20a-5p/93-5p").
    std::string id;
    for (const auto& n : names) {
      if (id.empty()) {
        id = n;
        continue;
      }
      const std::string& first = *names.begin();
      std::size_t common = 0;
      while (common < n.size() && common < first.size() && n[common] == first[common]) ++common;
      const std::size_t cut = n.rfind('-', common == 0 ? 0 : common - 1);
      const std::size_t from = (cut == std::string::npos || common == 0) ? 0 : cut + 1;
      id.append("/").append(n, from, std::string::npos);
    }
    FamilyBuilder& b = by_id[id];
    b.seed = seed;
    b.members = names;
    b.species.insert(species);
  }
  return finish(by_id);
}

std::vector<Family> read_mature_fasta(const std::string& path, const std::string& species) {
  io::FastaOptions options;
  options.unique_names = true;
  options.noun = "miRNA";
  std::vector<std::pair<std::string, std::string>> mature;
  std::vector<std::size_t> lines;
  for (auto& r : io::read_fasta(path, options)) {
    for (std::size_t i = 0; i < r.sequence.size(); ++i)
      if (nt_code(r.sequence[i]) > 3)
        throw core::InputError(path, r.line_of(i), "miRNA \"" + r.name + "\": expected A, C, G, U or T, found '" +
                                                        std::string(1, r.sequence[i]) + "'");
    mature.emplace_back(std::move(r.name), std::move(r.sequence));
    lines.push_back(r.line);
  }
  for (std::size_t i = 0; i < mature.size(); ++i)
    if (mature[i].second.size() < 8)
      throw core::InputError(path, lines[i], "miRNA \"" + mature[i].first + "\" has " + std::to_string(mature[i].second.size()) +
                                                 " nt; a seed (nt 2-8) needs at least 8");
  return families_from_mature(mature, species);
}

}  // namespace lscmir::targets
