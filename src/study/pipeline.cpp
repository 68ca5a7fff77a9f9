// SPDX-License-Identifier: GPL-3.0-or-later
// The study pipeline: every stage in memory, in order, into one RunResult (docs/architecture.md).
#include "lscmir/study/pipeline.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include <fmt/core.h>

#include "lscmir/core/error.hpp"
#include "lscmir/core/run_info.hpp"
#include "lscmir/io/matrix.hpp"
#include "lscmir/io/output.hpp"
#include "lscmir/io/sample_sheet.hpp"
#include "lscmir/io/table.hpp"
#include "lscmir/qpcr/study.hpp"
#include "lscmir/quant/run.hpp"
#include "lscmir/sim/model.hpp"
#include "lscmir/sim/simulate.hpp"
#include "lscmir/study/qc.hpp"
#include "lscmir/study/survival.hpp"
#include "lscmir/targets/tables.hpp"
#include "lscmir/targets/enrich.hpp"

namespace lscmir::study {
namespace {

namespace fs = std::filesystem;

double now_seconds() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

/// The provenance record of one stage, as run_info.<stage>.json.
class StageRecord {
 public:
  StageRecord(RunResult& run, const RunSettings& s, std::string name, core::Logger& log)
      : run_(run), name_(std::move(name)), log_(log), t0_(now_seconds()) {
    info_.command = name_;
    info_.argv = s.argv;
    info_.start_time = core::utc_now_iso8601();
    if (s.stage) *s.stage = name_;
    log_.info("run", "stage " + name_);
  }
  core::RunInfo& info() { return info_; }
  void input(const std::string& role, const std::string& path) { info_.inputs.push_back(io::checksum_file(role, path)); }
  void output(const std::string& file) { info_.outputs.push_back(file); }
  /// Records the stage's time and adds run_info.<stage>.json to the run.
  void done(nlohmann::json& stages) {
    info_.end_time = core::utc_now_iso8601();
    info_.wall_seconds = now_seconds() - t0_;
    info_.cpu_seconds = core::process_cpu_seconds();
    info_.peak_rss_kib = core::process_peak_rss_kib();
    stages.push_back({{"stage", name_}, {"seconds", info_.wall_seconds}, {"outputs", info_.outputs}});
    run_.provenance.emplace_back("run_info." + name_ + ".json", core::json_text(core::to_json(info_)));
  }

 private:
  RunResult& run_;
  std::string name_;
  core::Logger& log_;
  double t0_;
  core::RunInfo info_;
};

void put_all(RunResult& run, StageRecord& rec, std::vector<io::NamedTable> tables) {
  for (auto& t : tables) {
    rec.output(t.file);
    run.put(std::move(t.file), std::move(t.table));
  }
}

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

/// The first `n` candidates of one intervention ("" = any) that `known` holds (nullptr = all).
std::vector<std::string> top_candidates(const RankResult& r, const std::string& intervention, int n, const std::set<std::string>* known) {
  std::vector<std::string> out;
  for (const auto& c : r.candidates) {
    if (static_cast<int>(out.size()) >= n) break;
    if ((intervention.empty() || c.intervention == intervention) && (!known || known->count(c.feature))) out.push_back(c.feature);
  }
  return out;
}


/// The study's expression matrix and where it came from.
struct StudyMatrix {
  io::LabeledMatrix matrix;
  bool counts = false;
  std::string source;  ///< the input file when the matrix was read from one
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
    m.matrix = std::move(q.expression);
  } else {
    m.counts = !c.counts.empty();
    m.source = m.counts ? c.counts : c.expression;
    m.matrix = io::read_matrix(m.source, m.counts ? io::MatrixKind::kCounts : io::MatrixKind::kExpression, s.threads);
  }
  return m;
}

/// The cohort stage: the cohort's matrix and coding, and the Cox models of every cohort miRNA.
struct CohortOutcome {
  SurvivalOptions options;
  io::LabeledMatrix matrix;
  SurvivalCohort cohort;
  SurvivalResult result;

