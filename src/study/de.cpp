// SPDX-License-Identifier: GPL-3.0-or-later
// The differential-expression stage (limma semantics; docs/statistics.md).
#include "lscmir/study/de.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <numeric>
#include <set>

#include <fmt/core.h>

#include "lscmir/core/error.hpp"
#include "lscmir/io/number.hpp"
#include "lscmir/io/table.hpp"
#include "lscmir/io/variable.hpp"
#include "lscmir/stats/array_weights.hpp"
#include "lscmir/stats/dup_cor.hpp"
#include "lscmir/stats/ebayes.hpp"
#include "lscmir/stats/lm_fit.hpp"
#include "lscmir/stats/norm_factors.hpp"
#include "lscmir/stats/p_adjust.hpp"
#include "lscmir/stats/ql.hpp"
#include "lscmir/stats/voom.hpp"

namespace lscmir::study {
namespace {

/// duplicateCorrelation of `e` under the model's block; the final pass is recorded in the result.
double block_correlation(const Eigen::MatrixXd& e, const stats::LinearModel& model, const Eigen::MatrixXd* weights, int threads,
                         DeResult& r, core::Logger& log, bool final_pass) {
  const stats::DupCorResult dc = stats::duplicate_correlation(e, model.z, weights, model.block, model.n_blocks, threads);
  if (dc.max_block_size <= 1) {
    log.warn("de", "every block has a single sample: the intra-block correlation is set to 0");
    return 0.0;
  }
  if (!final_pass) return dc.consensus;
  r.consensus_correlation = dc.consensus;
  r.correlation_features = dc.estimated;
  log.info("de", fmt::format("consensus intra-block correlation {:.4f} ({} of {} features estimated)", dc.consensus, dc.estimated,
                             e.rows()));
  if (!(dc.consensus > 0))
    log.warn("de", fmt::format("the consensus intra-block correlation is {:.4g}, not positive: blocking does not help here", dc.consensus));
  return dc.consensus;
}

/// arrayWeights of log-expression values as a weight matrix (empty when not asked for), with the
/// method limma's arrayWeights picks by default ("auto"): REML when every value is finite,
/// gene-by-gene otherwise.
Eigen::MatrixXd sample_weight_matrix(const Eigen::MatrixXd& e, const Eigen::MatrixXd& design, bool wanted, DeResult& r,
                                     core::Logger& log) {
  if (!wanted) return {};
  if (e.allFinite()) {
    std::string warning;
    r.sample_weights = stats::array_weights_reml(e, design, 10.0, 50, 1e-5, &warning);
    r.sample_weights_method = "reml";
    if (!warning.empty()) log.warn("de", warning);
  } else {
    r.sample_weights = stats::array_weights(e, design, nullptr);
    r.sample_weights_method = "genebygene";
  }
  Eigen::MatrixXd w(e.rows(), e.cols());
  for (Eigen::Index j = 0; j < e.cols(); ++j) w.col(j).setConstant(r.sample_weights[static_cast<std::size_t>(j)]);
  return w;
}

/// norm spike-in: factors f_j = (S_j / N_j) / geomean(S / N) from the spike-in totals S_j and the
/// library sizes N_j (sheet order), so that N_j f_j is proportional to S_j and the factors multiply
/// to one like calcNormFactors' (docs/statistics.md, "Spike-in normalization").
std::vector<double> spike_in_factors(const io::LabeledMatrix& spike, const io::SampleSheet& sheet, const std::vector<double>& lib_size) {
  const std::vector<std::size_t> cols = io::match_samples(sheet, spike, nullptr);
  std::vector<double> f(cols.size());
  double log_sum = 0.0;
  for (std::size_t j = 0; j < cols.size(); ++j) {
    const double total = spike.values.col(static_cast<Eigen::Index>(cols[j])).sum();
    if (!(total > 0))
      throw core::InputError(spike.path, 0, "sample \"" + sheet.samples[j] + "\" has no spike-in reads (total 0)",
                             "its library size cannot be set from the spike-ins; drop the sample or use --norm TMM");
    if (!(lib_size[j] > 0))
      throw core::InputError(sheet.path, sheet.line_numbers[j], "sample \"" + sheet.samples[j] + "\" has library size 0");
    f[j] = total / lib_size[j];
    log_sum += std::log(f[j]);
  }
  const double g = std::exp(log_sum / static_cast<double>(f.size()));
  for (double& x : f) x /= g;
  return f;
}

/// --method ql: estimateDisp, glmQLFit (trended dispersion), glmQLFTest per contrast column.
void quasi_likelihood(const DeOptions& o, const Eigen::MatrixXd& y, const Eigen::MatrixXd& x, const std::vector<double>& eff,
                      const Eigen::MatrixXd& cmat, int threads, DeResult& r, core::Logger& log) {
  const stats::DispersionResult d = stats::estimate_disp(y, x, eff, false, threads);
  QlSummary s;
  s.common_dispersion = d.common;
  s.tagwise_prior_df = d.prior_df;
  s.span = d.span;
  s.dispersion_rows = d.rows_used;
  std::vector<double> tr(d.trended.data(), d.trended.data() + d.trended.size());
  s.trended_median = stats::median(tr);
  log.info("de", fmt::format("estimateDisp: common dispersion {:.5g} (BCV {:.4g}), trended {:.4g} to {:.4g}", d.common, std::sqrt(d.common),
                             d.trended.minCoeff(), d.trended.maxCoeff()));
  const stats::QlFit fit = stats::ql_fit(y, x, eff, d.trended, d.ave_log_cpm, o.robust, threads);
  std::vector<double> dp(fit.df_prior.data(), fit.df_prior.data() + fit.df_prior.size());
  s.df_prior_median = stats::median(dp);
  s.df_prior_min = fit.df_prior.minCoeff();
  s.var_prior_median = stats::median(std::vector<double>(fit.var_prior.data(), fit.var_prior.data() + fit.var_prior.size()));
  r.df_prior = s.df_prior_min;
  log.info("de", fmt::format("glmQLFit: prior df {:.4g}{}", s.df_prior_median, o.robust ? " (median, robust)" : ""));
  for (std::size_t k = 0; k < r.contrasts.size(); ++k) {
    const stats::QlTest t = stats::ql_test(fit, y, x, eff, cmat.col(static_cast<Eigen::Index>(k)), threads);
    auto& c = r.contrasts[k];
    const std::size_t n = t.f.size();
    c.table.logfc = t.logfc;
    c.table.ave_expr = t.logcpm;
    c.table.t = t.f;
    c.table.p_value = t.p_value;
    c.table.adj_p_value = t.fdr;
    c.table.ci_l.assign(n, std::numeric_limits<double>::quiet_NaN());
    c.table.ci_r = c.table.ci_l;
    c.table.b = c.table.ci_l;
    c.table.order = t.order;
    std::size_t sig = 0;
    for (double q : t.fdr) sig += q < 0.05 ? 1 : 0;
    log.info("de", fmt::format("{}: {} features at FDR < 0.05 -> de_{}.tsv", c.label, sig, c.contrast.tag));
  }
  r.ql = s;
}

}  // namespace

void check_de_options(const DeOptions& o) {
  if (!o.method.empty() && o.method != "voom" && o.method != "trend" && o.method != "lm" && o.method != "ql")
    throw core::UsageError("--method must be voom, trend, lm or ql (got \"" + core::cell_for_message(o.method) + "\")");
  stats::NormMethod norm{};
  if (o.norm != "spike-in" && !stats::parse_norm_method(o.norm, norm))
    throw core::UsageError("--norm must be TMM, upperquartile, RLE, none or spike-in (got \"" + core::cell_for_message(o.norm) + "\")");
  if (o.contrast_se != "exact" && o.contrast_se != "limma")
    throw core::UsageError("--contrast-se must be exact or limma (got \"" + core::cell_for_message(o.contrast_se) + "\")");
  if (o.lfc && !(*o.lfc >= 0)) throw core::UsageError("--lfc must be a non-negative log2 fold change");
}

DeResult differential_expression(const DeOptions& o, io::LabeledMatrix mat, bool counts_input,
                                 const io::SampleSheet& sheet, int threads, core::Logger& log, const io::LabeledMatrix* spike_ins) {
  DeResult r;
  r.counts = counts_input;
  check_de_options(o);
  r.method = o.method.empty() ? (counts_input ? "voom" : "lm") : o.method;
  const bool ql = r.method == "ql";
  if (ql && !counts_input) throw core::UsageError("--method ql (edgeR quasi-likelihood) needs --counts");
  if (ql && !o.block.empty())
    throw core::UsageError("--block is not supported with --method ql (edgeR's QL has no correlated blocks; use a patient term "
                           "in the design, or --method voom --block)");
  if (ql && o.sample_weights) throw core::UsageError("--sample-weights is not supported with --method ql (use --method voom)");
  if (ql && o.lfc) throw core::UsageError("--lfc is not supported with --method ql (edgeR's glmTreat is not implemented)");
  if (r.method == "voom" && !counts_input)
    throw core::UsageError("--method voom needs --counts; log-expression (--expression) takes --method lm or trend");
  stats::NormMethod norm{};
  const bool spike = o.norm == "spike-in";
  if (!spike) stats::parse_norm_method(o.norm, norm);
  if (spike && !counts_input) throw core::UsageError("--norm spike-in needs --counts");
  if (spike && spike_ins == nullptr)
    throw core::UsageError("--norm spike-in needs --spike-ins TABLE (spikeins.tsv of lscmir quant --spike-ins)");
  if (!spike && spike_ins != nullptr) throw core::UsageError("--spike-ins is used only with --norm spike-in");
  r.norm = counts_input ? (spike ? "spike-in" : stats::to_string(norm)) : "none";

  std::vector<std::string> left_out;
  const std::vector<std::size_t> cols = io::match_samples(sheet, mat, &left_out);
  if (!left_out.empty()) {
    std::string names;
    for (std::size_t k = 0; k < left_out.size() && k < 5; ++k) names += fmt::format("{}\"{}\"", k ? ", " : "", left_out[k]);
    if (left_out.size() > 5) names += ", ...";
    log.warn("de", fmt::format("{} column(s) of {} are not in the sample sheet {} and are left out: {}", left_out.size(), mat.path,
                               sheet.path, names));
  }
  bool identity = cols.size() == static_cast<std::size_t>(mat.values.cols());
  for (std::size_t j = 0; j < cols.size() && identity; ++j) identity = cols[j] == j;
  Eigen::MatrixXd y;
  if (identity) {
    y = std::move(mat.values);
  } else {
    y.resize(mat.values.rows(), static_cast<Eigen::Index>(cols.size()));
    for (std::size_t j = 0; j < cols.size(); ++j) y.col(static_cast<Eigen::Index>(j)) = mat.values.col(static_cast<Eigen::Index>(cols[j]));
  }
  mat.values.resize(0, 0);
  r.features = std::move(mat.features);
  r.samples = sheet.samples;

  const std::string design_text = !o.design.empty() ? o.design
                                  : (sheet.has_column("patient") && o.block.empty() ? "~ patient + population" : "~ population");
  const stats::Formula formula = stats::parse_formula(design_text);
  std::vector<stats::Variable> vars;
  for (const auto& term : formula.terms) {
    if (!sheet.has_column(term)) throw core::UsageError("design term '" + term + "' is not a column of " + sheet.path);
    vars.push_back(io::design_variable(sheet, term));
  }
  const auto pop_it = std::find_if(vars.begin(), vars.end(), [](const stats::Variable& v) { return v.name == "population"; });
  if (o.contrasts.empty() && o.coefs.empty()) throw core::UsageError("give at least one --contrast or --coef");
  if (pop_it == vars.end() && !o.contrasts.empty())
    throw core::UsageError("the design " + design_text + " has no population term, so --contrast cannot compare populations");
  const stats::Design design = stats::build_design(formula, vars);
  stats::check_design(design, formula, vars);
  // ql fits the full design (the NB GLM cannot absorb the patient factor by centering).
  stats::LinearModel model = stats::make_linear_model(design, formula, vars, o.block.empty() && !ql ? "patient" : "");
  r.design = stats::to_string(formula);
  if (!o.block.empty() && o.sample_weights)
    throw core::UsageError("--sample-weights together with --block is not supported (choose one)");
  if (!o.block.empty()) {
    if (!sheet.has_column(o.block)) throw core::UsageError("--block " + o.block + " is not a column of " + sheet.path);
    if (std::find(formula.terms.begin(), formula.terms.end(), o.block) != formula.terms.end())
      throw core::UsageError("--block " + o.block + " is also a term of the design " + design_text +
                             ": a blocking factor is either fixed or correlated, not both (use e.g. --design \"~ population\")");
    std::size_t missing = 0;
    const stats::Variable bv = io::variable_from_cells(o.block, sheet.column(o.block), true, missing);
    if (missing != static_cast<std::size_t>(-1))
      throw core::InputError(sheet.path, sheet.line_numbers[missing],
                             "sample \"" + core::cell_for_message(sheet.samples[missing]) + "\" has no value in column \"" + o.block + "\", which --block uses");
    model.block = bv.codes;
    model.n_blocks = static_cast<int>(bv.levels.size());
  }
  if (!model.absorbed.empty()) {
    std::vector<int> per_group(static_cast<std::size_t>(model.n_groups), 0);
    for (int g : model.groups) ++per_group[static_cast<std::size_t>(g)];
    const auto& pv = *std::find_if(vars.begin(), vars.end(), [](const stats::Variable& v) { return v.name == "patient"; });
    for (std::size_t g = 0; g < per_group.size(); ++g)
      if (per_group[g] == 1) log.warn("de", "patient " + pv.levels[g] + " has a single sample: it carries no within-patient information");
  }

  Eigen::MatrixXd cmat(model.z.cols(), static_cast<Eigen::Index>(o.contrasts.size() + o.coefs.size()));
  std::set<std::string> tags;
  for (std::size_t k = 0; k < o.contrasts.size(); ++k) {
    ContrastResult c;
    c.label = o.contrasts[k];
    if (o.contrasts[k].find('=') != std::string::npos) {
      const stats::LinearContrast lc = stats::parse_linear_contrast(o.contrasts[k], pop_it->levels, pop_it->name);
      c.contrast.tag = lc.name;
      cmat.col(static_cast<Eigen::Index>(k)) = stats::linear_contrast(model, *pop_it, lc);
    } else {
      c.contrast = stats::split_contrast(o.contrasts[k], pop_it->levels, pop_it->name);
      cmat.col(static_cast<Eigen::Index>(k)) = stats::level_contrast(model, *pop_it, c.contrast.a, c.contrast.b);
    }
    if (!tags.insert(c.contrast.tag).second)
      throw core::UsageError("--contrast " + o.contrasts[k] + " writes de_" + c.contrast.tag + ".tsv, as an earlier contrast does");
    r.contrasts.push_back(std::move(c));
  }
  for (std::size_t k = 0; k < o.coefs.size(); ++k) {
    const std::string& name = o.coefs[k];
    const auto it = std::find(model.names.begin(), model.names.end(), name);
    if (it == model.names.end()) {
      std::string known;
      for (const auto& n : model.names) known += (known.empty() ? "" : ", ") + n;
      throw core::UsageError("--coef " + name + " is not a column of the design " + design_text + " (columns: " + known +
                             (model.absorbed.empty() ? "" : "; " + model.absorbed + " is absorbed") + ")");
    }
    ContrastResult c;
    c.label = name;
    for (char ch : name)
      c.contrast.tag.push_back((std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '_' || ch == '-') ? ch : '_');
    if (!tags.insert(c.contrast.tag).second) throw core::UsageError("--coef " + name + " writes de_" + c.contrast.tag + ".tsv, as an earlier test does");
    const auto col = static_cast<Eigen::Index>(o.contrasts.size() + k);
    cmat.col(col).setZero();
    cmat(it - model.names.begin(), col) = 1.0;
    r.contrasts.push_back(std::move(c));
  }
  log.info("de", fmt::format("{} features x {} samples; design {} ({} columns{}); method {}{}", y.rows(), y.cols(), r.design,
                             design.x.cols(),
                             model.absorbed.empty() ? "" : fmt::format(", {} {} levels absorbed", model.n_groups, model.absorbed),
                             r.method, o.robust ? ", robust" : ""));

  stats::EBayesOptions eopt;
  eopt.robust = o.robust;
  eopt.trend = r.method == "trend";
  // Within-patient differences A - B of every population contrast, on the scale the model fits.
  auto add_paired = [&](const Eigen::MatrixXd& log_expr) {
    if (!sheet.has_column("patient")) return;
    for (const auto& c : r.contrasts)
      if (!c.contrast.a.empty()) r.paired.push_back(paired_differences(log_expr, r.features, sheet, c.contrast.a, c.contrast.b));
  };
  stats::LmFit fit, exact;
  const bool want_exact = o.contrast_se == "exact";
  if (o.filter && !counts_input) throw core::UsageError("--filter (edgeR filterByExpr) needs --counts");
  if (counts_input) {
    const std::vector<char> nonzero = stats::nonzero_features(y, threads);
    r.all_zero = static_cast<std::size_t>(std::count(nonzero.begin(), nonzero.end(), char{0}));
    if (o.filter) {
      // filterByExpr(y, design) on the raw library sizes, then y[keep, , keep.lib.sizes = FALSE].
      const std::vector<bool> keep = stats::filter_by_expr(y, design.x, stats::library_sizes(y, threads));
      std::vector<Eigen::Index> rows;
      for (std::size_t g = 0; g < keep.size(); ++g)
        if (keep[g]) rows.push_back(static_cast<Eigen::Index>(g));
      r.filter_kept = rows.size();
      log.info("de", fmt::format("filterByExpr keeps {} of {} features ({} all zero)", rows.size(), keep.size(), r.all_zero));
      if (rows.size() < 2) throw core::UsageError(fmt::format("--filter keeps {} feature(s): too few to fit a model", rows.size()));
      Eigen::MatrixXd kept(static_cast<Eigen::Index>(rows.size()), y.cols());
      std::vector<std::string> names;
      for (std::size_t k = 0; k < rows.size(); ++k) {
        kept.row(static_cast<Eigen::Index>(k)) = y.row(rows[k]);
        names.push_back(std::move(r.features[static_cast<std::size_t>(rows[k])]));
      }
      y = std::move(kept);
      r.features = std::move(names);
    } else if (r.all_zero > 0 && 10 * r.all_zero >= static_cast<std::size_t>(y.rows())) {
      log.warn("de", fmt::format("{} of {} features are zero in every sample and are tested; --filter removes low counts "
                                 "(edgeR filterByExpr)", r.all_zero, y.rows()));
    }
    r.lib_size = stats::library_sizes(y, threads);
    r.norm_factors = spike ? spike_in_factors(*spike_ins, sheet, r.lib_size) : stats::norm_factors(y, r.lib_size, norm, threads);
    std::vector<double> eff(r.lib_size.size());
    for (std::size_t j = 0; j < eff.size(); ++j) eff[j] = r.lib_size[j] * r.norm_factors[j];
    if (ql) {
      quasi_likelihood(o, y, design.x, eff, cmat, threads, r, log);
      add_paired(stats::log_cpm(y, eff, 2.0, threads));
      return r;
    }
    if (r.method == "voom") {
      stats::VoomResult v;
      if (o.sample_weights) {
        v = stats::voom_with_quality_weights(y, model, design.x, eff, threads, r.sample_weights);
        r.sample_weights_method = "voomWithQualityWeights";
      } else if (model.block.empty()) {
        v = stats::voom(std::move(y), model, eff, threads);  // the counts are not needed after voom
      } else {
        // Smyth's recipe: voom, duplicateCorrelation, voom with the block and correlation,
        // duplicateCorrelation again on the new weights.
        stats::LinearModel plain = model;
        plain.block.clear();
        v = stats::voom(y, plain, eff, threads);
        model.correlation = block_correlation(v.e, model, &v.weights, threads, r, log, false);
        v = stats::voom(std::move(y), model, eff, threads);  // the last use of the counts
        model.correlation = block_correlation(v.e, model, &v.weights, threads, r, log, true);
      }
      if (v.unit_weights) log.warn("de", "fewer than two features have residual df: voom weights set to 1");
      if (!v.unit_weights) {
        const stats::LinearInterpolator f(v.trend.x, v.trend.y);
        r.trend_feature = v.point_feature;
        r.trend_x = v.point_x;
        r.trend_y = v.point_y;
        for (double x : r.trend_x) r.trend_fit.push_back(f(x));
      }
      add_paired(v.e);
      fit = stats::lm_fit(v.e, model, &v.weights, threads, nullptr, &cmat, &exact);
    } else {
      const Eigen::MatrixXd lc = stats::log_cpm(y, eff, 2.0, threads);
      add_paired(lc);
      if (!model.block.empty()) model.correlation = block_correlation(lc, model, nullptr, threads, r, log, true);
      const Eigen::MatrixXd w = sample_weight_matrix(lc, design.x, o.sample_weights, r, log);
      fit = stats::lm_fit(lc, model, w.size() > 0 ? &w : nullptr, threads, nullptr, &cmat, &exact);
    }
  } else {
    add_paired(y);
    if (!model.block.empty()) model.correlation = block_correlation(y, model, nullptr, threads, r, log, true);
    const Eigen::MatrixXd w = sample_weight_matrix(y, design.x, o.sample_weights, r, log);
    fit = stats::lm_fit(y, model, w.size() > 0 ? &w : nullptr, threads, nullptr, &cmat, &exact);
  }
  if (o.sample_weights) {
    const auto [lo, hi] = std::minmax_element(r.sample_weights.begin(), r.sample_weights.end());
    log.info("de", fmt::format("sample weights ({}) from {:.3g} to {:.3g} -> sample_weights.tsv", r.sample_weights_method, *lo, *hi));
  }
  stats::LmFit limma_fit = stats::contrasts_fit(fit, cmat);
  // How far limma's contrasts.fit (unweighted coefficient correlation) is from the exact SE.
  for (Eigen::Index g = 0; g < exact.stdev_unscaled.rows(); ++g)
    for (Eigen::Index k = 0; k < exact.stdev_unscaled.cols(); ++k) {
      const double d = std::abs(limma_fit.stdev_unscaled(g, k) / exact.stdev_unscaled(g, k) - 1.0);
      if (std::isfinite(d)) r.contrast_se_max_rel_diff = std::max(r.contrast_se_max_rel_diff, d);
    }
  if (r.contrast_se_max_rel_diff > 0.01)
    log.warn("de", fmt::format("limma's contrasts.fit standard errors differ from the exact ones by up to {:.3g}% (unbalanced or "
                               "weighted design); using {}", 100.0 * r.contrast_se_max_rel_diff,
                               want_exact ? "exact (--contrast-se exact)" : "limma's (--contrast-se limma)"));
  const stats::LmFit cfit = want_exact ? std::move(exact) : std::move(limma_fit);
  const stats::EBayesFit eb = stats::ebayes(cfit, eopt);
  r.df_prior = eb.df_prior.size() > 0 ? eb.df_prior.minCoeff() : 0.0;
  stats::EBayesFit tr;
  if (o.lfc) tr = stats::treat(cfit, *o.lfc, eopt);
  for (std::size_t k = 0; k < r.contrasts.size(); ++k) {
    auto& c = r.contrasts[k];
    c.table = stats::top_table(cfit, eb, static_cast<Eigen::Index>(k), o.lfc ? &tr : nullptr);
    std::size_t na = 0, sig = 0;
    for (std::size_t i = 0; i < c.table.p_value.size(); ++i) {
      if (std::isnan(c.table.p_value[i])) ++na;
      else if (c.table.adj_p_value[i] < 0.05) ++sig;
    }
    if (na > 0) log.warn("de", fmt::format("{}: {} feature(s) cannot be estimated (NA)", c.label, na));
    log.info("de", fmt::format("{}: {} features at adj.P.Val < 0.05 -> de_{}.tsv", c.label, sig, c.contrast.tag));
  }
  return r;
}

const ContrastResult* find_contrast(const DeResult& result, const std::string& a, const std::string& b) {
  for (const auto& c : result.contrasts)
    if (c.contrast.a == a && c.contrast.b == b) return &c;
  return nullptr;
}

io::ResultTable top_table_columns(const std::vector<std::string>& features, const stats::TopTable& tt) {
  const std::size_t n = tt.order.size();
  std::vector<std::string> names(n);
  std::vector<std::vector<double>> v(8, std::vector<double>(n));
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = tt.order[k];
    names[k] = features[i];
    const double row[8] = {tt.logfc[i], tt.ci_l[i], tt.ci_r[i], tt.ave_expr[i], tt.t[i], tt.p_value[i], tt.adj_p_value[i], tt.b[i]};
    for (std::size_t c = 0; c < 8; ++c) v[c][k] = row[c];
  }
  io::ResultTable t;
  t.add_text("feature", std::move(names));
  const char* columns[8] = {"logFC", "CI.L", "CI.R", "AveExpr", "t", "P.Value", "adj.P.Val", "B"};
  for (std::size_t c = 0; c < 8; ++c) t.add_real(columns[c], std::move(v[c]));
  if (!tt.fmi.empty()) {
    std::vector<double> se(n), df(n), fmi(n);
    for (std::size_t k = 0; k < n; ++k) {
      se[k] = tt.se[tt.order[k]];
      df[k] = tt.df[tt.order[k]];
      fmi[k] = tt.fmi[tt.order[k]];
    }
    t.add_real("SE", std::move(se)).add_real("df", std::move(df)).add_real("fmi", std::move(fmi));
  }
  return t;
}

