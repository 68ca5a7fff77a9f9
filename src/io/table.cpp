// SPDX-License-Identifier: GPL-3.0-or-later
// Delimited tables, RFC 4180 quoting: a field starting with '"' runs to the next lone '"' and may
// hold delimiters, "" (a literal quote) and line breaks. Unquoted fields are taken verbatim.
#include "lscmir/io/table.hpp"

#include <algorithm>
#include <cctype>
#include <string>
#include <unordered_map>

#include "detail/file.hpp"
#include "lscmir/io/gzip.hpp"
#include "detail/text.hpp"

namespace lscmir::io {
namespace {

bool ends_with_ci(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  return std::equal(suffix.begin(), suffix.end(), s.end() - static_cast<std::ptrdiff_t>(suffix.size()),
                    [](char lower, char c) { return std::tolower(static_cast<unsigned char>(c)) == lower; });
}

/// Cursor over the text with the current 1-based line.
struct Cursor {
  std::string_view text;
  std::size_t pos = 0;
  std::size_t line = 1;
  bool done() const { return pos >= text.size(); }
};

/// Reads one record (which may span lines inside quotes) starting at c.pos, the start of a line.
/// Leaves c at the start of the next line.
void read_record(Cursor& c, char delim, std::vector<std::string>& fields, const std::string& name) {
  fields.clear();
  const std::string_view t = c.text;
  const std::size_t n = t.size();
  for (;;) {
    std::string cell;
    const std::size_t column = fields.size() + 1;
    if (c.pos < n && t[c.pos] == '"') {
      const std::size_t quote_line = c.line;
      ++c.pos;
      for (;;) {
        const std::size_t q = t.find('"', c.pos);
        if (q == std::string_view::npos) throw detail::unterminated_quote(name, quote_line, column);
        const std::string_view piece = t.substr(c.pos, q - c.pos);
        c.line += static_cast<std::size_t>(std::count(piece.begin(), piece.end(), '\n'));
        cell.append(piece);
        if (q + 1 < n && t[q + 1] == '"') {
          cell += '"';
          c.pos = q + 2;
          continue;
        }
        c.pos = q + 1;
        break;
      }
      fields.push_back(std::move(cell));
      if (c.pos >= n) return;
      const char next = t[c.pos];
      if (next == delim) {
        ++c.pos;
        continue;
      }
      if (next == '\n') {
        ++c.pos;
        ++c.line;
        return;
      }
      if (next == '\r' && (c.pos + 1 == n || t[c.pos + 1] == '\n')) {
        c.pos += c.pos + 1 == n ? 1 : 2;
        ++c.line;
        return;
      }
      throw detail::junk_after_quote(name, c.line, column, next, delim);
    }
    std::size_t stop = c.pos;
    while (stop < n && t[stop] != delim && t[stop] != '\n') ++stop;
    std::size_t cell_end = stop;
    const bool line_end = stop == n || t[stop] == '\n';
    if (line_end && cell_end > c.pos && t[cell_end - 1] == '\r') --cell_end;
    fields.emplace_back(t.substr(c.pos, cell_end - c.pos));
    if (stop == n) {
      c.pos = n;
      return;
    }
    c.pos = stop + 1;
    if (line_end) {
      ++c.line;
      return;
    }
  }
}

/// Skips blank and comment lines at c.pos (a line start). Returns false at the end of the text.
bool skip_ignorable_lines(Cursor& c, bool allow_comments) {
  while (!c.done()) {
    const std::size_t eol = c.text.find('\n', c.pos);
    std::size_t content_end = eol == std::string_view::npos ? c.text.size() : eol;
    if (content_end > c.pos && c.text[content_end - 1] == '\r') --content_end;
    const bool blank = content_end == c.pos;
    const bool comment = allow_comments && c.text[c.pos] == '#';
    if (!blank && !comment) return true;
    if (eol == std::string_view::npos) {
      c.pos = c.text.size();
      return false;
    }
    c.pos = eol + 1;
    ++c.line;
  }
  return false;
}

std::string_view line_at(std::string_view text, std::size_t pos) {
  const std::size_t eol = text.find('\n', pos);
  return text.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
}

void check_header(const std::vector<std::string>& header, const std::string& name, std::size_t line) {
  std::unordered_map<std::string_view, std::size_t> seen;
  for (std::size_t k = 0; k < header.size(); ++k) {
    if (header[k].empty())
      throw core::InputError(name, line,
                             "empty column name in column " + std::to_string(k + 1) + " of the header",
                             "give every column a name");
    const auto [it, inserted] = seen.emplace(header[k], k);
    if (!inserted)
      throw core::InputError(name, line,
                             "duplicate column name " + detail::quoted(header[k]) + " in the header (columns " +
                                 std::to_string(it->second + 1) + " and " + std::to_string(k + 1) + ")",
                             "column names must be unique");
  }
}

}  // namespace

char delimiter_for_path(std::string_view path) {
  return ends_with_ci(path, ".csv") || ends_with_ci(path, ".csv.gz") ? ',' : '\t';
}

std::size_t Table::find_column(std::string_view name) const {
  for (std::size_t k = 0; k < header.size(); ++k)
    if (header[k] == name) return k;
  return npos;
}

std::size_t Table::require_column(std::string_view name) const {
  const std::size_t k = find_column(name);
  if (k != npos) return k;
  std::string found;
  for (const auto& h : header) found += (found.empty() ? "" : ", ") + detail::quoted(h);
  throw core::InputError(path, 0,
                         "missing required column " + detail::quoted(name) + "; the header has " + found,
                         header.size() == 1 ? detail::wrong_delimiter_hint(header[0], delimiter)
                                            : "add the column; names are case-sensitive");
}

Table parse_table(std::string_view text, const std::string& name, char delimiter, bool allow_comments) {
  Table table;
  table.path = name;
  table.delimiter = delimiter;
  detail::strip_bom(text);
  if (text.empty()) throw core::InputError(name, 0, "empty file; expected a header line");

  Cursor c{text};
  if (!skip_ignorable_lines(c, allow_comments))
    throw core::InputError(name, 0, "no header line; the file has only blank or comment lines");
  const std::size_t header_line = c.line;
  read_record(c, delimiter, table.header, name);
  check_header(table.header, name, header_line);

  std::vector<std::string> fields;
  while (skip_ignorable_lines(c, allow_comments)) {
    const std::size_t line = c.line;
    const std::size_t start = c.pos;
    read_record(c, delimiter, fields, name);
    if (fields.size() != table.header.size()) {
      std::string hint;
      if (fields.size() == 1) hint = detail::wrong_delimiter_hint(line_at(text, start), delimiter);
      if (hint.empty() && fields.size() == table.header.size() + 1 && fields.back().empty())
        hint = "the last field is empty: is there a trailing " + detail::delimiter_name(delimiter) + "?";
      throw core::InputError(name, line,
                             "expected " + detail::count_noun(table.header.size(), "field", "fields") +
                                 " (as in the header), found " + std::to_string(fields.size()),
                             hint);
    }
    table.rows.push_back(fields);
    table.line_numbers.push_back(line);
  }
  return table;
}

namespace {

/// Inflates gzip bytes (all members) through the one streaming reader.
std::string gunzip(std::string_view in, const std::string& path) {
  TextSource source(in, path);
  try {
    return read_all(source);
  } catch (const GzipError& e) {
    // Tables have always worded a cut stream this way (and tests hold it).
    if (e.fault() != GzipFault::truncated) throw;
    throw GzipError(GzipFault::truncated, path, "truncated gzip stream: the file ends inside compressed data",
                    "the download or copy was cut short");
  }
}

}  // namespace

std::string read_text_file(const std::string& path) {
  const detail::FileBytes bytes = detail::read_file_bytes(path);
  if (detail::looks_gzipped(bytes.view())) return gunzip(bytes.view(), path);
  return std::string(bytes.view());
}

Table read_table(const std::string& path, const TableOptions& options) {
  const detail::FileBytes bytes = detail::read_file_bytes(path);
  std::string_view path_view(path);
  const bool gz = detail::looks_gzipped(bytes.view());
  if (gz && path_view.size() > 3 && path_view.substr(path_view.size() - 3) == ".gz") path_view.remove_suffix(3);
  const char delimiter = options.delimiter != 0 ? options.delimiter : delimiter_for_path(path_view);
  if (gz) {
    const std::string text = gunzip(bytes.view(), path);
    return parse_table(text, path, delimiter, options.allow_comments);
  }
  return parse_table(bytes.view(), path, delimiter, options.allow_comments);
}

}  // namespace lscmir::io
