// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/stats/top_table.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "lscmir/stats/distributions.hpp"
#include "lscmir/stats/p_adjust.hpp"

namespace lscmir::stats {

TopTable top_table(const LmFit& fit, const EBayesFit& eb, Eigen::Index coef, const EBayesFit* treat_fit, double level) {
  const auto ng = static_cast<std::size_t>(fit.coefficients.rows());
  TopTable tt;
  const EBayesFit& test = treat_fit != nullptr ? *treat_fit : eb;
  tt.logfc.resize(ng);
  tt.ci_l.resize(ng);
  tt.ci_r.resize(ng);
  tt.ave_expr.resize(ng);
  tt.t.resize(ng);
  tt.p_value.resize(ng);
  tt.b.resize(ng);
  tt.se.resize(ng);
  tt.df.resize(ng);
  for (std::size_t i = 0; i < ng; ++i) {
    const auto g = static_cast<Eigen::Index>(i);
    const double m = fit.coefficients(g, coef);
    const double margin = std::sqrt(eb.s2_post[g]) * fit.stdev_unscaled(g, coef) *
                          qt_upper((1.0 - level) / 2.0, eb.df_total[g]);
    tt.logfc[i] = m;
    tt.ci_l[i] = m - margin;
    tt.ci_r[i] = m + margin;
    tt.ave_expr[i] = fit.amean[g];
    tt.t[i] = test.t(g, coef);
    tt.p_value[i] = test.p_value(g, coef);
    tt.b[i] = eb.lods(g, coef);
    tt.se[i] = std::sqrt(eb.s2_post[g]) * fit.stdev_unscaled(g, coef);
    tt.df[i] = eb.df_total[g];
  }
  tt.adj_p_value = p_adjust_bh(tt.p_value);
  tt.order = order_by_p_value(tt.p_value);
  return tt;
}

std::vector<std::size_t> order_by_p_value(const std::vector<double>& p_value) {
  std::vector<std::size_t> order(p_value.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const double pa = p_value[a], pb = p_value[b];
    if (std::isnan(pa)) return false;
    if (std::isnan(pb)) return true;
    return pa < pb;
  });
  return order;
}

}  // namespace lscmir::stats
