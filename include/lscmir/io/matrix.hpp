// SPDX-License-Identifier: GPL-3.0-or-later
// Feature x sample matrices (counts or log-expression): first column the feature id, then one
// column per sample, header required. Parsed directly into doubles (fast path for large files).
#pragma once

#include <string>
#include <vector>

#include <Eigen/Dense>

namespace lscmir::io {

enum class MatrixKind {
  kCounts,      ///< finite, non-negative numbers; NA is an error
  kExpression,  ///< finite numbers or NA / NaN / empty (stored as quiet NaN)
};

struct LabeledMatrix {
  std::string path;
  std::vector<std::string> features;  ///< row ids, unique
  std::vector<std::string> samples;   ///< column ids, unique
  Eigen::MatrixXd values;             ///< features x samples; NaN marks NA
  std::string sha256;                 ///< checksum of the file's bytes
  std::uintmax_t bytes = 0;
};

/// Reads a matrix. Delimiter by file name as for tables (.csv -> ',', else tab); quoted header
/// cells and feature ids are accepted; BOM, CRLF and '#' comment lines are handled.
/// @throws core::InputError with file and line: empty file, header with fewer than 2 columns,
///         duplicate sample or feature ids, ragged rows, non-numeric cells, negative or NA counts,
///         Inf values.
LabeledMatrix read_matrix(const std::string& path, MatrixKind kind);

}  // namespace lscmir::io
