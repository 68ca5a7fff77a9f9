// SPDX-License-Identifier: GPL-3.0-or-later
// Exact transition of the linear birth-death process (the small LSC compartment).
#pragma once

#include <cstdint>

#include "rng.hpp"

namespace lscmir::sim::detail {

/// Population after `dt` of a linear birth-death process started from `n` individuals with
/// per-capita birth rate `b` and death rate `d` (constant over dt), drawn exactly from its
/// transition law: P(lineage extinct) = d (e^{(b-d)dt} - 1) / (b e^{(b-d)dt} - d), surviving
/// lineage sizes geometric with parameter b (e^{(b-d)dt} - 1) / (b e^{(b-d)dt} - d).
std::uint64_t birth_death(std::uint64_t n, double b, double d, double dt, Rng& rng);

}  // namespace lscmir::sim::detail
