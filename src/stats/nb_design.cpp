// SPDX-License-Identifier: GPL-3.0-or-later
// The NB fits' design products and X'WX solves (detail/nb_design.hpp).
#include "detail/nb_design.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace lscmir::stats::detail {

DesignProducts::DesignProducts(const MatrixXd& x) : x_(x), start_(static_cast<std::size_t>(x.rows()) + 1, 0) {
  for (Index j = 0; j < x.rows(); ++j) {
    for (Index c = 0; c < x.cols(); ++c)
      if (x(j, c) != 0.0) {
        col_.push_back(c);
        val_.push_back(x(j, c));
      }
    start_[static_cast<std::size_t>(j) + 1] = col_.size();
  }
  sparse_ = 2 * col_.size() <= static_cast<std::size_t>(x.size());
  partition();
  ones_fit_ = x.householderQr().solve(VectorXd::Ones(x.rows()));
}

void DesignProducts::xtwx(const VectorXd& w, MatrixXd& out) const {
  if (!sparse_) {
    out.noalias() = x_.transpose() * w.asDiagonal() * x_;
    return;
  }
  out.setZero(x_.cols(), x_.cols());
  for (Index j = 0; j < x_.rows(); ++j) {
    const std::size_t b = start_[static_cast<std::size_t>(j)], e = start_[static_cast<std::size_t>(j) + 1];
    for (std::size_t a = b; a < e; ++a) {
      const double wa = w[j] * val_[a];
      for (std::size_t c = a; c < e; ++c) out(col_[a], col_[c]) += wa * val_[c];
    }
  }
  out.triangularView<Eigen::StrictlyLower>() = out.transpose();
}

void DesignProducts::xtv(const VectorXd& v, VectorXd& out) const {
  if (!sparse_) {
    out.noalias() = x_.transpose() * v;
    return;
  }
  out.setZero(x_.cols());
  for (Index j = 0; j < x_.rows(); ++j)
    for (std::size_t a = start_[static_cast<std::size_t>(j)]; a < start_[static_cast<std::size_t>(j) + 1]; ++a) out[col_[a]] += val_[a] * v[j];
}

void DesignProducts::eta(const VectorXd& b, const VectorXd& off, VectorXd& out) const {
  if (!sparse_) {
    out.noalias() = x_ * b;
    out += off;
    return;
  }
  out.resize(x_.rows());
  for (Index j = 0; j < x_.rows(); ++j) {
    double t = 0;
    for (std::size_t a = start_[static_cast<std::size_t>(j)]; a < start_[static_cast<std::size_t>(j) + 1]; ++a) t += val_[a] * b[col_[a]];
    out[j] = t + off[j];
  }
}

void DesignProducts::partition() {
  const Index p = x_.cols(), n = x_.rows();
  std::vector<std::vector<Index>> support(static_cast<std::size_t>(p));
  for (Index j = 0; j < n; ++j)
    for (std::size_t a = row_begin(j); a < row_end(j); ++a) support[static_cast<std::size_t>(col_[a])].push_back(j);
  std::vector<Index> order(static_cast<std::size_t>(p));
  std::iota(order.begin(), order.end(), Index{0});
  std::stable_sort(order.begin(), order.end(), [&](Index a, Index b) {
    return support[static_cast<std::size_t>(a)].size() < support[static_cast<std::size_t>(b)].size();
  });
  std::vector<bool> covered(static_cast<std::size_t>(n), false);
  std::vector<bool> in_block(static_cast<std::size_t>(p), false);
  for (Index c : order) {
    const auto& sup = support[static_cast<std::size_t>(c)];
    if (sup.empty()) continue;  // an all-zero column stays dense (its information is 0)
    bool free = true;
    for (Index j : sup) free = free && !covered[static_cast<std::size_t>(j)];
    if (!free) continue;
    in_block[static_cast<std::size_t>(c)] = true;
    for (Index j : sup) covered[static_cast<std::size_t>(j)] = true;
  }
  std::vector<Index> block, dense;
  for (Index c = 0; c < p; ++c) (in_block[static_cast<std::size_t>(c)] ? block : dense).push_back(c);
  if (!sparse_ || block.size() < 8 || dense.size() > 8) return;
  block_ = std::move(block);
  dense_ = std::move(dense);
  slot_.assign(static_cast<std::size_t>(p), 0);
  for (std::size_t i = 0; i < block_.size(); ++i) slot_[static_cast<std::size_t>(block_[i])] = static_cast<Index>(i);
  for (std::size_t i = 0; i < dense_.size(); ++i) slot_[static_cast<std::size_t>(dense_[i])] = -1 - static_cast<Index>(i);
}

