// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/targets/imports.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "detail/text.hpp"
#include "lscmir/core/error.hpp"
#include "lscmir/io/table.hpp"

namespace lscmir::targets {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::size_t find_any(const io::Table& t, std::initializer_list<const char*> names) {
  for (const char* n : names) {
    for (std::size_t i = 0; i < t.header.size(); ++i)
      if (lower(t.header[i]) == lower(n)) return i;
  }
  return io::Table::npos;
}

long long parse_count(const io::Table& t, std::size_t r, std::size_t c) {
  const std::string& v = t.rows[r][c];
  long long x = 0;
  std::size_t used = 0;
  try {
    x = std::stoll(v, &used);
  } catch (...) {
    used = 0;
  }
  if (used == 0 || used != v.size() || x < 0)
    throw core::InputError(t.path, t.line_numbers[r],
                           "expected a non-negative integer in column \"" + t.header[c] + "\", found " + detail::quote(v));
  return x;
}

/// A table read through the targets text reader, so gzip input works too.
io::Table read_any_table(const std::string& path) {
  const std::string text = detail::read_text(path);
  std::string name = path;
  if (name.size() > 3 && lower(name.substr(name.size() - 3)) == ".gz") name.resize(name.size() - 3);
  return io::parse_table(text, path, io::delimiter_for_path(name));
}

}  // namespace

ImportResult import_targetscan(const std::string& path, const std::string& species) {
  const io::Table t = read_any_table(path);
  ImportResult res;
  res.records = t.rows.size();
  struct Counts {
    long long n8 = 0, m8 = 0, a1 = 0, six = 0, total = 0;
  };
  std::map<std::pair<std::string, std::string>, Counts> acc;
  const std::size_t c_cons8 = find_any(t, {"Number of conserved 8mer sites"});
  bool per_type = false;
  if (c_cons8 != io::Table::npos) {
    per_type = true;
    const std::size_t cg = find_any(t, {"Gene Symbol"});
    const std::size_t cm = find_any(t, {"Representative miRNA", "miRNA family"});
    const std::size_t cs = find_any(t, {"Species ID"});
    const std::size_t c[7] = {c_cons8, find_any(t, {"Number of conserved 7mer-m8 sites"}),
                              find_any(t, {"Number of conserved 7mer-1a sites"}), find_any(t, {"Number of nonconserved 8mer sites"}),
                              find_any(t, {"Number of nonconserved 7mer-m8 sites"}),
                              find_any(t, {"Number of nonconserved 7mer-1a sites"}), find_any(t, {"Number of 6mer sites"})};
    if (cg == io::Table::npos || cm == io::Table::npos || std::count(std::begin(c), std::end(c), io::Table::npos) > 0)
      throw core::InputError(path, 1,
                             "a TargetScan Summary_Counts table needs the columns \"Gene Symbol\", \"Representative miRNA\" "
                             "(or \"miRNA family\") and the conserved / nonconserved 8mer, 7mer-m8, 7mer-1a and 6mer counts");
    std::size_t other_species = 0;
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      if (cs != io::Table::npos && t.rows[r][cs] != species) {
        ++other_species;
        continue;
      }
      Counts& x = acc[{t.rows[r][cm], t.rows[r][cg]}];
      const long long v8 = parse_count(t, r, c[0]) + parse_count(t, r, c[3]);
      const long long vm8 = parse_count(t, r, c[1]) + parse_count(t, r, c[4]);
      const long long va1 = parse_count(t, r, c[2]) + parse_count(t, r, c[5]);
      const long long v6 = parse_count(t, r, c[6]);
      x.n8 += v8;
      x.m8 += vm8;
      x.a1 += va1;
      x.six += v6;
      x.total += v8 + vm8 + va1 + v6;
    }
    if (other_species > 0) res.warnings.push_back(fmt::format("{} rows of other species than {} skipped", other_species, species));
  } else {
    const std::size_t cg = find_any(t, {"gene_symbol", "gene", "Gene Symbol"});
    const std::size_t cm = find_any(t, {"mature_name_mirbase22", "mirna", "miRNA", "mature_name"});
    const std::size_t cn = find_any(t, {"n_conserved_sites", "total", "n_sites"});
    if (cg == io::Table::npos || cm == io::Table::npos || cn == io::Table::npos)
      throw core::InputError(path, 1,
                             "unrecognized TargetScan table: expected Summary_Counts columns (\"Gene Symbol\", \"Representative "
                             "miRNA\", \"Number of conserved 8mer sites\", ...) or gene / miRNA / count columns (\"gene_symbol\", "
                             "\"mature_name_mirbase22\", \"n_conserved_sites\")");
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      if (t.rows[r][cg].empty() || t.rows[r][cm].empty())
        throw core::InputError(path, t.line_numbers[r], "empty gene or miRNA cell");
      acc[{t.rows[r][cm], t.rows[r][cg]}].total += parse_count(t, r, cn);
    }
  }
  res.text = "mirna\tgene\tn_8mer\tn_7mer_m8\tn_7mer_1a\tn_6mer\ttotal\n";
  for (const auto& [key, x] : acc) {
    if (x.total == 0) continue;
    if (per_type)
      fmt::format_to(std::back_inserter(res.text), "{}\t{}\t{}\t{}\t{}\t{}\t{}\n", key.first, key.second, x.n8, x.m8, x.a1, x.six,
                     x.total);
    else
      fmt::format_to(std::back_inserter(res.text), "{}\t{}\tNA\tNA\tNA\tNA\t{}\n", key.first, key.second, x.total);
    ++res.rows;
  }
  return res;
}

