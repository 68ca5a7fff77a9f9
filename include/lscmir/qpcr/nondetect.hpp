// SPDX-License-Identifier: GPL-3.0-or-later
// Non-detects as censored, not missing (McCall et al., Bioinformatics 2014): the probability that
// a well is Undetermined is a logistic function of its true Ct, the Ct follows the normal linear
// model of the design with the sample's normalization offset, and EM estimates both; every
// non-detect is replaced by its conditional expectation.
#pragma once

#include <cstdint>
#include <vector>

#include <Eigen/Dense>

#include "lscmir/qpcr/ct.hpp"

namespace lscmir::qpcr {

struct NondetectOptions {
  int max_iter = 2000;       ///< SQUAREM cycles at most (each two or three EM steps)
  double tol = 1e-9;         ///< converged when one EM step moves no imputed Ct and no curve coefficient by more
  /// Simpson intervals over mu +/- 10 sigma for the E-step integrals (h = 0.125 sigma: the integrand
  /// is a normal density times a logistic, so the rule's error is far below the 1e-6 of the R match)
  int grid_intervals = 160;
  /// SD of the normal prior on the effects of each fixed factor (population) around their mean
  /// (log2 units); 0 = none. Without it an assay never detected in a population has no finite
  /// estimate there: EM drifts the level up without end.
  double effect_prior_sd = 2.0;
};

/// A factor term of the Ct design: its treatment-coded columns, and whether its effects are random
/// (patient: per assay N(0, tau^2) around their mean, tau^2 pooled over assays and estimated) or
/// fixed with the weak prior of NondetectOptions::effect_prior_sd (population).
struct FactorTerm {
  std::vector<Eigen::Index> columns;
  bool random = false;
};

struct NondetectFit {
  double intercept = 0.0;      ///< logit P(Undetermined | Ct) = intercept + slope * Ct (NaN: no non-detect)
  double slope = 0.0;
  int iterations = 0;           ///< SQUAREM cycles
  int em_steps = 0;             ///< EM steps evaluated (plain, extrapolated and stabilising)
  bool converged = false;
  double last_change = 0.0;     ///< largest move of an imputed Ct or curve coefficient in the last iteration
  std::vector<double> imputed;  ///< CtMatrix layout: E[Ct | Undetermined] for kUndetected, NaN elsewhere
  std::vector<double> sigma;    ///< per assay: residual SD of the Ct model (pooled over assays)
  std::vector<double> mu;       ///< CtMatrix layout: the Ct model's mean (offset + x beta) at the fit, NaN for failed / missing
  /// For the parameter draws of em-multiple: per assay, its cells (CtMatrix indices) and D with
  /// Cov(mu of those cells) = sigma^2 D D' under the observed-data information (see draw_nondetects).
  struct AssayDraw {
    std::vector<std::size_t> cells;
    Eigen::MatrixXd d;
  };
  std::vector<AssayDraw> assay_draws;
  double sigma_df = 0.0;                     ///< residual df of the pooled sigma (sum over assays of n - edf)
  /// per factor term: the SD of its effects, estimated (tau) for a random term, the prior's for a fixed one
  std::vector<double> term_sd;
  Eigen::Matrix2d curve_cov = Eigen::Matrix2d::Zero();  ///< inverse information of (intercept, slope); zero when singular
};

/// Fits the model on the detected and Undetermined cells of `m` (failed and missing cells are left
/// out). `design` is samples x columns (the design of population, patient, covariates);
/// `factor_terms` lists the factor terms (their treatment-coded columns get a ridge penalty
/// lambda_t on their centred effects: sigma^2 / prior_sd^2 for a fixed term, sigma^2 / tau_t^2 for
/// a random one); `offset[s]` is the normalizer of sample s. Per assay the Ct is
/// N(offset + x beta, sigma^2) (columns linearly dependent within the assay's samples are dropped).
/// Undetermined cells start at `ct_start`. E-step: E[Ct] and E[Ct^2] under
/// N(mu, sigma^2) x P(Undetermined | Ct) by Simpson's rule; M-step: penalized least squares on
/// the completed Ct (A = X'X + sum_t lambda_t P_t'P_t), sigma^2 = (sum of squared residuals + sum
/// of conditional variances) / sum(n - edf), edf = tr(X A^-1 X'); per random term
/// tau_t^2 = sum(|P_t beta|^2 + sigma^2 tr(P_t A^-1 P_t')) / sum(its columns) (the EM update of a
/// variance component: squared BLUPs plus their conditional variances; with the sigma^2 update
/// its fixed point is REML's, Harville 1977); and the logistic regression (glm, binomial) of the
/// Undetermined indicator on the completed Ct over every cell. EM is slow where most of an
/// assay's cells are Undetermined, so the steps are accelerated by SQUAREM (Varadhan & Roland,
/// Scand. J. Stat. 2008); the fixed point is plain EM's.
/// Threads: runs on the calling thread (deterministic).
NondetectFit fit_nondetects(const CtMatrix& m, const Eigen::MatrixXd& design,
                            const std::vector<FactorTerm>& factor_terms, const std::vector<double>& offset,
                            double ct_start, const NondetectOptions& options = {});

/// Multiple imputation (McCall et al. 2014): `n` draws of every Undetermined cell's Ct from its
/// conditional distribution given the fitted model, density proportional to
/// N(Ct; mu, sigma^2) P(Undetermined | Ct), by inversion of its distribution function tabulated
/// on mu +/- 10 sigma (4000 trapezoid intervals, linear within an interval).
/// With `parameter_draws` (the default, "proper" imputation in Rubin's sense) each draw first
/// draws the model's parameters from their approximate posterior at the fit, so that the pooled
/// intervals carry the uncertainty of the fit too: sigma^2 = sigma_hat^2 df / chi^2_df; per assay
/// beta ~ N(beta_hat, sigma^2 A^-1) with A = X' W X + sum_t lambda_t P_t'P_t, the observed-data information of
/// the censored normal model (Louis 1982: an Undetermined cell counts with weight
/// 1 - Var(Ct | Undetermined) / sigma^2, a detected one with 1) plus the penalties (tau held at its estimate); the curve
/// ~ N(curve_hat, its inverse information). Without it the parameters are held at the fit.
/// Returns n vectors in CtMatrix layout (NaN except at the Undetermined cells). Deterministic: one
/// std::mt19937_64 seeded with `seed`; per draw the parameters, then the cells in CtMatrix order;
/// runs on the calling thread.
std::vector<std::vector<double>> draw_nondetects(const CtMatrix& m, const NondetectFit& fit, int n, std::uint64_t seed,
                                                 bool parameter_draws = true);

}  // namespace lscmir::qpcr
