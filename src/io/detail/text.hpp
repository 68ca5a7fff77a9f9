// SPDX-License-Identifier: GPL-3.0-or-later
// Private: small text helpers shared by the table, matrix and sample-sheet readers.
#pragma once

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

#include "lscmir/core/error.hpp"

namespace lscmir::io::detail {

/// Drops a leading UTF-8 byte order mark (Excel writes one into "CSV UTF-8" files).
inline void strip_bom(std::string_view& text) {
  if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.remove_prefix(3);
}

/// A cell or name as shown in a message: in double quotes, control characters escaped, long
/// values shortened, so that a stray '\r' or tab is visible to the user.
inline std::string quoted(std::string_view s) {
  constexpr std::size_t kMax = 60;
  std::string out = "\"";
  std::size_t shown = 0;
  for (const char c : s) {
    if (shown == kMax) {
      out += "...";
      break;
    }
    switch (c) {
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '\n': out += "\\n"; break;
      case '"': out += "\\\""; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\x";
          out += kHex[(static_cast<unsigned char>(c) >> 4) & 0xF];
          out += kHex[static_cast<unsigned char>(c) & 0xF];
        } else {
          out += c;
        }
    }
    ++shown;
  }
  out += '"';
  return out;
}

/// "tab" / "comma" / "';'", for messages.
inline std::string delimiter_name(char delim) {
  if (delim == '\t') return "tab";
  if (delim == ',') return "comma";
  return std::string("'") + delim + "'";
}

/// A hint for a line that holds a single field although the file has more columns: when the line
/// contains the other common delimiter, the file name probably selected the wrong one.
inline std::string wrong_delimiter_hint(std::string_view line, char delim) {
  const char other = delim == '\t' ? ',' : '\t';
  if (line.find(delim) != std::string_view::npos || line.find(other) == std::string_view::npos) return {};
  if (other == ',') return "the line contains commas but no tabs; a comma-separated file needs a .csv file name";
  return "the line contains tabs but no commas; a tab-separated file needs a name not ending in .csv (e.g. .tsv)";
}

/// "1 field" / "3 fields".
inline std::string count_noun(std::size_t n, std::string_view singular, std::string_view plural) {
  return std::to_string(n) + " " + std::string(n == 1 ? singular : plural);
}

inline core::InputError unterminated_quote(const std::string& path, std::size_t line, std::size_t column) {
  return core::InputError(path, line,
                          "unterminated quoted field in column " + std::to_string(column) +
                              ": the opening '\"' has no closing quote",
                          "close the quote, and write a '\"' inside a quoted field as '\"\"'");
}

inline core::InputError junk_after_quote(const std::string& path, std::size_t line, std::size_t column, char found,
                                         char delim) {
  return core::InputError(path, line,
                          "unexpected character " + quoted(std::string_view(&found, 1)) +
                              " after the closing quote of column " + std::to_string(column) + "; expected a " +
                              delimiter_name(delim) + " or the end of the line",
                          "write a '\"' inside a quoted field as '\"\"'");
}

/// Parses one field of a single line [p, end) (end excludes the line break) into `out`, unquoting
/// "..." fields with "" for a literal quote. Returns the position of the delimiter after the
/// field, or `end`. Quoted fields must close on the same line (matrix ids never hold newlines).
/// @throws core::InputError for an unterminated quote or text after a closing quote.
inline const char* parse_line_field(const char* p, const char* end, char delim, std::string& out,
                                    const std::string& path, std::size_t line, std::size_t column) {
  out.clear();
  if (p == end || *p != '"') {
    const void* hit = std::memchr(p, delim, static_cast<std::size_t>(end - p));
    const char* stop = hit ? static_cast<const char*>(hit) : end;
    out.assign(p, stop);
    return stop;
  }
  ++p;
  for (;;) {
    const void* hit = std::memchr(p, '"', static_cast<std::size_t>(end - p));
    if (!hit) throw unterminated_quote(path, line, column);
    const char* q = static_cast<const char*>(hit);
    out.append(p, q);
    if (q + 1 < end && q[1] == '"') {
      out += '"';
      p = q + 2;
      continue;
    }
    p = q + 1;
    break;
  }
  if (p != end && *p != delim) throw junk_after_quote(path, line, column, *p, delim);
  return p;
}

}  // namespace lscmir::io::detail
