// SPDX-License-Identifier: GPL-3.0-or-later
// lscmir rank: therapy candidates from specificity, cohort outcome, HSC sparing and pathway targets.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "common.hpp"
#include "lscmir/core/error.hpp"
#include "lscmir/io/output.hpp"
#include "lscmir/io/table.hpp"
#include "lscmir/study/rank.hpp"
#include "lscmir/targets/enrich.hpp"

namespace lscmir::app {
namespace {

namespace fs = std::filesystem;

struct RankOptions {
  CommonOptions common;
  std::string specificity, cox, mirbase, families, lsc = "LSC", hsc = "HSC";
  std::vector<std::string> targets, gene_sets, categories;
  study::RankWeights weights;
  double fdr = 0.05;
};

double number(const io::Table& t, std::size_t r, std::size_t c) {
  const std::string& s = t.rows[r][c];
  if (s == "NA" || s == "NaN" || s.empty()) return std::nan("");
  if (s == "Inf") return INFINITY;
  if (s == "-Inf") return -INFINITY;
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size())
    throw core::InputError(t.path, t.line_numbers[r], "expected a number in column \"" + t.header[c] + "\", found \"" + s + "\"");
  return v;
}

study::SpecificityInput read_specificity(const std::string& path, const std::string& tag) {
  const io::Table t = io::read_table(path);
  const std::size_t cf = t.require_column("feature"), cc = t.require_column("class"), cl = t.require_column("logFC." + tag),
                    ca = t.require_column("adj.P.Val." + tag), cq = t.require_column("FDR.class");
  study::SpecificityInput s;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    s.feature.push_back(t.rows[r][cf]);
    s.cls.push_back(t.rows[r][cc]);
    s.logfc_lsc_hsc.push_back(number(t, r, cl));
    s.adj_p_lsc_hsc.push_back(number(t, r, ca));
    s.fdr_class.push_back(number(t, r, cq));
  }
  return s;
}

study::CoxInput read_cox(const std::string& path) {
  const io::Table t = io::read_table(path);
  const std::size_t cf = t.require_column("feature"), cc = t.require_column("coef"), ch = t.require_column("HR"),
                    cp = t.require_column("P.Wald");
  study::CoxInput c;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    std::string key = t.rows[r][cf];
    for (char& ch2 : key) ch2 = static_cast<char>(std::tolower(static_cast<unsigned char>(ch2)));
    c.index.emplace(key, c.feature.size());
    c.feature.push_back(t.rows[r][cf]);
    c.coef.push_back(number(t, r, cc));
    c.hr.push_back(number(t, r, ch));
    c.p.push_back(number(t, r, cp));
  }
  return c;
}

/// Any table with mirna and gene columns (targets::read_target_table), keyed by mirna_key.
void read_targets(const std::string& path, study::TargetInput& out) {
  const targets::TargetTable t = targets::read_target_table(path);
  for (std::size_t m = 0; m < t.mirnas.size(); ++m) {
    auto& genes = out.genes_of[study::mirna_key(t.mirnas[m])];
    for (std::uint32_t g : t.targets[m]) genes.push_back(t.genes[g]);
  }
}

