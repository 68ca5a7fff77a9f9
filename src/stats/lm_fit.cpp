// SPDX-License-Identifier: GPL-3.0-or-later
// Least squares per feature. With an absorbed blocking factor (patient), the model
// y = P a + Z b + e is fitted through the Frisch-Waugh-Lovell theorem: centering y and Z within
// each block (weighted by the observation weights) and regressing the centered y on the centered
// Z gives the same b, residuals and (Z' M Z)^-1 block of the full (X'WX)^-1, at O(n q^2) per
// feature instead of O(n p^2) with p = blocks + q.
#include "lscmir/stats/lm_fit.hpp"

#include <cmath>
#include <limits>

#include "lscmir/core/error.hpp"
#include "lscmir/core/memory.hpp"
#include "lscmir/core/parallel.hpp"

namespace lscmir::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kTol = 1e-7;  // R's lm.fit tolerance for rank detection

/// Scratch space for one feature's fit.
struct Workspace {
  std::vector<int> obs;
  Eigen::MatrixXd zt;     // n_obs x q centered, weighted design
  Eigen::VectorXd rt;     // n_obs centered, weighted response
  Eigen::VectorXd orig;   // original (uncentered, weighted) column norms
  std::vector<double> gw, gy;
  Eigen::MatrixXd gz;     // groups x q weighted sums
  std::vector<int> piv;
};

/// Generalized least squares with correlated blocks: the (already weight-scaled) rows of each
/// block are multiplied by C^-1/2, C = (1 - rho) I + rho 11' over the block's m observations.
/// C^-1/2 = (1 - rho)^-1/2 (I + a 11') with a = (1 / sqrt(1 + m c) - 1) / m, c = rho / (1 - rho);
/// any square root gives the same coefficients, residual sum of squares and (X'V^-1X)^-1.
template <typename Ws>
void whiten_blocks(const LinearModel& m, const std::vector<int>& obs, Eigen::MatrixXd& zt, Eigen::VectorXd& rt, Ws& ws) {
  const double rho = m.correlation;
  const double c = rho / (1.0 - rho), root = 1.0 / std::sqrt(1.0 - rho);
  ws.gw.assign(static_cast<std::size_t>(m.n_blocks), 0.0);
  ws.gy.assign(static_cast<std::size_t>(m.n_blocks), 0.0);
  ws.gz.setZero(m.n_blocks, zt.cols());
  for (std::size_t r = 0; r < obs.size(); ++r) {
    const auto k = static_cast<std::size_t>(m.block[static_cast<std::size_t>(obs[r])]);
    ws.gw[k] += 1.0;
    ws.gy[k] += rt[static_cast<Eigen::Index>(r)];
    ws.gz.row(static_cast<Eigen::Index>(k)) += zt.row(static_cast<Eigen::Index>(r));
  }
  for (std::size_t k = 0; k < ws.gw.size(); ++k) {
    const double mk = ws.gw[k];
    if (mk == 0) continue;
    const double den = 1.0 + mk * c;
    if (!(den > 0)) throw core::NumericalError("the block correlation " + std::to_string(rho) + " is below -1/(block size - 1): the GLS covariance is not positive definite");
    ws.gw[k] = (1.0 / std::sqrt(den) - 1.0) / mk;  // a of this block
  }
  for (std::size_t r = 0; r < obs.size(); ++r) {
    const auto k = static_cast<std::size_t>(m.block[static_cast<std::size_t>(obs[r])]);
    const auto rr = static_cast<Eigen::Index>(r);
    rt[rr] = root * (rt[rr] + ws.gw[k] * ws.gy[k]);
    zt.row(rr) = root * (zt.row(rr) + ws.gw[k] * ws.gz.row(static_cast<Eigen::Index>(k)));
  }
}

struct OneFit {
  double sigma = kNaN;
  double df = 0;
};

