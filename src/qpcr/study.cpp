// SPDX-License-Identifier: GPL-3.0-or-later
// The qPCR study: reading, analysis and output tables of `lscmir qpcr`.
#include "lscmir/qpcr/study.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/core.h>

#include "lscmir/core/error.hpp"
#include "lscmir/io/variable.hpp"
#include "lscmir/stats/design.hpp"

namespace lscmir::qpcr {
namespace {

std::vector<std::string> split_list(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (const auto& item : items) {
    std::size_t pos = 0;
    while (pos <= item.size()) {
      std::size_t comma = item.find(',', pos);
      if (comma == std::string::npos) comma = item.size();
      if (comma > pos) out.push_back(item.substr(pos, comma - pos));
      pos = comma + 1;
    }
  }
  return out;
}

CtFormat checked_format(const QpcrOptions& o) {
  CtFormat format{};
  if (!parse_ct_format(o.format, format))
    throw core::UsageError("--format must be auto, long, wide or quantstudio (got \"" + o.format + "\")");
  if (!(o.ct_max > 0) || !std::isfinite(o.ct_max)) throw core::UsageError("--ct-max must be a positive number of cycles");
  if (!o.impute.empty() && o.impute != "ct-max" && o.impute != "em" && o.impute != "em-multiple")
    throw core::UsageError("--impute takes ct-max, em or em-multiple N (got \"" + o.impute + "\")");
  if (o.impute == "em-multiple" && o.imputations < 2)
    throw core::UsageError("--impute em-multiple N needs N >= 2 draws (got " + std::to_string(o.imputations) + ")");
  if (o.impute == "em-multiple" && o.imputations > 1000)
    throw core::UsageError("--impute em-multiple N: at most 1000 draws (got " + std::to_string(o.imputations) + ")");
  if (!(o.fdr > 0 && o.fdr <= 1)) throw core::UsageError("--fdr must be in (0, 1]");
  return format;
}

std::vector<std::size_t> genorm_candidates(const CtMatrix& m, const std::vector<std::string>& names) {
  if (names.empty()) return detected_everywhere(m);
  std::vector<std::size_t> candidates;
  const auto everywhere = detected_everywhere(m);
  for (const auto& name : split_list(names)) {
    const auto it = std::lower_bound(m.assays.begin(), m.assays.end(), name);
    if (it == m.assays.end() || *it != name) throw core::UsageError("--genorm-candidates: assay " + name + " is not in the Ct file");
    const auto a = static_cast<std::size_t>(it - m.assays.begin());
    if (!std::binary_search(everywhere.begin(), everywhere.end(), a))
      throw core::UsageError("--genorm-candidates: assay " + name + " is not detected in every sample");
    if (std::find(candidates.begin(), candidates.end(), a) == candidates.end()) candidates.push_back(a);
  }
  std::sort(candidates.begin(), candidates.end());
  return candidates;
}

/// The Ct model of --impute em: its design, formula, and the factor terms fit_nondetects penalizes
/// (names beside them, in the order of NondetectFit::term_sd).
struct EmModel {
  stats::Design design;
  std::string formula;
  std::vector<FactorTerm> terms;
  std::vector<std::string> term_names;
};

/// Given a formula (--em-design): that design over sample-sheet columns, with an intercept and a
/// population term; patient is a random effect, other factors fixed effects with the weak prior,
/// numeric columns unpenalized covariates. Default: population + patient when the sheet has a
/// patient column and that design has full rank, else population alone.
EmModel em_model(const io::SampleSheet& sheet, const std::string& given) {
  EmModel m;
  std::vector<stats::Variable> vars;
  stats::Formula f;
  if (!given.empty()) {
    f = stats::parse_formula(given);
    if (!f.intercept)
      throw core::UsageError("--em-design " + given + ": the Ct model needs an intercept (the effect priors are on treatment-coded effects)");
    if (std::find(f.terms.begin(), f.terms.end(), "population") == f.terms.end())
      throw core::UsageError("--em-design " + given + " has no population term");
    for (const std::string& term : f.terms) {
      if (!sheet.has_column(term)) throw core::UsageError("--em-design term '" + term + "' is not a column of " + sheet.path);
      vars.push_back(io::design_variable(sheet, term));
      const stats::Variable& v = vars.back();
      if (v.is_factor) continue;
      for (std::size_t i = 0; i < v.values.size(); ++i)
        if (std::isnan(v.values[i]))
          throw core::InputError(sheet.path, sheet.line_numbers[i],
                                 "sample \"" + core::cell_for_message(sheet.samples[i]) + "\" has no value in column \"" + term +
                                     "\", which --em-design uses");
    }
    m.design = stats::build_design(f, vars);
    stats::check_design(m.design, f, vars, "--em-design");
  } else {
    vars.push_back(stats::Variable::factor("population", sheet.column("population")));
    f = stats::parse_formula("~ population");
    if (sheet.has_column("patient")) {
      vars.push_back(stats::Variable::factor("patient", sheet.column("patient")));
      const stats::Formula fp = stats::parse_formula("~ population + patient");
      stats::Design d = stats::build_design(fp, vars);
      if (stats::dependent_columns(d.x).empty() && d.x.rows() > d.x.cols()) {
        f = fp;
        m.design = std::move(d);
      }
    }
    if (m.design.x.size() == 0) m.design = stats::build_design(f, vars);
  }
  m.formula = stats::to_string(f);
  // the factor terms: population and other factors fixed (weak prior), patient random
  std::vector<int> term_index(f.terms.size(), -1);
  for (std::size_t t = 0; t < f.terms.size(); ++t) {
    const auto v = std::find_if(vars.begin(), vars.end(), [&](const stats::Variable& x) { return x.name == f.terms[t]; });
    if (v == vars.end() || !v->is_factor) continue;
    term_index[t] = static_cast<int>(m.terms.size());
    m.terms.push_back({{}, f.terms[t] == "patient"});
    m.term_names.push_back(f.terms[t]);
  }
  for (std::size_t c = 0; c < m.design.columns.size(); ++c) {
    const int t = m.design.term_of_column[c];
    if (t >= 0 && term_index[static_cast<std::size_t>(t)] >= 0)
      m.terms[static_cast<std::size_t>(term_index[static_cast<std::size_t>(t)])].columns.push_back(static_cast<Eigen::Index>(c));
  }
  return m;
}

const char* truth(bool b) { return b ? "TRUE" : "FALSE"; }

std::vector<std::int64_t> ints(const std::vector<int>& v) { return {v.begin(), v.end()}; }

io::ResultTable onoff_table(const CtMatrix& m, const std::vector<OnOffRow>& rows, const Contrast& c, double fdr_cut) {
  std::vector<std::size_t> order(rows.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return rows[x].p < rows[y].p; });
  std::vector<std::string> feature, call;
  std::vector<std::int64_t> pairs, only_a, only_b, both, neither;
  std::vector<double> p, fdr;
  for (std::size_t i : order) {
    const auto& r = rows[i];
    feature.push_back(m.assays[r.assay]);
    pairs.push_back(r.pairs);
    only_a.push_back(r.only_a);
    only_b.push_back(r.only_b);
    both.push_back(r.both);
    neither.push_back(r.neither);
    p.push_back(r.p);
    fdr.push_back(r.fdr);
    call.push_back(r.fdr < fdr_cut && r.only_a != r.only_b ? (r.only_a > r.only_b ? c.a : c.b) + "_on" : "none");
  }
  io::ResultTable t;
  t.add_text("feature", std::move(feature)).add_integer("pairs", std::move(pairs)).add_integer("only_" + c.a, std::move(only_a));
  t.add_integer("only_" + c.b, std::move(only_b)).add_integer("both", std::move(both)).add_integer("neither", std::move(neither));
  t.add_real("P", std::move(p)).add_real("FDR", std::move(fdr)).add_text("call", std::move(call));
  return t;
}

/// Global-mean normalization averages the assays detected in every sample. When the non-detects
/// are concentrated in one population that set is selected by the censoring (an assay enters only
/// if its late wells in that population happened to come out early), so that population's
/// normalizer is biased low (docs/statistics.md). The warning, or "" when the rates are alike.
std::string global_mean_selection_warning(const CtMatrix& m, const DetectionCounts& d, const std::vector<std::string>& controls,
                                          std::size_t used) {
  std::vector<char> control(m.n_assays());
  for (std::size_t a = 0; a < m.n_assays(); ++a) control[a] = is_control(m.assays[a], controls) ? 1 : 0;
  const auto candidates = static_cast<std::size_t>(std::count(control.begin(), control.end(), 0));
  double lo = 2, hi = -1;
  std::string lo_pop, hi_pop;
  for (std::size_t p = 0; p < d.populations.size(); ++p) {
    long measured = 0, undetected = 0;
    for (std::size_t a = 0; a < m.n_assays(); ++a) {
      if (control[a]) continue;
      measured += d.measured[p][a];
      undetected += d.measured[p][a] - d.detected[p][a];
    }
    if (measured == 0) continue;
    const double rate = static_cast<double>(undetected) / static_cast<double>(measured);
    if (rate < lo) {
      lo = rate;
      lo_pop = d.populations[p];
    }
    if (rate > hi) {
      hi = rate;
      hi_pop = d.populations[p];
    }
  }
  // Thresholds: a 5-point gap in Undetermined rates with a quarter of the assays left out of the
  // set gave a 0.15-cycle bias on the generated arrays of bench/nondetect (seed 7).
  if (hi - lo < 0.05 || 4 * used > 3 * candidates) return {};
  return fmt::format(
      "global-mean normalization over {} of {} assays (those detected in every sample), while {:.0f}% of the {} wells and {:.0f}% of "
      "the {} wells are Undetermined: the set is selected by the censoring, which biases the {} normalizer low and its fold changes "
      "(docs/statistics.md); use --normalize reference:A,B with assays detected everywhere (references.tsv ranks them)",
      used, candidates, 100 * hi, hi_pop, 100 * lo, lo_pop, hi_pop);
}

}  // namespace

