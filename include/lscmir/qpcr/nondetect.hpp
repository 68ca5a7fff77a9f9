// SPDX-License-Identifier: GPL-3.0-or-later
// Non-detects as censored, not missing (McCall et al., Bioinformatics 2014): the probability that
// a well is Undetermined is a logistic function of its true Ct, the Ct follows the normal linear
// model of the design with the sample's normalization offset, and EM estimates both; every
// non-detect is replaced by its conditional expectation.
#pragma once

#include <vector>

#include <Eigen/Dense>

#include "lscmir/qpcr/ct.hpp"

namespace lscmir::qpcr {

struct NondetectOptions {
  int max_iter = 200;        ///< EM iterations at most
  double tol = 1e-6;         ///< stop when no imputed Ct moves by more
  int grid_intervals = 800;
  /// SD of the normal prior on the population effects around their mean (log2 units); 0 = none.
  /// Without it an assay never detected in a population has no finite estimate there.
  double effect_prior_sd = 2.0;  ///< Simpson intervals over mu +/- 10 sigma for the E-step integrals
};

struct NondetectFit {
  double intercept = 0.0;      ///< logit P(Undetermined | Ct) = intercept + slope * Ct (NaN: no non-detect)
  double slope = 0.0;
  int iterations = 0;
  bool converged = false;
  double last_change = 0.0;     ///< largest move of an imputed Ct or curve coefficient in the last iteration
  std::vector<double> imputed;  ///< CtMatrix layout: E[Ct | Undetermined] for kUndetected, NaN elsewhere
  std::vector<double> sigma;    ///< per assay: residual SD of the Ct model
};

/// Fits the model on the detected and Undetermined cells of `m` (failed and missing cells are left
/// out). `design` is samples x columns (the design of population, patient, covariates);
/// `offset[s]` is the normalizer of sample s. Per assay the Ct is N(offset + x beta, sigma^2)
/// (columns linearly dependent within the assay's samples are dropped). Undetermined cells start
/// at `ct_start`. E-step: E[Ct] and E[Ct^2] under N(mu, sigma^2) x P(Undetermined | Ct) by
/// Simpson's rule; M-step: least squares on the completed Ct, sigma^2 = (sum of squared residuals
/// + sum of conditional variances) / (n - rank), and the logistic regression (glm, binomial) of
/// the Undetermined indicator on the completed Ct over every cell.
/// Threads: runs on the calling thread (deterministic).
NondetectFit fit_nondetects(const CtMatrix& m, const Eigen::MatrixXd& design,
                            const std::vector<Eigen::Index>& population_columns, const std::vector<double>& offset,
                            double ct_start, const NondetectOptions& options = {});

}  // namespace lscmir::qpcr