int run_rank(RankOptions& o, const std::vector<std::string>& argv, core::Logger& log) {
  const double t0 = now_seconds();
  core::RunInfo info = begin_run("rank", argv, o.common, log);
  const auto& w = o.weights;
  for (double x : {w.specificity, w.outcome, w.sparing, w.targets})
    if (!(x >= 0)) throw core::UsageError("weights must be non-negative");
  if (!(w.specificity + w.outcome + w.sparing + w.targets > 0)) throw core::UsageError("at least one weight must be positive");
  if (!(w.target_saturation > 0)) throw core::UsageError("--target-saturation must be positive");
  std::vector<study::Category> cats = study::default_categories();
  if (!o.categories.empty()) {
    cats.clear();
    for (const auto& c : o.categories) {
      const std::size_t eq = c.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == c.size())
        throw core::UsageError("--category takes NAME=REGEX (got \"" + c + "\")");
      cats.push_back({c.substr(0, eq), c.substr(eq + 1)});
    }
  }
  const std::string tag = contrast_tag(o.lsc, o.hsc);
  const study::SpecificityInput spec = read_specificity(o.specificity, tag);
  info.inputs.push_back(io::checksum_file("specificity", o.specificity));
  study::CoxInput cox;
  if (!o.cox.empty()) {
    cox = read_cox(o.cox);
    info.inputs.push_back(io::checksum_file("cox", o.cox));
  }
  study::MirnaNames names;
  if (!o.mirbase.empty()) {
    study::read_precursor_map(o.mirbase, names);
    info.inputs.push_back(io::checksum_file("mirbase", o.mirbase));
  }
  if (!o.families.empty()) {
    study::read_family_info(o.families, names);
    info.inputs.push_back(io::checksum_file("families", o.families));
  }
  study::TargetInput targets;
  for (const auto& p : o.targets) {
    read_targets(p, targets);
    info.inputs.push_back(io::checksum_file("targets", p));
  }
  for (auto& [k, g] : targets.genes_of) {
    std::sort(g.begin(), g.end());
    g.erase(std::unique(g.begin(), g.end()), g.end());
  }
  std::vector<study::GeneSet> sets;
  for (const auto& p : o.gene_sets) {
    for (auto& g : targets::read_gmt(p)) {
      std::sort(g.genes.begin(), g.genes.end());
      sets.push_back({std::move(g.name), std::move(g.genes)});
    }
    info.inputs.push_back(io::checksum_file("gene_sets", p));
  }
  std::vector<study::Candidate> cands;
  try {
    cands = study::rank_candidates(spec, cox, names, targets, sets, cats, w, o.fdr);
  } catch (const std::regex_error& e) {
    throw core::UsageError(std::string("--category: invalid regular expression (") + e.what() + ")");
  }
  std::size_t matched = 0;
  for (const auto& c : cands) matched += !c.cohort_feature.empty();
  log.info("rank", fmt::format("{} candidates ({} with a cohort match, {} gene sets)", cands.size(), matched, sets.size()));
  if (!o.cox.empty() && matched == 0 && !cands.empty())
    log.warn("rank", "no candidate matched a cohort feature; give --mirbase to map mature names to precursor names");

  std::string s = "rank\tfeature\tintervention\tscore\tclass\tlogFC." + tag + "\tq.specificity\tspecificity\tcohort_feature\tHR\tP.cox\toutcome\thsc_sparing\thsc_lsc_ratio\tn_targets";
  for (const auto& c : cats) s += "\tn_" + c.name;
  s += "\ttargets";
  for (const auto& c : cats) s += "\tgenes_" + c.name;
  s += "\tevidence\n";
  for (std::size_t i = 0; i < cands.size(); ++i) {
    const auto& c = cands[i];
    s += fmt::format("{}\t{}\t{}\t", i + 1, c.feature, c.intervention);
    io::append_double(s, c.score);
    s += "\t" + c.cls + "\t";
    for (double v : {c.logfc, c.q_specificity, c.s_specificity}) {
      io::append_double(s, v);
      s.push_back('\t');
    }
    s += (c.cohort_feature.empty() ? "NA" : c.cohort_feature) + "\t";
    for (double v : {c.hr, c.p_cox, c.s_outcome, c.s_sparing, std::exp2(-c.logfc)}) {
      io::append_double(s, v);
      s.push_back('\t');
    }
    s += std::to_string(c.n_targets);
    for (int n : c.n_category) s += "\t" + std::to_string(n);
    s.push_back('\t');
    io::append_double(s, c.s_targets);
    for (const auto& g : c.category_genes) s += "\t" + (g.empty() ? std::string("-") : g);
    s += "\t" + c.evidence + "\n";
  }
  io::prepare_output_dir(o.common.out, {"candidates.tsv", "run_info.json"}, o.common.force);
  io::write_file_atomic((fs::path(o.common.out) / "candidates.tsv").string(), s);
  info.outputs = {"candidates.tsv"};
  nlohmann::json jc = nlohmann::json::array();
  for (const auto& c : cats) jc.push_back({{"name", c.name}, {"pattern", c.pattern}});
  info.parameters = {{"weights", {{"specificity", w.specificity}, {"outcome", w.outcome}, {"sparing", w.sparing}, {"targets", w.targets}}},
                     {"target_saturation", w.target_saturation}, {"fdr", o.fdr}, {"categories", jc}};
  finish_run_info(info, o.common.out, log, t0);
  return kExitOk;
}

}  // namespace

int cmd_rank(const std::vector<std::string>& argv, core::Logger& log) {
  RankOptions o;
  CLI::App app("Therapy candidates: specificity, cohort outcome, HSC sparing and pathway targets in one score", "lscmir rank");
  app.add_option("--specificity", o.specificity, "specificity.tsv of lscmir specificity")->required();
  app.add_option("--cox", o.cox, "cox.tsv of lscmir survival on the cohort");
  app.add_option("--mirbase", o.mirbase, "miRBase precursor-to-mature table (precursor_name, mature_name), to match cohort precursor names");
  app.add_option("--families", o.families, "TargetScan miR_Family_Info, to match family-level targets");
  app.add_option("--targets", o.targets, "Target table(s) with mirna and gene columns");
  app.add_option("--gene-sets", o.gene_sets, "GMT file(s) for the target categories");
  app.add_option("--category", o.categories, "NAME=REGEX over gene-set names; repeatable (default apoptosis, chemoresistance, self_renewal)");
  app.add_option("--w-specificity", o.weights.specificity, "Weight of the specificity component")->capture_default_str();
  app.add_option("--w-outcome", o.weights.outcome, "Weight of the cohort-outcome component")->capture_default_str();
  app.add_option("--w-sparing", o.weights.sparing, "Weight of the HSC-sparing component")->capture_default_str();
  app.add_option("--w-targets", o.weights.targets, "Weight of the pathway-target component")->capture_default_str();
  app.add_option("--target-saturation", o.weights.target_saturation, "Category targets that give a full target component")->capture_default_str();
  app.add_option("--fdr", o.fdr, "adj.P.Val (LSC vs HSC) below which an unclassified miRNA is still a candidate")->capture_default_str();
  app.add_option("--lsc", o.lsc, "LSC population label")->capture_default_str();
  app.add_option("--hsc", o.hsc, "HSC population label")->capture_default_str();
  add_common_options(app, o.common);
  const int parsed = parse_or_exit(app, argv);
  if (parsed >= 0) return parsed;
  return guarded("rank", log, [&] { return run_rank(o, argv, log); });
}

}  // namespace lscmir::app
