// SPDX-License-Identifier: GPL-3.0-or-later
// Text cells -> design variable: io reads the numbers, stats holds the variable.
#include "lscmir/study/variable.hpp"

#include "lscmir/io/number.hpp"

namespace lscmir::study {

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

}  // namespace lscmir::study