/// Fits one feature from its contiguous values `yr` and weights `wr` (null = unweighted).
/// coef/se are written through the given pointers (stride = features); `fitted_row` (may be null)
/// receives the n fitted values.
/// With `cm` (q x k contrasts) non-null, the exact contrasts and their unscaled standard errors are
/// written through `ccoef` / `cse` (same stride).
OneFit fit_feature(const double* yr, const double* wr, Eigen::Index n, const LinearModel& m, Workspace& ws, double* coef,
                   double* se, Eigen::Index stride, double* fitted_row, const Eigen::MatrixXd* cm = nullptr,
                   double* ccoef = nullptr, double* cse = nullptr) {
  const Eigen::Index q = m.z.cols();
  const bool grouped = !m.groups.empty();
  ws.obs.clear();
  for (Eigen::Index i = 0; i < n; ++i) {
    if (!std::isfinite(yr[i])) continue;
    if (wr != nullptr && (!(wr[i] > 0) || !std::isfinite(wr[i]))) continue;
    ws.obs.push_back(static_cast<int>(i));
  }
  for (Eigen::Index j = 0; j < q; ++j) {
    coef[j * stride] = kNaN;
    se[j * stride] = kNaN;
  }
  if (cm != nullptr)
    for (Eigen::Index c = 0; c < cm->cols(); ++c) {
      ccoef[c * stride] = kNaN;
      cse[c * stride] = kNaN;
    }
  OneFit out;
  const auto nobs = static_cast<Eigen::Index>(ws.obs.size());
  if (nobs == 0) return out;
  auto weight = [&](int i) { return wr == nullptr ? 1.0 : wr[i]; };

  int group_rank = 0;
  if (grouped) {
    ws.gw.assign(static_cast<std::size_t>(m.n_groups), 0.0);
    ws.gy.assign(static_cast<std::size_t>(m.n_groups), 0.0);
    ws.gz.setZero(m.n_groups, q);
    for (int i : ws.obs) {
      const auto k = static_cast<std::size_t>(m.groups[static_cast<std::size_t>(i)]);
      const double wi = weight(i);
      ws.gw[k] += wi;
      ws.gy[k] += wi * yr[i];
      ws.gz.row(static_cast<Eigen::Index>(k)) += wi * m.z.row(i);
    }
    for (int k = 0; k < m.n_groups; ++k) {
      const auto kk = static_cast<std::size_t>(k);
      if (ws.gw[kk] > 0) {
        ++group_rank;
        ws.gy[kk] /= ws.gw[kk];
        ws.gz.row(k) /= ws.gw[kk];
      }
    }
  }
  ws.zt.resize(nobs, q);
  ws.rt.resize(nobs);
  ws.orig.setZero(q);
  for (Eigen::Index r = 0; r < nobs; ++r) {
    const int i = ws.obs[static_cast<std::size_t>(r)];
    const double sw = std::sqrt(weight(i));
    ws.orig += (sw * m.z.row(i).transpose()).cwiseAbs2();
    if (grouped) {
      const auto k = static_cast<Eigen::Index>(m.groups[static_cast<std::size_t>(i)]);
      ws.rt[r] = sw * (yr[i] - ws.gy[static_cast<std::size_t>(k)]);
      ws.zt.row(r) = sw * (m.z.row(i) - ws.gz.row(k));
    } else {
      ws.rt[r] = sw * yr[i];
      ws.zt.row(r) = sw * m.z.row(i);
    }
  }
  if (!m.block.empty()) {
    whiten_blocks(m, ws.obs, ws.zt, ws.rt, ws);
    ws.orig = ws.zt.colwise().squaredNorm().transpose();
  }
  ws.orig = ws.orig.cwiseSqrt();
  for (Eigen::Index j = 0; j < q; ++j)
    if (ws.orig[j] == 0.0) ws.orig[j] = 1.0;

  // Householder QR with LINPACK-style limited pivoting; Q'r accumulated in rt.
  ws.piv.resize(static_cast<std::size_t>(q));
  for (Eigen::Index j = 0; j < q; ++j) ws.piv[static_cast<std::size_t>(j)] = static_cast<int>(j);
  Eigen::Index k_end = q, l = 0;
  while (l < std::min(nobs, k_end)) {
    const double rem = ws.zt.col(l).tail(nobs - l).norm();
    if (rem < ws.orig[l] * kTol) {
      for (Eigen::Index j = l; j < q - 1; ++j) {
        ws.zt.col(j).swap(ws.zt.col(j + 1));
        std::swap(ws.orig[j], ws.orig[j + 1]);
        std::swap(ws.piv[static_cast<std::size_t>(j)], ws.piv[static_cast<std::size_t>(j + 1)]);
      }
      --k_end;
      continue;
    }
    auto v = ws.zt.col(l).tail(nobs - l);
    const double alpha = v[0] >= 0 ? -rem : rem;
    // Reflector H = I - 2 u u' / u'u with u = v - alpha e1; apply to columns l+1.. and to rt.
    const double u0 = v[0] - alpha;
    const double unorm2 = rem * rem - v[0] * v[0] + u0 * u0;
    auto apply = [&](auto&& col) {
      const double s = 2.0 * (u0 * col[0] + v.tail(nobs - l - 1).dot(col.tail(nobs - l - 1))) / unorm2;
      col[0] -= s * u0;
      col.tail(nobs - l - 1) -= s * v.tail(nobs - l - 1);
    };
    if (unorm2 > 0) {
      for (Eigen::Index j = l + 1; j < q; ++j) apply(ws.zt.col(j).tail(nobs - l));
      apply(ws.rt.tail(nobs - l));
    }
    v[0] = alpha;  // R's diagonal; the sub-diagonal entries are not used again
    ++l;
  }
  const Eigen::Index rank = std::min(nobs, k_end);
  Eigen::VectorXd beta = Eigen::VectorXd::Zero(q);
  if (rank > 0) {
    const auto r = ws.zt.topLeftCorner(rank, rank).triangularView<Eigen::Upper>();
    const Eigen::VectorXd b = r.solve(ws.rt.head(rank));
    Eigen::MatrixXd rinv = Eigen::MatrixXd::Identity(rank, rank);
    r.solveInPlace(rinv);
    for (Eigen::Index j = 0; j < rank; ++j) {
      const int c = ws.piv[static_cast<std::size_t>(j)];
      coef[c * stride] = b[j];
      se[c * stride] = rinv.row(j).norm();
      beta[c] = b[j];
    }
    if (cm != nullptr) {
      // (X'WX)^-1 of the estimable columns is rinv rinv' in pivoted order, so
      // c'(X'WX)^-1 c = ||rinv' c_pivoted||^2; c must not touch a non-estimable column.
      Eigen::VectorXd cp(rank);
      for (Eigen::Index c = 0; c < cm->cols(); ++c) {
        bool estimable = true;
        for (Eigen::Index j = rank; j < q; ++j)
          if ((*cm)(ws.piv[static_cast<std::size_t>(j)], c) != 0.0) estimable = false;
        if (!estimable) continue;
        for (Eigen::Index j = 0; j < rank; ++j) cp[j] = (*cm)(ws.piv[static_cast<std::size_t>(j)], c);
        ccoef[c * stride] = cp.dot(b);
        cse[c * stride] = (rinv.transpose() * cp).norm();
      }
    }
  }
  out.df = static_cast<double>(nobs - group_rank - rank);
  if (out.df > 0) out.sigma = std::sqrt(ws.rt.tail(nobs - rank).squaredNorm() / out.df);
  if (fitted_row != nullptr) {
    for (Eigen::Index i = 0; i < n; ++i) {
      double f = m.z.row(i).dot(beta);
      if (grouped) {
        const auto k = static_cast<std::size_t>(m.groups[static_cast<std::size_t>(i)]);
        f += ws.gw[k] > 0 ? ws.gy[k] - ws.gz.row(static_cast<Eigen::Index>(k)).dot(beta) : kNaN;
      }
      fitted_row[i] = f;
    }
  }
  return out;
}

