// SPDX-License-Identifier: GPL-3.0-or-later
// Private: the 2-bit code of a DNA base, shared by adapter detection and the hairpin index.
#pragma once

namespace lscmir::quant::detail {

/// A, C, G, T -> 0..3; anything else -> -1.
inline int base_code(char c) {
  switch (c) {
    case 'A': return 0;
    case 'C': return 1;
    case 'G': return 2;
    case 'T': return 3;
    default: return -1;
  }
}

}  // namespace lscmir::quant::detail
