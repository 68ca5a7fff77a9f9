// SPDX-License-Identifier: GPL-3.0-or-later
// Text cells -> design variable: io reads the numbers, stats holds the variable.
#include "lscmir/io/variable.hpp"

#include "lscmir/core/error.hpp"
#include "lscmir/io/number.hpp"

namespace lscmir::io {

stats::Variable variable_from_cells(std::string name, const std::vector<std::string>& cells, bool force_factor,
                                    std::size_t& first_missing) {
  first_missing = static_cast<std::size_t>(-1);
  std::vector<double> values;
  if (!force_factor && io::numeric_column(cells, values)) return stats::Variable::numeric(std::move(name), values);
  for (std::size_t i = 0; i < cells.size(); ++i)
    if (io::is_missing_level(cells[i])) {
      first_missing = i;
      break;
    }
  return stats::Variable::factor(std::move(name), cells);
}

stats::Variable design_variable(const SampleSheet& sheet, const std::string& name) {
  const bool forced_factor = name == "patient" || name == "population" || name == "batch";
  std::size_t missing = 0;
  stats::Variable v = variable_from_cells(name, sheet.column(name), forced_factor, missing);
  if (missing != static_cast<std::size_t>(-1))
    throw core::InputError(sheet.path, sheet.line_numbers[missing],
                           "sample \"" + core::cell_for_message(sheet.samples[missing]) + "\" has no value in column \"" + name + "\", which the design uses");
  return v;
}

}  // namespace lscmir::io
