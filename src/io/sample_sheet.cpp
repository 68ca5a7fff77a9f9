// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/io/sample_sheet.hpp"

#include <unordered_map>

#include "detail/file.hpp"
#include "detail/text.hpp"
#include "lscmir/core/error.hpp"
#include "lscmir/core/sha256.hpp"
#include "lscmir/io/table.hpp"

namespace lscmir::io {
namespace {

constexpr std::size_t kListMax = 5;

/// "\"a\", \"b\", \"c\"" for at most kListMax names, then "and N more".
std::string name_list(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t k = 0; k < names.size() && k < kListMax; ++k) out += (k ? ", " : "") + detail::quoted(names[k]);
  if (names.size() > kListMax) out += " and " + std::to_string(names.size() - kListMax) + " more";
  return out;
}

}  // namespace

bool SampleSheet::has_column(std::string_view name) const {
  for (const auto& c : columns)
    if (c == name) return true;
  return false;
}

const std::vector<std::string>& SampleSheet::column(std::string_view name) const {
  for (std::size_t k = 0; k < columns.size(); ++k)
    if (columns[k] == name) return cells[k];
  std::string found;
  for (const auto& c : columns) found += (found.empty() ? "" : ", ") + detail::quoted(c);
  throw core::InputError(path, 0, "the sample sheet has no column " + detail::quoted(name) + "; its columns are " + found);
}

SampleSheet read_sample_sheet(const std::string& path) {
  const detail::FileBytes bytes = detail::read_file_bytes(path);
  if (detail::looks_gzipped(bytes.view()))
    throw core::InputError(path, 0, "gzip-compressed sample sheets are not supported", "decompress it first (gunzip -k)");
  Table table = parse_table(bytes.view(), path, delimiter_for_path(path));

  SampleSheet sheet;
  sheet.path = path;
  sheet.bytes = bytes.size();
  core::Sha256 hash;
  hash.update(bytes.data(), bytes.size());
  sheet.sha256 = hash.hex_digest();

  const std::size_t sample_col = table.require_column("sample");
  const std::size_t population_col = table.require_column("population");
  if (table.rows.empty())
    throw core::InputError(path, 0, "the sample sheet has a header but no samples; expected one row per sample");

  sheet.columns = table.header;
  sheet.cells.assign(table.header.size(), {});
  for (auto& c : sheet.cells) c.reserve(table.rows.size());
  std::unordered_map<std::string, std::size_t> first_line;
  for (std::size_t i = 0; i < table.rows.size(); ++i) {
    auto& row = table.rows[i];
    const std::size_t line = table.line_numbers[i];
    const std::string& id = row[sample_col];
    if (id.empty()) throw core::InputError(path, line, "empty sample id in column \"sample\"");
    const auto [it, inserted] = first_line.emplace(id, line);
    if (!inserted)
      throw core::InputError(path, line,
                             "duplicate sample id " + detail::quoted(id) + " (first seen on line " +
                                 std::to_string(it->second) + ")",
                             "each sample, i.e. one library or array, must appear once");
    if (row[population_col].empty())
      throw core::InputError(path, line, "empty population for sample " + detail::quoted(id),
                             "every sample needs a population label, e.g. HSC, LSC or LPC");
    sheet.samples.push_back(id);
    sheet.line_numbers.push_back(line);
    for (std::size_t k = 0; k < row.size(); ++k) sheet.cells[k].push_back(std::move(row[k]));
  }
  return sheet;
}

std::vector<std::size_t> match_samples(const SampleSheet& sheet, const LabeledMatrix& matrix, std::vector<std::string>* left_out) {
  std::unordered_map<std::string_view, std::size_t> column_of;
  column_of.reserve(matrix.samples.size());
  for (std::size_t j = 0; j < matrix.samples.size(); ++j) column_of.emplace(matrix.samples[j], j);

  std::vector<std::size_t> index;
  index.reserve(sheet.samples.size());
  std::vector<std::string> not_in_matrix;
  std::size_t first_missing_line = 0;
  for (std::size_t i = 0; i < sheet.samples.size(); ++i) {
    const auto it = column_of.find(sheet.samples[i]);
    if (it != column_of.end()) {
      index.push_back(it->second);
      continue;
    }
    if (not_in_matrix.empty()) first_missing_line = sheet.line_numbers[i];
    not_in_matrix.push_back(sheet.samples[i]);
  }
  std::unordered_map<std::string_view, std::size_t> in_sheet;
  for (std::size_t i = 0; i < sheet.samples.size(); ++i) in_sheet.emplace(sheet.samples[i], i);
  std::vector<std::string> not_in_sheet;
  for (const auto& s : matrix.samples)
    if (!in_sheet.contains(s)) not_in_sheet.push_back(s);

  const std::string sheet_part =
      not_in_matrix.empty()
          ? std::string()
          : detail::count_noun(not_in_matrix.size(), "sample", "samples") + " of the sample sheet " +
                (not_in_matrix.size() == 1 ? "is not a column" : "are not columns") + " of the matrix " +
                matrix.path + ": " + name_list(not_in_matrix);
  // Said from the matrix's side when it is the file the error names, from the sheet's otherwise.
  const std::string not_in_sheet_tail = std::string(not_in_sheet.size() == 1 ? " is" : " are") +
                                        " not in the sample sheet " + sheet.path + ": " + name_list(not_in_sheet);
  const std::string matrix_part =
      not_in_sheet.empty()
          ? std::string()
          : detail::count_noun(not_in_sheet.size(), "column", "columns") + " of the matrix " + matrix.path +
                not_in_sheet_tail;
  const std::string hint = "sample ids must match the matrix header exactly, including case and spaces";
  if (!not_in_matrix.empty())
    throw core::InputError(sheet.path, first_missing_line,
                           matrix_part.empty() ? sheet_part : sheet_part + "; and " + matrix_part, hint);
  if (!not_in_sheet.empty() && left_out != nullptr) {
    *left_out = std::move(not_in_sheet);
    return index;
  }
  if (!not_in_sheet.empty())
    throw core::InputError(matrix.path, 0,
                           detail::count_noun(not_in_sheet.size(), "sample column", "sample columns") +
                               not_in_sheet_tail,
                           "add the samples to the sheet, or remove their columns from the matrix");
  return index;
}

}  // namespace lscmir::io
