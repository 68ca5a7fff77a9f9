// SPDX-License-Identifier: GPL-3.0-or-later
// lscmir rank: therapy candidates from specificity, cohort outcome, HSC sparing and pathway targets.
#include <string>
#include <vector>

#include "common.hpp"
#include "lscmir/io/output.hpp"
#include "lscmir/stats/design.hpp"
#include "lscmir/study/rank.hpp"
#include "lscmir/targets/enrich.hpp"

namespace lscmir::app {
namespace {

struct RankOptions {
  CommonOptions common;
  std::string specificity, cox, mirbase, families, literature, lsc = "LSC", hsc = "HSC";
  std::vector<std::string> targets, gene_sets, categories;
  study::RankWeights weights;
  double fdr = 0.05;
};

int run_rank(const RankOptions& o, const std::vector<std::string>& argv, core::Logger& log) {
  const double t0 = now_seconds();
  core::RunInfo info = begin_run("rank", argv, o.common, log);
  study::check_weights(o.weights);
  const std::vector<study::Category> cats = study::parse_categories(o.categories);
  const std::string tag = stats::contrast_tag(o.lsc, o.hsc);
  const study::SpecificityInput spec = study::read_specificity_input(o.specificity, tag);
  info.inputs.push_back(io::checksum_file("specificity", o.specificity));
  study::CoxInput cox;
  if (!o.cox.empty()) {
    cox = study::read_cox_input(o.cox);
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
    const targets::TargetTable t = targets::read_target_table(p);
    study::add_targets(t, targets);
    info.inputs.push_back(io::checksum_file("targets", p));
  }
  study::finish_targets(targets);
  std::vector<targets::GeneSet> gmt;
  for (const auto& p : o.gene_sets) {
    for (auto& g : targets::read_gmt(p)) gmt.push_back(std::move(g));
    info.inputs.push_back(io::checksum_file("gene_sets", p));
  }
  const std::vector<study::GeneSet> sets = study::rank_gene_sets(gmt);
  study::RankResult r = study::rank(spec, cox, names, targets, sets, cats, o.weights, o.fdr, tag);
  study::Literature lit;
  if (o.literature.empty()) {
    lit = study::bundled_literature();
  } else {
    lit = study::read_literature(o.literature);
    info.inputs.push_back(io::checksum_file("literature", o.literature));
  }
  study::add_literature(r, spec, lit, o.fdr);
  study::log_rank(r, !o.cox.empty(), sets.size(), log);
  io::prepare_output_dir(o.common.out, {"candidates.tsv", "run_info.json"}, o.common.force);
  info.outputs = io::write_tables(o.common.out, {{"candidates.tsv", study::candidates_table(r)}});
  info.parameters = study::rank_parameters(r, o.weights, o.fdr);
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
  app.add_option("--min-consistency", o.weights.min_consistency,
                 "Flag and down-weight candidates whose LSC-HSC difference holds in a smaller share of patients")->capture_default_str();
  app.add_option("--literature", o.literature,
                 "Literature table (mirna direction contrast species reference finding; default: the bundled "
                 "data/literature/lsc_mirna_literature.tsv): context columns, never in the score");
  app.add_option("--fdr", o.fdr, "adj.P.Val (LSC vs HSC) below which an unclassified miRNA is still a candidate")->capture_default_str();
  app.add_option("--lsc", o.lsc, "LSC population label")->capture_default_str();
  app.add_option("--hsc", o.hsc, "HSC population label")->capture_default_str();
  add_common_options(app, o.common);
  const int parsed = parse_or_exit(app, argv);
  if (parsed >= 0) return parsed;
  return guarded("rank", log, [&] { return run_rank(o, argv, log); });
}

}  // namespace lscmir::app
