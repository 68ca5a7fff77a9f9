// SPDX-License-Identifier: GPL-3.0-or-later
// Gene-by-gene sample weights (Ritchie et al. 2006): for feature g with weighted residuals
// d_j = w_j r_j^2, leverages h_j and residual variance s2, the REML score for gamma is
// Z2'(d / s2 - (1 - h)) and its information Z'diag(1 - h)Z with the intercept profiled out;
// information accumulates over features (after a prior of prior_n unit-weight features) and
// gamma takes one scoring step per feature. array_weights_reml: REML over all features at once
// (Smyth 2002; docs/statistics.md, "Sample weights").
#include "lscmir/stats/array_weights.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "lscmir/core/error.hpp"

namespace lscmir::stats {

std::vector<double> array_weights(const Eigen::MatrixXd& e, const Eigen::MatrixXd& design, const Eigen::MatrixXd* weights,
                                  double prior_n) {
  const Eigen::Index ng = e.rows(), n = e.cols(), p = design.cols();
  core::ensure(design.rows() == n, "array_weights: design rows differ from samples");
  std::vector<double> out(static_cast<std::size_t>(n), 1.0);
  if (ng < 2 || n - p < 2) return out;
  // Z2: sum-to-zero contrasts (R's contr.sum): identity over the first n-1 samples, -1 for the last.
  Eigen::MatrixXd z2 = Eigen::MatrixXd::Zero(n, n - 1);
  z2.topRows(n - 1).setIdentity();
  z2.row(n - 1).setConstant(-1.0);
  Eigen::MatrixXd info2 = prior_n * (z2.transpose() * z2);
  Eigen::VectorXd gam = Eigen::VectorXd::Zero(n - 1);
  Eigen::VectorXd aw = Eigen::VectorXd::Ones(n);
  std::vector<int> obs;
  Eigen::VectorXd d(n), h1(n);
  for (Eigen::Index g = 0; g < ng; ++g) {
    obs.clear();
    for (Eigen::Index j = 0; j < n; ++j)
      if (std::isfinite(e(g, j))) obs.push_back(static_cast<int>(j));
    const auto m = static_cast<Eigen::Index>(obs.size());
    const bool partial = m < n;
    if (partial && m <= 2) continue;
    Eigen::MatrixXd xs(m, p);
    Eigen::VectorXd ys(m), sw(m);
    for (Eigen::Index r = 0; r < m; ++r) {
      const int j = obs[static_cast<std::size_t>(r)];
      const double w = aw[j] * (weights != nullptr ? (*weights)(g, j) : 1.0);
      sw[r] = std::sqrt(w);
      xs.row(r) = sw[r] * design.row(j);
      ys[r] = sw[r] * e(g, j);
    }
    Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(xs);
    qr.setThreshold(1e-7);
    const Eigen::Index rank = qr.rank();
    if (partial && m - rank < 2) continue;
    const Eigen::MatrixXd q1 = qr.householderQ() * Eigen::MatrixXd::Identity(m, rank);
    const Eigen::VectorXd res = ys - q1 * (q1.transpose() * ys);  // sqrt(w) * raw residuals
    const double s2 = res.squaredNorm() / static_cast<double>(m - rank);
    if (!(s2 >= 1e-15)) continue;
    d.setZero();
    h1.setZero();
    for (Eigen::Index r = 0; r < m; ++r) {
      const int j = obs[static_cast<std::size_t>(r)];
      d[j] = res[r] * res[r];
      h1[j] = 1.0 - q1.row(r).squaredNorm();
    }
    // info = Z' diag(h1) Z with Z = [1, Z2]; add the Z2 block with the intercept profiled out.
    const Eigen::VectorXd zh = z2.transpose() * h1;  // info[-1, 1]
    const double h0 = h1.sum();                       // info[1, 1]
    Eigen::MatrixXd info22 = z2.transpose() * h1.asDiagonal() * z2;
    info22.noalias() -= zh * zh.transpose() / h0;
    info2 += info22;
    const Eigen::VectorXd z = d / s2 - h1;
    gam += info2.llt().solve(z2.transpose() * z);
    aw = (-(z2 * gam)).array().exp();
  }
  for (Eigen::Index j = 0; j < n; ++j) out[static_cast<std::size_t>(j)] = aw[j];
  return out;
}

std::vector<double> array_weights_reml(const Eigen::MatrixXd& e, const Eigen::MatrixXd& design, double prior_n, int maxiter,
                                       double tol, std::string* warning) {
  using Eigen::Index;
  using Eigen::MatrixXd;
  using Eigen::VectorXd;
  const Index n = e.cols(), p = design.cols();
  core::ensure(design.rows() == n, "array_weights_reml: design rows differ from samples");
  std::vector<double> out(static_cast<std::size_t>(n), 1.0);
  if (e.rows() < 2 || n - p < 2) return out;
  MatrixXd z2 = MatrixXd::Zero(n, n - 1);  // contr.sum
  z2.topRows(n - 1).setIdentity();
  z2.row(n - 1).setConstant(-1.0);
  VectorXd w = VectorXd::Ones(n), gam = VectorXd::Zero(n - 1);
  // Residuals of the weighted fit, scaled by sqrt(w), for every feature: sqrt(w) y - Q1 Q1' sqrt(w) y.
  MatrixXd q1;
  auto weighted_residuals = [&](const MatrixXd& y) {
    const VectorXd sw = w.array().sqrt();
    Eigen::HouseholderQR<MatrixXd> qr(sw.asDiagonal() * design);
    q1 = qr.householderQ() * MatrixXd::Identity(n, p);
    MatrixXd ry = y * sw.asDiagonal();  // features x samples
    ry -= (ry * q1) * q1.transpose();
    return ry;
  };
  // Features whose unweighted residual variance is (numerically) zero carry no information.
  MatrixXd y = e;
  {
    const MatrixXd r0 = weighted_residuals(e);
    std::vector<Index> ok;
    for (Index g = 0; g < e.rows(); ++g)
      if (r0.row(g).squaredNorm() / static_cast<double>(n - p) >= 1e-15) ok.push_back(g);
    if (static_cast<Index>(ok.size()) < 2) return out;
    if (static_cast<Index>(ok.size()) < e.rows()) {
      y.resize(static_cast<Index>(ok.size()), n);
      for (std::size_t k = 0; k < ok.size(); ++k) y.row(static_cast<Index>(k)) = e.row(ok[k]);
    }
  }
  const auto ng = static_cast<double>(y.rows());
  MatrixXd z(n, n);
  z.col(0).setOnes();
  z.rightCols(n - 1) = z2;
  const MatrixXd prior_info = prior_n * (z2.transpose() * z2);
  double last = std::numeric_limits<double>::infinity();
  for (int iter = 1;; ++iter) {
    const MatrixXd r = weighted_residuals(y);
    const VectorXd h = q1.rowwise().squaredNorm();
    // (I - H) o (I - H), H = Q1 Q1' (symmetric, idempotent in the weighted metric).
    MatrixXd m = -(q1 * q1.transpose());
    m.diagonal().array() += 1.0;
    m = m.cwiseProduct(m);
    const MatrixXd info = z.transpose() * m * z;
    MatrixXd info2 = info.bottomRightCorner(n - 1, n - 1) - info.col(0).tail(n - 1) * info.row(0).tail(n - 1) / info(0, 0);
    // Mean over features of w r^2 / s2, each feature's s2 = its weighted residual sum of squares / (n - p).
    VectorXd zbar = VectorXd::Zero(n);
    for (Index g = 0; g < r.rows(); ++g) {
      const double s2 = r.row(g).squaredNorm() / static_cast<double>(n - p);
      zbar += r.row(g).transpose().cwiseAbs2() / s2;
    }
    zbar /= ng;
    zbar -= (VectorXd::Ones(n) - h);
    info2 = ng * info2 + prior_info;
    const VectorXd score = z2.transpose() * (ng * zbar + prior_n * (w - VectorXd::Ones(n)));
    const VectorXd step = info2.llt().solve(score);
    const double crit = score.dot(step) / static_cast<double>(n - 1) / (ng + prior_n);
    if (!std::isfinite(crit) || crit >= last) {
      if (warning) *warning = "sample weights (REML): the convergence tolerance could not be reached, stopped after " + std::to_string(iter - 1) + " steps";
      break;
    }
    last = crit;
    gam += step;
    w = (-(z2 * gam)).array().exp();
    if (crit < tol) break;
    if (iter == maxiter) {
      if (warning) *warning = "sample weights (REML): iteration limit (" + std::to_string(maxiter) + ") reached";
      break;
    }
  }
  for (Index j = 0; j < n; ++j) out[static_cast<std::size_t>(j)] = w[j];
  return out;
}

VoomResult voom_with_quality_weights(const Eigen::MatrixXd& counts, const LinearModel& model, const Eigen::MatrixXd& design,
                                     const std::vector<double>& lib_size, int threads, std::vector<double>& sample_weights) {
  VoomResult v = voom(counts, model, lib_size, threads);
  sample_weights = array_weights(v.e, design, &v.weights);
  v = voom(counts, model, lib_size, threads, 0.5, &sample_weights);
  sample_weights = array_weights(v.e, design, &v.weights);
  for (Eigen::Index j = 0; j < v.weights.cols(); ++j) v.weights.col(j) *= sample_weights[static_cast<std::size_t>(j)];
  return v;
}

}  // namespace lscmir::stats
