// SPDX-License-Identifier: GPL-3.0-or-later
// Library sizes, normalization factors (edgeR semantics) and log counts per million.
#pragma once

#include <string_view>
#include <vector>

#include <Eigen/Dense>

namespace lscmir::stats {

enum class NormMethod { kTMM, kUpperQuartile, kRLE, kNone };

/// Parses "TMM", "upperquartile", "RLE", "none" (case-insensitive). Returns false when unknown.
bool parse_norm_method(std::string_view text, NormMethod& out);
const char* to_string(NormMethod m);

/// Column sums of a counts matrix (features x samples). Threads: samples in parallel, each
/// summed in the same order, so the sums do not depend on `threads`.
std::vector<double> library_sizes(const Eigen::MatrixXd& counts, int threads = 1);

/// One flag per feature (row): 1 when any sample's value is not zero. Blocks of features are
/// scanned in parallel, each column by column (the matrix is column-major).
std::vector<char> nonzero_features(const Eigen::MatrixXd& counts, int threads = 1);

/// Normalization factors as edgeR::calcNormFactors (Robinson & Oshlack 2010 for TMM: trimmed
/// mean of M values against the sample whose upper quartile is closest to the mean, 30% / 5%
/// trims, precision weights), rescaled to geometric mean 1. Features zero in every sample are
/// ignored. Throws core::NumericalError when a factor cannot be computed (e.g. a zero library).
/// Threads: samples are processed in parallel; the result does not depend on `threads`.
std::vector<double> norm_factors(const Eigen::MatrixXd& counts, const std::vector<double>& lib_size,
                                 NormMethod method, int threads = 1);

/// log2 counts per million with a prior count, as edgeR::cpm(log = TRUE): the prior is scaled
/// by each library's size relative to the mean, and the library is enlarged by twice the prior.
/// `eff_lib_size` is lib.size x norm.factors.
Eigen::MatrixXd log_cpm(const Eigen::MatrixXd& counts, const std::vector<double>& eff_lib_size,
                        double prior_count = 2.0, int threads = 1);

/// Options of edgeR's filterByExpr (its defaults).
struct FilterByExprOptions {
  double min_count = 10, min_total_count = 15, large_n = 10, min_prop = 0.7;
};

/// edgeR::filterByExpr(counts, design): keeps a feature with total count >= min_total_count and
/// CPM >= min_count / median(lib_size) * 1e6 in at least n samples, n = 1 / max leverage of the
/// design (plus an intercept), shrunk to large_n + (n - large_n) * min_prop above large_n.
/// Returns one keep flag per feature.
std::vector<bool> filter_by_expr(const Eigen::MatrixXd& counts, const Eigen::MatrixXd& design, const std::vector<double>& lib_size,
                                 const FilterByExprOptions& options = {});

/// R's quantile(type = 7) of a copy of v.
double quantile7(std::vector<double> v, double p);
/// R's median.
double median(std::vector<double> v);

}  // namespace lscmir::stats
