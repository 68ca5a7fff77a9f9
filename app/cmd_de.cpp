// SPDX-License-Identifier: GPL-3.0-or-later
// lscmir de: paired differential expression with limma semantics.
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "common.hpp"
#include "lscmir/core/error.hpp"
#include "lscmir/core/parallel.hpp"
#include "lscmir/io/matrix.hpp"
#include "lscmir/io/output.hpp"
#include "lscmir/io/sample_sheet.hpp"
#include "lscmir/stats/design.hpp"
#include "lscmir/stats/ebayes.hpp"
#include "lscmir/stats/lm_fit.hpp"
#include "lscmir/stats/norm_factors.hpp"
#include "lscmir/stats/top_table.hpp"
#include "lscmir/stats/voom.hpp"
#include "lscmir/study/variable.hpp"

namespace lscmir::app {
namespace {

struct DeOptions {
  CommonOptions common;
  std::string counts, expression, samples, design, method, norm = "TMM";
  std::vector<std::string> contrasts;
  bool robust = false;
  double lfc = 0.0;
  bool lfc_given = false;
};

/// A sheet column as a design variable: patient, population and batch are always factors; other
/// columns are numeric when every cell is a number.
stats::Variable make_variable(const io::SampleSheet& sheet, const std::string& name) {
  const bool forced_factor = name == "patient" || name == "population" || name == "batch";
  std::size_t missing = 0;
  stats::Variable v = study::variable_from_cells(name, sheet.column(name), forced_factor, missing);
  if (missing != static_cast<std::size_t>(-1))
    throw core::InputError(sheet.path, sheet.line_numbers[missing],
                           "sample \"" + sheet.samples[missing] + "\" has no value in column \"" + name + "\", which the design uses");
  return v;
}

std::string table_text(const std::vector<std::string>& features, const stats::TopTable& tt) {
  std::string s = "feature\tlogFC\tCI.L\tCI.R\tAveExpr\tt\tP.Value\tadj.P.Val\tB\n";
  s.reserve(features.size() * 160);
  for (std::size_t i : tt.order) {
    s += features[i];
    for (double v : {tt.logfc[i], tt.ci_l[i], tt.ci_r[i], tt.ave_expr[i], tt.t[i], tt.p_value[i], tt.adj_p_value[i], tt.b[i]}) {
      s.push_back('\t');
      io::append_double(s, v);
    }
    s.push_back('\n');
  }
  return s;
}

int run_de(const DeOptions& o, const std::vector<std::string>& argv, core::Logger& log) {
  const double t0 = now_seconds();
  core::RunInfo info = begin_run("de", argv, o.common, log);
  const int threads = core::resolve_threads(o.common.threads);

  const bool counts_input = !o.counts.empty();
  std::string method = o.method.empty() ? (counts_input ? "voom" : "lm") : o.method;
  if (method != "voom" && method != "trend" && method != "lm")
    throw core::UsageError("--method must be voom, trend or lm (got \"" + method + "\")");
  if (method == "voom" && !counts_input)
    throw core::UsageError("--method voom needs --counts; log-expression (--expression) takes --method lm or trend");
  stats::NormMethod norm{};
  if (!stats::parse_norm_method(o.norm, norm))
    throw core::UsageError("--norm must be TMM, upperquartile, RLE or none (got \"" + o.norm + "\")");
  if (o.lfc_given && !(o.lfc >= 0)) throw core::UsageError("--lfc must be a non-negative log2 fold change");

  std::vector<std::pair<const char*, double>> phases;  // wall seconds per stage, for the log
  double mark = now_seconds();
  auto phase = [&](const char* name) {
    const double t = now_seconds();
    phases.emplace_back(name, t - mark);
    mark = t;
  };
  const io::SampleSheet sheet = io::read_sample_sheet(o.samples);
  io::LabeledMatrix mat = io::read_matrix(counts_input ? o.counts : o.expression,
                                          counts_input ? io::MatrixKind::kCounts : io::MatrixKind::kExpression, threads);
  info.inputs.push_back({counts_input ? "counts" : "expression", mat.path, mat.sha256, mat.bytes});
  info.inputs.push_back({"samples", sheet.path, sheet.sha256, sheet.bytes});
  const std::vector<std::size_t> cols = io::match_samples(sheet, mat);
  Eigen::MatrixXd y(mat.values.rows(), static_cast<Eigen::Index>(cols.size()));
  for (std::size_t j = 0; j < cols.size(); ++j) y.col(static_cast<Eigen::Index>(j)) = mat.values.col(static_cast<Eigen::Index>(cols[j]));
  mat.values.resize(0, 0);
  phase("read");

  const std::string design_text = !o.design.empty() ? o.design : (sheet.has_column("patient") ? "~ patient + population" : "~ population");
  const stats::Formula formula = stats::parse_formula(design_text);
  std::vector<stats::Variable> vars;
  for (const auto& term : formula.terms) {
    if (!sheet.has_column(term))
      throw core::UsageError("design term '" + term + "' is not a column of " + sheet.path);
    vars.push_back(make_variable(sheet, term));
  }
  const auto pop_it = std::find_if(vars.begin(), vars.end(), [](const stats::Variable& v) { return v.name == "population"; });
  if (pop_it == vars.end())
    throw core::UsageError("the design " + design_text + " has no population term, so --contrast cannot compare populations");
  const stats::Design design = stats::build_design(formula, vars);
  stats::check_design(design, formula, vars);
  const stats::LinearModel model = stats::make_linear_model(design, formula, vars, "patient");
  if (!model.absorbed.empty()) {
    std::vector<int> per_group(static_cast<std::size_t>(model.n_groups), 0);
    for (int g : model.groups) ++per_group[static_cast<std::size_t>(g)];
    const auto& pv = *std::find_if(vars.begin(), vars.end(), [](const stats::Variable& v) { return v.name == "patient"; });
    for (std::size_t g = 0; g < per_group.size(); ++g)
      if (per_group[g] == 1)
        log.warn("de", "patient " + pv.levels[g] + " has a single sample: it carries no within-patient information");
  }

  std::vector<PopulationContrast> contrasts;
  Eigen::MatrixXd cmat(model.z.cols(), static_cast<Eigen::Index>(o.contrasts.size()));
  std::set<std::string> files;
  for (std::size_t k = 0; k < o.contrasts.size(); ++k) {
    contrasts.push_back(split_contrast(o.contrasts[k], pop_it->levels, pop_it->name));
    if (!files.insert("de_" + contrasts.back().tag + ".tsv").second) throw core::UsageError("--contrast " + o.contrasts[k] + " is given twice");
    cmat.col(static_cast<Eigen::Index>(k)) = stats::level_contrast(model, *pop_it, contrasts.back().a, contrasts.back().b);
  }
  std::vector<std::string> outputs(files.begin(), files.end());
  if (counts_input) outputs.push_back("norm_factors.tsv");
  outputs.push_back("run_info.json");
  io::prepare_output_dir(o.common.out, outputs, o.common.force);

  log.info("de", fmt::format("{} features x {} samples; design {} ({} columns{}); method {}{}", y.rows(), y.cols(),
                             stats::to_string(formula), design.x.cols(),
                             model.absorbed.empty() ? "" : fmt::format(", {} {} levels absorbed", model.n_groups, model.absorbed),
                             method, o.robust ? ", robust" : ""));

  stats::EBayesOptions eopt;
  eopt.robust = o.robust;
  eopt.trend = method == "trend";
  stats::LmFit fit;
  const std::filesystem::path dir(o.common.out);
  // Every table is computed before the first is written, so a failure leaves no partial set.
  std::vector<std::pair<std::string, std::string>> pending;
  if (counts_input) {
    const std::vector<double> lib = stats::library_sizes(y);
    const std::vector<double> nf = stats::norm_factors(y, lib, norm, threads);
    std::vector<double> eff(lib.size());
    for (std::size_t j = 0; j < lib.size(); ++j) eff[j] = lib[j] * nf[j];
    phase("normalize");
    std::string s = "sample\tlib.size\tnorm.factors\n";
    for (std::size_t j = 0; j < lib.size(); ++j) {
      s += sheet.samples[j] + "\t";
      io::append_double(s, lib[j]);
      s += "\t";
      io::append_double(s, nf[j]);
      s += "\n";
    }
    if (method == "voom") {
      const stats::VoomResult v = stats::voom(y, model, eff, threads);
      if (v.unit_weights) log.warn("de", "fewer than two features have residual df: voom weights set to 1");
      phase("voom");
      fit = stats::lm_fit(v.e, model, &v.weights, threads);
    } else {
      fit = stats::lm_fit(stats::log_cpm(y, eff, 2.0, threads), model, nullptr, threads);
    }
    pending.emplace_back("norm_factors.tsv", std::move(s));
  } else {
    fit = stats::lm_fit(y, model, nullptr, threads);
  }
  phase("fit");
  const stats::LmFit cfit = stats::contrasts_fit(fit, cmat);
  const stats::EBayesFit eb = stats::ebayes(cfit, eopt);
  stats::EBayesFit tr;
  if (o.lfc_given) tr = stats::treat(cfit, o.lfc, eopt);
  for (std::size_t k = 0; k < contrasts.size(); ++k) {
    const stats::TopTable tt = stats::top_table(cfit, eb, static_cast<Eigen::Index>(k), o.lfc_given ? &tr : nullptr);
    std::size_t na = 0, sig = 0;
    for (std::size_t i = 0; i < tt.p_value.size(); ++i) {
      if (std::isnan(tt.p_value[i])) ++na;
      else if (tt.adj_p_value[i] < 0.05) ++sig;
    }
    if (na > 0)
      log.warn("de", fmt::format("{}-{}: {} feature(s) cannot be estimated (NA)", contrasts[k].a, contrasts[k].b, na));
    const std::string file = "de_" + contrasts[k].tag + ".tsv";
    log.info("de", fmt::format("{}-{}: {} features at adj.P.Val < 0.05 -> {}", contrasts[k].a, contrasts[k].b, sig, file));
    pending.emplace_back(file, table_text(mat.features, tt));
  }
  phase("moderate");
  for (const auto& [name, text] : pending) {
    io::write_file_atomic((dir / name).string(), text);
    info.outputs.push_back(name);
  }
  phase("write");
  std::string timing;
  for (const auto& [name, secs] : phases) timing += fmt::format("{}{} {:.2f} s", timing.empty() ? "" : ", ", name, secs);
  log.info("de", "stages: " + timing);
  info.parameters = {{"design", stats::to_string(formula)}, {"method", method}, {"norm", counts_input ? stats::to_string(norm) : "none"},
                     {"robust", o.robust}, {"lfc", o.lfc_given ? nlohmann::json(o.lfc) : nlohmann::json(nullptr)},
                     {"contrasts", o.contrasts}, {"threads", threads},
                     {"df_prior", eb.df_prior.size() > 0 ? eb.df_prior.minCoeff() : 0.0}};
  finish_run_info(info, o.common.out, log, t0);
  log.info("de", fmt::format("done in {:.2f} s wall, {:.2f} s CPU, peak memory {:.1f} MiB", info.wall_seconds, info.cpu_seconds,
                             static_cast<double>(info.peak_rss_kib) / 1024.0));
  return kExitOk;
}

}  // namespace

int cmd_de(const std::vector<std::string>& argv, core::Logger& log) {
  DeOptions o;
  CLI::App app("Differential expression between populations (limma: voom / trend / lm, eBayes, topTable)", "lscmir de");
  auto* counts = app.add_option("--counts", o.counts, "Count matrix (TSV/CSV): feature x sample");
  auto* expr = app.add_option("--expression", o.expression, "Log-expression matrix (NA allowed)");
  counts->excludes(expr);
  app.add_option("--samples", o.samples, "Sample sheet: sample, patient, population, covariates")->required();
  app.add_option("--contrast", o.contrasts, "Population contrast A-B (logFC = A - B); repeatable")->required();
  app.add_option("--design", o.design, "Model formula (default: ~ patient + population, or ~ population without patient)");
  app.add_option("--method", o.method, "voom (counts default), trend (eBayes trend=TRUE), lm (expression default)");
  app.add_option("--norm", o.norm, "Normalization for counts: TMM, upperquartile, RLE, none")->capture_default_str();
  app.add_flag("--robust", o.robust, "Robust empirical Bayes (Phipson et al. 2016)");
  auto* lfc = app.add_option("--lfc", o.lfc, "Test |logFC| > X with treat (P.Value and adj.P.Val are treat's)");
  add_common_options(app, o.common);
  const int parsed = parse_or_exit(app, argv);
  if (parsed >= 0) return parsed;
  o.lfc_given = lfc->count() > 0;
  if (o.counts.empty() && o.expression.empty()) {
    std::cerr << "lscmir de: error: one of --counts or --expression is required\n";
    return kExitUsage;
  }
  return guarded("de", log, [&] { return run_de(o, argv, log); });
}

}  // namespace lscmir::app
