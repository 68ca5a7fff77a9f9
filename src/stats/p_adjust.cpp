// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/stats/p_adjust.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace lscmir::stats {

std::vector<double> p_adjust_bh(const std::vector<double>& p) {
  std::vector<double> out(p.size(), std::nan(""));
  std::vector<std::size_t> idx;
  idx.reserve(p.size());
  for (std::size_t i = 0; i < p.size(); ++i)
    if (!std::isnan(p[i])) idx.push_back(i);
  const std::size_t n = idx.size();
  if (n == 0) return out;
  // Decreasing p; ties keep index order (stable), as R's order(p, decreasing = TRUE).
  std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return p[a] > p[b]; });
  double running = 1.0;
  for (std::size_t k = 0; k < n; ++k) {
    const double rank = static_cast<double>(n - k);  // rank among the n, from the top
    const double v = static_cast<double>(n) / rank * p[idx[k]];
    running = std::min(running, v);
    out[idx[k]] = std::min(1.0, running);
  }
  return out;
}

}  // namespace lscmir::stats
