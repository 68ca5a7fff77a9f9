// SPDX-License-Identifier: GPL-3.0-or-later
// Numbers in text cells: the one parser every reader uses, beside the one formatter every writer uses.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace lscmir::io {

struct Table;

/// Formats a double for TSV output: "NA" for NaN, "Inf" / "-Inf", "0" for both zeros, otherwise
/// the shortest representation that reads back to the same double (std::to_chars, so "1e-07",
/// "123456", "1.5e+300"). append_double appends the same text to `out` without a temporary.
std::string format_double(double x);
void append_double(std::string& out, double x);

/// Parses the whole of `text` as a number: decimal or exponent notation with an optional leading
/// '+' or '-', or "Inf" / "-Inf" / "+Inf" (also "inf", "infinity"). Returns false, leaving `value`
/// unspecified, for anything else: empty text, "NA", "NaN", surrounding blanks, a trailing unit.
/// parse_double(format_double(x)) gives x back for every x that is not NaN (-0 reads as 0).
bool parse_double(std::string_view text, double& value);

/// As parse_double, and the number is finite.
bool parse_finite(std::string_view text, double& value);

/// A missing cell, as R writes and reads them: empty, "NA" or "NaN".
bool is_na_cell(std::string_view text);

/// A missing value in a sample-sheet or clinical column: empty or "NA". Unlike is_na_cell, "NaN"
/// is not missing here: it is text, so a column holding it is a factor, as it always was.
bool is_missing_level(std::string_view text);

/// A column of cells as numbers: true when every cell is missing (is_missing_level) or a finite
/// number (parse_finite); `values` then holds one value per cell, NaN for the missing ones.
/// Returns false at the first other cell (`values` is then unspecified).
bool numeric_column(const std::vector<std::string>& cells, std::vector<double>& values);

/// The number in cell (row, column) of a table: NaN for a missing cell (is_na_cell), else the
/// parse_double value. @throws core::InputError naming the file, the line and the column.
double number_cell(const Table& table, std::size_t row, std::size_t column);

}  // namespace lscmir::io
