// SPDX-License-Identifier: GPL-3.0-or-later
// The candidate stage: its inputs from memory or from files, the ranking and candidates.tsv.
#include <algorithm>
#include <cmath>
#include <map>
#include <regex>

#include <fmt/core.h>

#include "lscmir/core/error.hpp"
#include "lscmir/io/number.hpp"
#include "lscmir/io/table.hpp"
#include "lscmir/study/rank.hpp"
#include "lscmir/study/specificity.hpp"

namespace lscmir::study {

SpecificityInput specificity_input(const SpecificityResult& r) {
  SpecificityInput s;
  for (const auto& row : r.rows) {
    s.feature.push_back(row.feature);
    s.cls.emplace_back(to_string(row.cls));
    s.logfc_lsc_hsc.push_back(row.logfc[0]);
    s.adj_p_lsc_hsc.push_back(row.adj_p[0]);
    s.fdr_class.push_back(row.fdr_class);
    if (r.consistency[0]) {
      s.consistency.push_back(row.frac_consistent[0]);
      s.n_patients.push_back(row.n_patients[0]);
    }
    s.contrasts.push_back({{row.logfc[0], row.logfc[1], row.logfc[2]}, {row.adj_p[0], row.adj_p[1], row.adj_p[2]}});
  }
  return s;
}

SpecificityInput read_specificity_input(const std::string& path, const std::string& tag) {
  const io::Table t = io::read_table(path);
  const std::size_t cf = t.require_column("feature"), cc = t.require_column("class"), cl = t.require_column("logFC." + tag),
                    ca = t.require_column("adj.P.Val." + tag), cq = t.require_column("FDR.class");
  SpecificityInput s;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    s.feature.push_back(t.rows[r][cf]);
    s.cls.push_back(t.rows[r][cc]);
    s.logfc_lsc_hsc.push_back(io::number_cell(t, r, cl));
    s.adj_p_lsc_hsc.push_back(io::number_cell(t, r, ca));
    s.fdr_class.push_back(io::number_cell(t, r, cq));
  }
  // specificity's per-patient consistency of the contrast, when it had the paired differences
  std::string x = tag;
  if (const auto at = x.find("_vs_"); at != std::string::npos) x.replace(at, 4, "_");
  const std::size_t cfrac = t.find_column("frac_consistent_" + x), cn = t.find_column("n_patients_" + x);
  if (cfrac != io::Table::npos && cn != io::Table::npos)
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      s.consistency.push_back(io::number_cell(t, r, cfrac));
      const double n = io::number_cell(t, r, cn);
      if (!(n >= 0 && n == std::floor(n) && n < 1e9))
        throw core::InputError(path, t.line_numbers[r], "n_patients_" + x + " must be a non-negative whole number");
      s.n_patients.push_back(static_cast<int>(n));
    }
  // the other two contrasts of a three-population table (tag A_vs_B: logFC.A_vs_C and logFC.B_vs_C)
  if (const auto at = tag.find("_vs_"); at != std::string::npos) {
    const std::string a = tag.substr(0, at), b = tag.substr(at + 4), prefix = "logFC." + a + "_vs_";
    for (const auto& h : t.header) {
      if (h.rfind(prefix, 0) != 0 || h == "logFC." + tag) continue;
      const std::string c = h.substr(prefix.size());
      const std::size_t l1 = t.find_column(h), p1 = t.find_column("adj.P.Val." + a + "_vs_" + c);
      const std::size_t l2 = t.find_column("logFC." + b + "_vs_" + c), p2 = t.find_column("adj.P.Val." + b + "_vs_" + c);
      if (p1 == io::Table::npos || l2 == io::Table::npos || p2 == io::Table::npos) continue;
      for (std::size_t r = 0; r < t.rows.size(); ++r)
        s.contrasts.push_back({{s.logfc_lsc_hsc[r], io::number_cell(t, r, l1), io::number_cell(t, r, l2)},
                               {s.adj_p_lsc_hsc[r], io::number_cell(t, r, p1), io::number_cell(t, r, p2)}});
      break;
    }
  }
  return s;
}

