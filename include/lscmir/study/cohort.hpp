// SPDX-License-Identifier: GPL-3.0-or-later
// The cohort of a survival study: expression columns matched to clinical rows by patient id, with
// the outcome, strata, a binary response and treatment-coded covariates parsed from the clinical
// table.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "lscmir/core/log.hpp"
#include "lscmir/stats/cox_screen.hpp"

namespace lscmir::io {
struct LabeledMatrix;
struct Table;
}  // namespace lscmir::io

namespace lscmir::study {

/// Which clinical columns hold what (the --id, --time, ... options of `lscmir survival`).
struct CohortSpec {
  std::string id;     ///< patient ids, matched to the matrix columns
  std::string time;   ///< follow-up time (non-negative)
  std::string event;  ///< 1 / TRUE = event, 0 / FALSE = censored (without `cause`)
  /// --cause K (0 = not given): `event` holds 0 = censored, K = the event of interest, any other
  /// positive integer = a competing event.
  int cause = 0;
  std::vector<std::string> covariates;
  /// Reference levels of categorical covariates, "var=level" each (default: the first level in
  /// byte order, as R's factor()).
  std::vector<std::string> reference;
  std::string strata;  ///< optional
  std::string binary;  ///< optional 0/1 response column
};

struct Cohort {
  std::vector<std::string> ids;          ///< matrix column order
  std::vector<std::size_t> matrix_col;   ///< column of the expression matrix per patient
  std::vector<double> time;              ///< NaN = missing
  std::vector<int> event;                ///< -1 = missing; with a cause: 1 = that cause, 0 = otherwise
  std::vector<int> status;               ///< with a cause: the event code (0 = censored); empty without
  std::vector<int> strata;               ///< code of the sorted level; -1 = missing; all 0 without strata
  std::vector<double> binary;            ///< NaN = missing; empty without a binary column
  Eigen::MatrixXd covariates;            ///< patients x columns (treatment coded), NaN = missing
  std::vector<std::string> covariate_names;  ///< "age", "risk_cytoPoor", ... (R's coefficient names)
};

/// Matches the matrix columns to the clinical rows and parses the columns of `spec`. Missing
/// cells are empty or "NA"; a missing covariate cell makes that patient's covariate row missing.
/// Logs (context "survival") how many columns and rows have no partner.
/// @throws core::InputError: a missing column, a duplicate id, no matching column, a time that is
///   not a non-negative number, an event or binary cell other than 0 / 1 / TRUE / FALSE (with
///   `cause`: an event cell that is not a non-negative integer, or no patient with code `cause`).
/// @throws core::UsageError: a reference that is not var=level or names no level.
Cohort build_cohort(const CohortSpec& spec, const io::LabeledMatrix& m, const io::Table& clinical, core::Logger& log);

/// The option check of `--cause` (before any file is read): 0 (not given) or a positive code.
/// @throws core::UsageError: a negative code.
void validate_cause(const CohortSpec& spec);

/// Patients usable for the outcome and covariates (time, event, stratum and every covariate
/// present), before any feature's own missing values.
std::vector<std::size_t> base_rows(const Cohort& cohort);

/// Outcome, strata and covariates of the patients `rows` (indices into the cohort), in that order.
stats::SurvivalData survival_data(const Cohort& cohort, const std::vector<std::size_t>& rows);

/// The features x patients values of the matrix for the patients `rows`, in that order.
Eigen::MatrixXd patient_values(const io::LabeledMatrix& m, const Cohort& cohort, const std::vector<std::size_t>& rows);

}  // namespace lscmir::study
