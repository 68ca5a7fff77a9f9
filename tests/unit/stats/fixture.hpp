// SPDX-License-Identifier: GPL-3.0-or-later
// Loads a test dataset (matrix + sample sheet) into the model structures lscmir de builds.
#pragma once

#include <string>
#include <vector>

#include "../test_util.hpp"
#include "lscmir/io/matrix.hpp"
#include "lscmir/io/sample_sheet.hpp"
#include "lscmir/stats/design.hpp"
#include "lscmir/io/variable.hpp"

namespace lscmir::test {

struct Dataset {
  io::LabeledMatrix matrix;   ///< columns in sheet order
  io::SampleSheet sheet;
  stats::Formula formula;
  std::vector<stats::Variable> vars;
  stats::Design design;
  stats::LinearModel model;       ///< patient absorbed when in the formula
  stats::LinearModel full_model;  ///< the same design without absorption
};

inline Dataset load_dataset(const std::string& matrix, const std::string& sheet, const std::string& formula,
                            io::MatrixKind kind) {
  Dataset d;
  d.sheet = io::read_sample_sheet(source_path(sheet));
  d.matrix = io::read_matrix(source_path(matrix), kind);
  const auto cols = io::match_samples(d.sheet, d.matrix);
  Eigen::MatrixXd y(d.matrix.values.rows(), static_cast<Eigen::Index>(cols.size()));
  for (std::size_t j = 0; j < cols.size(); ++j) y.col(static_cast<Eigen::Index>(j)) = d.matrix.values.col(static_cast<Eigen::Index>(cols[j]));
  d.matrix.values = y;
  d.matrix.samples = d.sheet.samples;
  d.formula = stats::parse_formula(formula);
  for (const auto& t : d.formula.terms) {
    std::size_t missing = 0;
    d.vars.push_back(io::variable_from_cells(t, d.sheet.column(t), t == "patient" || t == "population" || t == "batch", missing));
  }
  d.design = stats::build_design(d.formula, d.vars);
  stats::check_design(d.design, d.formula, d.vars);
  d.model = stats::make_linear_model(d.design, d.formula, d.vars, "patient");
  d.full_model = stats::make_linear_model(d.design, d.formula, d.vars, "");
  return d;
}

inline const stats::Variable& variable(const Dataset& d, const std::string& name) {
  for (const auto& v : d.vars)
    if (v.name == name) return v;
  throw std::runtime_error("no variable " + name);
}

/// Row index of each golden feature in the dataset.
inline std::vector<Eigen::Index> feature_rows(const Dataset& d, const io::Table& t) {
  std::vector<Eigen::Index> rows;
  for (const auto& r : t.rows) {
    const auto it = std::find(d.matrix.features.begin(), d.matrix.features.end(), r[0]);
    if (it == d.matrix.features.end()) throw std::runtime_error("golden feature not in data: " + r[0]);
    rows.push_back(static_cast<Eigen::Index>(it - d.matrix.features.begin()));
  }
  return rows;
}

}  // namespace lscmir::test
