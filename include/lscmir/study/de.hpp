// SPDX-License-Identifier: GPL-3.0-or-later
// The differential-expression stage: a sample sheet and a count or log-expression matrix in, one
// limma topTable per population contrast out (voom / trend / lm, eBayes, optionally treat).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

#include "lscmir/core/log.hpp"
#include "lscmir/io/matrix.hpp"
#include "lscmir/io/result_table.hpp"
#include "lscmir/io/sample_sheet.hpp"
#include "lscmir/stats/design.hpp"
#include "lscmir/stats/top_table.hpp"
#include "lscmir/study/paired.hpp"

namespace lscmir::study {

/// Options of `lscmir de` and of the [study] section of a config (docs/cli.md, docs/config.md).
struct DeOptions {
  std::string design;                  ///< model formula; empty = "~ patient + population" (or "~ population")
  std::string method;                  ///< voom, trend or lm; empty = voom for counts, lm for expression
  std::string norm = "TMM";            ///< TMM, upperquartile, RLE, none or spike-in (counts only)
  std::string spike_ins;               ///< norm spike-in: the spike-in count table (spikeins.tsv); read by the caller
  std::vector<std::string> contrasts;  ///< population contrasts "A-B" (logFC = A - B) or "NAME=LSC-(HSC+LPC)/2"
  std::vector<std::string> coefs;      ///< design columns tested on their own (numeric covariate "age", "npm1mut")
  bool robust = false;                 ///< robust empirical Bayes (Phipson et al. 2016)
  std::optional<double> lfc;           ///< treat threshold; P.Value and adj.P.Val become treat's
  std::string contrast_se = "exact";   ///< exact: sqrt(c'(X'WX)^-1 c) per feature; limma: contrasts.fit
  std::string block;                   ///< sheet column of correlated blocks (duplicateCorrelation), e.g. patient
  bool sample_weights = false;         ///< voomWithQualityWeights (voom) / arrayWeights (trend, lm)
  bool filter = false;                 ///< counts: edgeR filterByExpr with the design, before normalization
};

struct ContrastResult {
  stats::LevelContrast contrast;  ///< a, b and the file tag "A_vs_B"; a named contrast or a coefficient
                                  ///< has empty a and b and its name as tag
  std::string label;              ///< as given: "A-B", "NAME=expression" or the coefficient name
  stats::TopTable table;          ///< per feature (matrix row order), with `order` by P.Value
};

/// --method ql: edgeR's dispersion and quasi-likelihood summaries (run_info.json).
struct QlSummary {
  double common_dispersion = 0, trended_median = 0, span = 0, tagwise_prior_df = 0;
  double df_prior_median = 0, df_prior_min = 0, var_prior_median = 0;
  std::size_t dispersion_rows = 0;  ///< features with total count >= 5 (estimateDisp's min.row.sum)
};

struct DeResult {
  std::vector<std::string> features;   ///< matrix row order
  std::vector<std::string> samples;    ///< sample-sheet order
  bool counts = false;                 ///< counts input: lib_size and norm_factors are set
  std::vector<double> lib_size, norm_factors;
  std::vector<ContrastResult> contrasts;  ///< in the order of DeOptions::contrasts
  std::string method, design, norm;    ///< as used (defaults resolved)
  double df_prior = 0.0;               ///< smallest prior df of the moderation
  double contrast_se_max_rel_diff = 0.0;  ///< largest |limma SE / exact SE - 1| over contrasts and features
  /// Per population contrast A-B (in contrast order), the within-patient differences on the
  /// fitted log scale (voom's E, the log-CPM of trend, the expression of lm); empty without a
  /// patient column.
  std::vector<PairedDifferences> paired;
  std::optional<double> consensus_correlation;  ///< --block: duplicateCorrelation's consensus (final pass)
  int correlation_features = 0;        ///< --block: features whose correlation could be estimated
  std::vector<double> sample_weights;  ///< --sample-weights: one per sample (sheet order), else empty
  std::string sample_weights_method;   ///< "reml", "genebygene" (arrayWeights) or "voomWithQualityWeights"; empty without
  std::optional<std::size_t> filter_kept;  ///< --filter: features kept (features holds only those)
  std::optional<QlSummary> ql;            ///< --method ql
  std::size_t all_zero = 0;            ///< counts: features zero in every sample (before any filter)
  /// voom: the mean-variance trend of the final voom pass (points and the lowess curve at them).
  std::vector<std::size_t> trend_feature;
  std::vector<double> trend_x, trend_y, trend_fit;
  int imputations = 0;                 ///< differential_expression_mi: the number of draws pooled
};

/// Diagnostics for plots (part of de_tables, so written by `lscmir de` and `lscmir run`): voom_trend.tsv (voom only: feature
/// mean_log_count sqrt_sd trend) and pvalue_histogram.tsv (contrast bin_lower bin_upper count,
/// 20 bins of width 0.05 per contrast).
std::vector<io::NamedTable> de_diagnostic_tables(const DeResult& result);

/// The checks of the options that need no data: method (voom, trend, lm or empty), norm, contrast_se,
/// lfc (>= 0). Called by differential_expression and, with the TOML line, by read_study_config.
/// @throws core::UsageError naming the option and the value.
void check_de_options(const DeOptions& options);

/// Runs the stage. The matrix columns are matched to the sheet's samples (io::match_samples).
/// @throws core::UsageError: unknown method / norm, voom on log-expression, a design term that is
///         not a sheet column, no population term, a contrast that names unknown levels or is given
///         twice, a negative lfc, a contrast_se other than exact / limma. core::InputError: a sample without a value for a design term.
/// Threads: normalization, voom and the fits run on `threads` threads; results do not depend on it.
/// The matrix is taken by value: pass it with std::move to let the stage reuse its memory.
/// `spike_ins` (norm spike-in only): spike-in x sample counts; every sheet sample needs a column
/// with a positive total (core::InputError naming the table otherwise).
DeResult differential_expression(const DeOptions& options, io::LabeledMatrix matrix, bool counts,
                                 const io::SampleSheet& sheet, int threads, core::Logger& log,
                                 const io::LabeledMatrix* spike_ins = nullptr);

/// The contrast A-B of a result, or nullptr.
const ContrastResult* find_contrast(const DeResult& result, const std::string& a, const std::string& b);

/// de_<tag>.tsv per contrast (limma topTable columns, sorted by P.Value) and, for counts,
/// norm_factors.tsv (sample lib.size norm.factors), with sample weights sample_weights.tsv
/// (sample sample.weights), and paired_<tag>.tsv per population contrast when the sheet has patients.
std::vector<io::NamedTable> de_tables(const DeResult& result);

/// The topTable of one contrast: feature logFC CI.L CI.R AveExpr t P.Value adj.P.Val B, and
/// SE df fmi after them when the table was pooled over imputations (table.fmi not empty).
io::ResultTable top_table_columns(const std::vector<std::string>& features, const stats::TopTable& table);

/// The draws of `lscmir qpcr --impute em-multiple N` (imputations.tsv: feature sample draw_1..draw_N).
struct ImputationDraws {
  std::string path;
  std::vector<std::string> feature, sample;
  std::vector<std::vector<double>> value;  ///< [draw][row]
  std::vector<std::size_t> line;           ///< file line of each row
};
/// Reads imputations.tsv. @throws core::InputError (file, line): no feature / sample / draw_k
/// columns, fewer than two draws, a cell that is not a finite number, a (feature, sample) twice.
ImputationDraws read_imputations(const std::string& path);

/// Differential expression under multiple imputation: the stage runs on `matrix` (the
/// conditional expectations: paired tables, diagnostics and AveExpr-free columns come from this
/// run), then once per draw with the draw's values in the (feature, sample) cells, and each
/// contrast's logFC is pooled over the draws by Rubin's rules (stats::rubin_pool) with the
/// per-draw moderated variance SE^2 = s2.post stdev.unscaled^2 and complete-data df the mean
/// df.total over the draws. The table then holds the pooled logFC, its 95% interval, t =
/// logFC / SE, P on the Barnard-Rubin df, BH adj.P.Val, AveExpr (mean over draws), B = NA, and
/// se, df, fmi. Sets `imputations`. @throws core::UsageError: counts, --lfc; core::InputError:
/// a draw naming a feature or sample not in the matrix (file, line).
/// Threads: each fit as differential_expression; results do not depend on `threads`.
DeResult differential_expression_mi(const DeOptions& options, const io::LabeledMatrix& matrix, const ImputationDraws& draws,
                                    const io::SampleSheet& sheet, int threads, core::Logger& log);

/// The edgeR topTags table of a --method ql contrast: feature logFC logCPM F PValue FDR.
io::ResultTable ql_table_columns(const std::vector<std::string>& features, const stats::TopTable& table);

/// run_info parameters of the stage (design, method, norm, robust, lfc, contrasts, df_prior).
nlohmann::json de_parameters(const DeOptions& options, const DeResult& result, int threads);

}  // namespace lscmir::study
