// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/core/parallel.hpp"

namespace lscmir::core {

int resolve_threads(int requested) {
  if (requested > 0) return requested;
  const unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(hw);
}

}  // namespace lscmir::core
