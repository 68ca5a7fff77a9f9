// SPDX-License-Identifier: GPL-3.0-or-later
// One shape for every result a stage hands out: named, typed columns. The TSV writer and the HTML
// report both consume it, so a table's columns are defined once, by the function that builds it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lscmir::io {

struct Table;

/// A result table: columns of text, real numbers or integers, all of the same length.
struct ResultTable {
  enum class Kind { kText, kReal, kInteger };
  struct Column {
    std::string name;
    Kind kind = Kind::kText;
    std::vector<std::string> text;      ///< kText
    std::vector<double> real;           ///< kReal (NaN = NA)
    std::vector<std::int64_t> integer;  ///< kInteger
    std::size_t size() const;
  };
  std::vector<Column> columns;

  /// Appends a column; every column must have as many rows as the first. Names may repeat (a
  /// sample called "feature" beside the feature column); find() returns the first.
  /// @throws core::InternalError on a length mismatch (a bug of the caller).
  ResultTable& add_text(std::string name, std::vector<std::string> cells);
  ResultTable& add_real(std::string name, std::vector<double> cells);
  ResultTable& add_integer(std::string name, std::vector<std::int64_t> cells);

  std::size_t rows() const { return columns.empty() ? 0 : columns.front().size(); }
  /// The first column called `name`, or nullptr.
  const Column* find(std::string_view name) const;
  /// The column called `name`; @throws core::InputError naming `source` when it is absent.
  const Column& require(std::string_view name, const std::string& source = {}) const;
  /// Cell (row, column) as written to a TSV file.
  std::string cell_text(std::size_t row, std::size_t column) const;
  /// Cell as a number: the real or integer value; NaN for text that does not read as a number.
  double cell_number(std::size_t row, std::size_t column) const;
};

/// A table and the file name it is written under inside an output folder.
struct NamedTable {
  std::string file;
  ResultTable table;
};

/// The table as TSV text: a header line of the column names, then one line per row; real numbers
/// through format_double, integers in decimal, text as it is.
std::string to_tsv(const ResultTable& table);

/// A table read from a file: a column of plain decimal integers is kInteger, one whose cells all
/// read as numbers (or are missing: empty, NA, NaN) kReal, the others kText; so to_tsv gives back
/// the bytes of a table to_tsv wrote.
ResultTable from_table(const Table& table);

}  // namespace lscmir::io
