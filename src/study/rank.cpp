// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/study/rank.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <regex>
#include <set>

#include <fmt/core.h>

#include "lscmir/core/error.hpp"
#include "lscmir/io/table.hpp"

namespace lscmir::study {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

void add_unique(std::vector<std::string>& v, const std::string& x) {
  if (std::find(v.begin(), v.end(), x) == v.end()) v.push_back(x);
}

double clamp01(double x) { return std::isnan(x) ? 0.0 : std::min(1.0, std::max(0.0, x)); }

std::string short_p(double p) { return std::isnan(p) ? "NA" : fmt::format("{:.2g}", p); }

bool aligned(const std::string& cls, bool inhibit) {
  return inhibit ? (cls == "LSC-specific" || cls == "leukemia-wide" || cls == "up") : (cls == "LSC-depleted" || cls == "HSC-specific" || cls == "down");
}

}  // namespace

std::string mirna_key(const std::string& name) {
  std::string k = lower(name);
  const std::size_t dash = k.find('-');
  // a species prefix is three or four letters before the first dash: hsa-, mmu-, ebv-
  if (dash != std::string::npos && dash >= 3 && dash <= 4 && k.compare(0, 3, "mir") != 0 && k.compare(0, 3, "let") != 0)
    k = k.substr(dash + 1);
  return k;
}

void read_precursor_map(const std::string& path, MirnaNames& names) {
  const io::Table t = io::read_table(path);
  const std::size_t cp = t.require_column("precursor_name"), cm = t.require_column("mature_name");
  const std::size_t ca = t.find_column("mature_acc");
  for (const auto& row : t.rows) {
    add_unique(names.precursors_of[mirna_key(row[cm])], row[cp]);
    add_unique(names.matures_of[row[cp]], row[cm]);
    if (ca != io::Table::npos && !row[ca].empty()) names.mature_by_accession.emplace(row[ca], row[cm]);
  }
  for (auto& [k, v] : names.precursors_of) std::sort(v.begin(), v.end());
  for (auto& [k, v] : names.matures_of) std::sort(v.begin(), v.end());
}

namespace {
/// The keys a feature's targets are filed under: its own, and for a precursor its matures' (once each).
std::vector<std::string> target_keys(const std::string& feature, const MirnaNames& names) {
  std::vector<std::string> keys{mirna_key(feature)};
  if (const auto it = names.matures_of.find(feature); it != names.matures_of.end())
    for (const auto& m : it->second) add_unique(keys, mirna_key(m));
  return keys;
}
}  // namespace

std::vector<std::string> target_mirnas(const std::string& name, const MirnaNames& names, const std::vector<std::string>& table_mirnas) {
  if (std::binary_search(table_mirnas.begin(), table_mirnas.end(), name)) return {name};
  const std::vector<std::string> keys = target_keys(name, names);
  std::vector<std::string> out;
  for (const auto& m : table_mirnas)
    if (std::find(keys.begin(), keys.end(), mirna_key(m)) != keys.end()) out.push_back(m);
  return out;
}

void read_family_info(const std::string& path, MirnaNames& names) {
  const io::Table t = io::read_table(path);
  const std::size_t cf = t.require_column("miR_family"), cm = t.require_column("mirbase_id");
  const std::size_t ca = t.find_column("mirbase_accession");
  for (const auto& row : t.rows) {
    std::string name = row[cm];
    if (ca != io::Table::npos)
      if (const auto it = names.mature_by_accession.find(row[ca]); it != names.mature_by_accession.end()) name = it->second;
    add_unique(names.families_of[mirna_key(name)], mirna_key(row[cf]));
  }
}

std::vector<Category> default_categories() {
  return {{"apoptosis", "apoptosis"},
          {"chemoresistance", "xenobiotic|drug|multidrug|abc.?transporter|dna.?repair|chemoresist"},
          {"self_renewal", "wnt|notch|hedgehog|stem|self.?renewal|hox"}};
}

