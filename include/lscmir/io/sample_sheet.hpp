// SPDX-License-Identifier: GPL-3.0-or-later
// The sample sheet: `sample`, `population`, optional `patient`, `batch`, `fastq` and covariates.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "lscmir/io/matrix.hpp"

namespace lscmir::io {

struct SampleSheet {
  std::string path;
  std::string sha256;
  std::uintmax_t bytes = 0;
  std::vector<std::string> columns;               ///< header names in file order
  std::vector<std::string> samples;               ///< the `sample` column, unique
  std::vector<std::size_t> line_numbers;          ///< 1-based file line of each sample
  std::vector<std::vector<std::string>> cells;    ///< cells[column][sample], raw text

  bool has_column(std::string_view name) const;
  /// Cells of one column, one per sample. @throws core::InputError naming the missing column.
  const std::vector<std::string>& column(std::string_view name) const;
};

/// Reads a sample sheet (TSV or CSV by file name). Required columns: `sample`, `population`.
/// @throws core::InputError: missing required column, empty or duplicate sample id (both lines
///         named), empty population cell.
SampleSheet read_sample_sheet(const std::string& path);

/// For every sheet sample, the index of its column in the matrix (sheet order).
/// @throws core::InputError when a sheet sample is missing from the matrix or a matrix column is
///         missing from the sheet; the message lists up to 5 offending names and the count.
///         With `left_out` non-null, matrix columns missing from the sheet are not an error: their
///         names are returned there (the sheet then selects a subset of the matrix).
std::vector<std::size_t> match_samples(const SampleSheet& sheet, const LabeledMatrix& matrix,
                                       std::vector<std::string>* left_out = nullptr);

}  // namespace lscmir::io
