// SPDX-License-Identifier: GPL-3.0-or-later
// Internal: the products and damped solves of the NB GLM fits (stats/ql.cpp): a design's nonzeros,
// and X'WX through the arrow structure of a factor's dummy columns (docs/statistics.md, "edgeR
// quasi-likelihood").
#pragma once

#include <cstddef>
#include <vector>

#include <Eigen/Dense>

namespace lscmir::stats::detail {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

/// A design's nonzeros row by row, for the products of the NB fits: in a paired design the
/// patient factor's dummy columns make most of X zero (3 nonzeros in a row of 72 for TCGA KIRC's
/// ~ patient + population), so X'WX, X'v and Xb are sums over the nonzeros only, O(n k^2) for k
/// nonzeros a row instead of O(n p^2). Each entry is summed over the samples in order, so the result
/// is the same for any thread count. A mostly dense design keeps Eigen's dense products.
class DesignProducts {
 public:
  explicit DesignProducts(const MatrixXd& x);
  /// The least-squares solution of X b = 1 (a start of constant log rate c is c times it).
  const VectorXd& ones_fit() const { return ones_fit_; }
  /// Arrow structure: `block` columns have pairwise disjoint supports (a factor's dummy columns,
  /// the patients of a paired design), so their part of X'WX is diagonal; the `dense` rest couple
  /// to them. Empty block: no such structure worth using.
  const std::vector<Index>& block_columns() const { return block_; }
  const std::vector<Index>& dense_columns() const { return dense_; }
  /// Per column: its index among the block columns (>= 0) or -1 - its index among the dense ones.
  Index slot(Index column) const { return slot_[static_cast<std::size_t>(column)]; }
  std::size_t row_begin(Index j) const { return start_[static_cast<std::size_t>(j)]; }
  std::size_t row_end(Index j) const { return start_[static_cast<std::size_t>(j) + 1]; }
  Index nonzero_column(std::size_t a) const { return col_[a]; }
  double nonzero_value(std::size_t a) const { return val_[a]; }
  /// out = X' diag(w) X (both triangles).
  void xtwx(const VectorXd& w, MatrixXd& out) const;
  /// out = X' v.
  void xtv(const VectorXd& v, VectorXd& out) const;
  /// out = X b + off.
  void eta(const VectorXd& b, const VectorXd& off, VectorXd& out) const;
  const MatrixXd& matrix() const { return x_; }

 private:
  /// Greedy: columns by support size (then index), each joining the block when its support meets
  /// none of the block's so far. Used when it leaves at most 8 dense columns and takes 8 or more.
  void partition();

  const MatrixXd& x_;
  std::vector<std::size_t> start_;
  std::vector<Index> col_;
  std::vector<double> val_;
  bool sparse_ = false;
  std::vector<Index> block_, dense_, slot_;
  VectorXd ones_fit_;
};

/// X'WX of one fit, factored with a damping lambda on its diagonal. With the design's arrow
/// structure the block part is the diagonal d, the coupling B (block x dense) and the dense part
/// C, and the damped system is solved through the Schur complement C + lambda - B' (d + lambda)^-1 B
/// (a few columns), O(n) instead of O(p^3); otherwise Eigen's dense LLT. Either way the system is
/// "not positive definite" exactly when its Cholesky factor does not exist, as the fit's damping
/// rule needs.
class InfoMatrix {
 public:
  explicit InfoMatrix(const DesignProducts& dx) : dx_(dx), arrow_(!dx.block_columns().empty()) {}

  /// Forms X' diag(w) X.
  void form(const VectorXd& w);
  double max_diagonal() const;
  /// Factors X'WX + lambda I; false when it is not positive definite.
  bool factor(double lambda);
  /// The solution of the last factored system for `rhs`.
  void solve(const VectorXd& rhs, VectorXd& out);
  /// log det of X'WX as a sum of log pivots of an LDL' factorization, each pivot below `low` (or
  /// not finite) taken as `low` (edgeR's Cox-Reid adjustment). Arrow: the pivots are the diagonal
  /// d and those of the Schur complement C - B' d^-1 B.
  double log_det_clamped(double low);

 private:
  const DesignProducts& dx_;
  bool arrow_;
  MatrixXd full_, damped_, b_, c_, schur_;
  VectorXd d_, dd_, rs_, rd_;
  Eigen::LLT<MatrixXd> llt_;
};

}  // namespace lscmir::stats::detail