/// Centers the columns of a (samples x k) matrix within groups (unweighted), in place.
void center_within(Eigen::MatrixXd& a, const LinearModel& m) {
  if (m.groups.empty()) return;
  Eigen::MatrixXd means = Eigen::MatrixXd::Zero(m.n_groups, a.cols());
  Eigen::VectorXd count = Eigen::VectorXd::Zero(m.n_groups);
  for (Eigen::Index i = 0; i < a.rows(); ++i) {
    const int k = m.groups[static_cast<std::size_t>(i)];
    means.row(k) += a.row(i);
    count[k] += 1.0;
  }
  for (int k = 0; k < m.n_groups; ++k)
    if (count[k] > 0) means.row(k) /= count[k];
  for (Eigen::Index i = 0; i < a.rows(); ++i) a.row(i) -= means.row(m.groups[static_cast<std::size_t>(i)]);
}

}  // namespace

LmFit lm_fit(const Eigen::MatrixXd& y, const LinearModel& model, const Eigen::MatrixXd* weights, int threads,
             Eigen::MatrixXd* fitted, const Eigen::MatrixXd* contrasts, LmFit* exact) {
  const Eigen::Index ng = y.rows(), n = y.cols(), q = model.z.cols();
  core::ensure(model.z.rows() == n, "lm_fit: design rows differ from samples");
  core::ensure(model.block.empty() || model.groups.empty(), "lm_fit: a blocked model with an absorbed factor");
  core::ensure(weights == nullptr || (weights->rows() == ng && weights->cols() == n), "lm_fit: weights shape");
  LmFit fit;
  fit.coefficients.resize(ng, q);
  fit.stdev_unscaled.resize(ng, q);
  fit.sigma.resize(ng);
  fit.df_residual.resize(ng);
  fit.amean.resize(ng);
  if (fitted != nullptr) {
    fitted->resize(ng, n);
    core::prefer_huge_pages(*fitted);
  }
  if (contrasts == nullptr) exact = nullptr;
  core::ensure(contrasts == nullptr || contrasts->rows() == q, "lm_fit: contrast rows differ from coefficients");

  // AveExpr: blocks of features in parallel, each block read column by column (y is column-major);
  // every feature still sums its samples in index order, so the means do not depend on threads.
  core::parallel_for_chunks(static_cast<std::size_t>(ng), threads, [&](std::size_t b, std::size_t e) {
    std::vector<double> s(e - b, 0.0);
    std::vector<int> c(e - b, 0);
    for (Eigen::Index i = 0; i < n; ++i)
      for (std::size_t g = b; g < e; ++g) {
        const double v = y(static_cast<Eigen::Index>(g), i);
        if (std::isfinite(v)) {
          s[g - b] += v;
          ++c[g - b];
        }
      }
    for (std::size_t g = b; g < e; ++g) fit.amean[static_cast<Eigen::Index>(g)] = c[g - b] > 0 ? s[g - b] / c[g - b] : kNaN;
  });

  // The unweighted design's coefficient covariance (for contrasts), from the centered design.
  Eigen::MatrixXd z0 = model.z;
  center_within(z0, model);
  if (!model.block.empty()) {
    // limma's cov.coefficients of a blocked fit: (X' C^-1 X)^-1 of the unweighted design.
    std::vector<int> all(static_cast<std::size_t>(n));
    for (Eigen::Index i = 0; i < n; ++i) all[static_cast<std::size_t>(i)] = static_cast<int>(i);
    Workspace ws;
    Eigen::VectorXd dummy = Eigen::VectorXd::Zero(n);
    whiten_blocks(model, all, z0, dummy, ws);
  }
  Eigen::HouseholderQR<Eigen::MatrixXd> qr0(z0);
  const Eigen::MatrixXd r0 = qr0.matrixQR().topRows(q).triangularView<Eigen::Upper>();
  Eigen::MatrixXd r0inv = Eigen::MatrixXd::Identity(q, q);
  r0.triangularView<Eigen::Upper>().solveInPlace(r0inv);
  fit.cov_unscaled = r0inv * r0inv.transpose();

  const bool all_finite = y.allFinite();
  if (weights == nullptr && all_finite && model.block.empty()) {
    // One factorization for every feature, applied to blocks of features in parallel.
    const int group_rank = model.groups.empty() ? 0 : model.n_groups;
    const double df = static_cast<double>(n - group_rank - q);
    const Eigen::VectorXd su = r0inv.rowwise().norm();
    constexpr Eigen::Index kBlock = 256;
    const auto n_blocks = static_cast<std::size_t>((ng + kBlock - 1) / kBlock);
    // Each thread reuses its scratch matrices from block to block: fresh 4 MB temporaries per
    // block were faulted in and cleared by the kernel every time. The solve is HouseholderQR's
    // (Q' y, then the triangular R) written out so that it runs in that scratch.
    const Eigen::Index rank = std::min(n, q);
    const auto householder_t = qr0.householderQ().setLength(rank).adjoint();
    const auto r_upper = qr0.matrixQR().topLeftCorner(rank, rank).triangularView<Eigen::Upper>();
    core::parallel_for_chunks(n_blocks, threads, [&](std::size_t b0, std::size_t e0) {
      Eigen::MatrixXd yc, c, resid;  // n x rows
      Eigen::MatrixXd b;             // q x rows
      for (std::size_t blk = b0; blk < e0; ++blk) {
        const Eigen::Index g0 = static_cast<Eigen::Index>(blk) * kBlock;
        const Eigen::Index rows = std::min(kBlock, ng - g0);
        yc = y.middleRows(g0, rows).transpose();
        center_within(yc, model);
        c = yc;
        c.applyOnTheLeft(householder_t);
        r_upper.solveInPlace(c.topRows(rank));
        b.resize(q, rows);
        b.topRows(rank) = c.topRows(rank);
        b.bottomRows(q - rank).setZero();
        resid = yc;
        resid.noalias() -= z0 * b;
        fit.coefficients.middleRows(g0, rows) = b.transpose();
        for (Eigen::Index r = 0; r < rows; ++r) {
          const Eigen::Index g = g0 + r;
          fit.stdev_unscaled.row(g) = su.transpose();
          fit.df_residual[g] = df;
          fit.sigma[g] = df > 0 ? std::sqrt(resid.col(r).squaredNorm() / df) : kNaN;
        }
        if (fitted != nullptr) fitted->middleRows(g0, rows) = y.middleRows(g0, rows) - resid.transpose();
      }
    });
    // Every feature shares the unweighted (X'X)^-1, so limma's contrasts are already exact.
    if (exact != nullptr) *exact = contrasts_fit(fit, *contrasts);
    return fit;
  }
  if (exact != nullptr) {
    exact->coefficients.resize(ng, contrasts->cols());
    exact->stdev_unscaled.resize(ng, contrasts->cols());
    exact->cov_unscaled = contrasts->transpose() * fit.cov_unscaled * *contrasts;
  }

  // Features are fitted in blocks copied to row-major scratch, so that each feature's values are
  // contiguous (the matrices are feature x sample, column-major).
  const Eigen::Index stride = ng;
  constexpr Eigen::Index kBlock = 64;
  const auto n_blocks = static_cast<std::size_t>((ng + kBlock - 1) / kBlock);
  core::parallel_for_chunks(n_blocks, threads, [&](std::size_t b, std::size_t e) {
    Workspace ws;
    using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    RowMajor yb, wb, fb;
    for (std::size_t blk = b; blk < e; ++blk) {
      const Eigen::Index g0 = static_cast<Eigen::Index>(blk) * kBlock;
      const Eigen::Index rows = std::min(kBlock, ng - g0);
      yb = y.middleRows(g0, rows);
      if (weights != nullptr) wb = weights->middleRows(g0, rows);
      if (fitted != nullptr) fb.resize(rows, n);
      for (Eigen::Index r = 0; r < rows; ++r) {
        const Eigen::Index g = g0 + r;
        const OneFit one = fit_feature(yb.row(r).data(), weights != nullptr ? wb.row(r).data() : nullptr, n, model, ws,
                                       fit.coefficients.data() + g, fit.stdev_unscaled.data() + g, stride,
                                       fitted != nullptr ? fb.row(r).data() : nullptr, exact != nullptr ? contrasts : nullptr,
                                       exact != nullptr ? exact->coefficients.data() + g : nullptr,
                                       exact != nullptr ? exact->stdev_unscaled.data() + g : nullptr);
        fit.sigma[g] = one.sigma;
        fit.df_residual[g] = one.df;
      }
      if (fitted != nullptr) fitted->middleRows(g0, rows) = fb;
    }
  });
  if (exact != nullptr) {
    exact->sigma = fit.sigma;
    exact->df_residual = fit.df_residual;
    exact->amean = fit.amean;
  }
  return fit;
}