QpcrData read_study(const QpcrOptions& o, core::Logger& log) {
  const CtFormat format = checked_format(o);
  parse_norm_spec(o.normalize);
  QpcrData d;
  d.controls = o.controls_given ? split_list(o.controls) : default_control_prefixes();
  d.sheet = io::read_sample_sheet(o.samples);
  std::size_t n_wells = 0, n_ntc = 0;
  std::set<std::string> formats;
  for (const auto& path : o.ct) {
    d.files.push_back(read_ct(path, format, o.columns));
    n_wells += d.files.back().wells.size();
    n_ntc += d.files.back().skipped_ntc;
    formats.insert(to_string(d.files.back().format));
  }
  d.matrix = summarize(d.files, d.sheet.samples, o.ct_max);
  for (const auto& f : formats) d.format_list += (d.format_list.empty() ? "" : "+") + f;
  std::size_t detected = 0;
  for (auto st : d.matrix.state) detected += st == CallState::kDetected;
  log.info("qpcr", fmt::format("{} wells in {} file(s) ({}) -> {} assays x {} samples, {} of {} detected at Ct <= {}{}", n_wells,
                               d.files.size(), d.format_list, d.matrix.n_assays(), d.matrix.n_samples(), detected,
                               d.matrix.state.size(), o.ct_max, n_ntc ? fmt::format("; {} NTC wells skipped", n_ntc) : std::string()));
  const std::vector<std::string>& population = d.sheet.column("population");
  d.levels.assign(population.begin(), population.end());
  std::sort(d.levels.begin(), d.levels.end());
  d.levels.erase(std::unique(d.levels.begin(), d.levels.end()), d.levels.end());
  return d;
}