std::vector<Candidate> rank_candidates(const SpecificityInput& spec, const CoxInput& cox, const MirnaNames& names,
                                       const TargetInput& targets, const std::vector<GeneSet>& sets,
                                       const std::vector<Category>& categories, const RankWeights& w, double fdr) {
  // genes of each category: union of the sets whose names match
  std::vector<std::set<std::string>> category_genes(categories.size());
  for (std::size_t c = 0; c < categories.size(); ++c) {
    const std::regex re(categories[c].pattern, std::regex::ECMAScript | std::regex::icase);
    for (const auto& s : sets)
      if (std::regex_search(s.name, re)) category_genes[c].insert(s.genes.begin(), s.genes.end());
  }
  const double wsum = w.specificity + w.outcome + w.sparing + w.targets;
  std::vector<Candidate> out;
  for (std::size_t i = 0; i < spec.feature.size(); ++i) {
    const double lfc = spec.logfc_lsc_hsc[i];
    if (std::isnan(lfc) || lfc == 0.0) continue;
    const bool inhibit = lfc > 0;
    const std::string& cls = spec.cls[i];
    const bool al = aligned(cls, inhibit);
    if (!al && !(spec.adj_p_lsc_hsc[i] < fdr)) continue;
    Candidate c;
    c.feature = spec.feature[i];
    c.cls = cls;
    c.intervention = inhibit ? "inhibit" : "restore";
    c.logfc = lfc;
    c.q_specificity = al ? spec.fdr_class[i] : spec.adj_p_lsc_hsc[i];
    c.s_specificity = (al ? 1.0 : 0.5) * clamp01(-std::log10(std::max(c.q_specificity, 1e-300)) / 10.0);
    // HSC sparing: how much less the HSCs hold of the miRNA the intervention acts on (LSC-HSC logFC
    // in the intervention's direction); no component without an HSC population.
    const double hl = !spec.has_hsc ? std::nan("") : spec.logfc_sparing.empty() ? lfc : spec.logfc_sparing[i];
    const bool sparing = !std::isnan(hl);
    const double toward = inhibit ? hl : -hl;
    c.s_sparing = !sparing ? std::nan("") : toward > 0 ? 1.0 - std::exp2(-toward) : 0.0;
    c.hsc_lsc_ratio = std::exp2(-hl);
    // cohort: the feature itself, else its precursors (first in name order)
    const std::string key = mirna_key(c.feature);
    std::vector<std::string> tries{c.feature};
    if (const auto it = names.precursors_of.find(key); it != names.precursors_of.end())
      for (const auto& p : it->second)
        if (lower(p) != lower(c.feature)) tries.push_back(p);
    c.hr = c.p_cox = std::nan("");
    int matches = 0;
    for (const auto& name : tries) {
      const auto it = cox.index.find(lower(name));
      if (it == cox.index.end()) continue;
      if (++matches > 1) continue;
      c.cohort_feature = cox.feature[it->second];
      c.hr = cox.hr[it->second];
      c.p_cox = cox.p[it->second];
      const double concord = ((inhibit && cox.coef[it->second] > 0) || (!inhibit && cox.coef[it->second] < 0)) ? 1.0 : -1.0;
      c.s_outcome = concord * clamp01(-std::log10(std::max(c.p_cox, 1e-300)) / 3.0);
    }
    // targets: under the mature name and under its TargetScan families
    // (a precursor, as TCGA names them, under the keys of its mature miRNAs)
    std::set<std::string> genes;
    for (const auto& k : target_keys(c.feature, names)) {
      if (const auto it = targets.genes_of.find(k); it != targets.genes_of.end()) genes.insert(it->second.begin(), it->second.end());
      if (const auto f = names.families_of.find(k); f != names.families_of.end())
        for (const auto& fam : f->second)
          if (const auto it = targets.genes_of.find(fam); it != targets.genes_of.end()) genes.insert(it->second.begin(), it->second.end());
    }
    c.n_targets = static_cast<int>(genes.size());
    std::set<std::string> in_any;
    for (std::size_t k = 0; k < categories.size(); ++k) {
      int n = 0;
      std::string list;
      for (const auto& g : genes)
        if (category_genes[k].count(g)) {
          ++n;
          in_any.insert(g);
          if (n <= 10) list += (list.empty() ? "" : ",") + g;
        }
      c.n_category.push_back(n);
      c.category_genes.push_back(list);
    }
    c.s_targets = clamp01(static_cast<double>(in_any.size()) / w.target_saturation);
    c.score = (w.specificity * c.s_specificity + w.outcome * c.s_outcome + (sparing ? w.sparing * c.s_sparing : 0.0) + w.targets * c.s_targets) /
              (sparing ? wsum : wsum - w.sparing);
    if (!spec.consistency.empty()) {
      c.consistency = spec.consistency[i];
      c.n_patients = spec.n_patients[i];
      c.low_consistency = std::isfinite(c.consistency) && c.consistency < w.min_consistency;
      if (c.low_consistency) c.score *= c.consistency / w.min_consistency;
    }
    const std::string head = cls == "none" ? spec.label : (cls == "up" || cls == "down") ? cls + " in " + spec.label : cls;
    std::string ev = fmt::format("{} (q {}); {} {:.3g}x", head, short_p(c.q_specificity), spec.ratio, std::exp2(lfc));
    if (!c.cohort_feature.empty())
      ev += fmt::format("; cohort {} HR {:.3g} (P {}, {}){}", c.cohort_feature, c.hr, short_p(c.p_cox),
                        c.s_outcome > 0 ? (inhibit ? "adverse as expected" : "protective as expected")
                                        : (inhibit ? "not adverse" : "not protective"),
                        matches > 1 ? fmt::format(", {} cohort matches", matches) : "");
    else
      ev += "; no cohort match";
    if (std::isfinite(c.consistency))
      ev += fmt::format("; consistent in {:.0f}/{} patients{}", c.consistency * c.n_patients, c.n_patients,
                        c.low_consistency ? " (low consistency: score down-weighted)" : "");
    ev += fmt::format("; {} targets", c.n_targets);
    for (std::size_t k = 0; k < categories.size(); ++k) ev += fmt::format(", {} {}", c.n_category[k], categories[k].name);
    c.evidence = ev;
    out.push_back(std::move(c));
  }
  std::stable_sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) {
    return a.score != b.score ? a.score > b.score : a.feature < b.feature;
  });
  return out;
}

}  // namespace lscmir::study
