// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/io/result_table.hpp"

#include <charconv>
#include <cmath>
#include <limits>

#include "lscmir/core/error.hpp"
#include "lscmir/io/number.hpp"
#include "lscmir/io/table.hpp"

namespace lscmir::io {
namespace {

// Column names may repeat: sample names are data, and a sample may be called "feature".
void check_new_column(const ResultTable& t, const std::string& /*name*/, std::size_t size) {
  core::ensure(t.columns.empty() || t.rows() == size, "ResultTable: columns of different lengths");
}

}  // namespace

std::size_t ResultTable::Column::size() const {
  switch (kind) {
    case Kind::kText: return text.size();
    case Kind::kReal: return real.size();
    case Kind::kInteger: return integer.size();
  }
  return 0;
}

ResultTable& ResultTable::add_text(std::string name, std::vector<std::string> cells) {
  check_new_column(*this, name, cells.size());
  Column c;
  c.name = std::move(name);
  c.kind = Kind::kText;
  c.text = std::move(cells);
  columns.push_back(std::move(c));
  return *this;
}

ResultTable& ResultTable::add_real(std::string name, std::vector<double> cells) {
  check_new_column(*this, name, cells.size());
  Column c;
  c.name = std::move(name);
  c.kind = Kind::kReal;
  c.real = std::move(cells);
  columns.push_back(std::move(c));
  return *this;
}

ResultTable& ResultTable::add_integer(std::string name, std::vector<std::int64_t> cells) {
  check_new_column(*this, name, cells.size());
  Column c;
  c.name = std::move(name);
  c.kind = Kind::kInteger;
  c.integer = std::move(cells);
  columns.push_back(std::move(c));
  return *this;
}

const ResultTable::Column* ResultTable::find(std::string_view name) const {
  for (const auto& c : columns)
    if (c.name == name) return &c;
  return nullptr;
}

const ResultTable::Column& ResultTable::require(std::string_view name, const std::string& source) const {
  if (const Column* c = find(name)) return *c;
  std::string have;
  for (const auto& c : columns) have += (have.empty() ? "" : ", ") + c.name;
  throw core::InputError(source, 1, "expected a column \"" + std::string(name) + "\"", "the columns are " + have);
}

std::string ResultTable::cell_text(std::size_t row, std::size_t column) const {
  const Column& c = columns[column];
  switch (c.kind) {
    case Kind::kText: return c.text[row];
    case Kind::kReal: return format_double(c.real[row]);
    case Kind::kInteger: return std::to_string(c.integer[row]);
  }
  return {};
}

double ResultTable::cell_number(std::size_t row, std::size_t column) const {
  const Column& c = columns[column];
  switch (c.kind) {
    case Kind::kReal: return c.real[row];
    case Kind::kInteger: return static_cast<double>(c.integer[row]);
    case Kind::kText: {
      double v = 0;
      return parse_double(c.text[row], v) ? v : std::numeric_limits<double>::quiet_NaN();
    }
  }
  return std::numeric_limits<double>::quiet_NaN();
}

namespace {
/// A text cell as the readers (io::read_table, io::read_matrix: RFC 4180 quoting) read it back:
/// verbatim, unless it starts with '"' or holds a TAB or a line break; then quoted, '"' doubled.
void append_text_cell(std::string& s, const std::string& cell) {
  if (cell.empty() || (cell.front() != '"' && cell.find_first_of("\t\n\r") == std::string::npos)) {
    s += cell;
    return;
  }
  s.push_back('"');
  for (const char ch : cell) {
    if (ch == '"') s.push_back('"');
    s.push_back(ch);
  }
  s.push_back('"');
}
}  // namespace

std::string to_tsv(const ResultTable& t) {
  std::string s;
  for (std::size_t j = 0; j < t.columns.size(); ++j) {
    if (j) s.push_back('\t');
    append_text_cell(s, t.columns[j].name);
  }
  s.push_back('\n');
  const std::size_t n = t.rows();
  s.reserve(s.size() + n * t.columns.size() * 12);
  char buf[24];
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < t.columns.size(); ++j) {
      if (j) s.push_back('\t');
      const auto& c = t.columns[j];
      switch (c.kind) {
        case ResultTable::Kind::kText: append_text_cell(s, c.text[i]); break;
        case ResultTable::Kind::kReal: append_double(s, c.real[i]); break;
        case ResultTable::Kind::kInteger: {
          const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, c.integer[i]);
          s.append(buf, end);
          break;
        }
      }
    }
    s.push_back('\n');
  }
  return s;
}

ResultTable from_table(const Table& table) {
  ResultTable out;
  for (std::size_t j = 0; j < table.header.size(); ++j) {
    std::vector<double> values(table.rows.size());
    bool numeric = true;
    for (std::size_t i = 0; i < table.rows.size() && numeric; ++i) {
      const std::string& cell = table.rows[i][j];
      if (is_na_cell(cell)) values[i] = std::numeric_limits<double>::quiet_NaN();
      else numeric = parse_double(cell, values[i]);
    }
    // A column of plain decimal integers (as integer columns are written) stays an integer column.
    bool integral = numeric && !table.rows.empty();
    std::vector<std::int64_t> ints(table.rows.size());
    for (std::size_t i = 0; i < table.rows.size() && integral; ++i) {
      const std::string& cell = table.rows[i][j];
      const auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), ints[i]);
      integral = !cell.empty() && ec == std::errc() && end == cell.data() + cell.size();
    }
    if (integral) {
      out.add_integer(table.header[j], std::move(ints));
    } else if (numeric && !table.rows.empty()) {
      out.add_real(table.header[j], std::move(values));
    } else {
      std::vector<std::string> cells(table.rows.size());
      for (std::size_t i = 0; i < table.rows.size(); ++i) cells[i] = table.rows[i][j];
      out.add_text(table.header[j], std::move(cells));
    }
  }
  return out;
}

}  // namespace lscmir::io