std::vector<core::InputRecord> input_records(const QpcrData& d) {
  std::vector<core::InputRecord> out;
  for (const auto& f : d.files) out.push_back({"ct", f.path, f.sha256, f.bytes});
  out.push_back({"samples", d.sheet.path, d.sheet.sha256, d.sheet.bytes});
  return out;
}

QpcrResult analyze(const QpcrData& d, const std::vector<Contrast>& contrasts, const QpcrOptions& o, core::Logger& log) {
  if (!contrasts.empty() && !d.sheet.has_column("patient"))
    throw core::UsageError("the on/off test pairs samples by patient, but " + d.sheet.path + " has no patient column");
  const NormSpec spec = parse_norm_spec(o.normalize);
  const CtMatrix& m = d.matrix;
  QpcrResult r;
  r.norm = normalize(m, spec, d.controls, o.impute == "ct-max", o.ct_max);
  if (o.impute == "em" || o.impute == "em-multiple") {
    const EmModel em = em_model(d.sheet, o.em_design);
    r.em_formula = em.formula;
    r.em_terms = em.term_names;
    r.nondetect = fit_nondetects(m, em.design.x, em.terms, r.norm.normalizer, o.ct_max);
    const NondetectFit& f = *r.nondetect;
    std::size_t n = 0;
    for (std::size_t i = 0; i < m.state.size(); ++i)
      if (m.state[i] == CallState::kUndetected) {
        r.norm.values[i] = -(f.imputed[i] - r.norm.normalizer[i / m.n_assays()]);
        ++n;
      }
    log.info("qpcr", fmt::format("EM ({}): {} non-detects imputed; logit P(Undetermined) = {:.4g} + {:.4g} Ct; {} SQUAREM cycles ({} EM steps){}",
                                 r.em_formula, n, f.intercept, f.slope, f.iterations, f.em_steps,
                                 f.converged ? std::string()
                                             : fmt::format(" (stopped at the iteration limit; last change {:.3g})", f.last_change)));
    if (o.impute == "em-multiple") {
      r.draws = draw_nondetects(m, f, o.imputations, o.seed);
      for (auto& draw : r.draws)
        for (std::size_t i = 0; i < draw.size(); ++i)
          if (!std::isnan(draw[i])) draw[i] = -(draw[i] - r.norm.normalizer[i / m.n_assays()]);
      log.info("qpcr", fmt::format("{} draws of the non-detects (seed {}) -> imputations.tsv", o.imputations, o.seed));
    }
  }
  if (spec.kind == NormKind::kGlobalMean)
    log.info("qpcr", fmt::format("global mean over {} non-control assays detected in every sample", r.norm.used.size()));
  r.genorm = genorm(m, genorm_candidates(m, o.genorm_candidates));
  if (r.genorm.empty())
    log.warn("qpcr", "geNorm needs at least two candidate assays detected in every sample and two samples: references.tsv is empty");
  else
    log.info("qpcr", fmt::format("geNorm over {} candidates: most stable pair {} and {} (M = {:.4g})", r.genorm.size(),
                                 r.genorm[0].assay, r.genorm[1].assay, r.genorm[0].m_step));
  const std::vector<std::string>& population = d.sheet.column("population");
  r.detection = detection_counts(m, population);
  if (spec.kind == NormKind::kGlobalMean)
    if (const std::string w = global_mean_selection_warning(m, r.detection, d.controls, r.norm.used.size()); !w.empty()) log.warn("qpcr", w);
  for (const auto& c : contrasts) {
    std::size_t dup = 0;
    auto rows = onoff_test(m, population, d.sheet.column("patient"), c.a, c.b, &dup);
    if (dup > 0)
      log.warn("qpcr", fmt::format("{}-{}: {} patient(s) have more than one sample of a population; the first is used", c.a, c.b, dup));
    int calls = 0;
    for (const auto& row : rows) calls += row.fdr < o.fdr && row.only_a != row.only_b;
    log.info("qpcr", fmt::format("{}-{}: {} on/off calls at FDR < {}", c.a, c.b, calls, o.fdr));
    r.onoff.push_back(std::move(rows));
  }
  r.matrix = m;
  r.method = o.normalize;
  r.controls = d.controls;
  r.contrasts = contrasts;
  r.fdr = o.fdr;
  r.format_list = d.format_list;
  r.expression.features = m.assays;
  r.expression.samples = m.samples;
  r.expression.values.resize(static_cast<Eigen::Index>(m.n_assays()), static_cast<Eigen::Index>(m.n_samples()));
  for (std::size_t j = 0; j < m.n_samples(); ++j)
    for (std::size_t a = 0; a < m.n_assays(); ++a)
      r.expression.values(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(j)) = r.norm.values[m.at(a, j)];
  return r;
}

