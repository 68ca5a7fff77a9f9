// SPDX-License-Identifier: GPL-3.0-or-later
// Sample-sheet and clinical-table columns (text cells) as design variables for stats.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "lscmir/stats/design.hpp"

namespace lscmir::study {

/// A column of text cells as a stats::Variable: numeric when `force_factor` is false and every
/// cell is a finite number or missing (io::numeric_column: empty or "NA"); otherwise a factor, in
/// which case missing cells are not allowed and the index of the first one is reported through
/// `first_missing` (npos when none). Here rather than in stats because stats never reads text.
stats::Variable variable_from_cells(std::string name, const std::vector<std::string>& cells, bool force_factor,
                                    std::size_t& first_missing);

}  // namespace lscmir::study
