// SPDX-License-Identifier: GPL-3.0-or-later
// Delimited text tables (TSV / CSV) with a required header.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace lscmir::io {

struct TableOptions {
  /// 0 = choose by file name: ".csv" (also ".csv.gz") -> ',', anything else -> '\t'.
  char delimiter = 0;
  /// Lines whose first character is '#' are skipped (before and after the header).
  bool allow_comments = true;
};

/// A parsed table: every cell as text. Quoted fields ("a, b", "say ""hi""") are unquoted.
/// A UTF-8 BOM is dropped, CRLF and LF are both accepted, blank lines are skipped,
/// a final line without a newline is accepted.
struct Table {
  std::string path;                          ///< name used in error messages
  char delimiter = '\t';
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  ///< each row has header.size() cells
  std::vector<std::size_t> line_numbers;       ///< 1-based file line of each row

  /// Index of a header column, or npos.
  std::size_t find_column(std::string_view name) const;
  /// Index of a header column; throws InputError naming the file and the missing column.
  std::size_t require_column(std::string_view name) const;
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
};

/// Reads and parses a table file.
/// @throws core::InputError: unreadable or empty file, no header, duplicate or empty header names,
///         ragged row (names line, expected and found cell counts), unterminated quote.
Table read_table(const std::string& path, const TableOptions& options = {});

/// Parses table text already in memory; `name` is used in error messages.
Table parse_table(std::string_view text, const std::string& name, char delimiter, bool allow_comments = true);

/// The whole text of a file; a gzip file (magic 1f 8b, any number of members) is inflated.
/// @throws core::InputError: the file cannot be opened or read, truncated or corrupt gzip data.
std::string read_text_file(const std::string& path);

/// Delimiter chosen for a path when TableOptions::delimiter is 0.
char delimiter_for_path(std::string_view path);

}  // namespace lscmir::io
