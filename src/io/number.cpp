// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/io/number.hpp"

#include <charconv>
#include <cmath>
#include <limits>

#include "lscmir/core/error.hpp"
#include "lscmir/io/table.hpp"

namespace lscmir::io {

void append_double(std::string& out, double x) {
  if (std::isnan(x)) {
    out += "NA";
    return;
  }
  if (std::isinf(x)) {
    out += x > 0 ? "Inf" : "-Inf";
    return;
  }
  if (x == 0) {  // also -0: R writes 0, and "-0" in a table only confuses
    out += '0';
    return;
  }
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x);
  core::ensure(ec == std::errc(), "to_chars(double) needs at most 32 bytes");
  out.append(buf, end);
}

std::string format_double(double x) {
  std::string s;
  append_double(s, x);
  return s;
}

bool parse_double(std::string_view text, double& value) {
  const char* b = text.data();
  const char* e = b + text.size();
  if (b != e && *b == '+') ++b;
  if (b == e || *b == '+' || (b != text.data() && *b == '-')) return false;  // "++1", "+-1"
  const auto [end, ec] = std::from_chars(b, e, value);
  if (end != e) return false;
  if (ec == std::errc()) return !std::isnan(value);
  // from_chars reports out-of-range values without setting them: R reads them as +-Inf or 0.
  if (ec == std::errc::result_out_of_range) {
    const std::string copy(b, e);
    value = std::strtod(copy.c_str(), nullptr);
    return true;
  }
  return false;
}

bool parse_finite(std::string_view text, double& value) { return parse_double(text, value) && std::isfinite(value); }

bool is_na_cell(std::string_view text) { return text.empty() || text == "NA" || text == "NaN"; }

bool is_missing_level(std::string_view text) { return text.empty() || text == "NA"; }

bool numeric_column(const std::vector<std::string>& cells, std::vector<double>& values) {
  values.assign(cells.size(), std::numeric_limits<double>::quiet_NaN());
  for (std::size_t i = 0; i < cells.size(); ++i)
    if (!is_missing_level(cells[i]) && !parse_finite(cells[i], values[i])) return false;
  return true;
}

double number_cell(const Table& table, std::size_t row, std::size_t column) {
  const std::string& cell = table.rows[row][column];
  if (is_na_cell(cell)) return std::numeric_limits<double>::quiet_NaN();
  double v = 0.0;
  if (!parse_double(cell, v))
    throw core::InputError(table.path, table.line_numbers[row],
                           "expected a number in column \"" + table.header[column] + "\", found \"" + cell + "\"");
  return v;
}

}  // namespace lscmir::io