std::vector<io::NamedTable> qpcr_tables(const QpcrResult& r) {
  const CtMatrix& m = r.matrix;
  std::vector<io::NamedTable> out;
  {
    io::ResultTable t;
    t.add_text("feature", m.assays);
    for (std::size_t j = 0; j < m.n_samples(); ++j) {
      const auto begin = r.norm.values.begin() + static_cast<std::ptrdiff_t>(m.at(0, j));
      t.add_real(m.samples[j], std::vector<double>(begin, begin + static_cast<std::ptrdiff_t>(m.n_assays())));
    }
    out.push_back({"expression.tsv", std::move(t)});
  }
  {
    std::vector<std::string> feature, sample, status;
    std::vector<double> ct, sd;
    std::vector<std::int64_t> wells, detected;
    for (std::size_t a = 0; a < m.n_assays(); ++a)
      for (std::size_t j = 0; j < m.n_samples(); ++j) {
        const std::size_t i = m.at(a, j);
        feature.push_back(m.assays[a]);
        sample.push_back(m.samples[j]);
        ct.push_back(m.ct[i]);
        sd.push_back(m.sd[i]);
        wells.push_back(m.wells[i]);
        detected.push_back(m.detected_wells[i]);
        status.emplace_back(to_string(m.state[i]));
      }
    io::ResultTable t;
    t.add_text("feature", std::move(feature)).add_text("sample", std::move(sample)).add_real("ct", std::move(ct));
    t.add_real("sd", std::move(sd)).add_integer("wells", std::move(wells)).add_integer("detected_wells", std::move(detected));
    t.add_text("status", std::move(status));
    if (r.nondetect) {
      std::vector<std::string> imputed;
      for (std::size_t a = 0; a < m.n_assays(); ++a)
        for (std::size_t j = 0; j < m.n_samples(); ++j) imputed.emplace_back(truth(m.state[m.at(a, j)] == CallState::kUndetected));
      std::vector<double> ict;
      for (std::size_t a = 0; a < m.n_assays(); ++a)
        for (std::size_t j = 0; j < m.n_samples(); ++j) ict.push_back(r.nondetect->imputed[m.at(a, j)]);
      t.add_text("imputed", std::move(imputed)).add_real("imputed_ct", std::move(ict));
    }
    out.push_back({"ct_summary.tsv", std::move(t)});
  }
  {
    io::ResultTable t;
    t.add_text("sample", m.samples).add_real("normalizer", r.norm.normalizer);
    t.add_text("method", std::vector<std::string>(m.n_samples(), r.method));
    t.add_integer("assays", std::vector<std::int64_t>(m.n_samples(), static_cast<std::int64_t>(r.norm.used.size())));
    out.push_back({"normalizers.tsv", std::move(t)});
  }
  {
    const DetectionCounts& d = r.detection;
    std::vector<std::string> control, all;
    for (std::size_t a = 0; a < m.n_assays(); ++a) {
      int total = 0;
      for (std::size_t p = 0; p < d.populations.size(); ++p) total += d.detected[p][a];
      control.emplace_back(truth(is_control(m.assays[a], r.controls)));
      all.emplace_back(truth(total == static_cast<int>(m.n_samples())));
    }
    io::ResultTable t;
    t.add_text("feature", m.assays).add_text("control", std::move(control)).add_text("detected_all", std::move(all));
    for (std::size_t p = 0; p < d.populations.size(); ++p)
      t.add_integer(d.populations[p] + ".detected", ints(d.detected[p])).add_integer(d.populations[p] + ".measured", ints(d.measured[p]));
    out.push_back({"detection.tsv", std::move(t)});
  }
  {
    std::vector<std::string> assay;
    std::vector<std::int64_t> rank;
    std::vector<double> m_all, m_step, v;
    for (const auto& g : r.genorm) {
      assay.push_back(g.assay);
      rank.push_back(g.rank);
      m_all.push_back(g.m_all);
      m_step.push_back(g.m_step);
      v.push_back(g.v_pairwise);
    }
    io::ResultTable t;
    t.add_text("assay", std::move(assay)).add_integer("rank", std::move(rank)).add_real("M", std::move(m_all));
    t.add_real("M.stepwise", std::move(m_step)).add_real("V.pairwise", std::move(v));
    out.push_back({"references.tsv", std::move(t)});
  }
  for (std::size_t c = 0; c < r.contrasts.size(); ++c)
    out.push_back({"onoff_" + r.contrasts[c].tag + ".tsv", onoff_table(m, r.onoff[c], r.contrasts[c], r.fdr)});
  if (!r.draws.empty()) {
    std::vector<std::string> feature, sample;
    std::vector<std::size_t> cells;
    for (std::size_t a = 0; a < m.n_assays(); ++a)
      for (std::size_t j = 0; j < m.n_samples(); ++j)
        if (m.state[m.at(a, j)] == CallState::kUndetected) {
          feature.push_back(m.assays[a]);
          sample.push_back(m.samples[j]);
          cells.push_back(m.at(a, j));
        }
    io::ResultTable t;
    t.add_text("feature", std::move(feature)).add_text("sample", std::move(sample));
    for (std::size_t k = 0; k < r.draws.size(); ++k) {
      std::vector<double> v;
      v.reserve(cells.size());
      for (std::size_t i : cells) v.push_back(r.draws[k][i]);
      t.add_real("draw_" + std::to_string(k + 1), std::move(v));
    }
    out.push_back({"imputations.tsv", std::move(t)});
  }
  return out;
}

