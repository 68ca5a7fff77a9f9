// SPDX-License-Identifier: GPL-3.0-or-later
// The survival cohort: clinical rows matched to matrix columns, outcome and covariates coded.
#include "lscmir/study/cohort.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include <fmt/core.h>

#include "lscmir/core/error.hpp"
#include "lscmir/io/variable.hpp"
#include "lscmir/io/matrix.hpp"
#include "lscmir/io/number.hpp"
#include "lscmir/io/table.hpp"
#include "lscmir/stats/design.hpp"

namespace lscmir::study {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Missing clinical cell: empty or "NA". Not io::is_na_cell, which also takes "NaN": a "NaN" time
/// or event has always been an error here ("expected a non-negative number"), and stays one.
bool is_missing(const std::string& s) { return s.empty() || s == "NA"; }

/// 1 / TRUE -> 1, 0 / FALSE -> 0, anything else -> -1.
int parse_flag(const std::string& s) {
  if (s == "1" || s == "TRUE") return 1;
  if (s == "0" || s == "FALSE") return 0;
  return -1;
}

/// A competing-risks event code: a non-negative integer ("0", "1", "2", ...), else -1.
int parse_code(const std::string& s) {
  if (s.empty() || s.size() > 9 || !std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) return -1;
  return std::stoi(s);
}

}  // namespace

void validate_cause(const CohortSpec& spec) {
  if (spec.cause < 0) throw core::UsageError("--cause must be a positive event code (got " + std::to_string(spec.cause) + ")");
}

Cohort build_cohort(const CohortSpec& o, const io::LabeledMatrix& m, const io::Table& clin, core::Logger& log) {
  const std::size_t id_col = clin.require_column(o.id);
  const std::size_t t_col = clin.require_column(o.time);
  const std::size_t e_col = clin.require_column(o.event);
  std::map<std::string, std::size_t> row_of;
  for (std::size_t r = 0; r < clin.rows.size(); ++r) {
    const auto [it, fresh] = row_of.emplace(clin.rows[r][id_col], r);
    if (!fresh)
      throw core::InputError(clin.path, clin.line_numbers[r],
                             "duplicate " + o.id + " \"" + clin.rows[r][id_col] + "\" (first seen on line " +
                                 std::to_string(clin.line_numbers[it->second]) + ")");
  }
  Cohort c;
  std::vector<std::size_t> rows;
  std::vector<std::string> only_matrix;
  for (std::size_t j = 0; j < m.samples.size(); ++j) {
    const auto it = row_of.find(m.samples[j]);
    if (it == row_of.end()) {
      only_matrix.push_back(m.samples[j]);
      continue;
    }
    c.ids.push_back(m.samples[j]);
    c.matrix_col.push_back(j);
    rows.push_back(it->second);
  }
  const std::size_t only_clinical = clin.rows.size() - rows.size();
  if (!only_matrix.empty())
    log.warn("survival", fmt::format("{} expression column(s) have no clinical row and are left out (first: {})", only_matrix.size(),
                                     only_matrix.front()));
  if (only_clinical > 0) log.info("survival", fmt::format("{} clinical row(s) have no expression column", only_clinical));
  if (rows.empty())
    throw core::InputError(m.path, 1, "no expression column matches a value of " + o.id + " in " + clin.path,
                           "check --id and that the matrix header holds the same patient ids");
  const std::size_t n = rows.size();
  c.time.assign(n, kNaN);
  c.event.assign(n, -1);
  if (o.cause > 0) c.status.assign(n, -1);
  for (std::size_t k = 0; k < n; ++k) {
    const auto& row = clin.rows[rows[k]];
    double v = 0;
    if (!is_missing(row[t_col])) {
      if (!io::parse_finite(row[t_col], v) || v < 0)
        throw core::InputError(clin.path, clin.line_numbers[rows[k]],
                               "expected a non-negative number in column \"" + o.time + "\", found \"" + core::cell_for_message(row[t_col]) + "\"");
      c.time[k] = v;
    }
    if (!is_missing(row[e_col])) {
      if (o.cause > 0) {
        c.status[k] = parse_code(row[e_col]);
        if (c.status[k] < 0)
          throw core::InputError(clin.path, clin.line_numbers[rows[k]],
                                 "expected 0 (censored) or a positive integer event code in column \"" + o.event + "\" (--cause " +
                                     std::to_string(o.cause) + "), found \"" + core::cell_for_message(row[e_col]) + "\"");
        c.event[k] = c.status[k] == o.cause;
        continue;
      }
      c.event[k] = parse_flag(row[e_col]);
      if (c.event[k] < 0)
        throw core::InputError(clin.path, clin.line_numbers[rows[k]],
                               "expected 0 or 1 in column \"" + o.event + "\", found \"" + core::cell_for_message(row[e_col]) + "\"");
    }
  }
  if (o.cause > 0 && std::find(c.status.begin(), c.status.end(), o.cause) == c.status.end()) {
    std::set<int> codes(c.status.begin(), c.status.end());
    codes.erase(-1);
    std::string found;
    for (const int v : codes) found += (found.empty() ? "" : ", ") + std::to_string(v);
    throw core::InputError(clin.path, 1,
                           "--cause " + std::to_string(o.cause) + ": no patient of the matrix has code " + std::to_string(o.cause) +
                               " in column \"" + o.event + "\" (codes found: " + (found.empty() ? "none" : found) + ")",
                           "the event column holds 0 = censored, the --cause code = the event of interest, other positive codes = competing events");
  }
  c.strata.assign(n, 0);
  if (!o.strata.empty()) {
    const std::size_t s_col = clin.require_column(o.strata);
    std::set<std::string> levels;
    for (std::size_t k = 0; k < n; ++k)
      if (!is_missing(clin.rows[rows[k]][s_col])) levels.insert(clin.rows[rows[k]][s_col]);
    const std::vector<std::string> lv(levels.begin(), levels.end());
    for (std::size_t k = 0; k < n; ++k) {
      const auto& cell = clin.rows[rows[k]][s_col];
      c.strata[k] = is_missing(cell) ? -1 : static_cast<int>(std::lower_bound(lv.begin(), lv.end(), cell) - lv.begin());
    }
  }
  if (!o.binary.empty()) {
    const std::size_t b_col = clin.require_column(o.binary);
    c.binary.assign(n, kNaN);
    for (std::size_t k = 0; k < n; ++k) {
      const auto& cell = clin.rows[rows[k]][b_col];
      if (is_missing(cell)) continue;
      const int flag = parse_flag(cell);
      if (flag < 0)
        throw core::InputError(clin.path, clin.line_numbers[rows[k]],
                               "expected 0 or 1 in column \"" + o.binary + "\", found \"" + cell + "\"");
      c.binary[k] = flag;
    }
  }
  // Covariates: treatment coding with R's default reference (first sorted level) unless
  // --reference var=level; a missing cell makes the whole row missing for that patient.
  std::map<std::string, std::string> ref;
  for (const auto& r : o.reference) {
    const auto eq = r.find('=');
    if (eq == std::string::npos) throw core::UsageError("--reference expects var=level, got \"" + r + "\"");
    ref[r.substr(0, eq)] = r.substr(eq + 1);
  }
  std::vector<Eigen::VectorXd> cols;
  for (const auto& name : o.covariates) {
    const std::size_t col = clin.require_column(name);
    std::vector<std::string> cells(n);
    std::vector<char> miss(n, 0);
    for (std::size_t k = 0; k < n; ++k) {
      cells[k] = clin.rows[rows[k]][col];
      miss[k] = is_missing(cells[k]);
    }
    std::size_t first_missing = 0;
    const auto var = io::variable_from_cells(name, cells, false, first_missing);
    if (!var.is_factor) {
      cols.push_back(Eigen::Map<const Eigen::VectorXd>(var.values.data(), static_cast<Eigen::Index>(n)));
      c.covariate_names.push_back(name);
      continue;
    }
    std::set<std::string> levels;
    for (std::size_t k = 0; k < n; ++k)
      if (!miss[k]) levels.insert(cells[k]);
    std::vector<std::string> lv(levels.begin(), levels.end());
    if (const auto it = ref.find(name); it != ref.end()) {
      const auto pos = std::find(lv.begin(), lv.end(), it->second);
      if (pos == lv.end()) throw core::UsageError("--reference " + name + "=" + it->second + ": no such level in " + clin.path);
      std::rotate(lv.begin(), pos, pos + 1);
    }
    for (std::size_t l = 1; l < lv.size(); ++l) {
      Eigen::VectorXd v(static_cast<Eigen::Index>(n));
      for (std::size_t k = 0; k < n; ++k) v[static_cast<Eigen::Index>(k)] = miss[k] ? kNaN : (cells[k] == lv[l] ? 1.0 : 0.0);
      cols.push_back(v);
      c.covariate_names.push_back(name + lv[l]);
    }
  }
  c.covariates.resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(cols.size()));
  for (std::size_t j = 0; j < cols.size(); ++j) c.covariates.col(static_cast<Eigen::Index>(j)) = cols[j];
  return c;
}

