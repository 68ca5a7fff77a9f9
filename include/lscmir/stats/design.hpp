// SPDX-License-Identifier: GPL-3.0-or-later
// Model formulas, design matrices with R's treatment coding, rank checks, and the linear model
// representation used by lm_fit (with an optional absorbed blocking factor such as `patient`).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Dense>

namespace lscmir::stats {

/// An additive formula: "~ a + b", "~ 0 + a", "~ a + b - 1".
struct Formula {
  bool intercept = true;
  std::vector<std::string> terms;  ///< variable names in order
};

/// Parses a formula. @throws core::UsageError with the offending text (interactions, functions
/// of variables and other R formula features are not supported and are named as such).
Formula parse_formula(std::string_view text);
std::string to_string(const Formula& f);

/// One sample-level variable. Factors keep their levels sorted in byte order (R's default order
/// under the C locale); numeric variables hold values (NaN = missing).
struct Variable {
  std::string name;
  bool is_factor = true;
  std::vector<std::string> levels;  ///< factors: sorted unique levels
  std::vector<int> codes;           ///< factors: level index per sample
  std::vector<double> values;       ///< numeric: value per sample

  static Variable factor(std::string name, const std::vector<std::string>& cells);
  static Variable numeric(std::string name, const std::vector<double>& values);
  // Text cells become a Variable in study::variable_from_cells (stats never parses text).
};

/// A full design matrix as R's model.matrix builds it.
struct Design {
  Eigen::MatrixXd x;                  ///< samples x columns
  std::vector<std::string> columns;   ///< "(Intercept)", "patientP02", "populationLSC", "age"
  std::vector<int> term_of_column;    ///< index into Formula::terms, -1 for the intercept
};

/// Builds the design matrix (treatment coding: the first level of each factor is the reference,
/// absorbed in the intercept; without an intercept the first factor gets one column per level).
/// @throws core::UsageError when a term is not a known variable or a numeric value is missing.
Design build_design(const Formula& formula, const std::vector<Variable>& variables);

/// Numerical rank of a matrix by Householder QR with R's limited pivoting (lm.fit, tol = 1e-7):
/// returns the indices of columns found linearly dependent on earlier ones.
std::vector<int> dependent_columns(const Eigen::MatrixXd& x, double tol = 1e-7);

/// Checks that the design has full column rank and residual degrees of freedom.
/// @throws core::UsageError explaining in plain words what is confounded, e.g.
/// "column 'batchB' (batch) is a combination of patient columns: batch is confounded with patient".
/// `option` names the flag the formula came from in the message ("--design", "--em-design").
void check_design(const Design& design, const Formula& formula, const std::vector<Variable>& variables,
                  const std::string& option = "--design");

/// The model lm_fit works with. When `groups` is non-empty, the span of the group indicators
/// (intercept + a blocking factor, typically patient) is absorbed by weighted within-group
/// centering (Frisch-Waugh-Lovell), and `z` holds only the remaining columns; coefficients,
/// residual variance and residual df equal those of the full design.
struct LinearModel {
  Eigen::MatrixXd z;                 ///< samples x q reported columns
  std::vector<std::string> names;    ///< q column names as model.matrix names them
  std::vector<int> groups;           ///< empty, or group index per sample
  int n_groups = 0;
  std::string absorbed;              ///< name of the absorbed factor, empty if none
  /// Correlated blocks (limma's lmFit with block and correlation): when non-empty (and groups is
  /// empty), observations in the same block have correlation `correlation` and each feature is
  /// fitted by generalized least squares.
  std::vector<int> block;            ///< block index per sample, or empty
  int n_blocks = 0;
  double correlation = 0.0;
};

/// Builds the LinearModel from a checked design: absorbs `absorb` (e.g. "patient") when the
/// formula has an intercept and that factor as a term; otherwise z is the full design.
LinearModel make_linear_model(const Design& design, const Formula& formula, const std::vector<Variable>& variables,
                              std::string_view absorb);

/// The contrast vector (length q) for "A-B" between two levels of factor `factor`:
/// coefficient of A minus coefficient of B (a reference level has no coefficient).
/// @throws core::UsageError naming an unknown level and listing the known ones.
Eigen::VectorXd level_contrast(const LinearModel& model, const Variable& factor, std::string_view level_a,
                               std::string_view level_b);

/// A contrast "A-B" between two levels of a factor (level names may contain '-').
struct LevelContrast {
  std::string a, b;
  std::string tag;  ///< "A_vs_B" with characters other than [A-Za-z0-9._-] replaced by '_'
};

/// "A_vs_B" with characters other than [A-Za-z0-9._-] replaced by '_' (the file tag of a contrast,
/// as in de_A_vs_B.tsv).
std::string contrast_tag(const std::string& a, const std::string& b);

/// Splits `text` into two of `sorted_levels` (sorted bytewise); `factor` names them in messages.
/// @throws core::UsageError: no split names two levels, more than one does, or A equals B.
LevelContrast split_contrast(const std::string& text, const std::vector<std::string>& sorted_levels, const std::string& factor);

/// A named linear contrast of factor levels: "NAME=LSC-(HSC+LPC)/2" has name "NAME" and weights
/// LSC 1, HSC -0.5, LPC -0.5 (in the factor's level order; levels not named have weight 0).
struct LinearContrast {
  std::string name;             ///< also the file tag (de_NAME.tsv)
  std::string expression;       ///< the text after '='
  std::vector<double> weights;  ///< one per level of the factor
};

/// Parses "NAME=EXPR". EXPR is a linear combination of level names with numbers, + - * / and
/// parentheses. @throws core::UsageError for bad syntax (with the position), a name other than
/// [A-Za-z0-9._-]+, unknown levels (listing the known ones), products of levels, a constant term,
/// and weights that do not sum to zero (such a contrast is not estimable from a design with an
/// intercept or patient effects: it is not a comparison of populations).
LinearContrast parse_linear_contrast(const std::string& text, const std::vector<std::string>& levels, const std::string& factor);

/// The contrast vector (length q) of a linear contrast of the levels of `factor`.
/// @throws core::UsageError when the factor is not a term of the design.
Eigen::VectorXd linear_contrast(const LinearModel& model, const Variable& factor, const LinearContrast& contrast);

}  // namespace lscmir::stats