nlohmann::json qpcr_parameters(const QpcrResult& r, const QpcrOptions& o, const std::vector<std::string>& contrast_texts) {
  nlohmann::json j = {{"format", r.format_list}, {"ct_max", o.ct_max}, {"normalize", o.normalize},
                      {"controls", r.controls}, {"impute", o.impute.empty() ? "none" : o.impute},
                      {"contrasts", contrast_texts}, {"fdr", o.fdr}, {"normalizer_assays", r.norm.used}};
  if (r.nondetect)
    j["detection_curve"] = {{"model", "logit P(Undetermined) = intercept + slope * Ct"},
                            {"intercept", r.nondetect->intercept}, {"slope", r.nondetect->slope},
                            {"ct_design", r.em_formula}, {"effect_prior_sd", NondetectOptions{}.effect_prior_sd},
                            {"sigma", r.nondetect->sigma.empty() ? 0.0 : r.nondetect->sigma[0]}, {"iterations", r.nondetect->iterations}, {"em_steps", r.nondetect->em_steps},
                            {"converged", r.nondetect->converged},
                            {"last_change", r.nondetect->last_change}};
  if (r.nondetect) {
    // per factor term, the SD of its effects: estimated for patient (random), the prior's otherwise
    nlohmann::json sd = nlohmann::json::object();
    for (std::size_t t = 0; t < r.em_terms.size() && t < r.nondetect->term_sd.size(); ++t) {
      sd[r.em_terms[t]] = r.nondetect->term_sd[t];
      if (r.em_terms[t] == "patient") j["detection_curve"]["patient_sd"] = r.nondetect->term_sd[t];
    }
    j["detection_curve"]["term_sd"] = sd;
  }
  if (!r.draws.empty()) {
    j["imputations"] = o.imputations;
    j["seed"] = o.seed;
  }
  return j;
}

}  // namespace lscmir::qpcr