io::ResultTable ql_table_columns(const std::vector<std::string>& features, const stats::TopTable& tt) {
  const std::size_t n = tt.order.size();
  std::vector<std::string> names(n);
  std::vector<std::vector<double>> v(5, std::vector<double>(n));
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = tt.order[k];
    names[k] = features[i];
    const double row[5] = {tt.logfc[i], tt.ave_expr[i], tt.t[i], tt.p_value[i], tt.adj_p_value[i]};
    for (std::size_t c = 0; c < 5; ++c) v[c][k] = row[c];
  }
  io::ResultTable t;
  t.add_text("feature", std::move(names));
  const char* columns[5] = {"logFC", "logCPM", "F", "PValue", "FDR"};
  for (std::size_t c = 0; c < 5; ++c) t.add_real(columns[c], std::move(v[c]));
  return t;
}

std::vector<io::NamedTable> de_tables(const DeResult& r) {
  std::vector<io::NamedTable> out;
  if (r.counts) {
    io::ResultTable nf;
    nf.add_text("sample", r.samples).add_real("lib.size", r.lib_size).add_real("norm.factors", r.norm_factors);
    out.push_back({"norm_factors.tsv", std::move(nf)});
  }
  if (!r.sample_weights.empty()) {
    io::ResultTable sw;
    sw.add_text("sample", r.samples).add_real("sample.weights", r.sample_weights);
    out.push_back({"sample_weights.tsv", std::move(sw)});
  }
  for (const auto& c : r.contrasts)
    out.push_back({"de_" + c.contrast.tag + ".tsv", r.ql ? ql_table_columns(r.features, c.table) : top_table_columns(r.features, c.table)});
  for (const auto& p : r.paired) out.push_back(paired_table(p));
  for (auto& t : de_diagnostic_tables(r)) out.push_back(std::move(t));
  return out;
}

