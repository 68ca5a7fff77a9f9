// SPDX-License-Identifier: GPL-3.0-or-later
// A multi-miRNA risk score (the LSC17 recipe): a lasso / elastic-net Cox fit with cross-validated
// penalty (glmnet 4.1 / cv.glmnet semantics, stats::coxnet_cv), fixed weights, and their
// application to another cohort (the external-validation step).
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "lscmir/core/log.hpp"
#include "lscmir/io/result_table.hpp"
#include "lscmir/stats/coxnet.hpp"
#include "lscmir/study/cohort.hpp"
#include "lscmir/study/survival.hpp"

namespace lscmir::io {
struct LabeledMatrix;
struct Table;
}  // namespace lscmir::io

namespace lscmir::study {

/// `lscmir score fit` options (the [score] table of a study config holds the same fields).
struct ScoreFitOptions {
  std::string expression, clinical;
  CohortSpec cohort;        ///< id, time, event (covariates and strata are not used)
  double alpha = 1;         ///< 1 lasso, (0, 1) elastic net
  std::string foldid;       ///< TSV `patient fold`; empty: --nfolds random folds from --seed
  int nfolds = 10;
  std::uint64_t seed = 1;   ///< fold assignment and bootstrap
  std::string s = "lambda.min";  ///< or lambda.1se: the lambda whose coefficients are the weights
  int bootstrap = 0;        ///< Harrell's optimism-corrected C from this many bootstrap samples (0 = off)
  double thresh = 1e-7;     ///< glmnet's thresh
};

/// @throws core::UsageError: alpha outside [0, 1], nfolds < 3, s not lambda.min / lambda.1se,
///   bootstrap < 0, thresh <= 0.
void validate(const ScoreFitOptions& options);

/// The patients a fit uses: time > 0 (glmnet refuses a non-positive time), event known and every
/// feature measured; x is patients x features (the matrix transposed).
struct ScoreData {
  std::vector<std::string> features, patients;
  std::vector<double> time;
  std::vector<int> event;
  Eigen::MatrixXd x;
};

/// Builds the fit's data from the matrix and the clinical table (build_cohort), leaving out, with a
/// warning each, patients with a missing outcome, a time <= 0, or a missing expression value.
/// @throws core::InputError as build_cohort; core::UsageError when fewer than 10 patients or no
///   event remain.
ScoreData score_data(const CohortSpec& spec, const io::LabeledMatrix& m, const io::Table& clinical, core::Logger& log);

/// Fold ids from a `patient fold` table for `patients` (extra rows are ignored).
/// @throws core::InputError naming the file and line: a missing column, a fold that is not a
///   positive integer, a patient listed twice, or a patient of the fit without a row.
std::vector<int> read_foldid(const io::Table& table, const std::vector<std::string>& patients);

/// cv.glmnet's default fold assignment shape: rep(1:K, length n) shuffled, here by std::mt19937_64
/// seeded with `seed` (not R's RNG: pass --foldid to reproduce an R run).
std::vector<int> random_folds(std::size_t n, int nfolds, std::uint64_t seed);

struct ScoreFit {
  ScoreData data;
  stats::CoxnetCv cv;
  std::size_t chosen = 0;  ///< index of the lambda of --s in cv.fit.lambda
  std::vector<std::string> weight_features;  ///< non-zero coefficients, feature order
  std::vector<double> weights;
  std::vector<double> score;  ///< per patient, x * weights
  double cutoff = 0;          ///< median of score (R's median)
  int bootstrap = 0;
  double c_apparent = std::numeric_limits<double>::quiet_NaN();
  double optimism = std::numeric_limits<double>::quiet_NaN();
  double c_corrected = std::numeric_limits<double>::quiet_NaN();
};

/// Cross-validates the path (stats::coxnet_cv) and takes the coefficients at lambda.min or
/// lambda.1se. With bootstrap B > 0: Harrell's optimism (Harrell, Lee & Mark 1996): for each
/// bootstrap sample b (patients drawn with replacement by std::mt19937_64 seeded with
/// seed ^ (0x9E3779B97F4A7C15 * (b + 1))) the path is refitted at the full fit's lambdas down to the
/// chosen one (the penalty is held at the selected value; the CV is not repeated), and optimism is
/// the mean of C(sample b) - C(original data) of that fit; corrected C = apparent C - optimism.
/// Threads: the fold fits and the bootstrap samples in parallel; the result does not depend on it.
ScoreFit score_fit(const ScoreFitOptions& options, ScoreData data, const std::vector<int>& foldid, int threads,
                   core::Logger& log);

/// path.tsv (lambda df dev.ratio), cv.tsv (lambda cvm cvsd), lambdas.tsv (name value: lambda.min,
/// lambda.1se), weights.tsv (feature coef, non-zero only), score.tsv (patient score group), and with
/// a bootstrap cindex.tsv (name value: apparent, optimism, corrected, bootstrap).
std::vector<io::NamedTable> score_fit_tables(const ScoreFit& fit);
std::vector<std::string> score_fit_files(const ScoreFitOptions& options);

/// `lscmir score apply` options.
struct ScoreApplyOptions {
  std::string weights, expression, clinical;
  CohortSpec cohort;  ///< id, time, event when clinical is given
  double cutoff = std::numeric_limits<double>::quiet_NaN();  ///< NaN: the training median
};

/// Fixed weights and the split they come with.
struct ScoreWeights {
  std::string path;
  std::vector<std::string> features;
  std::vector<double> coef;
};

/// weights.tsv as score fit writes it (`feature coef`).
/// @throws core::InputError naming the file and line: missing column, a coef that is not a finite
///   number, a feature listed twice, no row.
ScoreWeights read_weights(const io::Table& table);

/// The training median: R's median of the `score` column of a score.tsv (missing cells skipped).
/// @throws core::InputError naming the file and line of a bad cell, or no score.
double training_cutoff(const io::Table& training_scores);

struct ScoreApply {
  std::vector<std::string> patients;  ///< matrix columns
  std::vector<double> score;          ///< NaN when a weighted feature is NA for the patient
  double cutoff = 0;
  bool validated = false;             ///< clinical data given
  stats::CoxScreenRow cox;            ///< score's Cox model (Efron), Harrell's C
  stats::LogRank logrank;             ///< high vs low
  KmCurves km;                        ///< feature "score"
};

/// score = sum_j coef_j x_j on the matrix's scale; group high when score > cutoff, else low; with
/// a clinical table the score's Cox HR, Wald test and C, the log-rank test of the split and the
/// Kaplan-Meier curves per group on the patients with outcome and score.
/// @throws core::InputError naming the matrix file when a weighted feature is not in it.
ScoreApply score_apply(const ScoreWeights& weights, const io::LabeledMatrix& m, double cutoff, const CohortSpec* spec,
                       const io::Table* clinical, core::Logger& log);

/// score.tsv (patient score group) and, validated, validation.tsv (n events coef HR HR.lower95
/// HR.upper95 se z P C logrank.chisq logrank.P cutoff status) and km_score.tsv.
std::vector<io::NamedTable> score_apply_tables(const ScoreApply& result);
std::vector<std::string> score_apply_files(bool validated);

}  // namespace lscmir::study
