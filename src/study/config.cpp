// SPDX-License-Identifier: GPL-3.0-or-later
// CONFIG.toml -> StudyConfig (docs/config.md).
#include "lscmir/study/config.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <set>
#include <system_error>

#include <toml++/toml.h>

#include <fmt/core.h>

#include "lscmir/core/error.hpp"
#include "lscmir/qpcr/analysis.hpp"
#include "lscmir/quant/adapter.hpp"
#include "lscmir/stats/design.hpp"
#include "lscmir/targets/tables.hpp"

namespace lscmir::study {
namespace {

namespace fs = std::filesystem;

/// Config errors name the file and the line of the offending key.
[[noreturn]] void config_error(const StudyConfig& c, const toml::node* node, const std::string& problem, const std::string& hint = {}) {
  const std::size_t line = node ? static_cast<std::size_t>(node->source().begin.line) : 0;
  throw core::InputError(c.path, line, problem, hint);
}

std::string resolve(const StudyConfig& c, const std::string& p) {
  if (p.empty() || fs::path(p).is_absolute()) return p;
  return (fs::path(c.path).parent_path() / p).lexically_normal().string();
}

/// An input file named by the config must open for reading now, not when its stage is reached
/// after earlier stages have run: the error names the config line of the key.
void check_input_file(const StudyConfig& c, const toml::node* node, const std::string& where, const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) config_error(c, node, where + ": \"" + core::cell_for_message(path) + "\" is a folder, expected a file");
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    config_error(c, node, where + ": cannot open \"" + core::cell_for_message(path) + "\": " + std::strerror(errno),
                 "paths in the config are relative to its folder");
  ::close(fd);
}

/// Input files to check once every value is read (value errors first, then files, in config order).
struct PendingFile {
  const toml::node* node;
  std::string where, path;
};
/// A path-valued key: resolved against the config's folder; checked to open by read_study_config
/// once all values are read (empty = absent).
std::string get_path(const StudyConfig& c, std::vector<PendingFile>& pending, const toml::table& t, const std::string& section,
                     const std::string& key) {
  const toml::node* n = t.get(key);
  if (!n) return {};
  if (!n->is_string()) config_error(c, n, "\"" + key + "\" must be a string");
  const std::string p = resolve(c, std::string(*n->value<std::string>()));
  if (!p.empty()) pending.push_back({n, "[" + section + "] " + key, p});
  return p;
}

void check_keys(const StudyConfig& c, const toml::table& t, const std::string& section, const std::set<std::string>& known) {
  for (const auto& [k, v] : t)
    if (!known.count(std::string(k.str()))) {
      std::string list;
      for (const auto& n : known) list += (list.empty() ? "" : ", ") + n;
      config_error(c, &v, "unknown key \"" + std::string(k.str()) + "\" in [" + section + "]", "known keys: " + list);
    }
}

std::string get_string(const StudyConfig& c, const toml::table& t, const std::string& key, const std::string& fallback = {}) {
  const toml::node* n = t.get(key);
  if (!n) return fallback;
  if (!n->is_string()) config_error(c, n, "\"" + key + "\" must be a string");
  return std::string(*n->value<std::string>());
}

double get_number(const StudyConfig& c, const toml::table& t, const std::string& key, double fallback) {
  const toml::node* n = t.get(key);
  if (!n) return fallback;
  if (auto v = n->value<double>()) return *v;
  config_error(c, n, "\"" + key + "\" must be a number");
}

int get_int(const StudyConfig& c, const toml::table& t, const std::string& key, int fallback) {
  const toml::node* n = t.get(key);
  if (!n) return fallback;
  if (auto v = n->value<int64_t>()) return static_cast<int>(*v);
  config_error(c, n, "\"" + key + "\" must be an integer");
}

bool get_bool(const StudyConfig& c, const toml::table& t, const std::string& key, bool fallback) {
  const toml::node* n = t.get(key);
  if (!n) return fallback;
  if (auto v = n->value<bool>()) return *v;
  config_error(c, n, "\"" + key + "\" must be true or false");
}

std::vector<std::string> get_strings(const StudyConfig& c, const toml::table& t, const std::string& key) {
  const toml::node* n = t.get(key);
  if (!n) return {};
  const toml::array* a = n->as_array();
  if (!a) config_error(c, n, "\"" + key + "\" must be a list of strings, like [\"a\", \"b\"]");
  std::vector<std::string> out;
  for (const auto& e : *a) {
    if (!e.is_string()) config_error(c, &e, "\"" + key + "\" must hold strings only");
    out.emplace_back(*e.value<std::string>());
  }
  return out;
}

/// The largest [enrichment] permutations (docs/config.md): 10^7 empirical permutations already
/// resolve P values far below any FDR threshold; more is a typo (1e9 would run for hours).
constexpr double kMaxPermutations = 1e7;

/// A whole number in [lo, hi] (TOML integer, or a float without a fraction such as 1e4).
/// @throws core::InputError with the key's line otherwise (a cast of 1e30 to int is undefined).
double get_whole(const StudyConfig& c, const toml::table& t, const std::string& section, const std::string& key,
                 double fallback, double lo, double hi) {
  const toml::node* n = t.get(key);
  if (!n) return fallback;
  const auto v = n->value<double>();
  if (!v) config_error(c, n, "[" + section + "] " + key + " must be a number");
  if (!(*v >= lo && *v <= hi) || std::floor(*v) != *v)
    config_error(c, n, "[" + section + "] " + key + " must be a whole number from " + fmt::format("{:.15g}", lo) + " to " +
                           fmt::format("{:.15g}", hi) + " (got " + fmt::format("{:.15g}", *v) + ")");
  return *v;
}

/// Runs a stage's own option check `f` now, so that a bad value fails before any stage runs, with
/// the line of `key` (or of the section when the key is absent: a default the section contradicts).
template <typename F>
void check_at(const StudyConfig& c, const toml::table& t, const std::string& section, const std::string& key, F&& f) {
  try {
    f();
  } catch (const core::UsageError& e) {
    const toml::node* n = t.get(key);
    config_error(c, n ? n : &t, "[" + section + "] " + key + ": " + e.what());
  }
}

}  // namespace