std::vector<io::NamedTable> de_diagnostic_tables(const DeResult& r) {
  std::vector<io::NamedTable> out;
  if (!r.trend_feature.empty()) {
    std::vector<std::string> names;
    for (std::size_t i : r.trend_feature) names.push_back(r.features[i]);
    io::ResultTable t;
    t.add_text("feature", std::move(names)).add_real("mean_log_count", r.trend_x).add_real("sqrt_sd", r.trend_y).add_real("trend", r.trend_fit);
    out.push_back({"voom_trend.tsv", std::move(t)});
  }
  constexpr int kBins = 20;
  std::vector<std::string> label;
  std::vector<double> lo, hi, count;
  for (const auto& c : r.contrasts) {
    std::vector<double> bins(kBins, 0.0);
    for (double p : c.table.p_value)
      if (std::isfinite(p)) bins[static_cast<std::size_t>(std::clamp(static_cast<int>(p * kBins), 0, kBins - 1))] += 1.0;
    for (int b = 0; b < kBins; ++b) {
      label.push_back(c.label);
      lo.push_back(static_cast<double>(b) / kBins);
      hi.push_back(static_cast<double>(b + 1) / kBins);
      count.push_back(bins[static_cast<std::size_t>(b)]);
    }
  }
  io::ResultTable h;
  h.add_text("contrast", std::move(label)).add_real("bin_lower", std::move(lo)).add_real("bin_upper", std::move(hi)).add_real("count", std::move(count));
  out.push_back({"pvalue_histogram.tsv", std::move(h)});
  return out;
}

