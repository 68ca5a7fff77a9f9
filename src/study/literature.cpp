// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/study/literature.hpp"

#include <cctype>
#include <cmath>

#include "lscmir/core/error.hpp"
#include "lscmir/core/incbin.hpp"
#include "lscmir/io/table.hpp"

LSCMIR_INCBIN(lscmir_literature_tsv, LSCMIR_LITERATURE_TSV)

namespace lscmir::study {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// Role index of a population name in a row's contrast: 0 LSC, 1 HSC, 2 LPC, -1 other.
int role_of(const std::string& p) {
  const std::string l = lower(p);
  if (l == "lsc") return 0;
  if (l == "hsc") return 1;
  if (l == "lpc") return 2;
  return -1;
}

}  // namespace

Literature parse_literature(std::string_view text, const std::string& name) {
  const io::Table t = io::parse_table(text, name, '\t');
  const std::size_t cm = t.require_column("mirna"), cd = t.require_column("direction"), cc = t.require_column("contrast"),
                    cs = t.require_column("species"), cr = t.require_column("reference"), cf = t.require_column("finding");
  Literature lit;
  lit.source = name;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    LiteratureRow row;
    row.mirna = t.rows[r][cm];
    row.contrast = t.rows[r][cc];
    row.species = t.rows[r][cs];
    row.reference = t.rows[r][cr];
    row.finding = t.rows[r][cf];
    const std::string d = lower(t.rows[r][cd]);
    if (d == "up") row.direction = 1;
    else if (d == "down") row.direction = -1;
    else throw core::InputError(name, t.line_numbers[r], "direction must be up or down (got \"" + t.rows[r][cd] + "\")");
    if (row.mirna.empty()) throw core::InputError(name, t.line_numbers[r], "empty mirna");
    if (row.contrast.find('-') == std::string::npos)
      throw core::InputError(name, t.line_numbers[r], "contrast must be two populations A-B (got \"" + row.contrast + "\")");
    lit.rows.push_back(std::move(row));
  }
  return lit;
}

Literature read_literature(const std::string& path) { return parse_literature(io::read_text_file(path), path); }

Literature bundled_literature() {
  const std::string_view text(lscmir_literature_tsv_begin,
                              static_cast<std::size_t>(lscmir_literature_tsv_end - lscmir_literature_tsv_begin));
  return parse_literature(text, "bundled data/literature/lsc_mirna_literature.tsv");
}

std::string literature_key(const std::string& name) {
  std::string k = lower(name);
  // species prefix: three letters and a dash before mir- / let-
  if (k.size() > 4 && k[3] == '-' && std::isalpha(static_cast<unsigned char>(k[0])) && std::isalpha(static_cast<unsigned char>(k[1])) &&
      std::isalpha(static_cast<unsigned char>(k[2])) && (k.compare(4, 4, "mir-") == 0 || k.compare(4, 4, "let-") == 0))
    k.erase(0, 4);
  if (!k.empty() && k.back() == '*') k.pop_back();
  for (const char* arm : {"-3p", "-5p"})
    if (ends_with(k, arm)) k.erase(k.size() - 3);
  // precursor copy number: a further "-N" after the miRNA's own "mir-<id>"
  const std::size_t first = k.find('-');
  const std::size_t last = k.rfind('-');
  if (first != std::string::npos && last != first && last + 1 < k.size()) {
    bool digits = true;
    for (std::size_t i = last + 1; i < k.size(); ++i) digits = digits && std::isdigit(static_cast<unsigned char>(k[i]));
    if (digits) k.erase(last);
  }
  return k;
}

bool literature_matches(const std::string& feature, const std::string& row_mirna) {
  const std::string f = literature_key(feature), r = literature_key(row_mirna);
  if (f == r) return true;
  return !r.empty() && std::isdigit(static_cast<unsigned char>(r.back())) && f.size() == r.size() + 1 && f.compare(0, r.size(), r) == 0 &&
         std::isalpha(static_cast<unsigned char>(f.back()));
}

LiteratureVerdict literature_verdict(const Literature& lit, const std::string& feature, const StudyContrasts& study, double fdr) {
  LiteratureVerdict v;
  int agree = 0, disagree = 0;
  for (const auto& row : lit.rows) {
    if (!literature_matches(feature, row.mirna)) continue;
    const std::size_t dash = row.contrast.find('-');
    const int a = role_of(row.contrast.substr(0, dash)), b = role_of(row.contrast.substr(dash + 1));
    int pair = -1, sign = 1;
    if (a >= 0 && b >= 0 && a != b) {
      const int lo = std::min(a, b), hi = std::max(a, b);
      pair = lo == 0 ? (hi == 1 ? 0 : 1) : 2;  // (LSC,HSC) 0, (LSC,LPC) 1, (HSC,LPC) 2
      sign = a < b ? 1 : -1;
    }
    std::string verdict = "not compared";
    if (pair >= 0) {
      const double lfc = study.logfc[pair], q = study.adj_p[pair];
      if (!std::isfinite(lfc) || !std::isfinite(q)) verdict = "not compared";
      else if (!(q < fdr) || lfc == 0) verdict = "not significant";
      else if ((lfc > 0 ? 1 : -1) * sign == row.direction) {
        verdict = "agrees";
        ++agree;
      } else {
        verdict = "disagrees";
        ++disagree;
      }
    }
    if (!v.detail.empty()) v.detail += " | ";
    v.detail += row.mirna + " " + row.contrast + " " + (row.direction > 0 ? "up" : "down") + ": " + verdict + " (" + row.reference + ")";
  }
  v.summary = agree > 0 && disagree > 0 ? "mixed" : agree > 0 ? "agrees" : disagree > 0 ? "disagrees" : "silent";
  return v;
}

}  // namespace lscmir::study
