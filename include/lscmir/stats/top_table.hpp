// SPDX-License-Identifier: GPL-3.0-or-later
// limma's topTable for one coefficient: logFC, 95% CI, AveExpr, t, P.Value, BH adj.P.Val, B.
#pragma once

#include <cstddef>
#include <vector>

#include <Eigen/Dense>

#include "lscmir/stats/ebayes.hpp"
#include "lscmir/stats/lm_fit.hpp"

namespace lscmir::stats {

struct TopTable {
  std::vector<double> logfc, ci_l, ci_r, ave_expr, t, p_value, adj_p_value, b;
  std::vector<double> se, df;      ///< moderated SE sqrt(s2.post) stdev.unscaled and df.total (not written by topTable)
  std::vector<double> fmi;         ///< multiple imputation only: fraction of missing information (else empty)
  std::vector<std::size_t> order;  ///< feature indices sorted by P.Value (stable; NA last)
};

/// Table for coefficient `coef`. When `treat_fit` is given, t, P.Value and adj.P.Val are treat's
/// while B stays eBayes'.
TopTable top_table(const LmFit& fit, const EBayesFit& eb, Eigen::Index coef, const EBayesFit* treat_fit = nullptr,
                   double level = 0.95);

/// Feature indices sorted by `p_value` (stable, NaN last): TopTable::order.
std::vector<std::size_t> order_by_p_value(const std::vector<double>& p_value);

}  // namespace lscmir::stats