std::vector<std::size_t> base_rows(const Cohort& c) {
  std::vector<std::size_t> r;
  for (std::size_t k = 0; k < c.ids.size(); ++k) {
    if (std::isnan(c.time[k]) || c.event[k] < 0 || c.strata[k] < 0) continue;
    if (c.covariates.cols() > 0 && !c.covariates.row(static_cast<Eigen::Index>(k)).allFinite()) continue;
    r.push_back(k);
  }
  return r;
}

stats::SurvivalData survival_data(const Cohort& c, const std::vector<std::size_t>& rows) {
  stats::SurvivalData d;
  const auto n = static_cast<Eigen::Index>(rows.size());
  d.covariates.resize(n, c.covariates.cols());
  for (Eigen::Index r = 0; r < n; ++r) {
    const std::size_t k = rows[static_cast<std::size_t>(r)];
    d.time.push_back(c.time[k]);
    d.event.push_back(c.event[k]);
    d.strata.push_back(c.strata[k]);
    if (c.covariates.cols() > 0) d.covariates.row(r) = c.covariates.row(static_cast<Eigen::Index>(k));
  }
  return d;
}

Eigen::MatrixXd patient_values(const io::LabeledMatrix& m, const Cohort& c, const std::vector<std::size_t>& rows) {
  Eigen::MatrixXd v(m.values.rows(), static_cast<Eigen::Index>(rows.size()));
  for (std::size_t r = 0; r < rows.size(); ++r)
    v.col(static_cast<Eigen::Index>(r)) = m.values.col(static_cast<Eigen::Index>(c.matrix_col[rows[r]]));
  return v;
}

}  // namespace lscmir::study