void add_literature(RankResult& result, const SpecificityInput& spec, const Literature& lit, double fdr) {
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < spec.feature.size(); ++i) index.emplace(spec.feature[i], i);
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  result.literature_source = lit.source;
  result.literature_agree = result.literature_disagree = 0;
  for (auto& c : result.candidates) {
    StudyContrasts sc{{kNaN, kNaN, kNaN}, {kNaN, kNaN, kNaN}};
    const auto it = index.find(c.feature);
    if (it != index.end() && it->second < spec.contrasts.size()) sc = spec.contrasts[it->second];
    const LiteratureVerdict v = literature_verdict(lit, c.feature, sc, fdr);
    c.literature = v.summary;
    c.literature_refs = v.detail.empty() ? "-" : v.detail;
    result.literature_agree += v.summary == "agrees";
    result.literature_disagree += v.summary == "disagrees";
  }
}

SpecificityInput contrast_input(const std::vector<DeTable>& primary, const std::vector<std::string>& labels, const DeTable* lsc_hsc,
                                double fdr) {
  if (primary.empty()) throw core::UsageError("no primary contrast to rank candidates on");
  // every table indexed by feature; the first table's order is the candidates' order before ranking
  std::vector<std::map<std::string, std::size_t>> index(primary.size());
  for (std::size_t k = 0; k < primary.size(); ++k)
    for (std::size_t i = 0; i < primary[k].features.size(); ++i) index[k].emplace(primary[k].features[i], i);
  std::map<std::string, double> sparing;
  if (lsc_hsc)
    for (std::size_t i = 0; i < lsc_hsc->features.size(); ++i) sparing.emplace(lsc_hsc->features[i], lsc_hsc->logfc[i]);
  SpecificityInput s;
  s.has_hsc = lsc_hsc != nullptr;
  s.label = labels.empty() ? std::string() : labels.front();
  for (std::size_t k = 1; k < labels.size(); ++k) s.label += (k + 1 == labels.size() ? " and " : ", ") + labels[k];
  const std::size_t dash = labels.empty() ? std::string::npos : labels.front().find('-');
  s.ratio = dash == std::string::npos || labels.front().find('=') != std::string::npos
                ? "fold change"
                : labels.front().substr(0, dash) + "/" + labels.front().substr(dash + 1);
  for (std::size_t i = 0; i < primary.front().features.size(); ++i) {
    const std::string& f = primary.front().features[i];
    const double lfc = primary.front().logfc[i];
    double q = primary.front().adj_p_value[i];
    bool same_sign = true, in_all = true;
    for (std::size_t k = 1; k < primary.size(); ++k) {
      const auto it = index[k].find(f);
      if (it == index[k].end()) {
        in_all = false;
        break;
      }
      const double l = primary[k].logfc[it->second], a = primary[k].adj_p_value[it->second];
      same_sign = same_sign && ((l > 0) == (lfc > 0)) && l != 0;
      q = std::isnan(a) || std::isnan(q) ? std::nan("") : std::max(q, a);
    }
    if (!in_all) continue;
    s.feature.push_back(f);
    s.cls.emplace_back(same_sign && q < fdr && lfc != 0 ? (lfc > 0 ? "up" : "down") : "none");
    s.logfc_lsc_hsc.push_back(lfc);
    s.adj_p_lsc_hsc.push_back(q);
    s.fdr_class.push_back(q);
    if (lsc_hsc) {
      const auto it = sparing.find(f);
      s.logfc_sparing.push_back(it == sparing.end() ? std::nan("") : it->second);
    }
  }
  return s;
}

CoxInput make_cox_input(std::vector<std::string> feature, std::vector<double> coef, std::vector<double> hr, std::vector<double> p) {
  CoxInput c;
  for (std::size_t i = 0; i < feature.size(); ++i) {
    std::string key = feature[i];
    for (char& ch : key) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    c.index.emplace(std::move(key), i);
  }
  c.feature = std::move(feature);
  c.coef = std::move(coef);
  c.hr = std::move(hr);
  c.p = std::move(p);
  return c;
}

