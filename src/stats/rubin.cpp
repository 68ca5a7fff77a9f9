// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/stats/rubin.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "lscmir/stats/distributions.hpp"

namespace lscmir::stats {

RubinPooled rubin_pool(const std::vector<double>& q, const std::vector<double>& u, double nu_com, double level) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  RubinPooled r{kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN};
  const std::size_t m = q.size();
  if (m < 2 || u.size() != m) return r;
  for (std::size_t k = 0; k < m; ++k)
    if (!std::isfinite(q[k]) || !std::isfinite(u[k])) return r;
  const double md = static_cast<double>(m);
  double qbar = 0.0, ubar = 0.0;
  for (std::size_t k = 0; k < m; ++k) {
    qbar += q[k];
    ubar += u[k];
  }
  qbar /= md;
  ubar /= md;
  double b = 0.0;
  for (double v : q) b += (v - qbar) * (v - qbar);
  b /= md - 1.0;
  const double total = ubar + (1.0 + 1.0 / md) * b;
  r.estimate = qbar;
  r.within = ubar;
  r.between = b;
  r.total = total;
  r.se = std::sqrt(total);
  r.fmi = total > 0 ? (1.0 + 1.0 / md) * b / total : 0.0;
  const double inf = std::numeric_limits<double>::infinity();
  const double nu_old = r.fmi > 0 ? (md - 1.0) / (r.fmi * r.fmi) : inf;
  const double nu_obs = std::isfinite(nu_com) ? (nu_com + 1.0) / (nu_com + 3.0) * nu_com * (1.0 - r.fmi) : inf;
  if (std::isinf(nu_old) && std::isinf(nu_obs)) r.df = inf;
  else if (std::isinf(nu_old)) r.df = nu_obs;
  else if (std::isinf(nu_obs)) r.df = nu_old;
  else r.df = 1.0 / (1.0 / nu_old + 1.0 / nu_obs);
  if (!(r.se > 0)) return r;
  r.t = qbar / r.se;
  r.p = std::min(1.0, 2.0 * pt_upper(std::fabs(r.t), r.df));
  const double half = qt_upper((1.0 - level) / 2.0, r.df) * r.se;
  r.ci_l = qbar - half;
  r.ci_r = qbar + half;
  return r;
}

}  // namespace lscmir::stats
