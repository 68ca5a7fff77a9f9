// SPDX-License-Identifier: GPL-3.0-or-later
// The specificity stage: the three contrasts from memory or from a folder of DE tables, the class
// calls, and their tables.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>

#include <fmt/core.h>

#include "lscmir/core/error.hpp"
#include "lscmir/study/de.hpp"
#include "lscmir/study/paired.hpp"
#include "lscmir/study/specificity.hpp"

namespace lscmir::study {
namespace fs = std::filesystem;

namespace {
DeTable table_of(const DeResult& result, const ContrastResult& c) {
  const stats::TopTable& tt = c.table;
  DeTable d;
  d.path = "de_" + c.contrast.tag + ".tsv";
  for (std::size_t i : tt.order) {
    d.features.push_back(result.features[i]);
    d.logfc.push_back(tt.logfc[i]);
    d.ci_l.push_back(tt.ci_l[i]);
    d.ci_r.push_back(tt.ci_r[i]);
    d.t.push_back(tt.t[i]);
    d.p_value.push_back(tt.p_value[i]);
    d.adj_p_value.push_back(tt.adj_p_value[i]);
  }
  return d;
}
}  // namespace

DeTable de_table(const DeResult& result, const std::string& a, const std::string& b) {
  for (const bool flip : {false, true}) {
    const ContrastResult* c = flip ? find_contrast(result, b, a) : find_contrast(result, a, b);
    if (!c) continue;
    DeTable d = table_of(result, *c);
    return flip ? d.flipped() : d;
  }
  throw core::UsageError("no DE contrast " + a + "-" + b + " (or " + b + "-" + a + ") was fitted");
}

DeTable de_table(const DeResult& result, const std::string& label) {
  for (const auto& c : result.contrasts)
    if (c.label == label || c.label.rfind(label + "=", 0) == 0) return table_of(result, c);
  throw core::UsageError("no DE contrast \"" + label + "\" was fitted");
}

DeTable read_de_contrast(const std::string& dir, const std::string& a, const std::string& b) {
  const fs::path direct = fs::path(dir) / ("de_" + stats::contrast_tag(a, b) + ".tsv");
  const fs::path reverse = fs::path(dir) / ("de_" + stats::contrast_tag(b, a) + ".tsv");
  if (fs::exists(direct)) return read_de_table(direct.string());
  if (fs::exists(reverse)) return read_de_table(reverse.string()).flipped();
  std::string found;
  if (fs::is_directory(dir))
    for (const auto& e : fs::directory_iterator(dir)) {
      const std::string n = e.path().filename().string();
      if (n.rfind("de_", 0) == 0 && e.path().extension() == ".tsv") found += (found.empty() ? "" : ", ") + n;
    }
  throw core::UsageError("--de " + dir + ": no DE table for " + a + "-" + b + " (expected " + direct.filename().string() + " or " +
                         reverse.filename().string() + "; found " + (found.empty() ? "none" : found) +
                         "); run lscmir de with --contrast " + a + "-" + b);
}

void check_specificity_options(const PopulationLabels& labels, const SpecificityOptions& o) {
  if (!(o.fdr > 0 && o.fdr <= 1)) throw core::UsageError("--fdr must be in (0, 1]");
  if (!(o.lfc >= 0)) throw core::UsageError("--lfc must be a non-negative log2 fold change");
  if (labels.lsc == labels.hsc || labels.lsc == labels.lpc || labels.hsc == labels.lpc)
    throw core::UsageError("--lsc, --hsc and --lpc must be three different populations");
}

SpecificityResult specificity(const DeTable& t1, const DeTable& t2, const DeTable& t3, const PopulationLabels& labels,
                              const SpecificityOptions& o) {
  check_specificity_options(labels, o);
  SpecificityResult r;
  r.labels = labels;
  r.options = o;
  r.tags[0] = stats::contrast_tag(labels.lsc, labels.hsc);
  r.tags[1] = stats::contrast_tag(labels.lsc, labels.lpc);
  r.tags[2] = stats::contrast_tag(labels.hsc, labels.lpc);
  r.rows = classify(t1, t2, t3, o, &r.missing);
  std::stable_sort(r.rows.begin(), r.rows.end(), [](const SpecificityRow& x, const SpecificityRow& y) {
    if (x.cls != y.cls) return x.cls < y.cls;
    if (x.p_class != y.p_class && !(std::isnan(x.p_class) && std::isnan(y.p_class))) {
      if (std::isnan(x.p_class)) return false;
      if (std::isnan(y.p_class)) return true;
      return x.p_class < y.p_class;
    }
    return x.feature < y.feature;
  });
  return r;
}

void add_consistency(SpecificityResult& r, const PairedDifferences* const paired[3]) {
  for (int k = 0; k < 3; ++k) {
    r.consistency[k] = paired[k] != nullptr;
    if (!paired[k]) continue;
    std::map<std::string, Eigen::Index> row_of;
    for (std::size_t g = 0; g < paired[k]->features.size(); ++g) row_of.emplace(paired[k]->features[g], static_cast<Eigen::Index>(g));
    for (auto& row : r.rows) {
      const auto it = row_of.find(row.feature);
      if (it == row_of.end()) {
        row.n_patients[k] = 0;
        row.frac_consistent[k] = row.sign_p[k] = std::numeric_limits<double>::quiet_NaN();
        continue;
      }
      const Consistency c = consistency(paired[k]->diff.row(it->second), row.logfc[k]);
      row.n_patients[k] = c.n_patients;
      row.frac_consistent[k] = c.fraction;
      row.sign_p[k] = c.sign_p;
    }
  }
}

void add_consistency(SpecificityResult& r, const DeResult& de) {
  const std::string pairs[3][2] = {{r.labels.lsc, r.labels.hsc}, {r.labels.lsc, r.labels.lpc}, {r.labels.hsc, r.labels.lpc}};
  PairedDifferences flipped[3];
  const PairedDifferences* have[3] = {nullptr, nullptr, nullptr};
  for (int k = 0; k < 3; ++k)
    for (const auto& p : de.paired) {
      if (p.a == pairs[k][0] && p.b == pairs[k][1]) have[k] = &p;
      else if (p.a == pairs[k][1] && p.b == pairs[k][0]) {
        flipped[k] = p.flipped();
        have[k] = &flipped[k];
      }
    }
  add_consistency(r, have);
}

namespace {
constexpr SpecificityClass kClassOrder[] = {SpecificityClass::kLscSpecific, SpecificityClass::kLscDepleted,
                                            SpecificityClass::kHscSpecific, SpecificityClass::kStemShared,
                                            SpecificityClass::kLeukemiaWide, SpecificityClass::kNone};

std::map<SpecificityClass, std::int64_t> class_counts(const SpecificityResult& r) {
  std::map<SpecificityClass, std::int64_t> n;
  for (const auto& row : r.rows) ++n[row.cls];
  return n;
}
}  // namespace

std::vector<io::NamedTable> specificity_tables(const SpecificityResult& r) {
  const std::size_t n = r.rows.size();
  std::vector<std::string> feature(n), cls(n);
  std::vector<std::vector<double>> logfc(3, std::vector<double>(n)), adj(3, std::vector<double>(n)),
      treat(3, std::vector<double>(n));
  std::vector<double> p(n), q(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& row = r.rows[i];
    feature[i] = row.feature;
    cls[i] = to_string(row.cls);
    for (int k = 0; k < 3; ++k) {
      logfc[k][i] = row.logfc[k];
      adj[k][i] = row.adj_p[k];
      treat[k][i] = row.p_treat[k];
    }
    p[i] = row.p_class;
    q[i] = row.fdr_class;
  }
  io::ResultTable t;
  t.add_text("feature", std::move(feature)).add_text("class", std::move(cls));
  for (int k = 0; k < 3; ++k) t.add_real("logFC." + r.tags[k], std::move(logfc[k])).add_real("adj.P.Val." + r.tags[k], std::move(adj[k]));
  t.add_real("P.class", std::move(p)).add_real("FDR.class", std::move(q));
  for (int k = 0; k < 3; ++k) t.add_real("P.treat." + r.tags[k], std::move(treat[k]));
  const std::string pops[3][2] = {{r.labels.lsc, r.labels.hsc}, {r.labels.lsc, r.labels.lpc}, {r.labels.hsc, r.labels.lpc}};
  for (int k = 0; k < 3; ++k) {
    if (!r.consistency[k]) continue;
    std::vector<std::int64_t> np(n);
    std::vector<double> frac(n), sp(n);
    for (std::size_t i = 0; i < n; ++i) {
      np[i] = r.rows[i].n_patients[k];
      frac[i] = r.rows[i].frac_consistent[k];
      sp[i] = r.rows[i].sign_p[k];
    }
    const std::string x = pops[k][0] + "_" + pops[k][1];
    t.add_integer("n_patients_" + x, std::move(np)).add_real("frac_consistent_" + x, std::move(frac)).add_real("sign_P_" + x, std::move(sp));
  }
  const auto counts = class_counts(r);
  std::vector<std::string> names;
  std::vector<std::int64_t> ns;
  for (auto c : kClassOrder) {
    names.emplace_back(to_string(c));
    const auto it = counts.find(c);
    ns.push_back(it == counts.end() ? 0 : it->second);
  }
  io::ResultTable summary;
  summary.add_text("class", std::move(names)).add_integer("n", std::move(ns));
  return {{"specificity.tsv", std::move(t)}, {"specificity_summary.tsv", std::move(summary)}};
}

nlohmann::json specificity_parameters(const SpecificityResult& r) {
  const auto& l = r.labels;
  return {{"lsc", l.lsc}, {"hsc", l.hsc}, {"lpc", l.lpc}, {"fdr", r.options.fdr}, {"lfc", r.options.lfc}};
}

void log_specificity(const SpecificityResult& r, core::Logger& log) {
  if (r.missing > 0) log.warn("specificity", fmt::format("{} feature(s) are not in all three DE tables and are left out", r.missing));
  log.info("specificity", fmt::format("{} features at FDR < {} and |logFC| > {}: {}", r.rows.size(), r.options.fdr, r.options.lfc,
                                      class_counts_text(r)));
}

std::string class_counts_text(const SpecificityResult& r) {
  const auto counts = class_counts(r);
  std::string line;
  for (auto c : kClassOrder) {
    const auto it = counts.find(c);
    line += fmt::format("{}{} {}", line.empty() ? "" : ", ", to_string(c), it == counts.end() ? 0 : it->second);
  }
  return line;
}

}  // namespace lscmir::study