StudyConfig read_study_config(const std::string& path) {
  StudyConfig c;
  c.path = path;
  std::vector<PendingFile> pending;  // input files, opened once every value has been checked
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw core::InputError(path, static_cast<std::size_t>(e.source().begin.line), std::string(e.description()),
                           "see docs/config.md for the format");
  }
  check_keys(c, root, "top level", {"study", "qpcr", "quant", "cohort", "score", "targets", "enrichment", "rank", "simulate", "output"});
  const toml::table* study = root["study"].as_table();
  if (!study) throw core::InputError(path, 0, "missing [study] section", "see docs/config.md");
  check_keys(c, *study, "study", {"samples", "simulated", "counts", "expression", "ct", "fastq_sheet", "contrasts", "method", "norm", "design", "robust",
                                  "contrast_se", "block", "sample_weights", "filter", "spike_ins", "lsc", "hsc", "lpc", "fdr", "lfc", "primary"});
  c.samples = get_path(c, pending, *study, "study", "samples");
  if (c.samples.empty()) config_error(c, study->get("samples"), "[study] needs \"samples\" (the sample sheet)");
  c.counts = get_path(c, pending, *study, "study", "counts");
  c.expression = get_path(c, pending, *study, "study", "expression");
  c.ct = get_path(c, pending, *study, "study", "ct");
  c.fastq_sheet = get_path(c, pending, *study, "study", "fastq_sheet");
  const int inputs = !c.counts.empty() + !c.expression.empty() + !c.ct.empty() + !c.fastq_sheet.empty();
  if (inputs != 1)
    throw core::InputError(path, 0, "[study] needs exactly one of counts, expression, ct, fastq_sheet (found " + std::to_string(inputs) + ")");
  c.de.contrasts = get_strings(c, *study, "contrasts");
  if (c.de.contrasts.empty()) throw core::InputError(path, 0, "[study] needs contrasts, like [\"LSC-HSC\", \"LSC-LPC\", \"HSC-LPC\"]");
  c.primary = get_strings(c, *study, "primary");
  for (const auto& p : c.primary)
    if (std::none_of(c.de.contrasts.begin(), c.de.contrasts.end(), [&](const std::string& x) { return x == p || x.rfind(p + "=", 0) == 0; })) {
      std::string list;
      for (const auto& x : c.de.contrasts) list += (list.empty() ? "" : ", ") + x;
      config_error(c, study->get("primary"), "[study] primary names \"" + p + "\", which is not one of the contrasts",
                   "contrasts: " + list + " (a named contrast NAME=EXPR is named by NAME)");
    }
  c.de.method = get_string(c, *study, "method");
  c.de.norm = get_string(c, *study, "norm", c.de.norm);
  c.de.spike_ins = get_path(c, pending, *study, "study", "spike_ins");
  c.de.design = get_string(c, *study, "design");
  c.de.robust = get_bool(c, *study, "robust", false);
  c.simulated = get_bool(c, *study, "simulated", false);
  c.de.contrast_se = get_string(c, *study, "contrast_se", c.de.contrast_se);
  c.de.block = get_string(c, *study, "block");
  c.de.sample_weights = get_bool(c, *study, "sample_weights", false);
  c.de.filter = get_bool(c, *study, "filter", false);
  c.labels.lsc = get_string(c, *study, "lsc", c.labels.lsc);
  c.labels.hsc = get_string(c, *study, "hsc", c.labels.hsc);
  c.labels.lpc = get_string(c, *study, "lpc", c.labels.lpc);
  c.specificity.fdr = get_number(c, *study, "fdr", c.specificity.fdr);
  c.specificity.lfc = get_number(c, *study, "lfc", c.specificity.lfc);
  check_at(c, *study, "study", "method", [&] { DeOptions o; o.method = c.de.method; check_de_options(o); });
  check_at(c, *study, "study", "norm", [&] { DeOptions o; o.norm = c.de.norm; check_de_options(o); });
  check_at(c, *study, "study", "contrast_se", [&] { DeOptions o; o.contrast_se = c.de.contrast_se; check_de_options(o); });
  if (!(c.specificity.fdr > 0 && c.specificity.fdr <= 1)) config_error(c, study->get("fdr"), "[study] fdr must be in (0, 1]");
  if (!(c.specificity.lfc >= 0) || !std::isfinite(c.specificity.lfc))
    config_error(c, study->get("lfc"), "[study] lfc must be a non-negative log2 fold change");
  c.qpcr.ct = {c.ct};
  c.qpcr.samples = c.samples;
  if (const toml::table* q = root["qpcr"].as_table()) {
    check_keys(c, *q, "qpcr", {"normalize", "ct_max", "controls", "impute", "imputations", "seed", "em_design"});
    c.qpcr.normalize = get_string(c, *q, "normalize", c.qpcr.normalize);
    c.qpcr.ct_max = get_number(c, *q, "ct_max", c.qpcr.ct_max);
    c.qpcr.controls = get_strings(c, *q, "controls");
    c.qpcr.controls_given = !c.qpcr.controls.empty();
    c.qpcr.impute = get_string(c, *q, "impute");
    c.qpcr.imputations = get_int(c, *q, "imputations", c.qpcr.impute == "em-multiple" ? 20 : 0);
    c.qpcr.seed = static_cast<std::uint64_t>(get_int(c, *q, "seed", 1));
    c.qpcr.em_design = get_string(c, *q, "em_design");
    check_at(c, *q, "qpcr", "em_design", [&] { if (!c.qpcr.em_design.empty()) (void)stats::parse_formula(c.qpcr.em_design); });
    check_at(c, *q, "qpcr", "normalize", [&] { (void)qpcr::parse_norm_spec(c.qpcr.normalize); });
    if (!(c.qpcr.ct_max > 0) || !std::isfinite(c.qpcr.ct_max)) config_error(c, q->get("ct_max"), "[qpcr] ct_max must be a positive number of cycles");
    if (!c.qpcr.impute.empty() && c.qpcr.impute != "ct-max" && c.qpcr.impute != "em" &&
        c.qpcr.impute != "em-multiple")
      config_error(c, q->get("impute"), "[qpcr] impute takes ct-max, em or em-multiple (got \"" + core::cell_for_message(c.qpcr.impute) + "\")");
  }
  if (const toml::table* q = root["quant"].as_table()) {
    check_keys(c, *q, "quant", {"hairpin", "mature", "gff3", "adapter", "umi", "min_length", "max_length", "mismatches",
                                "tolerance_5p", "tolerance_3p", "species", "spike_ins", "qc", "rrna", "trna", "artifacts",
                                "clades"});
    auto& o = c.quant;
    o.hairpin = get_path(c, pending, *q, "quant", "hairpin");
    o.mature = get_path(c, pending, *q, "quant", "mature");
    o.gff3 = get_path(c, pending, *q, "quant", "gff3");
    o.spike_ins = get_path(c, pending, *q, "quant", "spike_ins");
    // The miRTrace QC references as lscmir quant's --rrna/--trna/--artifacts/--clades: trna and
    // clades take "auto" (the bundled file; resolved by the caller, which knows where data/ is) and "none".
    o.qc = get_bool(c, *q, "qc", true);
    o.rrna = get_path(c, pending, *q, "quant", "rrna");
    o.artifacts = get_path(c, pending, *q, "quant", "artifacts");
    auto reference_or_keyword = [&](const std::string& key) {
      const std::string v = get_string(c, *q, key, "auto");
      if (v.empty()) config_error(c, q->get(key), "[quant] " + key + " is empty", "give a file, \"auto\" (the bundled one) or \"none\"");
      if (v == "auto" || v == "none") return v;
      return get_path(c, pending, *q, "quant", key);
    };
    o.trna = reference_or_keyword("trna");
    o.clades = reference_or_keyword("clades");
    o.adapter = get_string(c, *q, "adapter", o.adapter);
    o.umi = get_string(c, *q, "umi", o.umi);
    o.species = get_string(c, *q, "species", o.species);
    o.min_length = static_cast<int>(get_whole(c, *q, "quant", "min_length", o.min_length, 1, 1000));
    o.max_length = static_cast<int>(get_whole(c, *q, "quant", "max_length", o.max_length, o.min_length, 1000));
    o.mismatches = static_cast<int>(get_whole(c, *q, "quant", "mismatches", o.mismatches, 0, 3));
    o.tolerance_5p = static_cast<int>(get_whole(c, *q, "quant", "tolerance_5p", o.tolerance_5p, 0, 1000));
    o.tolerance_3p = static_cast<int>(get_whole(c, *q, "quant", "tolerance_3p", o.tolerance_3p, 0, 1000));
    if (o.adapter != "auto" && o.adapter != "none")
      check_at(c, *q, "quant", "adapter", [&] { (void)quant::parse_adapter(o.adapter, "adapter"); });
  }
  if (!c.fastq_sheet.empty() && (c.quant.hairpin.empty() || c.quant.mature.empty()))
    throw core::InputError(path, 0, "fastq_sheet needs a [quant] section with hairpin and mature (miRBase FASTA)");
  if (const toml::table* h = root["cohort"].as_table()) {
    c.has_cohort = true;
    check_keys(c, *h, "cohort", {"expression", "clinical", "id", "time", "event", "covariates", "km_top", "forest_top", "name", "time_unit", "cause", "ph_test"});
    auto& sv = c.cohort.survival;
    sv.expression = get_path(c, pending, *h, "cohort", "expression");
    sv.clinical = get_path(c, pending, *h, "cohort", "clinical");
    sv.cohort.id = get_string(c, *h, "id", "patient");
    sv.cohort.time = get_string(c, *h, "time");
    sv.cohort.event = get_string(c, *h, "event");
    sv.cohort.covariates = get_strings(c, *h, "covariates");
    sv.cohort.cause = static_cast<int>(get_whole(c, *h, "cohort", "cause", 0, 0, 1e6));
    sv.ph_test = get_bool(c, *h, "ph_test", false);
    c.cohort.km_top = static_cast<int>(get_whole(c, *h, "cohort", "km_top", c.cohort.km_top, 0, 1e6));
    c.cohort.forest_top = static_cast<int>(get_whole(c, *h, "cohort", "forest_top", c.cohort.forest_top, 0, 1e6));
    c.cohort.name = get_string(c, *h, "name");
    c.cohort.time_unit = get_string(c, *h, "time_unit");
    if (sv.expression.empty() || sv.clinical.empty() || sv.cohort.time.empty() || sv.cohort.event.empty())
      config_error(c, &root["cohort"].ref<toml::table>(), "[cohort] needs expression, clinical, time and event");
  }
  if (const toml::table* sc = root["score"].as_table()) {
    check_keys(c, *sc, "score", {"alpha", "nfolds", "seed", "s", "bootstrap", "foldid"});
    c.has_score = true;
    auto& o = c.score;
    o.alpha = get_number(c, *sc, "alpha", o.alpha);
    o.nfolds = get_int(c, *sc, "nfolds", o.nfolds);
    o.seed = static_cast<std::uint64_t>(get_number(c, *sc, "seed", static_cast<double>(o.seed)));
    o.s = get_string(c, *sc, "s", o.s);
    o.bootstrap = get_int(c, *sc, "bootstrap", o.bootstrap);
    if (const std::string f = get_string(c, *sc, "foldid"); !f.empty()) o.foldid = get_path(c, pending, *sc, "score", "foldid");
    try {
      validate(o);
    } catch (const core::UsageError& e) {
      config_error(c, &root["score"].ref<toml::table>(), std::string("[score] ") + e.what());
    }
  }
  if (const toml::table* t = root["targets"].as_table()) {
    check_keys(c, *t, "targets", {"tables", "mirbase", "families"});
    c.mirbase = get_path(c, pending, *t, "targets", "mirbase");
    c.families = get_path(c, pending, *t, "targets", "families");
    if (const toml::node* n = t->get("tables")) {
      const toml::array* a = n->as_array();
      if (!a) config_error(c, n, "[targets] tables must be a list of {path, mirna, gene} tables");
      for (const auto& e : *a) {
        const toml::table* tt = e.as_table();
        if (!tt) config_error(c, &e, "each [targets] table entry must be {path = \"...\", mirna = \"column\", gene = \"column\"}");
        check_keys(c, *tt, "targets.tables", {"path", "mirna", "gene", "where"});
        TargetTableSpec x;
        x.path = get_path(c, pending, *tt, "targets.tables", "path");
        x.mirna = get_string(c, *tt, "mirna", x.mirna);
        x.gene = get_string(c, *tt, "gene", x.gene);
        const std::string where = get_string(c, *tt, "where");
        if (!where.empty()) {
          const auto eq = where.find('=');
          if (eq == std::string::npos) config_error(c, tt->get("where"), "where must be \"column=value\"");
          x.where_column = where.substr(0, eq);
          x.where_value = where.substr(eq + 1);
        }
        if (x.path.empty()) config_error(c, &e, "a [targets] table needs a path");
        c.target_tables.push_back(x);
      }
    }
  }
  if (const toml::table* e = root["enrichment"].as_table()) {
    check_keys(c, *e, "enrichment", {"gene_sets", "method", "permutations", "top"});
    for (const auto& g : get_strings(c, *e, "gene_sets")) c.enrichment.gene_sets.push_back(resolve(c, g));
    if (const toml::array* a = e->get("gene_sets") ? e->get("gene_sets")->as_array() : nullptr)
      for (std::size_t i = 0; i < a->size() && i < c.enrichment.gene_sets.size(); ++i)
        pending.push_back({a->get(i), "[enrichment] gene_sets", c.enrichment.gene_sets[i]});
    c.enrichment.method = get_string(c, *e, "method", c.enrichment.method);
    check_at(c, *e, "enrichment", "method", [&] { (void)targets::parse_enrich_method(c.enrichment.method); });
    c.enrichment.permutations = static_cast<int>(get_whole(c, *e, "enrichment", "permutations", c.enrichment.permutations, 1, kMaxPermutations));
    c.enrichment.top = static_cast<int>(get_whole(c, *e, "enrichment", "top", c.enrichment.top, 1, 1e6));
  }
  if (const toml::table* m = root["simulate"].as_table()) {
    check_keys(c, *m, "simulate", {"patients", "top", "seed", "years", "mirna_effect_lsc", "mirna_sensitize", "dose_patients"});
    auto& m_ = c.simulate;
    m_.enabled = true;
    m_.dose_patients = static_cast<int>(get_whole(c, *m, "simulate", "dose_patients", m_.dose_patients, 0, 1e7));
    m_.top = static_cast<int>(get_whole(c, *m, "simulate", "top", m_.top, 0, 1e6));
    m_.options.patients = static_cast<std::size_t>(get_whole(c, *m, "simulate", "patients", static_cast<double>(m_.options.patients), 1, 1e8));
    m_.options.seed = static_cast<std::uint64_t>(get_whole(c, *m, "simulate", "seed", static_cast<double>(m_.options.seed), 0, 9007199254740992.0));
    m_.options.years = get_number(c, *m, "years", m_.options.years);
    m_.options.effect_lsc = get_number(c, *m, "mirna_effect_lsc", m_.options.effect_lsc);
    m_.options.sensitize = get_number(c, *m, "mirna_sensitize", m_.options.sensitize);
    check_at(c, *m, "simulate", "years", [&] {
      if (m_.options.years <= 0 || m_.options.years > 50) throw core::UsageError("must be in (0, 50]");
    });
    check_at(c, *m, "simulate", m->get("mirna_effect_lsc") ? "mirna_effect_lsc" : "mirna_sensitize", [&] { sim::validate(m_.options, 1.0); });
  }
  if (const toml::table* r = root["rank"].as_table()) {
    check_keys(c, *r, "rank", {"w_specificity", "w_outcome", "w_sparing", "w_targets", "target_saturation", "min_consistency", "categories", "report_top"});
    c.weights.specificity = get_number(c, *r, "w_specificity", c.weights.specificity);
    c.weights.outcome = get_number(c, *r, "w_outcome", c.weights.outcome);
    c.weights.sparing = get_number(c, *r, "w_sparing", c.weights.sparing);
    c.weights.targets = get_number(c, *r, "w_targets", c.weights.targets);
    c.weights.target_saturation = get_number(c, *r, "target_saturation", c.weights.target_saturation);
    c.weights.min_consistency = get_number(c, *r, "min_consistency", c.weights.min_consistency);
    for (const char* k : {"w_specificity", "w_outcome", "w_sparing", "w_targets", "target_saturation"})
      if (const toml::node* n = r->get(k); n && !(n->value_or(-1.0) >= 0 && std::isfinite(n->value_or(-1.0))))
        config_error(c, n, std::string("[rank] ") + k + " must be a finite number >= 0");
    if (const toml::node* n = r->get("categories")) {
      const toml::table* ct = n->as_table();
      if (!ct) config_error(c, n, "[rank] categories must be a table of name = \"regex\"");
      for (const auto& [k, v] : *ct) {
        if (!v.is_string()) config_error(c, &v, "category " + std::string(k.str()) + " must be a regex string");
        c.categories.push_back(std::string(k.str()) + "=" + *v.value<std::string>());
      }
    }
    check_at(c, *r, "rank", "categories", [&] { (void)parse_categories(c.categories); });
    c.report_top = static_cast<int>(get_whole(c, *r, "rank", "report_top", c.report_top, 0, 1e6));
  }
  if (const toml::table* o = root["output"].as_table()) {
    check_keys(c, *o, "output", {"dir", "title"});
    c.out = resolve(c, get_string(c, *o, "dir"));
    c.title = get_string(c, *o, "title", c.title);
  }
  for (const auto& f : pending) check_input_file(c, f.node, f.where, f.path);
  return c;
}

nlohmann::json study_description(const StudyConfig& c) {
  const std::string input = !c.counts.empty() ? c.counts : !c.expression.empty() ? c.expression : !c.ct.empty() ? c.ct : c.fastq_sheet;
  nlohmann::json d = {{"samples", std::filesystem::path(c.samples).filename().string()},
                      {"input", std::filesystem::path(input).filename().string()},
                      {"simulated", c.simulated},
                      {"contrasts", c.de.contrasts},
                      {"title", c.title}};
  if (c.has_cohort) {
    const auto& sv = c.cohort.survival;
    d["cohort"] = {{"name", c.cohort.name},
                   {"expression", std::filesystem::path(sv.expression).filename().string()},
                   {"clinical", std::filesystem::path(sv.clinical).filename().string()},
                   {"time", sv.cohort.time},
                   {"time_unit", c.cohort.time_unit},
                   {"event", sv.cohort.event},
                   {"covariates", sv.cohort.covariates}};
  }
  return d;
}

}  // namespace lscmir::study