void InfoMatrix::form(const VectorXd& w) {
  if (!arrow_) {
    dx_.xtwx(w, full_);
    return;
  }
  const auto k = static_cast<Index>(dx_.block_columns().size()), q = static_cast<Index>(dx_.dense_columns().size());
  d_.setZero(k);
  b_.setZero(k, q);
  c_.setZero(q, q);
  const MatrixXd& x = dx_.matrix();
  for (Index j = 0; j < x.rows(); ++j) {
    Index bs = -1;
    double bv = 0;
    for (std::size_t a = dx_.row_begin(j); a < dx_.row_end(j); ++a) {
      const Index sl = dx_.slot(dx_.nonzero_column(a));
      if (sl >= 0) {
        bs = sl;
        bv = dx_.nonzero_value(a);
      }
    }
    if (bs >= 0) d_[bs] += w[j] * bv * bv;
    for (std::size_t a = dx_.row_begin(j); a < dx_.row_end(j); ++a) {
      const Index ta = dx_.slot(dx_.nonzero_column(a));
      if (ta >= 0) continue;
      const Index t = -1 - ta;
      const double wv = w[j] * dx_.nonzero_value(a);
      if (bs >= 0) b_(bs, t) += wv * bv;
      for (std::size_t e = a; e < dx_.row_end(j); ++e) {
        const Index ue = dx_.slot(dx_.nonzero_column(e));
        if (ue < 0) c_(t, -1 - ue) += wv * dx_.nonzero_value(e);
      }
    }
  }
  // c_ holds one triangle in slot order (columns of a row are ascending, as are their slots).
  for (Index t = 0; t < q; ++t)
    for (Index u = t + 1; u < q; ++u) c_(u, t) = c_(t, u);
}

double InfoMatrix::max_diagonal() const {
  if (!arrow_) return full_.diagonal().maxCoeff();
  double m = d_.size() ? d_.maxCoeff() : -std::numeric_limits<double>::infinity();
  return c_.size() ? std::max(m, c_.diagonal().maxCoeff()) : m;
}

bool InfoMatrix::factor(double lambda) {
  if (!arrow_) {
    damped_ = full_;
    damped_.diagonal().array() += lambda;
    llt_.compute(damped_);
    return llt_.info() == Eigen::Success;
  }
  dd_ = d_.array() + lambda;
  if (!(dd_.array() > 0).all()) return false;
  schur_ = c_;
  schur_.diagonal().array() += lambda;
  schur_.noalias() -= b_.transpose() * dd_.cwiseInverse().asDiagonal() * b_;
  llt_.compute(schur_);
  return llt_.info() == Eigen::Success;
}

void InfoMatrix::solve(const VectorXd& rhs, VectorXd& out) {
  if (!arrow_) {
    out = llt_.solve(rhs);
    return;
  }
  const auto& block = dx_.block_columns();
  const auto& dense = dx_.dense_columns();
  const auto k = static_cast<Index>(block.size()), q = static_cast<Index>(dense.size());
  rs_.resize(k);
  rd_.resize(q);
  for (Index i = 0; i < k; ++i) rs_[i] = rhs[block[static_cast<std::size_t>(i)]] / dd_[i];
  for (Index t = 0; t < q; ++t) rd_[t] = rhs[dense[static_cast<std::size_t>(t)]];
  rd_.noalias() -= b_.transpose() * rs_;
  const VectorXd v = llt_.solve(rd_);
  out.resize(rhs.size());
  for (Index t = 0; t < q; ++t) out[dense[static_cast<std::size_t>(t)]] = v[t];
  rs_.noalias() = b_ * v;
  for (Index i = 0; i < k; ++i) out[block[static_cast<std::size_t>(i)]] = (rhs[block[static_cast<std::size_t>(i)]] - rs_[i]) / dd_[i];
}

double InfoMatrix::log_det_clamped(double low) {
  auto term = [low](double v) { return std::log(v > low && std::isfinite(v) ? v : low); };
  double logdet = 0;
  if (!arrow_) {
    Eigen::LDLT<MatrixXd> ldlt(full_);
    const VectorXd piv = ldlt.vectorD();
    for (Index i = 0; i < piv.size(); ++i) logdet += term(piv[i]);
    return logdet;
  }
  schur_ = c_;
  for (Index i = 0; i < d_.size(); ++i) {
    logdet += term(d_[i]);
    if (d_[i] > 0) schur_.noalias() -= (b_.row(i).transpose() / d_[i]) * b_.row(i);
  }
  Eigen::LDLT<MatrixXd> ldlt(schur_);
  const VectorXd piv = ldlt.vectorD();
  for (Index i = 0; i < piv.size(); ++i) logdet += term(piv[i]);
  return logdet;
}
}  // namespace lscmir::stats::detail
