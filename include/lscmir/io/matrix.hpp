// SPDX-License-Identifier: GPL-3.0-or-later
// Feature x sample matrices (counts or log-expression): first column the feature id, then one
// column per sample, header required. Parsed directly into doubles (fast path for large files).
#pragma once

#include <cstdint>
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

/// Reads a matrix. Delimiter by file name as for tables (.csv -> ',', else tab); quoted cells are
/// accepted (quoted fields must close on their line); BOM, CRLF, blank and '#' comment lines are
/// handled. The name of the first header column (the feature id column) is not used and may be
/// empty. Numbers: integers, decimals and exponent notation ("1e-3"), optionally padded with
/// spaces or with a leading '+'. For kExpression, `NA`, `NaN` and an empty cell become quiet NaN.
/// -0 is stored as +0.
/// @throws core::InputError with file and line: unreadable, gzip-compressed or empty file, header
///         with fewer than 2 columns, empty or duplicate sample ids (both columns named), a header
///         without data rows, duplicate feature ids (both lines named), ragged rows (expected and
///         found field counts), non-numeric cells, negative or NA counts, Inf values. When several
///         rows are bad, the first in file order is reported.
/// Threads: the 2-argument form uses every hardware thread (as `threads` = 0).
LabeledMatrix read_matrix(const std::string& path, MatrixKind kind);

/// As above with at most `threads` threads (0 = all hardware threads): with 2 or more, one thread
/// computes the checksum while the others parse rows; with 1 everything runs on the caller's
/// thread. The result does not depend on the thread count.
LabeledMatrix read_matrix(const std::string& path, MatrixKind kind, int threads);

}  // namespace lscmir::io
