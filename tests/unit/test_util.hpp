// SPDX-License-Identifier: GPL-3.0-or-later
// Shared helpers for tests that compare with R goldens.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "lscmir/io/table.hpp"

namespace lscmir::test {

inline std::string source_path(const std::string& rel) { return std::string(LSCMIR_SOURCE_DIR) + "/" + rel; }

/// A golden table read as text.
inline io::Table golden(const std::string& rel) { return io::read_table(source_path(rel)); }

inline double cell_number(const std::string& s) {
  if (s == "NA" || s == "NaN") return std::nan("");
  if (s == "Inf") return INFINITY;
  if (s == "-Inf") return -INFINITY;
  return std::stod(s);
}

/// Numeric column of a golden table.
inline std::vector<double> column(const io::Table& t, const std::string& name) {
  const std::size_t j = t.require_column(name);
  std::vector<double> v;
  v.reserve(t.rows.size());
  for (const auto& r : t.rows) v.push_back(cell_number(r[j]));
  return v;
}

/// |a - b| <= rel * |b| + abs; NaN only matches NaN.
inline ::testing::AssertionResult near_rel(double a, double b, double rel, double abs_tol = 0.0) {
  if (std::isnan(a) || std::isnan(b)) {
    if (std::isnan(a) && std::isnan(b)) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << a << " vs " << b << " (NA mismatch)";
  }
  if (a == b) return ::testing::AssertionSuccess();
  const double d = std::fabs(a - b);
  if (d <= rel * std::fabs(b) + abs_tol) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << a << " vs " << b << " (relative difference " << d / std::fabs(b) << ")";
}

}  // namespace lscmir::test
