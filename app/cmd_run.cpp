// SPDX-License-Identifier: GPL-3.0-or-later
// lscmir run CONFIG.toml: the whole study in one folder (DE, specificity, cohort outcome, targets,
// candidates, report); lscmir demo: the same on the bundled data in data/demo/.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <toml++/toml.h>

#include "common.hpp"
#include "lscmir/core/error.hpp"
#include "lscmir/core/parallel.hpp"
#include "lscmir/io/matrix.hpp"
#include "lscmir/io/output.hpp"
#include "lscmir/io/sample_sheet.hpp"
#include "lscmir/io/table.hpp"
#include "lscmir/report/report.hpp"
#include "lscmir/stats/norm_factors.hpp"
#include "lscmir/study/qc.hpp"
#include "lscmir/study/run_folder.hpp"

namespace lscmir::app {

int cmd_de(const std::vector<std::string>& argv, core::Logger& log);
int cmd_qpcr(const std::vector<std::string>& argv, core::Logger& log);
int cmd_quant(const std::vector<std::string>& argv, core::Logger& log);
int cmd_enrich(const std::vector<std::string>& argv, core::Logger& log);
int cmd_rank(const std::vector<std::string>& argv, core::Logger& log);
int cmd_simulate(const std::vector<std::string>& argv, core::Logger& log);
int cmd_specificity(const std::vector<std::string>& argv, core::Logger& log);
int cmd_survival(const std::vector<std::string>& argv, core::Logger& log);

namespace {

namespace fs = std::filesystem;

struct TargetTable {
  std::string path, mirna = "mirna", gene = "gene", where_column, where_value;
};

struct Config {
  std::string path;  // the config file
  // [study]
  std::string samples, counts, expression, ct, fastq_sheet, method, norm, design, lsc = "LSC", hsc = "HSC", lpc = "LPC";
  std::vector<std::string> contrasts;
  bool robust = false;
  double fdr = 0.05, lfc = 1.0;
  // [qpcr]
  std::string qpcr_normalize, qpcr_impute;
  std::vector<std::string> qpcr_controls;
  double qpcr_ct_max = 0;
  // [quant] (with fastq_sheet): option name -> value, passed as --name value
  std::vector<std::pair<std::string, std::string>> quant_options;
  // [cohort]
  std::string cohort_expression, cohort_clinical, cohort_id, cohort_time, cohort_event;
  std::vector<std::string> cohort_covariates;
  int km_top = 3, forest_top = 12;
  // [targets]
  std::vector<TargetTable> target_tables;
  std::string mirbase, families;
  // [enrichment]
  std::vector<std::string> gene_sets;
  std::string enrich_method = "empirical";
  int enrich_permutations = 2000, enrich_top = 10;
  // [simulate]
  bool simulate = false;
  int sim_patients = 2000, sim_top = 2, sim_seed = 1, sim_dose_patients = 300;
  double sim_years = 5, sim_effect_lsc = 0.05, sim_sensitize = 0;
  // [rank]
  std::map<std::string, double> weights;
  std::vector<std::string> categories;
  int report_top = 6;
  // [output]
  std::string out, title = "lscmir study report";
};

/// Config errors name the file and the line of the offending key.
[[noreturn]] void config_error(const Config& c, const toml::node* node, const std::string& problem, const std::string& hint = {}) {
  const std::size_t line = node ? static_cast<std::size_t>(node->source().begin.line) : 0;
  throw core::InputError(c.path, line, problem, hint);
}

std::string resolve(const Config& c, const std::string& p) {
  if (p.empty() || fs::path(p).is_absolute()) return p;
  return (fs::path(c.path).parent_path() / p).lexically_normal().string();
}

void check_keys(const Config& c, const toml::table& t, const std::string& section, const std::set<std::string>& known) {
  for (const auto& [k, v] : t)
    if (!known.count(std::string(k.str()))) {
      std::string list;
      for (const auto& n : known) list += (list.empty() ? "" : ", ") + n;
      config_error(c, &v, "unknown key \"" + std::string(k.str()) + "\" in [" + section + "]", "known keys: " + list);
    }
}

std::string get_string(const Config& c, const toml::table& t, const std::string& key, const std::string& fallback = {}) {
  const toml::node* n = t.get(key);
  if (!n) return fallback;
  if (!n->is_string()) config_error(c, n, "\"" + key + "\" must be a string");
  return std::string(*n->value<std::string>());
}

double get_number(const Config& c, const toml::table& t, const std::string& key, double fallback) {
  const toml::node* n = t.get(key);
  if (!n) return fallback;
  if (auto v = n->value<double>()) return *v;
  config_error(c, n, "\"" + key + "\" must be a number");
}

bool get_bool(const Config& c, const toml::table& t, const std::string& key, bool fallback) {
  const toml::node* n = t.get(key);
  if (!n) return fallback;
  if (auto v = n->value<bool>()) return *v;
  config_error(c, n, "\"" + key + "\" must be true or false");
}

std::vector<std::string> get_strings(const Config& c, const toml::table& t, const std::string& key) {
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

Config read_config(const std::string& path) {
  Config c;
  c.path = path;
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw core::InputError(path, static_cast<std::size_t>(e.source().begin.line), std::string(e.description()),
                           "see docs/config.md for the format");
  }
  check_keys(c, root, "top level", {"study", "qpcr", "quant", "cohort", "targets", "enrichment", "rank", "simulate", "output"});
  const toml::table* study = root["study"].as_table();
  if (!study) throw core::InputError(path, 0, "missing [study] section", "see docs/config.md");
  check_keys(c, *study, "study", {"samples", "counts", "expression", "ct", "fastq_sheet", "contrasts", "method", "norm", "design", "robust",
                                  "lsc", "hsc", "lpc", "fdr", "lfc"});
  c.samples = resolve(c, get_string(c, *study, "samples"));
  if (c.samples.empty()) config_error(c, study->get("samples"), "[study] needs \"samples\" (the sample sheet)");
  c.counts = resolve(c, get_string(c, *study, "counts"));
  c.expression = resolve(c, get_string(c, *study, "expression"));
  c.ct = resolve(c, get_string(c, *study, "ct"));
  c.fastq_sheet = resolve(c, get_string(c, *study, "fastq_sheet"));
  const int inputs = !c.counts.empty() + !c.expression.empty() + !c.ct.empty() + !c.fastq_sheet.empty();
  if (inputs != 1)
    throw core::InputError(path, 0, "[study] needs exactly one of counts, expression, ct, fastq_sheet (found " + std::to_string(inputs) + ")");
  c.contrasts = get_strings(c, *study, "contrasts");
  if (c.contrasts.empty()) throw core::InputError(path, 0, "[study] needs contrasts, like [\"LSC-HSC\", \"LSC-LPC\", \"HSC-LPC\"]");
  c.method = get_string(c, *study, "method");
  c.norm = get_string(c, *study, "norm");
  c.design = get_string(c, *study, "design");
  c.robust = get_bool(c, *study, "robust", false);
  c.lsc = get_string(c, *study, "lsc", c.lsc);
  c.hsc = get_string(c, *study, "hsc", c.hsc);
  c.lpc = get_string(c, *study, "lpc", c.lpc);
  c.fdr = get_number(c, *study, "fdr", c.fdr);
  c.lfc = get_number(c, *study, "lfc", c.lfc);
  if (const toml::table* q = root["qpcr"].as_table()) {
    check_keys(c, *q, "qpcr", {"normalize", "ct_max", "controls", "impute"});
    c.qpcr_normalize = get_string(c, *q, "normalize");
    c.qpcr_ct_max = get_number(c, *q, "ct_max", 0);
    c.qpcr_controls = get_strings(c, *q, "controls");
    c.qpcr_impute = get_string(c, *q, "impute");
  }
  if (const toml::table* q = root["quant"].as_table()) {
    check_keys(c, *q, "quant", {"hairpin", "mature", "gff3", "adapter", "umi", "min_length", "max_length", "mismatches",
                                "tolerance_5p", "tolerance_3p", "species"});
    for (const auto& [k, v] : *q) {
      std::string flag = "--" + std::string(k.str());
      std::replace(flag.begin(), flag.end(), '_', '-');
      std::string value;
      if (v.is_string()) value = *v.value<std::string>();
      else if (v.is_integer()) value = std::to_string(*v.value<int64_t>());
      else config_error(c, &v, "[quant] " + std::string(k.str()) + " must be a string or an integer");
      if (k.str() == "hairpin" || k.str() == "mature" || k.str() == "gff3") value = resolve(c, value);
      c.quant_options.emplace_back(flag, value);
    }
  }
  if (!c.fastq_sheet.empty()) {
    const auto has = [&](const char* f) {
      return std::any_of(c.quant_options.begin(), c.quant_options.end(), [&](const auto& o) { return o.first == f; });
    };
    if (!has("--hairpin") || !has("--mature"))
      throw core::InputError(path, 0, "fastq_sheet needs a [quant] section with hairpin and mature (miRBase FASTA)");
  }
  if (const toml::table* h = root["cohort"].as_table()) {
    check_keys(c, *h, "cohort", {"expression", "clinical", "id", "time", "event", "covariates", "km_top", "forest_top"});
    c.cohort_expression = resolve(c, get_string(c, *h, "expression"));
    c.cohort_clinical = resolve(c, get_string(c, *h, "clinical"));
    c.cohort_id = get_string(c, *h, "id", "patient");
    c.cohort_time = get_string(c, *h, "time");
    c.cohort_event = get_string(c, *h, "event");
    c.cohort_covariates = get_strings(c, *h, "covariates");
    c.km_top = static_cast<int>(get_number(c, *h, "km_top", c.km_top));
    c.forest_top = static_cast<int>(get_number(c, *h, "forest_top", c.forest_top));
    if (c.cohort_expression.empty() || c.cohort_clinical.empty() || c.cohort_time.empty() || c.cohort_event.empty())
      config_error(c, &root["cohort"].ref<toml::table>(), "[cohort] needs expression, clinical, time and event");
  }
  if (const toml::table* t = root["targets"].as_table()) {
    check_keys(c, *t, "targets", {"tables", "mirbase", "families"});
    c.mirbase = resolve(c, get_string(c, *t, "mirbase"));
    c.families = resolve(c, get_string(c, *t, "families"));
    if (const toml::node* n = t->get("tables")) {
      const toml::array* a = n->as_array();
      if (!a) config_error(c, n, "[targets] tables must be a list of {path, mirna, gene} tables");
      for (const auto& e : *a) {
        const toml::table* tt = e.as_table();
        if (!tt) config_error(c, &e, "each [targets] table entry must be {path = \"...\", mirna = \"column\", gene = \"column\"}");
        check_keys(c, *tt, "targets.tables", {"path", "mirna", "gene", "where"});
        TargetTable x;
        x.path = resolve(c, get_string(c, *tt, "path"));
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
    for (const auto& g : get_strings(c, *e, "gene_sets")) c.gene_sets.push_back(resolve(c, g));
    c.enrich_method = get_string(c, *e, "method", c.enrich_method);
    c.enrich_permutations = static_cast<int>(get_number(c, *e, "permutations", c.enrich_permutations));
    c.enrich_top = static_cast<int>(get_number(c, *e, "top", c.enrich_top));
  }
  if (const toml::table* m = root["simulate"].as_table()) {
    check_keys(c, *m, "simulate", {"patients", "top", "seed", "years", "mirna_effect_lsc", "mirna_sensitize", "dose_patients"});
    c.sim_dose_patients = static_cast<int>(get_number(c, *m, "dose_patients", c.sim_dose_patients));
    c.simulate = true;
    c.sim_patients = static_cast<int>(get_number(c, *m, "patients", c.sim_patients));
    c.sim_top = static_cast<int>(get_number(c, *m, "top", c.sim_top));
    c.sim_seed = static_cast<int>(get_number(c, *m, "seed", c.sim_seed));
    c.sim_years = get_number(c, *m, "years", c.sim_years);
    c.sim_effect_lsc = get_number(c, *m, "mirna_effect_lsc", c.sim_effect_lsc);
    c.sim_sensitize = get_number(c, *m, "mirna_sensitize", c.sim_sensitize);
  }
  if (const toml::table* r = root["rank"].as_table()) {
    check_keys(c, *r, "rank", {"w_specificity", "w_outcome", "w_sparing", "w_targets", "target_saturation", "categories", "report_top"});
    for (const std::string k : {"w_specificity", "w_outcome", "w_sparing", "w_targets", "target_saturation"})
      if (r->get(k)) c.weights[k] = get_number(c, *r, k, 0);
    if (const toml::node* n = r->get("categories")) {
      const toml::table* ct = n->as_table();
      if (!ct) config_error(c, n, "[rank] categories must be a table of name = \"regex\"");
      for (const auto& [k, v] : *ct) {
        if (!v.is_string()) config_error(c, &v, "category " + std::string(k.str()) + " must be a regex string");
        c.categories.push_back(std::string(k.str()) + "=" + *v.value<std::string>());
      }
    }
    c.report_top = static_cast<int>(get_number(c, *r, "report_top", c.report_top));
  }
  if (const toml::table* o = root["output"].as_table()) {
    check_keys(c, *o, "output", {"dir", "title"});
    c.out = resolve(c, get_string(c, *o, "dir"));
    c.title = get_string(c, *o, "title", c.title);
  }
  return c;
}

struct Runner {
  const Config& c;
  std::string out;
  int threads;
  bool quiet;
  core::Logger& log;
  nlohmann::json stages = nlohmann::json::array();
  std::optional<io::Table> candidates_table;  ///< candidates.tsv, read once after the rank stage

  void stage(const std::string& name, int (*fn)(const std::vector<std::string>&, core::Logger&), const std::string& command,
             std::vector<std::string> args, const std::string& dir = {}) {
    std::vector<std::string> argv{"lscmir " + command};
    argv.insert(argv.end(), args.begin(), args.end());
    for (const std::string& a : {std::string("--out"), dir.empty() ? out : dir, std::string("--force"), std::string("--threads"), std::to_string(threads)})
      argv.push_back(a);
    if (quiet) argv.emplace_back("--quiet");
    log.info("run", "stage " + name + ": lscmir " + command);
    set_run_info_file("run_info." + name + ".json");
    const double t0 = now_seconds();
    const int rc = fn(argv, log);
    set_run_info_file("run_info.json");
    stages.push_back({{"stage", name}, {"command", command}, {"args", args}, {"exit", rc}, {"seconds", now_seconds() - t0}});
    if (rc != 0) {
      if (rc == kExitUsage) throw core::UsageError("stage " + name + " (lscmir " + command + ") failed; see the message above");
      throw core::NumericalError("stage " + name + " (lscmir " + command + ") failed; see the message above");
    }
  }
  std::string path(const std::string& name) const { return (fs::path(out) / name).string(); }
  /// candidates.tsv of this run, or nullptr when the rank stage did not run.
  const io::Table* candidates() {
    if (!candidates_table && fs::exists(path("candidates.tsv"))) candidates_table = io::read_table(path("candidates.tsv"));
    return candidates_table ? &*candidates_table : nullptr;
  }
};

bool has_pair(const std::vector<std::string>& contrasts, const std::string& a, const std::string& b) {
  return std::find(contrasts.begin(), contrasts.end(), a + "-" + b) != contrasts.end() ||
         std::find(contrasts.begin(), contrasts.end(), b + "-" + a) != contrasts.end();
}

/// Merges the configured target tables into mirna / gene / source rows.
std::string merge_targets(const Config& c, std::size_t& pairs) {
  std::set<std::pair<std::string, std::string>> seen;
  std::string s = "mirna\tgene\tsource\n";
  for (const auto& t : c.target_tables) {
    const io::Table tab = io::read_table(t.path);
    const std::size_t cm = tab.require_column(t.mirna), cg = tab.require_column(t.gene);
    const std::size_t cw = t.where_column.empty() ? io::Table::npos : tab.require_column(t.where_column);
    const std::string source = fs::path(t.path).filename().string();
    for (const auto& row : tab.rows) {
      if (cw != io::Table::npos && row[cw] != t.where_value) continue;
      if (row[cm].empty() || row[cg].empty()) continue;
      if (!seen.emplace(row[cm], row[cg] + "\t" + source).second) continue;
      s += row[cm] + "\t" + row[cg] + "\t" + source + "\n";
    }
  }
  pairs = seen.size();
  return s;
}

/// qc_samples.tsv and report_expression.tsv for the report.
void write_qc(Runner& r, const io::SampleSheet& sheet) {
  const Config& c = r.c;
  const bool counts = !c.counts.empty() || !c.fastq_sheet.empty();
  const std::string input = !c.counts.empty() ? c.counts : !c.fastq_sheet.empty() ? r.path("counts.tsv")
                            : (c.ct.empty() ? c.expression : r.path("expression.tsv"));
  io::LabeledMatrix m = io::read_matrix(input, counts ? io::MatrixKind::kCounts : io::MatrixKind::kExpression, r.threads);
  const std::vector<std::size_t> cols = io::match_samples(sheet, m);
  Eigen::MatrixXd y(m.values.rows(), static_cast<Eigen::Index>(cols.size()));
  for (std::size_t j = 0; j < cols.size(); ++j) y.col(static_cast<Eigen::Index>(j)) = m.values.col(static_cast<Eigen::Index>(cols[j]));
  std::vector<double> lib(cols.size(), std::nan("")), nf(cols.size(), std::nan(""));
  Eigen::MatrixXd logexpr = y;
  if (counts) {
    lib = stats::library_sizes(y);
    stats::NormMethod method{};
    if (!stats::parse_norm_method(c.norm.empty() ? "TMM" : c.norm, method)) method = stats::NormMethod{};
    nf = stats::norm_factors(y, lib, method, r.threads);
    std::vector<double> eff(lib.size());
    for (std::size_t j = 0; j < lib.size(); ++j) eff[j] = lib[j] * nf[j];
    logexpr = stats::log_cpm(y, eff, 2.0, r.threads);
  }
  const study::Pca pca = study::pca_top_variable(logexpr, 500);
  const auto& pop = sheet.column("population");
  const bool has_patient = sheet.has_column("patient");
  std::string s = "sample\tpatient\tpopulation\tlib.size\tnorm.factors\tPC1\tPC2\n";
  for (std::size_t j = 0; j < cols.size(); ++j) {
    s += sheet.samples[j] + "\t" + (has_patient ? sheet.column("patient")[j] : std::string("NA")) + "\t" + pop[j];
    for (double v : {lib[j], nf[j], pca.pc1[j], pca.pc2[j]}) {
      s.push_back('\t');
      io::append_double(s, v);
    }
    s.push_back('\n');
  }
  io::write_file_atomic(r.path("qc_samples.tsv"), s);

  // the top candidates and the specific miRNAs, per sample
  std::map<std::string, Eigen::Index> row_of;
  for (std::size_t g = 0; g < m.features.size(); ++g) row_of.emplace(m.features[g], static_cast<Eigen::Index>(g));
  std::vector<std::pair<std::string, std::string>> wanted;  // feature, role|class
  if (const io::Table* cand = r.candidates()) {
    const io::Table& t = *cand;
    const std::size_t cf = t.require_column("feature"), cc = t.require_column("class");
    for (std::size_t i = 0; i < t.rows.size() && static_cast<int>(i) < c.report_top; ++i) wanted.emplace_back(t.rows[i][cf], "top\t" + t.rows[i][cc]);
  }
  if (fs::exists(r.path("specificity.tsv"))) {
    const io::Table t = io::read_table(r.path("specificity.tsv"));
    const std::size_t cf = t.require_column("feature"), cc = t.require_column("class");
    int n = 0;
    for (const auto& row : t.rows)
      if (row[cc] != "none" && n++ < 80) wanted.emplace_back(row[cf], "specific\t" + row[cc]);
  }
  std::string e = "feature\tsample\tpatient\tpopulation\tvalue\tz\trole\tclass\n";
  for (const auto& [feature, role] : wanted) {
    const auto it = row_of.find(feature);
    if (it == row_of.end()) continue;
    const Eigen::RowVectorXd v = logexpr.row(it->second);
    double mean = 0, sd = 0;
    int n = 0;
    for (Eigen::Index j = 0; j < v.size(); ++j)
      if (std::isfinite(v(j))) mean += v(j), ++n;
    mean = n ? mean / n : 0;
    for (Eigen::Index j = 0; j < v.size(); ++j)
      if (std::isfinite(v(j))) sd += (v(j) - mean) * (v(j) - mean);
    sd = n > 1 ? std::sqrt(sd / (n - 1)) : 0;
    for (std::size_t j = 0; j < cols.size(); ++j) {
      const double x = v(static_cast<Eigen::Index>(j));
      e += feature + "\t" + sheet.samples[j] + "\t" + (has_patient ? sheet.column("patient")[j] : std::string("NA")) + "\t" + pop[j] + "\t";
      io::append_double(e, x);
      e.push_back('\t');
      io::append_double(e, sd > 0 && std::isfinite(x) ? (x - mean) / sd : std::nan(""));
      e += "\t" + role + "\n";
    }
  }
  io::write_file_atomic(r.path("report_expression.tsv"), e);
}

/// forest.tsv (Cox rows of the top candidates' cohort miRNAs) and the features for KM curves.
std::vector<std::string> write_forest(Runner& r) {
  std::vector<std::string> km;
  if (!r.candidates() || !fs::exists(r.path("cox.tsv"))) return km;
  const io::Table& cand = *r.candidates();
  const io::Table cox = io::read_table(r.path("cox.tsv"));
  std::map<std::string, std::size_t> cox_row;
  const std::size_t xf = cox.require_column("feature");
  for (std::size_t i = 0; i < cox.rows.size(); ++i) cox_row.emplace(cox.rows[i][xf], i);
  const std::size_t cf = cand.require_column("feature"), cc = cand.require_column("cohort_feature"), ci = cand.require_column("intervention");
  std::vector<std::size_t> cox_cols;
  for (const std::string col : {"HR", "HR.lower95", "HR.upper95", "P.Wald"}) cox_cols.push_back(cox.require_column(col));
  std::string s = "label\tfeature\tcohort_feature\tintervention\tHR\tHR.lower95\tHR.upper95\tP.Wald\n";
  int n = 0;
  for (const auto& row : cand.rows) {
    const auto it = cox_row.find(row[cc]);
    if (it == cox_row.end()) continue;
    if (n++ >= r.c.forest_top) break;
    const auto& x = cox.rows[it->second];
    s += row[cf] + " (" + row[cc] + ")\t" + row[cf] + "\t" + row[cc] + "\t" + row[ci];
    for (std::size_t col : cox_cols) s += "\t" + x[col];
    s += "\n";
    if (static_cast<int>(km.size()) < r.c.km_top && std::find(km.begin(), km.end(), row[cc]) == km.end()) km.push_back(row[cc]);
  }
  io::write_file_atomic(r.path("forest.tsv"), s);
  return km;
}

/// Top candidates of one intervention that the target table knows.
std::vector<std::string> top_candidates(Runner& r, const std::string& intervention, int n, const std::set<std::string>* known) {
  std::vector<std::string> out;
  const io::Table& t = *r.candidates();
  const std::size_t cf = t.require_column("feature"), ci = t.require_column("intervention");
  for (const auto& row : t.rows) {
    if (static_cast<int>(out.size()) >= n) break;
    if ((intervention.empty() || row[ci] == intervention) && (!known || known->count(row[cf]))) out.push_back(row[cf]);
  }
  return out;
}

void enrich_candidates(Runner& r) {
  const Config& c = r.c;
  std::set<std::string> known;
  {
    const io::Table t = io::read_table(r.path("target_pairs.tsv"));
    const std::size_t cm = t.require_column("mirna");
    for (const auto& row : t.rows) known.insert(row[cm]);
  }
  for (const std::string which : {"inhibit", "restore"}) {
    const auto mirnas = top_candidates(r, which, c.enrich_top, &known);
    if (mirnas.empty()) continue;
    std::string list;
    for (const auto& m : mirnas) list += (list.empty() ? "" : ",") + m;
    std::vector<std::string> a{"--targets", r.path("target_pairs.tsv"), "--mirnas", list, "--method", c.enrich_method};
    if (c.enrich_method == "empirical") a.insert(a.end(), {"--permutations", std::to_string(c.enrich_permutations), "--seed", "1"});
    a.emplace_back("--gene-sets");
    for (const auto& g : c.gene_sets) a.push_back(g);
    const std::string dir = r.path("enrichment_" + which);
    r.stage("enrich_" + which, cmd_enrich, "enrich", a, dir);
    fs::rename(fs::path(dir) / "enrichment.tsv", r.path("enrichment_" + which + ".tsv"));
    fs::rename(fs::path(dir) / ("run_info.enrich_" + which + ".json"), r.path("run_info.enrich_" + which + ".json"));
    fs::remove_all(dir);
    r.log.info("run", fmt::format("enrichment of the targets of the top {} {} candidates -> enrichment_{}.tsv", mirnas.size(), which, which));
  }
}

/// Prepends `candidate` to every line of a simulate table (header: "candidate").
void append_with_candidate(std::string& out, const fs::path& file, const std::string& candidate) {
  std::ifstream in(file);
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (header) {
      if (out.empty()) out += "candidate\t" + line + "\n";
      header = false;
      continue;
    }
    out += candidate + "\t" + line + "\n";
  }
}

void simulate_candidates(Runner& r) {
  const Config& c = r.c;
  const auto top = top_candidates(r, "", c.sim_top, nullptr);
  std::string summary, km, traj, dose;
  for (std::size_t i = 0; i < top.size(); ++i) {
    const std::string dir = r.path("simulate_" + std::to_string(i + 1));
    std::vector<std::string> a{"--candidate", top[i], "--candidates", r.path("candidates.tsv"), "--patients", std::to_string(c.sim_patients),
                               "--years", fmt::format("{}", c.sim_years), "--seed", std::to_string(c.sim_seed),
                               "--mirna-effect-lsc", fmt::format("{}", c.sim_effect_lsc), "--mirna-sensitize", fmt::format("{}", c.sim_sensitize)};
    r.stage("simulate_" + std::to_string(i + 1), cmd_simulate, "simulate", a, dir);
    append_with_candidate(summary, fs::path(dir) / "sim_summary.tsv", top[i]);
    append_with_candidate(km, fs::path(dir) / "sim_km.tsv", top[i]);
    append_with_candidate(traj, fs::path(dir) / "sim_trajectories.tsv", top[i]);
    fs::rename(fs::path(dir) / ("run_info.simulate_" + std::to_string(i + 1) + ".json"), r.path("run_info.simulate_" + std::to_string(i + 1) + ".json"));
    fs::remove_all(dir);
    if (i == 0) {  // the dose-response grid of the top candidate, with fewer patients per grid point
      const std::string ddir = r.path("simulate_dose");
      a[5] = std::to_string(c.sim_dose_patients);
      a.insert(a.end(), {"--dose-response", "--arms", "standard", "--trajectories", "0"});
      r.stage("simulate_dose", cmd_simulate, "simulate", a, ddir);
      append_with_candidate(dose, fs::path(ddir) / "sim_dose_response.tsv", top[i]);
      fs::rename(fs::path(ddir) / "run_info.simulate_dose.json", r.path("run_info.simulate_dose.json"));
      fs::remove_all(ddir);
    }
  }
  if (top.empty()) return;
  io::write_file_atomic(r.path("sim_summary.tsv"), summary);
  io::write_file_atomic(r.path("sim_km.tsv"), km);
  io::write_file_atomic(r.path("sim_trajectories.tsv"), traj);
  io::write_file_atomic(r.path("sim_dose_response.tsv"), dose);
}

int run_pipeline(const Config& c, const std::string& out_override, int threads_opt, bool force, bool quiet,
                 const std::vector<std::string>& argv, core::Logger& log) {
  const double t0 = now_seconds();
  CommonOptions common;
  common.quiet = quiet;
  core::RunInfo info = begin_run("run", argv, common, log);
  Runner r{c, out_override.empty() ? c.out : out_override, core::resolve_threads(threads_opt), quiet, log};
  if (r.out.empty()) throw core::UsageError("no output folder: give --out or [output] dir in " + c.path);
  if (fs::exists(r.out) && !fs::is_directory(r.out)) throw core::UsageError(r.out + " exists and is not a folder");
  if (fs::is_directory(r.out) && !fs::is_empty(r.out) && !force)
    throw core::UsageError(r.out + " is not empty; use --force to overwrite the run in it");
  fs::create_directories(r.out);
  // A rerun must not mix with an older run's tables: remove what a run writes, nothing else.
  static const std::set<std::string> kNames = {
      "norm_factors.tsv", "specificity.tsv", "specificity_summary.tsv", "cox.tsv", "logrank.tsv", "logistic.tsv",
      "candidates.tsv", "target_pairs.tsv", "forest.tsv", "qc_samples.tsv", "report_expression.tsv", "expression.tsv",
      "ct_summary.tsv", "normalizers.tsv", "detection.tsv", "references.tsv", "report.html", "counts.tsv",
      "hairpin_counts.tsv", "isomirs.gff3", "qc.json", "quant_sheet.tsv"};
  for (const auto& e : fs::directory_iterator(r.out)) {
    const std::string n = e.path().filename().string();
    const bool ours = kNames.count(n) || ((n.rfind("de_", 0) == 0 || n.rfind("km_", 0) == 0 || n.rfind("onoff_", 0) == 0 ||
                                           n.rfind("enrichment", 0) == 0 || n.rfind("sim_", 0) == 0) && e.path().extension() == ".tsv") ||
                      (n.rfind("run_info", 0) == 0 && e.path().extension() == ".json");
    if (e.is_regular_file() && ours) fs::remove(e.path());
  }
  const io::SampleSheet sheet = io::read_sample_sheet(c.samples);

  // 1. expression
  std::string expression = c.expression;
  std::string counts = c.counts;
  if (!c.fastq_sheet.empty()) {
    // FASTQ paths are relative to the sheet's folder; quant takes them relative to the working one.
    const io::Table fq = io::read_table(c.fastq_sheet);
    const std::size_t cs = fq.require_column("sample"), cf = fq.require_column("fastq"), ca = fq.find_column("adapter");
    std::string sheet_text = ca == io::Table::npos ? "sample\tfastq\n" : "sample\tfastq\tadapter\n";
    for (const auto& row : fq.rows) {
      fs::path f = row[cf];
      if (!f.is_absolute()) f = fs::path(c.fastq_sheet).parent_path() / f;
      sheet_text += row[cs] + "\t" + fs::absolute(f).lexically_normal().string() + (ca == io::Table::npos ? "" : "\t" + row[ca]) + "\n";
    }
    io::write_file_atomic(r.path("quant_sheet.tsv"), sheet_text);
    std::vector<std::string> a{"--samples", r.path("quant_sheet.tsv")};
    for (const auto& [flag, value] : c.quant_options) a.insert(a.end(), {flag, value});
    r.stage("quant", cmd_quant, "quant", a);
    counts = r.path("counts.tsv");
  }
  if (!c.ct.empty()) {
    std::vector<std::string> a{"--ct", c.ct, "--samples", c.samples};
    if (!c.qpcr_normalize.empty()) a.insert(a.end(), {"--normalize", c.qpcr_normalize});
    if (c.qpcr_ct_max > 0) a.insert(a.end(), {"--ct-max", fmt::format("{}", c.qpcr_ct_max)});
    if (!c.qpcr_impute.empty()) a.insert(a.end(), {"--impute", c.qpcr_impute});
    std::string ctl;
    for (const auto& x : c.qpcr_controls) ctl += (ctl.empty() ? "" : ",") + x;
    if (!ctl.empty()) a.insert(a.end(), {"--controls", ctl});
    for (const auto& k : c.contrasts) a.insert(a.end(), {"--contrast", k});
    r.stage("qpcr", cmd_qpcr, "qpcr", a);
    expression = r.path("expression.tsv");
  }
  // 2. differential expression
  {
    std::vector<std::string> a;
    if (!counts.empty()) a = {"--counts", counts};
    else a = {"--expression", expression};
    a.insert(a.end(), {"--samples", c.samples});
    for (const auto& k : c.contrasts) a.insert(a.end(), {"--contrast", k});
    if (!c.method.empty()) a.insert(a.end(), {"--method", c.method});
    if (!c.norm.empty() && !counts.empty()) a.insert(a.end(), {"--norm", c.norm});
    if (!c.design.empty()) a.insert(a.end(), {"--design", c.design});
    if (c.robust) a.emplace_back("--robust");
    r.stage("de", cmd_de, "de", a);
  }
  // 3. specificity
  const bool three = has_pair(c.contrasts, c.lsc, c.hsc) && has_pair(c.contrasts, c.lsc, c.lpc) && has_pair(c.contrasts, c.hsc, c.lpc);
  if (three)
    r.stage("specificity", cmd_specificity, "specificity",
            {"--de", r.out, "--lsc", c.lsc, "--hsc", c.hsc, "--lpc", c.lpc, "--fdr", fmt::format("{}", c.fdr), "--lfc", fmt::format("{}", c.lfc)});
  else
    log.warn("run", "specificity and candidates need the contrasts " + c.lsc + "-" + c.hsc + ", " + c.lsc + "-" + c.lpc + " and " + c.hsc +
                        "-" + c.lpc + "; they are skipped");
  // 4. cohort
  std::vector<std::string> cohort_args;
  if (!c.cohort_expression.empty()) {
    cohort_args = {"--expression", c.cohort_expression, "--clinical", c.cohort_clinical, "--id", c.cohort_id,
                   "--time", c.cohort_time, "--event", c.cohort_event};
    std::string cov;
    for (const auto& x : c.cohort_covariates) cov += (cov.empty() ? "" : ",") + x;
    if (!cov.empty()) cohort_args.insert(cohort_args.end(), {"--covariates", cov});
    r.stage("cohort", cmd_survival, "survival", cohort_args);
  }
  // 5. targets
  if (!c.target_tables.empty()) {
    std::size_t pairs = 0;
    io::write_file_atomic(r.path("target_pairs.tsv"), merge_targets(c, pairs));
    log.info("run", fmt::format("targets: {} miRNA-gene pairs from {} table(s) -> target_pairs.tsv", pairs, c.target_tables.size()));
    for (const auto& t : c.target_tables) info.inputs.push_back(io::checksum_file("targets", t.path));
  }
  // 6. candidates
  if (three) {
    std::vector<std::string> a{"--specificity", r.path("specificity.tsv"), "--fdr", fmt::format("{}", c.fdr), "--lsc", c.lsc, "--hsc", c.hsc};
    if (!c.cohort_expression.empty()) a.insert(a.end(), {"--cox", r.path("cox.tsv")});
    if (!c.mirbase.empty()) a.insert(a.end(), {"--mirbase", c.mirbase});
    if (!c.families.empty()) a.insert(a.end(), {"--families", c.families});
    if (!c.target_tables.empty()) a.insert(a.end(), {"--targets", r.path("target_pairs.tsv")});
    for (const auto& g : c.gene_sets) a.insert(a.end(), {"--gene-sets", g});
    for (const auto& cat : c.categories) a.insert(a.end(), {"--category", cat});
    for (const auto& [k, v] : c.weights) {
      std::string flag = "--" + k;
      std::replace(flag.begin(), flag.end(), '_', '-');
      a.insert(a.end(), {flag, fmt::format("{}", v)});
    }
    r.stage("rank", cmd_rank, "rank", a);
  }
  // 7. Kaplan-Meier curves and the forest plot of the top candidates' cohort miRNAs
  const std::vector<std::string> km = write_forest(r);
  if (!km.empty()) {
    std::vector<std::string> a = cohort_args;
    for (const auto& f : km) a.insert(a.end(), {"--km", f});
    r.stage("cohort_km", cmd_survival, "survival", a);
  }
  // 8. enrichment of the top candidates' targets, inhibit and restore separately
  if (three && !c.gene_sets.empty() && !c.target_tables.empty()) enrich_candidates(r);
  // 9. virtual patients for the top candidates
  if (three && c.simulate) simulate_candidates(r);
  // 10. QC tables and the report
  write_qc(r, sheet);
  report::ReportSummary rs;
  const std::string html = report::build_report(study::read_run(r.out), c.title, &rs);
  io::write_file_atomic(r.path("report.html"), html);
  log.info("run", fmt::format("report.html: {} charts, {} tables", rs.charts, rs.tables));

  info.inputs.push_back(io::checksum_file("config", c.path));
  for (const auto& e : fs::directory_iterator(r.out))
    if (e.is_regular_file() && e.path().filename() != "run_info.json") info.outputs.push_back(e.path().filename().string());
  std::sort(info.outputs.begin(), info.outputs.end());
  info.parameters = {{"config", c.path}, {"out", r.out}, {"threads", r.threads}, {"stages", r.stages}};
  finish_run_info(info, r.out, log, t0);
  log.info("run", fmt::format("done in {:.1f} s: {}", info.wall_seconds, r.out));
  return kExitOk;
}

/// data/demo/: LSCMIR_DATA, else the source tree this binary was built from, else <prefix>/share/lscmir.
fs::path demo_dir() {
  if (const char* env = std::getenv("LSCMIR_DATA")) return fs::path(env) / "demo";
  const fs::path source = fs::path(LSCMIR_SOURCE_DATA_DIR) / "demo";
  if (fs::exists(source / "demo.toml")) return source;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed = exe.parent_path().parent_path() / "share" / "lscmir" / "demo";
    if (fs::exists(installed / "demo.toml")) return installed;
  }
  throw core::UsageError("the demo data (data/demo/demo.toml) was not found; set LSCMIR_DATA to the project's data/ folder");
}

}  // namespace

int cmd_run(const std::vector<std::string>& argv, core::Logger& log) {
  std::string config, out;
  int threads = 0;
  bool force = false, quiet = false;
  CLI::App app("Run the whole study from a TOML config (docs/config.md): DE, specificity, cohort, targets, candidates, report",
               "lscmir run");
  app.add_option("config", config, "The study's CONFIG.toml")->required();
  app.add_option("--out", out, "Output folder (overrides [output] dir)");
  app.add_option("--threads", threads, "Worker threads (0 = all cores)")->check(CLI::NonNegativeNumber);
  app.add_flag("--force", force, "Overwrite the run in a non-empty output folder");
  app.add_flag("--quiet", quiet, "Only warnings and errors on stderr");
  const int parsed = parse_or_exit(app, argv);
  if (parsed >= 0) return parsed;
  return guarded("run", log, [&] { return run_pipeline(read_config(config), out, threads, force, quiet, argv, log); });
}

int cmd_demo(const std::vector<std::string>& argv, core::Logger& log) {
  std::string out = "demo_out";
  int threads = 0;
  bool quiet = false;
  CLI::App app("The whole chain on the bundled demo study (data/demo/demo.toml): simulated sorted populations on real TCGA "
               "LAML abundances, the real TCGA LAML cohort, TargetScan 7.1, miRTarBase, Hallmark and WikiPathways",
               "lscmir demo");
  app.add_option("--out", out, "Output folder (overwritten)")->capture_default_str();
  app.add_option("--threads", threads, "Worker threads (0 = all cores)")->check(CLI::NonNegativeNumber);
  app.add_flag("--quiet", quiet, "Only warnings and errors on stderr");
  const int parsed = parse_or_exit(app, argv);
  if (parsed >= 0) return parsed;
  return guarded("demo", log, [&] {
    const Config c = read_config((demo_dir() / "demo.toml").string());
    return run_pipeline(c, out, threads, /*force=*/true, quiet, argv, log);
  });
}

}  // namespace lscmir::app