LmFit contrasts_fit(const LmFit& fit, const Eigen::MatrixXd& contrasts) {
  const Eigen::Index ng = fit.coefficients.rows(), q = fit.coefficients.cols(), k = contrasts.cols();
  core::ensure(contrasts.rows() == q, "contrasts_fit: contrast rows differ from coefficients");
  LmFit out;
  out.sigma = fit.sigma;
  out.df_residual = fit.df_residual;
  out.amean = fit.amean;
  out.cov_unscaled = contrasts.transpose() * fit.cov_unscaled * contrasts;
  // Correlation of the coefficients (cov2cor).
  const Eigen::VectorXd d = fit.cov_unscaled.diagonal().cwiseSqrt();
  const Eigen::MatrixXd cor = fit.cov_unscaled.cwiseQuotient(d * d.transpose());
  out.coefficients.resize(ng, k);
  out.stdev_unscaled.resize(ng, k);
  Eigen::VectorXd u(q);
  for (Eigen::Index g = 0; g < ng; ++g) {
    for (Eigen::Index c = 0; c < k; ++c) {
      double est = 0;
      bool missing = false;
      for (Eigen::Index j = 0; j < q; ++j) {
        const double cj = contrasts(j, c);
        if (cj == 0.0) {
          u[j] = 0.0;
          continue;
        }
        const double bj = fit.coefficients(g, j);
        if (std::isnan(bj)) missing = true;
        est += cj * bj;
        u[j] = cj * fit.stdev_unscaled(g, j);
      }
      if (missing) {
        out.coefficients(g, c) = kNaN;
        out.stdev_unscaled(g, c) = kNaN;
      } else {
        out.coefficients(g, c) = est;
        out.stdev_unscaled(g, c) = std::sqrt(u.dot(cor * u));
      }
    }
  }
  return out;
}

}  // namespace lscmir::stats