  CoxInput cox_input() const {
    std::vector<double> coef, hr, p;
    for (const auto& r : result.cox.rows) {
      coef.push_back(r.coef);
      hr.push_back(r.hr);
      p.push_back(r.p_wald);
    }
    return make_cox_input(result.features, std::move(coef), std::move(hr), std::move(p));
  }
  /// forest.tsv: the Cox rows of the first `forest_top` candidates with a cohort match; `km`
  /// receives up to `km_top` of their cohort features.
  io::ResultTable forest(const RankResult& ranked, int forest_top, int km_top, std::vector<std::string>& km) const {
    std::vector<std::string> label, feature, cohort_feature, intervention;
    std::vector<double> hr, lo, hi, p;
    int n = 0;
    for (const auto& c : ranked.candidates) {
      const stats::CoxScreenRow* row = result.cox_row(c.cohort_feature);
      if (c.cohort_feature.empty() || !row) continue;
      if (n++ >= forest_top) break;
      label.push_back(c.feature + " (" + c.cohort_feature + ")");
      feature.push_back(c.feature);
      cohort_feature.push_back(c.cohort_feature);
      intervention.push_back(c.intervention);
      hr.push_back(row->hr);
      lo.push_back(row->hr_lower95);
      hi.push_back(row->hr_upper95);
      p.push_back(row->p_wald);
      if (static_cast<int>(km.size()) < km_top && std::find(km.begin(), km.end(), c.cohort_feature) == km.end()) km.push_back(c.cohort_feature);
    }
    io::ResultTable t;
    t.add_text("label", std::move(label)).add_text("feature", std::move(feature)).add_text("cohort_feature", std::move(cohort_feature));
    t.add_text("intervention", std::move(intervention)).add_real("HR", std::move(hr)).add_real("HR.lower95", std::move(lo));
    t.add_real("HR.upper95", std::move(hi)).add_real("P.Wald", std::move(p));
    return t;
  }
};

/// The cohort stage ("cohort"): reads the cohort once and fits every miRNA.
CohortOutcome cohort_outcome(const StudyConfig& c, const RunSettings& s, RunResult& run, nlohmann::json& stages, core::Logger& log) {
  StageRecord rec(run, s, "cohort", log);
  CohortOutcome out;
  out.options = c.cohort.survival;
  out.matrix = io::read_matrix(out.options.expression, io::MatrixKind::kExpression, s.threads);
  const io::Table clinical = io::read_table(out.options.clinical);
  rec.info().inputs.push_back({"expression", out.matrix.path, out.matrix.sha256, out.matrix.bytes});
  rec.input("clinical", out.options.clinical);
  out.cohort = survival_cohort(out.options, out.matrix, clinical, log);
  out.result = survival_screen(out.options, out.cohort, out.matrix, s.threads, log);
  put_all(run, rec, survival_tables(out.result));
  rec.info().parameters = survival_parameters(out.options, s.threads);
  rec.done(stages);
  return out;
}

/// Kaplan-Meier curves of the top candidates' cohort miRNAs ("cohort_km"), on the cohort read once.
void cohort_km(const CohortOutcome& cohort, const std::vector<std::string>& km, const RunSettings& s, RunResult& run,
               nlohmann::json& stages, core::Logger& log) {
  StageRecord rec(run, s, "cohort_km", log);
  for (const auto& curves : km_curves(cohort.cohort, cohort.matrix, km)) {
    io::NamedTable t = km_table(curves);
    rec.output(t.file);
    run.put(std::move(t.file), std::move(t.table));
  }
  SurvivalOptions o = cohort.options;
  o.km = km;
  rec.info().parameters = survival_parameters(o, s.threads);
  rec.done(stages);
}

/// `rows` of several candidates' tables in one, with a first column "candidate".
io::ResultTable with_candidates(const std::vector<std::pair<std::string, const io::ResultTable*>>& parts) {
  io::ResultTable out;
  if (parts.empty()) return out;
  std::vector<std::string> cand;
  for (const auto& [name, t] : parts) cand.insert(cand.end(), t->rows(), name);
  out.add_text("candidate", std::move(cand));
  for (std::size_t j = 0; j < parts.front().second->columns.size(); ++j) {
    const auto& first = parts.front().second->columns[j];
    io::ResultTable::Column col;
    col.name = first.name;
    col.kind = first.kind;
    for (const auto& [name, t] : parts) {
      const auto& src = t->columns[j];
      col.text.insert(col.text.end(), src.text.begin(), src.text.end());
      col.real.insert(col.real.end(), src.real.begin(), src.real.end());
      col.integer.insert(col.integer.end(), src.integer.begin(), src.integer.end());
    }
    out.columns.push_back(std::move(col));
  }
  return out;
}

/// Virtual patients of the top candidates (simulate_<i>), and the dose-response grid of the first.
void simulate_candidates(const StudyConfig& c, const RankResult& ranked, const RunSettings& s, RunResult& run, nlohmann::json& stages,
                         core::Logger& log) {
  std::vector<const Candidate*> top;
  for (const auto& cand : ranked.candidates)
    if (static_cast<int>(top.size()) < c.simulate.top) top.push_back(&cand);
  if (top.empty()) return;
  const sim::ModelParams params = sim::default_params();
  // per output file, per candidate: the main runs' summary / km / trajectories and the grid's dose response
  std::map<std::string, std::vector<std::pair<std::string, io::ResultTable>>> by_file;
  auto one = [&](const std::string& stage, const Candidate& cand, const sim::SimulateOptions& o, bool grid) {
    StageRecord rec(run, s, stage, log);
    const double ratio = std::exp2(-cand.logfc);
    sim::validate(o, ratio);
    const sim::SimulationResult r = sim::simulate(o, params, ratio, s.threads, log);
    for (auto& t : sim::simulation_tables(r)) {
      if (grid != (t.file == "sim_dose_response.tsv")) continue;
      rec.output(t.file);
      by_file[t.file].emplace_back(cand.feature, std::move(t.table));
    }
    rec.info().parameters = sim::simulate_parameters(o, ratio, cand.feature, params);
    rec.info().seed = o.seed;
    rec.done(stages);
  };
  for (std::size_t i = 0; i < top.size(); ++i) {
    one("simulate_" + std::to_string(i + 1), *top[i], c.simulate.options, false);
    if (i == 0) {  // the dose-response grid of the top candidate, with fewer patients per grid point
      sim::SimulateOptions d = c.simulate.options;
      d.patients = static_cast<std::size_t>(c.simulate.dose_patients);
      d.dose_response = true;
      d.arms = {"standard"};
      d.trajectories = 0;
      one("simulate_dose", *top[i], d, true);
    }
  }
  for (const auto& [file, all] : by_file) {
    std::vector<std::pair<std::string, const io::ResultTable*>> parts;
    for (const auto& [name, table] : all) parts.emplace_back(name, &table);
    run.put(file, with_candidates(parts));
  }
}


}  // namespace