CoxInput read_cox_input(const std::string& path) {
  const io::Table t = io::read_table(path);
  const std::size_t cf = t.require_column("feature"), cc = t.require_column("coef"), ch = t.require_column("HR"),
                    cp = t.require_column("P.Wald");
  std::vector<std::string> feature;
  std::vector<double> coef, hr, p;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    feature.push_back(t.rows[r][cf]);
    coef.push_back(io::number_cell(t, r, cc));
    hr.push_back(io::number_cell(t, r, ch));
    p.push_back(io::number_cell(t, r, cp));
  }
  return make_cox_input(std::move(feature), std::move(coef), std::move(hr), std::move(p));
}

void add_targets(const targets::TargetTable& table, TargetInput& out) {
  for (std::size_t m = 0; m < table.mirnas.size(); ++m) {
    auto& g = out.genes_of[mirna_key(table.mirnas[m])];
    for (std::uint32_t k : table.targets[m]) g.push_back(table.genes[k]);
  }
}

std::vector<GeneSet> rank_gene_sets(const std::vector<targets::GeneSet>& sets) {
  std::vector<GeneSet> out;
  out.reserve(sets.size());
  for (const auto& s : sets) {
    GeneSet g{s.name, s.genes};
    std::sort(g.genes.begin(), g.genes.end());
    out.push_back(std::move(g));
  }
  return out;
}

void finish_targets(TargetInput& targets) {
  for (auto& [k, g] : targets.genes_of) {
    std::sort(g.begin(), g.end());
    g.erase(std::unique(g.begin(), g.end()), g.end());
  }
}

std::vector<Category> parse_categories(const std::vector<std::string>& specs) {
  if (specs.empty()) return default_categories();
  std::vector<Category> cats;
  for (const auto& c : specs) {
    const std::size_t eq = c.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == c.size()) throw core::UsageError("--category takes NAME=REGEX (got \"" + c + "\")");
    cats.push_back({c.substr(0, eq), c.substr(eq + 1)});
  }
  return cats;
}

void check_weights(const RankWeights& w) {
  for (double x : {w.specificity, w.outcome, w.sparing, w.targets})
    if (!(x >= 0)) throw core::UsageError("weights must be non-negative");
  if (!(w.specificity + w.outcome + w.sparing + w.targets > 0)) throw core::UsageError("at least one weight must be positive");
  if (!(w.target_saturation > 0)) throw core::UsageError("--target-saturation must be positive");
  if (!(w.min_consistency >= 0 && w.min_consistency <= 1)) throw core::UsageError("--min-consistency must be in [0, 1]");
}

RankResult rank(const SpecificityInput& spec, const CoxInput& cox, const MirnaNames& names, const TargetInput& targets,
                const std::vector<GeneSet>& sets, const std::vector<Category>& categories, const RankWeights& w, double fdr,
                const std::string& tag) {
  RankResult r;
  r.tag = tag;
  r.categories = categories;
  try {
    r.candidates = rank_candidates(spec, cox, names, targets, sets, categories, w, fdr);
  } catch (const std::regex_error& e) {
    throw core::UsageError(std::string("--category: invalid regular expression (") + e.what() + ")");
  }
  for (const auto& c : r.candidates) r.matched += !c.cohort_feature.empty();
  return r;
}

void log_rank(const RankResult& r, bool with_cohort, std::size_t gene_sets, core::Logger& log) {
  log.info("rank", fmt::format("{} candidates ({} with a cohort match, {} gene sets)", r.candidates.size(), r.matched, gene_sets));
  if (with_cohort && r.matched == 0 && !r.candidates.empty())
    log.warn("rank", "no candidate matched a cohort feature; give --mirbase to map mature names to precursor names");
  if (!r.literature_source.empty())
    log.info("rank", fmt::format("literature context ({}): {} candidate(s) agree, {} disagree", r.literature_source, r.literature_agree,
                                 r.literature_disagree));
}

