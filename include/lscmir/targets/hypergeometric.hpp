// SPDX-License-Identifier: GPL-3.0-or-later
// Hypergeometric tail probabilities with R's algorithm (phyper: Loader's saddle-point dhyper and the
// pdhyper series on the smaller tail), so results agree with R to rounding.
#pragma once

namespace lscmir::targets {

/// P(X = x) for X ~ Hypergeometric(white = r, black = b, drawn = n), as R's dhyper(x, r, b, n).
double dhyper(double x, double r, double b, double n);

/// P(X >= x), as R's phyper(x - 1, r, b, n, lower.tail = FALSE). Returns 1 for x <= 0.
double phyper_upper(double x, double r, double b, double n);

}  // namespace lscmir::targets
