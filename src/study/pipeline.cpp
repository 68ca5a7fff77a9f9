// SPDX-License-Identifier: GPL-3.0-or-later
// The study pipeline: every stage in memory, in order, into one RunResult (docs/architecture.md).
#include "lscmir/study/pipeline.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include <fmt/core.h>
#include <fmt/ranges.h>

#include "lscmir/core/error.hpp"
#include "lscmir/core/progress.hpp"
#include "lscmir/core/run_info.hpp"
#include "lscmir/io/matrix.hpp"
#include "lscmir/io/output.hpp"
#include "lscmir/io/sample_sheet.hpp"
#include "lscmir/io/table.hpp"
#include "lscmir/qpcr/study.hpp"
#include "lscmir/quant/run.hpp"
#include "lscmir/study/qc.hpp"
#include "lscmir/study/survival.hpp"
#include "lscmir/targets/tables.hpp"
#include "lscmir/targets/enrich.hpp"
#include "pipeline_stages.hpp"

namespace lscmir::study {
namespace {

namespace fs = std::filesystem;
using detail::CohortOutcome;
using detail::StageRecord;
using detail::put_all;
using detail::cohort_km;
using detail::cohort_outcome;
using detail::cohort_score;
using detail::simulate_candidates;

bool has_pair(const std::vector<std::string>& contrasts, const std::string& a, const std::string& b) {
  return std::find(contrasts.begin(), contrasts.end(), a + "-" + b) != contrasts.end() ||
         std::find(contrasts.begin(), contrasts.end(), b + "-" + a) != contrasts.end();
}

/// The configured target tables merged into (mirna, gene, source) rows, each pair once per source.
io::ResultTable merge_targets(const StudyConfig& c, std::vector<std::pair<std::string, std::string>>& pairs) {
  std::set<std::pair<std::string, std::string>> seen;
  std::vector<std::string> mirna, gene, source;
  for (const auto& t : c.target_tables) {
    const io::Table tab = io::read_table(t.path);
    const std::size_t cm = tab.require_column(t.mirna), cg = tab.require_column(t.gene);
    const std::size_t cw = t.where_column.empty() ? io::Table::npos : tab.require_column(t.where_column);
    const std::string name = fs::path(t.path).filename().string();
    for (const auto& row : tab.rows) {
      if (cw != io::Table::npos && row[cw] != t.where_value) continue;
      if (row[cm].empty() || row[cg].empty()) continue;
      if (!seen.emplace(row[cm], row[cg] + "\t" + name).second) continue;
      mirna.push_back(row[cm]);
      gene.push_back(row[cg]);
      source.push_back(name);
      pairs.emplace_back(row[cm], row[cg]);
    }
  }
  io::ResultTable out;
  out.add_text("mirna", std::move(mirna)).add_text("gene", std::move(gene)).add_text("source", std::move(source));
  return out;
}

/// The study's expression matrix and where it came from.
struct StudyMatrix {
  io::LabeledMatrix matrix;
  bool counts = false;
  std::string source;  ///< the input file when the matrix was read from one
  std::optional<io::LabeledMatrix> spike_ins;  ///< [study] spike_ins, else the quant stage's spikeins.tsv ([quant] spike_ins)
  std::optional<ImputationDraws> draws;  ///< qpcr em-multiple: the draws of the non-detects
};

StudyMatrix load_study_matrix(const StudyConfig& c, const RunSettings& s, RunResult& run, nlohmann::json& stages, core::Logger& log) {
  StudyMatrix m;
  if (!c.fastq_sheet.empty()) {
    StageRecord rec(run, s, "quant", log);
    quant::QuantOptions o = c.quant;
    o.samples = c.fastq_sheet;
    o.sheet_relative = true;
    const quant::QuantPlan plan = quant::plan(o);
    quant::QuantResult q = quant::run(plan, o, s.threads, log);
    rec.info().inputs = q.inputs;
    rec.info().parameters = quant::quant_parameters(o, s.threads, q);
    put_all(run, rec, std::move(q.tables));
    for (auto& [name, text] : q.texts) {
      rec.output(name);
      run.files.emplace_back(name, std::move(text));
    }
    rec.done(stages);
    m.matrix = std::move(q.counts);
    m.counts = true;
    if (!c.quant.spike_ins.empty()) m.spike_ins = std::move(q.spike_ins);
  } else if (!c.ct.empty()) {
    StageRecord rec(run, s, "qpcr", log);
    const qpcr::QpcrData data = qpcr::read_study(c.qpcr, log);
    std::vector<qpcr::Contrast> contrasts;
    for (const auto& text : c.de.contrasts) contrasts.push_back(stats::split_contrast(text, data.levels, "population"));
    qpcr::QpcrResult q = qpcr::analyze(data, contrasts, c.qpcr, log);
    rec.info().inputs = qpcr::input_records(data);
    rec.info().parameters = qpcr::qpcr_parameters(q, c.qpcr, c.de.contrasts);
    put_all(run, rec, qpcr::qpcr_tables(q));
    rec.done(stages);
    if (!q.draws.empty()) {
      ImputationDraws d;
      d.path = "imputations.tsv";
      d.value.assign(q.draws.size(), {});
      const qpcr::CtMatrix& cm = q.matrix;
      for (std::size_t a = 0; a < cm.n_assays(); ++a)
        for (std::size_t j = 0; j < cm.n_samples(); ++j) {
          const std::size_t i = cm.at(a, j);
          if (cm.state[i] != qpcr::CallState::kUndetected) continue;
          d.feature.push_back(cm.assays[a]);
          d.sample.push_back(cm.samples[j]);
          d.line.push_back(d.feature.size() + 1);
          for (std::size_t k = 0; k < q.draws.size(); ++k) d.value[k].push_back(q.draws[k][i]);
        }
      m.draws = std::move(d);
    }
    m.matrix = std::move(q.expression);
  } else {
    m.counts = !c.counts.empty();
    m.source = m.counts ? c.counts : c.expression;
    m.matrix = io::read_matrix(m.source, m.counts ? io::MatrixKind::kCounts : io::MatrixKind::kExpression, s.threads);
  }
  return m;
}

}  // namespace

RunResult run_study(const StudyConfig& c, const RunSettings& s, core::Logger& log) {
  RunResult run;
  nlohmann::json stages = nlohmann::json::array();
  // A stage that cannot run says why, in the log and in the report (RunNotes). `warn`: the config
  // asked for it; otherwise the design or the config simply has no place for it.
  auto skip = [&](const std::string& stage, const std::string& reason, bool warn) {
    if (warn)
      log.warn("run", stage + " skipped: " + reason);
    else
      log.info("run", stage + " skipped: " + reason);
    run.notes.skipped.push_back({stage, reason});
  };
  {  // what the report says about the inputs (real or simulated, the cohort's name and time unit)
    core::RunInfo study;
    study.command = "study";
    study.argv = s.argv;
    study.parameters = study_description(c);
    run.provenance.emplace_back("run_info.study.json", core::json_text(core::to_json(study)));
  }
  const io::SampleSheet sheet = io::read_sample_sheet(c.samples);
  // The small inputs of the last stages are parsed now, so that a malformed one fails before the
  // first stage has run rather than after all of them.
  std::optional<io::ResultTable> target_pairs;
  std::optional<targets::TargetTable> target_table;
  if (!c.target_tables.empty()) {
    std::vector<std::pair<std::string, std::string>> pairs;
    target_pairs = merge_targets(c, pairs);
    target_table = targets::make_target_table(std::move(pairs));
  }
  MirnaNames names;
  if (!c.mirbase.empty()) read_precursor_map(c.mirbase, names);
  if (!c.families.empty()) read_family_info(c.families, names);
  std::vector<targets::GeneSet> gene_sets;
  for (const auto& p : c.enrichment.gene_sets)
    for (auto& g : targets::read_gmt(p)) gene_sets.push_back(std::move(g));

  // 1. the expression matrix: quantified, from qPCR, or read
  StudyMatrix input = load_study_matrix(c, s, run, stages, log);

  // 2. differential expression; the sample QC after it, with the library sizes and factors it used
  // (spike-in, --filter), on a copy of the matrix (a miRNA matrix is small)
  const io::LabeledMatrix qc_matrix = input.matrix;
  DeResult de;
  {
    StageRecord rec(run, s, "de", log);
    if (!input.source.empty()) rec.input(input.counts ? "counts" : "expression", input.source);
    rec.input("samples", c.samples);
    if (!c.de.spike_ins.empty()) {
      rec.input("spike_ins", c.de.spike_ins);
      input.spike_ins = io::read_matrix(c.de.spike_ins, io::MatrixKind::kCounts, s.threads);
    }
    const bool spike = (c.de.norm == "spike-in" || !c.de.spike_ins.empty()) && input.spike_ins;
    de = input.draws ? differential_expression_mi(c.de, input.matrix, *input.draws, sheet, s.threads, log)
                     : differential_expression(c.de, std::move(input.matrix), input.counts, sheet, s.threads, log,
                                               spike ? &*input.spike_ins : nullptr);
    put_all(run, rec, de_tables(de));
    rec.info().parameters = de_parameters(c.de, de, s.threads);
    rec.done(stages);
  }
  const bool de_factors = input.counts && de.counts && !input.draws;
  const SampleQc qc = sample_qc(qc_matrix, input.counts, sheet, c.de.norm, s.threads, de_factors ? &de.lib_size : nullptr,
                                de_factors ? &de.norm_factors : nullptr);

  // 3. specificity, where the three populations are contrasted
  const auto& L = c.labels;
  const bool all_pairs = has_pair(c.de.contrasts, L.lsc, L.hsc) && has_pair(c.de.contrasts, L.lsc, L.lpc) && has_pair(c.de.contrasts, L.hsc, L.lpc);
  // The classes rest on limma's treat test of |logFC| > lfc; edgeR's QL tables have no such test.
  const bool three = all_pairs && de.method != "ql";
  std::optional<SpecificityResult> spec;
  if (three) {
    StageRecord rec(run, s, "specificity", log);
    spec = specificity(de_table(de, L.lsc, L.hsc), de_table(de, L.lsc, L.lpc), de_table(de, L.hsc, L.lpc), L, c.specificity);
    add_consistency(*spec, de);
    log_specificity(*spec, log);
    put_all(run, rec, specificity_tables(*spec));
    rec.info().parameters = specificity_parameters(*spec);
    rec.done(stages);
  } else if (all_pairs) {
    skip("specificity",
         "the specificity classes use limma's treat test of |logFC| > lfc, which edgeR's quasi-likelihood (method = \"ql\") does not "
         "provide (glmTreat is not implemented): use method = \"voom\" for the classes; the candidates are ranked on the primary contrasts",
         false);
  } else {
    skip("specificity",
         fmt::format("the specificity classes need the contrasts {0}-{1}, {0}-{2} and {1}-{2} (either orientation); this study's are {3}",
                     L.lsc, L.hsc, L.lpc, fmt::join(c.de.contrasts, ", ")),
         false);
  }
  // the evidence the candidates are ranked on: the primary contrasts when the config names them (or
  // the only contrast of a design without the three populations), else the specificity calls
  std::vector<std::string> primary = c.primary;
  if (primary.empty() && !three && c.de.contrasts.size() == 1) primary = c.de.contrasts;
  if (primary.empty() && !three)
    skip("rank", fmt::format("the study has {} contrasts and none is named primary: give [study] primary = [\"A-B\"] to rank candidates "
                             "on them (docs/config.md)", c.de.contrasts.size()),
         true);

  // 4. the cohort's outcome
  std::optional<CohortOutcome> cohort;
  if (c.has_cohort)
    cohort = cohort_outcome(c, s, run, stages, log);
  else
    skip("cohort", "no [cohort] section: no outcome component, forest plot or Kaplan-Meier curves", false);
  if (c.has_score && cohort)
    cohort_score(c, *cohort, s, run, stages, log);
  else if (c.has_score)
    skip("score", "[score] needs a [cohort] section (the risk score is fitted on the outcome cohort)", true);

  // 5. targets, the miRBase names and the gene sets (read before the first stage, once for the
  // ranking and the enrichment)
  if (target_pairs) {
    log.info("run", fmt::format("targets: {} miRNA-gene pairs from {} table(s) -> target_pairs.tsv", target_pairs->rows(), c.target_tables.size()));
    run.put("target_pairs.tsv", std::move(*target_pairs));
  }

  // 6. candidates
  std::optional<RankResult> ranked;
  if (three || !primary.empty()) {
    StageRecord rec(run, s, "rank", log);
    check_weights(c.weights);
    const std::vector<Category> cats = parse_categories(c.categories);
    CoxInput cox_in;
    if (cohort) cox_in = cohort->cox_input();
    if (!c.mirbase.empty()) rec.input("mirbase", c.mirbase);
    if (!c.families.empty()) rec.input("families", c.families);
    TargetInput targets_in;
    if (target_table) add_targets(*target_table, targets_in);
    for (const auto& t : c.target_tables) rec.input("targets", t.path);
    finish_targets(targets_in);
    for (const auto& p : c.enrichment.gene_sets) rec.input("gene_sets", p);
    const std::vector<GeneSet> sets = rank_gene_sets(gene_sets);
    SpecificityInput evidence;
    std::string tag = stats::contrast_tag(L.lsc, L.hsc);
    if (primary.empty()) {
      evidence = specificity_input(*spec);
      run.notes.candidates_from = "specificity";
      run.notes.primary = {L.lsc + "-" + L.hsc};
    } else {
      std::vector<DeTable> tables;
      for (const auto& p : primary) tables.push_back(de_table(de, p));
      tag = tables.front().path.substr(3, tables.front().path.size() - 7);  // de_<tag>.tsv
      std::optional<DeTable> lsc_hsc;
      if (has_pair(c.de.contrasts, L.lsc, L.hsc)) lsc_hsc = de_table(de, L.lsc, L.hsc);
      else
        skip("hsc_sparing", fmt::format("no {}-{} contrast: the candidate score has no HSC-sparing component, and the simulation takes the "
                                        "HSC/LSC ratio as 1 (the HSCs bear the whole effect)", L.lsc, L.hsc),
             false);
      if (!lsc_hsc && !(c.weights.specificity + c.weights.outcome + c.weights.targets > 0))
        throw core::UsageError("[rank]: without an HSC population only w_sparing is positive; give another weight");
      evidence = contrast_input(tables, primary, lsc_hsc ? &*lsc_hsc : nullptr, c.specificity.fdr);
      run.notes.candidates_from = "contrasts";
      run.notes.primary = primary;
      log.info("rank", fmt::format("candidates from the DE evidence of {} (FDR < {})", evidence.label, c.specificity.fdr));
    }
    ranked = rank(evidence, cox_in, names, targets_in, sets, cats, c.weights, c.specificity.fdr, tag);
    add_literature(*ranked, evidence, bundled_literature(), c.specificity.fdr);
    log_rank(*ranked, cohort.has_value(), sets.size(), log);
    run.put("candidates.tsv", candidates_table(*ranked));
    rec.output("candidates.tsv");
    rec.info().parameters = rank_parameters(*ranked, c.weights, c.specificity.fdr);
    rec.info().parameters["evidence"] = run.notes.candidates_from;
    rec.info().parameters["primary"] = run.notes.primary;
    rec.done(stages);
    if (ranked->candidates.empty()) skip("rank", fmt::format("no candidate at FDR < {}: nothing to plot, enrich or simulate", c.specificity.fdr), true);
  }
  const bool have_candidates = ranked && !ranked->candidates.empty();
  const std::string no_candidates = ranked ? "there are no candidates" : "no candidates were ranked";

  // 7. the forest plot and Kaplan-Meier curves of the top candidates' cohort miRNAs
  if (cohort && have_candidates) {
    std::vector<std::string> km;
    io::ResultTable forest = cohort->forest(*ranked, c.cohort.forest_top, c.cohort.km_top, km);
    const std::string unmatched = "no candidate's miRNA is in the cohort (names are matched as given, then through the [targets] mirbase "
                                  "precursor map)";
    if (forest.rows() == 0) skip("forest", unmatched, true);
    run.put("forest.tsv", std::move(forest));
    if (!km.empty()) {
      cohort_km(*cohort, km, s, run, stages, log);
      run.notes.km_drawn = true;
      run.notes.km_split = "median";
    } else {
      skip("cohort_km", c.cohort.km_top <= 0 ? std::string("[cohort] km_top = 0") : unmatched, c.cohort.km_top > 0);
    }
  } else if (cohort) {
    skip("forest", no_candidates, false);
    skip("cohort_km", no_candidates, false);
  }

  // 8. enrichment of the top candidates' targets, inhibit and restore separately
  if (!have_candidates || gene_sets.empty() || !target_table) {
    skip("enrichment", !have_candidates ? no_candidates : gene_sets.empty() ? "no [enrichment] gene_sets" : "no [targets] tables", false);
  } else {
    targets::EnrichOptions eo;
    eo.method = targets::parse_enrich_method(c.enrichment.method);
    eo.permutations = static_cast<std::size_t>(std::max(c.enrichment.permutations, 1));
    eo.seed = 1;
    eo.threads = s.threads;
    const bool empirical = eo.method == targets::EnrichMethod::kEmpirical;
    targets::check_gene_sets(gene_sets, [&](const std::string& line) { log.warn("enrich", line); });
    for (const std::string which : {"inhibit", "restore"}) {
      // the first `top` candidates of this intervention that the target tables know (a precursor
      // through its mature miRNAs, as the ranking counts their targets)
      std::vector<std::string> mirnas;
      int used = 0, of_kind = 0;
      for (const auto& cand : ranked->candidates) {
        if (cand.intervention != which) continue;
        ++of_kind;
        if (used >= c.enrichment.top) continue;
        const std::vector<std::string> m = target_mirnas(cand.feature, names, target_table->mirnas);
        if (m.empty()) continue;
        ++used;
        for (const auto& x : m)
          if (std::find(mirnas.begin(), mirnas.end(), x) == mirnas.end()) mirnas.push_back(x);
      }
      if (mirnas.empty()) {
        skip("enrich_" + which,
             of_kind == 0 ? "no " + which + " candidates"
                          : fmt::format("none of the {} {} candidates is in the target tables (names as given, or through the [targets] "
                                        "mirbase precursor map)", of_kind, which),
             of_kind > 0);
        continue;
      }
      StageRecord rec(run, s, "enrich_" + which, log);
      core::Progress progress(log, "enrich", "permutations", empirical ? eo.permutations : 0);
      eo.progress = &progress;
      const targets::EnrichResult r = targets::enrich(*target_table, mirnas, gene_sets, nullptr, eo);
      progress.finish();
      eo.progress = nullptr;
      if (const std::string w = targets::dropped_sets_warning(r); !w.empty()) log.warn("enrich", w);
      run.put("enrichment_" + which + ".tsv", targets::enrichment_table(r, empirical));
      rec.output("enrichment_" + which + ".tsv");
      run.put("overlap_" + which + ".tsv", targets::overlap_genes_table(*target_table, mirnas, gene_sets, r));
      rec.output("overlap_" + which + ".tsv");
      for (const auto& g : c.enrichment.gene_sets) rec.input("gene_sets", g);
      rec.info().parameters = targets::enrich_parameters(eo, r);
      rec.info().parameters["candidates"] = used;
      if (empirical) rec.info().seed = eo.seed;
      rec.done(stages);
      log.info("run", fmt::format("enrichment of the targets of the top {} {} candidates -> enrichment_{}.tsv", used, which, which));
    }
  }

  // 9. virtual patients for the top candidates
  if (!c.simulate.enabled)
    skip("simulate", "no [simulate] section", false);
  else if (!have_candidates)
    skip("simulate", no_candidates, true);
  else
    simulate_candidates(c, *ranked, s, run, stages, log);

  // 10. the report's views of the samples
  {
    std::vector<ShownFeature> shown;
    if (ranked)
      for (std::size_t i = 0; i < ranked->candidates.size() && static_cast<int>(i) < c.report_top; ++i)
        shown.push_back({ranked->candidates[i].feature, "top", ranked->candidates[i].cls});
    if (spec) {
      int n = 0;
      for (const auto& row : spec->rows)
        if (row.cls != SpecificityClass::kNone && n++ < 80) shown.push_back({row.feature, "specific", to_string(row.cls)});
    }
    if (!have_candidates) skip("paired", "no candidates to draw within patients", false);
    run.put("qc_samples.tsv", qc.samples);
    run.put("qc_pca.tsv", qc.pca);
    run.put("qc_sheet.tsv", qc.sheet);
    run.put("report_expression.tsv", report_expression(qc, sheet, shown));
  }
  run.stages = std::move(stages);
  return run;
}

}  // namespace lscmir::study