io::ResultTable candidates_table(const RankResult& r) {
  const std::size_t n = r.candidates.size(), nc = r.categories.size();
  std::vector<std::int64_t> rank(n), n_targets(n);
  std::vector<std::string> feature(n), intervention(n), cls(n), cohort(n), evidence(n);
  std::vector<double> score(n), logfc(n), q(n), s_spec(n), hr(n), p_cox(n), s_out(n), s_spar(n), ratio(n), s_targets(n);
  std::vector<std::vector<std::int64_t>> n_cat(nc, std::vector<std::int64_t>(n));
  std::vector<std::vector<std::string>> genes(nc, std::vector<std::string>(n));
  for (std::size_t i = 0; i < n; ++i) {
    const Candidate& c = r.candidates[i];
    rank[i] = static_cast<std::int64_t>(i + 1);
    feature[i] = c.feature;
    intervention[i] = c.intervention;
    score[i] = c.score;
    cls[i] = c.cls;
    logfc[i] = c.logfc;
    q[i] = c.q_specificity;
    s_spec[i] = c.s_specificity;
    cohort[i] = c.cohort_feature.empty() ? "NA" : c.cohort_feature;
    hr[i] = c.hr;
    p_cox[i] = c.p_cox;
    s_out[i] = c.s_outcome;
    s_spar[i] = c.s_sparing;
    ratio[i] = c.hsc_lsc_ratio;
    n_targets[i] = c.n_targets;
    for (std::size_t k = 0; k < nc; ++k) {
      n_cat[k][i] = c.n_category[k];
      genes[k][i] = c.category_genes[k].empty() ? std::string("-") : c.category_genes[k];
    }
    s_targets[i] = c.s_targets;
    evidence[i] = c.evidence;
  }
  io::ResultTable t;
  t.add_integer("rank", std::move(rank)).add_text("feature", std::move(feature)).add_text("intervention", std::move(intervention));
  t.add_real("score", std::move(score)).add_text("class", std::move(cls)).add_real("logFC." + r.tag, std::move(logfc));
  t.add_real("q.specificity", std::move(q)).add_real("specificity", std::move(s_spec)).add_text("cohort_feature", std::move(cohort));
  t.add_real("HR", std::move(hr)).add_real("P.cox", std::move(p_cox)).add_real("outcome", std::move(s_out));
  std::vector<double> cons(n);
  std::vector<std::int64_t> npat(n);
  std::vector<std::string> low(n);
  for (std::size_t i = 0; i < n; ++i) {
    cons[i] = r.candidates[i].consistency;
    npat[i] = r.candidates[i].n_patients;
    low[i] = std::isfinite(cons[i]) ? (r.candidates[i].low_consistency ? "TRUE" : "FALSE") : "NA";
  }
  t.add_real("frac_consistent", std::move(cons)).add_integer("n_patients", std::move(npat)).add_text("low_consistency", std::move(low));
  t.add_real("hsc_sparing", std::move(s_spar)).add_real("hsc_lsc_ratio", std::move(ratio)).add_integer("n_targets", std::move(n_targets));
  for (std::size_t k = 0; k < nc; ++k) t.add_integer("n_" + r.categories[k].name, std::move(n_cat[k]));
  t.add_real("targets", std::move(s_targets));
  for (std::size_t k = 0; k < nc; ++k) t.add_text("genes_" + r.categories[k].name, std::move(genes[k]));
  t.add_text("evidence", std::move(evidence));
  if (!r.literature_source.empty()) {
    std::vector<std::string> lit(n), refs(n);
    for (std::size_t i = 0; i < n; ++i) {
      lit[i] = r.candidates[i].literature;
      refs[i] = r.candidates[i].literature_refs;
    }
    t.add_text("literature", std::move(lit)).add_text("literature_refs", std::move(refs));
  }
  return t;
}

nlohmann::json rank_parameters(const RankResult& r, const RankWeights& w, double fdr) {
  nlohmann::json jc = nlohmann::json::array();
  for (const auto& c : r.categories) jc.push_back({{"name", c.name}, {"pattern", c.pattern}});
  return {{"weights", {{"specificity", w.specificity}, {"outcome", w.outcome}, {"sparing", w.sparing}, {"targets", w.targets}}},
          {"target_saturation", w.target_saturation}, {"min_consistency", w.min_consistency}, {"fdr", fdr}, {"categories", jc},
          {"literature", r.literature_source.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.literature_source)}};
}

}  // namespace lscmir::study
