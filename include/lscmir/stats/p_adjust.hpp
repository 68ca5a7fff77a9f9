// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <vector>

namespace lscmir::stats {

/// Benjamini-Hochberg adjusted p-values, as R's p.adjust(p, "BH"): NaN entries stay NaN and are
/// not counted in n.
std::vector<double> p_adjust_bh(const std::vector<double>& p);

}  // namespace lscmir::stats
