// SPDX-License-Identifier: GPL-3.0-or-later
// Sample-sheet and clinical-table columns (text cells) as design variables for stats.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "lscmir/io/sample_sheet.hpp"
#include "lscmir/stats/design.hpp"

namespace lscmir::io {

/// A column of text cells as a stats::Variable: numeric when `force_factor` is false and every
/// cell is a finite number or missing (io::numeric_column: empty or "NA"); otherwise a factor, in
/// which case missing cells are not allowed and the index of the first one is reported through
/// `first_missing` (npos when none). Here rather than in stats because stats never reads text;
/// used by de, the cohort tables and the qpcr Ct model (--em-design).
stats::Variable variable_from_cells(std::string name, const std::vector<std::string>& cells, bool force_factor,
                                    std::size_t& first_missing);

/// A sample-sheet column as a design variable: patient, population and batch are always factors;
/// other columns are numeric when every cell is a number or missing.
/// @throws core::InputError naming the sheet and line of the first sample with no value in a factor column.
stats::Variable design_variable(const SampleSheet& sheet, const std::string& name);

}  // namespace lscmir::io