RunResult run_study(const StudyConfig& c, const RunSettings& s, core::Logger& log) {
  RunResult run;
  nlohmann::json stages = nlohmann::json::array();
  {  // what the report says about the inputs (real or simulated, the cohort's name and time unit)
    core::RunInfo study;
    study.command = "study";
    study.argv = s.argv;
    study.parameters = study_description(c);
    run.provenance.emplace_back("run_info.study.json", core::json_text(core::to_json(study)));
  }
  const io::SampleSheet sheet = io::read_sample_sheet(c.samples);

  // 1. the expression matrix: quantified, from qPCR, or read
  StudyMatrix input = load_study_matrix(c, s, run, stages, log);

  // 2. differential expression (QC first, while the matrix is still ours)
  const SampleQc qc = sample_qc(input.matrix, input.counts, sheet, c.de.norm, s.threads);
  DeResult de;
  {
    StageRecord rec(run, s, "de", log);
    if (!input.source.empty()) rec.input(input.counts ? "counts" : "expression", input.source);
    rec.input("samples", c.samples);
    de = differential_expression(c.de, std::move(input.matrix), input.counts, sheet, s.threads, log);
    put_all(run, rec, de_tables(de));
    rec.info().parameters = de_parameters(c.de, de, s.threads);
    rec.done(stages);
  }

  // 3. specificity
  const auto& L = c.labels;
  const bool three = has_pair(c.de.contrasts, L.lsc, L.hsc) && has_pair(c.de.contrasts, L.lsc, L.lpc) && has_pair(c.de.contrasts, L.hsc, L.lpc);
  std::optional<SpecificityResult> spec;
  if (three) {
    StageRecord rec(run, s, "specificity", log);
    spec = specificity(de_table(de, L.lsc, L.hsc), de_table(de, L.lsc, L.lpc), de_table(de, L.hsc, L.lpc), L, c.specificity);
    log_specificity(*spec, log);
    put_all(run, rec, specificity_tables(*spec));
    rec.info().parameters = specificity_parameters(*spec);
    rec.done(stages);
  } else {
    log.warn("run", "specificity and candidates need the contrasts " + L.lsc + "-" + L.hsc + ", " + L.lsc + "-" + L.lpc + " and " + L.hsc +
                        "-" + L.lpc + "; they are skipped");
  }

  // 4. the cohort's outcome
  std::optional<CohortOutcome> cohort;
  if (c.has_cohort) cohort = cohort_outcome(c, s, run, stages, log);

  // 5. targets, and the gene sets (read once for the ranking and the enrichment)
  std::optional<targets::TargetTable> target_table;
  if (!c.target_tables.empty()) {
    std::vector<std::pair<std::string, std::string>> pairs;
    io::ResultTable merged = merge_targets(c, pairs);
    log.info("run", fmt::format("targets: {} miRNA-gene pairs from {} table(s) -> target_pairs.tsv", merged.rows(), c.target_tables.size()));
    run.put("target_pairs.tsv", std::move(merged));
    target_table = targets::make_target_table(std::move(pairs));
  }
  std::vector<targets::GeneSet> gene_sets;
  if (three)
    for (const auto& p : c.enrichment.gene_sets)
      for (auto& g : targets::read_gmt(p)) gene_sets.push_back(std::move(g));

  // 6. candidates
  std::optional<RankResult> ranked;
  if (three) {
    StageRecord rec(run, s, "rank", log);
    check_weights(c.weights);
    const std::vector<Category> cats = parse_categories(c.categories);
    CoxInput cox_in;
    if (cohort) cox_in = cohort->cox_input();
    MirnaNames names;
    if (!c.mirbase.empty()) {
      read_precursor_map(c.mirbase, names);
      rec.input("mirbase", c.mirbase);
    }
    if (!c.families.empty()) {
      read_family_info(c.families, names);
      rec.input("families", c.families);
    }
    TargetInput targets_in;
    if (target_table) add_targets(*target_table, targets_in);
    for (const auto& t : c.target_tables) rec.input("targets", t.path);
    finish_targets(targets_in);
    for (const auto& p : c.enrichment.gene_sets) rec.input("gene_sets", p);
    const std::vector<GeneSet> sets = rank_gene_sets(gene_sets);
    ranked = rank(specificity_input(*spec), cox_in, names, targets_in, sets, cats, c.weights, c.specificity.fdr, stats::contrast_tag(L.lsc, L.hsc));
    log_rank(*ranked, cohort.has_value(), sets.size(), log);
    run.put("candidates.tsv", candidates_table(*ranked));
    rec.output("candidates.tsv");
    rec.info().parameters = rank_parameters(*ranked, c.weights, c.specificity.fdr);
    rec.done(stages);
  }

  // 7. the forest plot and Kaplan-Meier curves of the top candidates' cohort miRNAs
  if (ranked && cohort) {
    std::vector<std::string> km;
    run.put("forest.tsv", cohort->forest(*ranked, c.cohort.forest_top, c.cohort.km_top, km));
    if (!km.empty()) cohort_km(*cohort, km, s, run, stages, log);
  }

  // 8. enrichment of the top candidates' targets, inhibit and restore separately
  if (ranked && !gene_sets.empty() && target_table) {
    targets::EnrichOptions eo;
    eo.method = targets::parse_enrich_method(c.enrichment.method);
    eo.permutations = static_cast<std::size_t>(std::max(c.enrichment.permutations, 1));
    eo.seed = 1;
    eo.threads = s.threads;
    const bool empirical = eo.method == targets::EnrichMethod::kEmpirical;
    targets::check_gene_sets(gene_sets, [&](const std::string& line) { log.warn("enrich", line); });
    const std::set<std::string> known(target_table->mirnas.begin(), target_table->mirnas.end());
    for (const std::string which : {"inhibit", "restore"}) {
      const std::vector<std::string> mirnas = top_candidates(*ranked, which, c.enrichment.top, &known);
      if (mirnas.empty()) continue;
      StageRecord rec(run, s, "enrich_" + which, log);
      const targets::EnrichResult r = targets::enrich(*target_table, mirnas, gene_sets, nullptr, eo);
      if (const std::string w = targets::dropped_sets_warning(r); !w.empty()) log.warn("enrich", w);
      run.put("enrichment_" + which + ".tsv", targets::enrichment_table(r, empirical));
      rec.output("enrichment_" + which + ".tsv");
      run.put("overlap_" + which + ".tsv", targets::overlap_genes_table(*target_table, mirnas, gene_sets, r));
      rec.output("overlap_" + which + ".tsv");
      for (const auto& g : c.enrichment.gene_sets) rec.input("gene_sets", g);
      rec.info().parameters = targets::enrich_parameters(eo, r);
      if (empirical) rec.info().seed = eo.seed;
      rec.done(stages);
      log.info("run", fmt::format("enrichment of the targets of the top {} {} candidates -> enrichment_{}.tsv", mirnas.size(), which, which));
    }
  }

  // 9. virtual patients for the top candidates
  if (ranked && c.simulate.enabled) simulate_candidates(c, *ranked, s, run, stages, log);

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
    run.put("qc_samples.tsv", qc.samples);
    run.put("qc_pca.tsv", qc.pca);
    run.put("qc_sheet.tsv", qc.sheet);
    run.put("report_expression.tsv", report_expression(qc, sheet, shown));
  }
  run.stages = std::move(stages);
  return run;
}

}  // namespace lscmir::study
