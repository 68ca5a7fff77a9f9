// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/core/error.hpp"

#include <utility>

namespace lscmir::core {
namespace {
std::string format_input_error(const std::string& file, std::size_t line, const std::string& problem,
                               const std::string& hint) {
  std::string out = file.empty() ? std::string("input") : file;
  if (line > 0) out += ", line " + std::to_string(line);
  out += ": " + problem;
  if (!hint.empty()) out += " (possible solution: " + hint + ")";
  return out;
}
}  // namespace

InputError::InputError(std::string file, std::size_t line, std::string problem, std::string hint)
    : Error(format_input_error(file, line, problem, hint)),
      file_(std::move(file)),
      line_(line),
      problem_(std::move(problem)),
      hint_(std::move(hint)) {}

namespace {
// Built with += only: GCC 12 warns falsely (-Wrestrict) about std::string + "literal" at -O2.
std::string format_output_error(const std::string& file, const std::string& problem) {
  std::string out = file;
  out += ": ";
  out += problem;
  return out;
}
}  // namespace

OutputError::OutputError(std::string file, std::string problem)
    : Error(format_output_error(file, problem)), file_(std::move(file)), problem_(std::move(problem)) {}

namespace {
/// Length of the valid UTF-8 sequence starting at s[i] (0 when none: a stray or overlong byte).
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto b = static_cast<unsigned char>(s[i]);
  std::size_t n = 0;
  unsigned min = 0;
  if (b >= 0xC2 && b <= 0xDF) {
    n = 2;
    min = 0x80;
  } else if (b >= 0xE0 && b <= 0xEF) {
    n = 3;
    min = 0x800;
  } else if (b >= 0xF0 && b <= 0xF4) {
    n = 4;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  unsigned cp = b & (0x3Fu >> (n - 1));
  for (std::size_t k = 1; k < n; ++k) {
    const auto c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (c & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}
}  // namespace

std::string cell_for_message(std::string_view cell, std::size_t max_chars) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  std::size_t i = 0;
  while (i < cell.size() && i < max_chars) {
    const auto b = static_cast<unsigned char>(cell[i]);
    if (b >= 0x20 && b < 0x7F) {
      out += cell[i++];
      continue;
    }
    const std::size_t n = b >= 0x80 ? utf8_length(cell, i) : 0;
    if (n > 0) {
      out.append(cell.substr(i, n));
      i += n;
      continue;
    }
    out += "\\x";
    out += kHex[b >> 4];
    out += kHex[b & 15];
    ++i;
  }
  if (i < cell.size()) {
    out += "... (";
    out += std::to_string(cell.size());
    out += " bytes)";
  }
  return out;
}

void ensure(bool condition, const char* what) {
  if (!condition) throw InternalError(std::string("internal error: ") + what);
}

}  // namespace lscmir::core