SymbolMap read_symbol_map(const std::string& path) {
  const io::Table t = read_any_table(path);
  std::size_t ce = io::Table::npos, cs = io::Table::npos;
  for (std::size_t i = 0; i < t.header.size(); ++i) {
    const std::string h = lower(t.header[i]);
    if (ce == io::Table::npos && h.find("entrez") != std::string::npos) ce = i;
    else if (cs == io::Table::npos && (h.find("symbol") != std::string::npos || h == "target gene")) cs = i;
  }
  if (ce == io::Table::npos || cs == io::Table::npos) {
    if (t.header.size() < 2) throw core::InputError(path, 1, "an Entrez-to-symbol map needs two columns (entrez, symbol)");
    ce = 0;
    cs = 1;
  }
  SymbolMap map;
  std::unordered_map<std::string, std::size_t> seen;  // entrez -> index in map.pairs
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    const std::string& e = t.rows[r][ce];
    const std::string& s = t.rows[r][cs];
    if (e.empty() || s.empty()) continue;
    const auto [it, fresh] = seen.try_emplace(e, map.pairs.size());
    if (fresh) {
      map.pairs.emplace_back(e, s);
    } else if (map.pairs[it->second].second != s) {
      // Old and new names of one gene (HBXIP / LAMTOR5) are common in miRTarBase releases.
      if (map.conflicts++ == 0)
        map.first_conflict = fmt::format("line {}: Entrez id {} is \"{}\" here but \"{}\" earlier", t.line_numbers[r], e, s,
                                         map.pairs[it->second].second);
    }
  }
  return map;
}

ImportResult import_mirtarbase(const std::string& path, const std::string& map_path) {
  const io::Table t = read_any_table(path);
  ImportResult res;
  res.records = t.rows.size();
  std::size_t cm = find_any(t, {"miRNA", "mirtarbase", "mirna"});
  std::size_t ce = find_any(t, {"Target Gene (Entrez ID)", "entrez targets", "entrez"});
  const std::size_t cg = find_any(t, {"Target Gene"});
  const std::size_t ct = find_any(t, {"Support Type"});
  if (cm == io::Table::npos && t.header.size() == 2) {
    cm = 0;
    ce = 1;
  }
  if (cm == io::Table::npos || (ce == io::Table::npos && cg == io::Table::npos))
    throw core::InputError(path, 1,
                           "unrecognized miRTarBase table: expected the columns \"miRNA\" and \"Target Gene\" / \"Target Gene "
                           "(Entrez ID)\", or two columns miRNA, Entrez id");
  std::unordered_map<std::string, std::string> map;
  if (!map_path.empty()) {
    SymbolMap m = read_symbol_map(map_path);
    if (m.conflicts > 0)
      res.warnings.push_back(fmt::format("{}: {} Entrez id(s) with more than one symbol; the first symbol is used ({})", map_path,
                                         m.conflicts, m.first_conflict));
    for (auto& [e, s] : m.pairs) map.emplace(std::move(e), std::move(s));
  }
  struct Acc {
    std::string entrez;
    std::size_t n = 0;
    std::set<std::string> support;
  };
  std::map<std::pair<std::string, std::string>, Acc> acc;
  std::set<std::string> unmapped;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    const auto& row = t.rows[r];
    const std::string& mirna = row[cm];
    const std::string entrez = ce == io::Table::npos ? std::string() : row[ce];
    if (mirna.empty()) throw core::InputError(path, t.line_numbers[r], "empty miRNA cell");
    std::string gene;
    if (!entrez.empty()) {
      if (!std::all_of(entrez.begin(), entrez.end(), [](unsigned char c) { return std::isdigit(c); }))
        throw core::InputError(path, t.line_numbers[r], "expected a numeric Entrez gene id, found " + detail::quote(entrez));
      const auto it = map.find(entrez);
      if (it != map.end()) gene = it->second;
    }
    if (gene.empty() && cg != io::Table::npos) gene = row[cg];
    if (gene.empty()) {
      if (entrez.empty()) throw core::InputError(path, t.line_numbers[r], "no target gene (symbol or Entrez id)");
      gene = entrez;
      unmapped.insert(entrez);
    }
    Acc& a = acc[{mirna, gene}];
    if (a.entrez.empty()) a.entrez = entrez;
    ++a.n;
    if (ct != io::Table::npos && !row[ct].empty()) a.support.insert(row[ct]);
  }
  if (!unmapped.empty())
    res.warnings.push_back(fmt::format("{} Entrez ids have no symbol{}; kept as Entrez ids", unmapped.size(),
                                       map_path.empty() ? " (no --map given)" : " in " + map_path));
  res.text = "mirna\tgene\tentrez\tn_records\tsupport_types\n";
  for (const auto& [key, a] : acc) {
    std::string sup;
    for (const auto& s : a.support) sup.append(sup.empty() ? "" : ";").append(s);
    fmt::format_to(std::back_inserter(res.text), "{}\t{}\t{}\t{}\t{}\n", key.first, key.second, a.entrez.empty() ? "NA" : a.entrez,
                   a.n, sup.empty() ? "NA" : sup);
    ++res.rows;
  }
  return res;
}

}  // namespace lscmir::targets