nlohmann::json de_parameters(const DeOptions& o, const DeResult& r, int threads) {
  nlohmann::json p = {{"design", r.design}, {"method", r.method}, {"norm", r.norm}, {"robust", o.robust},
          {"lfc", o.lfc ? nlohmann::json(*o.lfc) : nlohmann::json(nullptr)}, {"contrasts", o.contrasts}, {"coefs", o.coefs}, {"threads", threads},
          {"df_prior", r.df_prior}, {"contrast_se", o.contrast_se}, {"contrast_se_max_rel_diff", r.contrast_se_max_rel_diff}};
  p["sample_weights"] = o.sample_weights;
  if (!r.sample_weights_method.empty()) p["sample_weights_method"] = r.sample_weights_method;
  if (r.imputations > 0) p["imputations"] = r.imputations;
  if (r.ql) {
    p["common_dispersion"] = r.ql->common_dispersion;
    p["trended_dispersion_median"] = r.ql->trended_median;
    p["dispersion_trend_span"] = r.ql->span;
    p["dispersion_features"] = r.ql->dispersion_rows;
    p["tagwise_prior_df"] = r.ql->tagwise_prior_df;
    p["ql_df_prior_median"] = r.ql->df_prior_median;
    p["ql_var_prior_median"] = r.ql->var_prior_median;
  }
  p["filter"] = o.filter;
  if (r.filter_kept) p["filter_kept"] = *r.filter_kept;
  if (r.counts) p["all_zero_features"] = r.all_zero;
  if (r.norm == "spike-in") p["spike_ins"] = o.spike_ins.empty() ? std::string("quant stage") : o.spike_ins;
  if (!o.block.empty()) {
    p["block"] = o.block;
    p["consensus_correlation"] = r.consensus_correlation ? nlohmann::json(*r.consensus_correlation) : nlohmann::json(0.0);
    p["correlation_features"] = r.correlation_features;
  }
  return p;
}

}  // namespace lscmir::study
