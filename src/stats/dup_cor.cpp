// SPDX-License-Identifier: GPL-3.0-or-later
// duplicateCorrelation with a block factor (Smyth, Michaud & Scott 2005). Per feature, REML of the
// two variance components follows the classic reduction: project y onto the residual space of X
// (Q2' y), diagonalize Q2' Z Z' Q2 = U diag(d) U', so that the components u_i = (U' Q2' y)_i are
// independent N(0, s2 + s2_block d_i); REML is then the gamma GLM with identity link of u_i^2 on
// (1, d_i), fitted by Levenberg-damped Fisher scoring (as statmod's mixedModel2Fit / glmgam.fit do,
// tol 1e-6, at most 20 iterations, so the estimates match limma's to its convergence path).
//
// The eigenproblem is not formed densely. Q2'ZZ'Q2 has the non-zero eigenvalues of
// M = Z' Q2 Q2' Z = D - B B' with D = diag(block sizes), B = Z' Q1. Splitting the blocks into
// classes of equal size s_c, every vector supported on class c and orthogonal to P_c B is an
// eigenvector of M with eigenvalue s_c, and span{P_c B} is invariant: only a small problem of
// size <= classes x rank(X) is solved. The likelihood depends on a repeated eigenvalue only
// through the sum of its u_i^2, so each repeated eigenvalue is one grouped observation.
#include "lscmir/stats/dup_cor.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "lscmir/core/error.hpp"
#include "lscmir/core/parallel.hpp"

namespace lscmir::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Observations of the variance-component regression: eigenvalue d, sum of u_i^2 over its m copies.
struct Obs {
  double d, y, m;
};

/// Gamma deviance up to a constant that does not depend on mu (sum of log y): only differences
/// between iterations are used. +Inf when a fitted value is not positive.
double deviance(const std::vector<Obs>& o, const Eigen::Vector2d& b) {
  double dev = 0;
  for (const auto& x : o) {
    const double mu = b[0] + b[1] * x.d;
    if (!(mu > 0)) return std::numeric_limits<double>::infinity();
    dev += x.y / mu - x.m + x.m * std::log(mu);
  }
  return 2.0 * dev;
}

/// Fisher scoring for the gamma GLM with identity link E(y) = b0 + b1 d, with Levenberg damping
/// (the damping starts at mean(diag(information)) / 2, doubles until the deviance does not rise,
/// and is divided by 10 after an undamped-enough step). Returns NaN on failure.
Eigen::Vector2d gamma_identity_fit(const std::vector<Obs>& o, Eigen::Vector2d beta, double tol, int maxit) {
  double dev = deviance(o, beta);
  if (!std::isfinite(dev)) return {kNaN, kNaN};
  double lambda = 0;
  for (int iter = 1;; ++iter) {
    double vmax = 0;
    for (const auto& x : o) vmax = std::max(vmax, std::pow(beta[0] + beta[1] * x.d, 2));
    Eigen::Matrix2d info = Eigen::Matrix2d::Zero();
    Eigen::Vector2d score = Eigen::Vector2d::Zero();
    for (const auto& x : o) {
      const double mu = beta[0] + beta[1] * x.d;
      const double v = std::max(mu * mu, vmax / 1e3);
      const Eigen::Vector2d xi(1.0, x.d);
      info += (x.m / v) * xi * xi.transpose();
      score += ((x.y - x.m * mu) / v) * xi;
    }
    const double maxinfo = info.diagonal().maxCoeff();
    if (iter == 1) lambda = std::abs(info.diagonal().mean()) / 2.0;
    const Eigen::Vector2d old = beta;
    const double devold = dev;
    Eigen::Vector2d step = Eigen::Vector2d::Zero();
    int lev = 0;
    bool stuck = false;
    for (;;) {
      ++lev;
      const Eigen::LLT<Eigen::Matrix2d> llt(info + lambda * Eigen::Matrix2d::Identity());
      if (llt.info() != Eigen::Success) return {kNaN, kNaN};
      step = llt.solve(score);
      beta = old + step;
      dev = deviance(o, beta);
      if (dev <= devold) break;
      if (lambda / maxinfo > 1e15) {
        beta = old;
        stuck = true;
        break;
      }
      lambda *= 2.0;
    }
    if (stuck) break;
    if (lev == 1) lambda /= 10.0;
    if (score.dot(step) < tol) break;
    if (iter > maxit) break;
  }
  return beta;
}

}  // namespace

Eigen::Vector2d block_variance_components(const Eigen::VectorXd& y, const Eigen::MatrixXd& x,
                                          const std::vector<int>& z_block, int nb) {
  const Eigen::Index n = y.size();
  Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(x);
  qr.setThreshold(1e-7);
  const Eigen::Index rank = qr.rank();
  const Eigen::Index mq = n - rank;
  if (mq <= 0) return {kNaN, kNaN};
  const Eigen::MatrixXd q1 = qr.householderQ() * Eigen::MatrixXd::Identity(n, rank);
  const Eigen::VectorXd r = y - q1 * (q1.transpose() * y);
  const double rss = r.squaredNorm();

  Eigen::MatrixXd b = Eigen::MatrixXd::Zero(nb, rank);
  Eigen::VectorXd g = Eigen::VectorXd::Zero(nb);
  std::vector<int> size(static_cast<std::size_t>(nb), 0);
  for (Eigen::Index i = 0; i < n; ++i) {
    const int k = z_block[static_cast<std::size_t>(i)];
    b.row(k) += q1.row(i);
    g[k] += r[i];
    ++size[static_cast<std::size_t>(k)];
  }
  std::map<int, std::vector<int>> classes;  // block size -> blocks
  for (int k = 0; k < nb; ++k)
    if (size[static_cast<std::size_t>(k)] > 0) classes[size[static_cast<std::size_t>(k)]].push_back(k);

  std::vector<Obs> obs;
  double mult_used = 0, y_used = 0;
  // Per class: orthonormal basis of span(P_c B), the complement's grouped observation, and the
  // class's part of the small invariant problem.
  std::vector<Eigen::MatrixXd> bases, class_b;
  std::vector<Eigen::VectorXd> class_g;
  std::vector<double> class_size;
  Eigen::Index t = 0;
  for (const auto& [s, blocks] : classes) {
    const auto nc = static_cast<Eigen::Index>(blocks.size());
    Eigen::MatrixXd bc(nc, rank);
    Eigen::VectorXd gc(nc);
    for (Eigen::Index j = 0; j < nc; ++j) {
      bc.row(j) = b.row(blocks[static_cast<std::size_t>(j)]);
      gc[j] = g[blocks[static_cast<std::size_t>(j)]];
    }
    class_b.push_back(bc);
    class_g.push_back(gc);
    Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qc(bc);
    const Eigen::Index rc = rank > 0 ? qc.rank() : 0;
    Eigen::MatrixXd basis = qc.householderQ() * Eigen::MatrixXd::Identity(nc, rc);
    const auto rest = static_cast<double>(nc - rc);
    if (rest > 0) {
      const double yc = std::max(0.0, gc.squaredNorm() - (basis.transpose() * gc).squaredNorm()) / s;
      obs.push_back({static_cast<double>(s), yc, rest});
      mult_used += rest;
      y_used += yc;
    }
    bases.push_back(std::move(basis));
    class_size.push_back(s);
    t += rc;
  }
  if (t > 0) {
    // T = W' M W = diag(s) - (W'B)(W'B)', h = W' g, with W = blockdiag(bases) over the classes.
    Eigen::MatrixXd wb(t, rank);
    Eigen::VectorXd h(t), dg(t);
    Eigen::Index off = 0;
    for (std::size_t c = 0; c < bases.size(); ++c) {
      const Eigen::MatrixXd& basis = bases[c];
      const Eigen::Index rc = basis.cols();
      if (rc == 0) continue;
      wb.middleRows(off, rc) = basis.transpose() * class_b[c];
      h.segment(off, rc) = basis.transpose() * class_g[c];
      dg.segment(off, rc).setConstant(class_size[c]);
      off += rc;
    }
    Eigen::MatrixXd tm = -wb * wb.transpose();
    tm.diagonal() += dg;
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(tm);
    const Eigen::VectorXd proj = es.eigenvectors().transpose() * h;
    const double smax = class_size.back();
    for (Eigen::Index k = 0; k < t; ++k) {
      const double lam = es.eigenvalues()[k];
      if (!(lam > 1e-10 * smax)) continue;  // a zero eigenvalue: joins the null space below
      const double yk = proj[k] * proj[k] / lam;
      obs.push_back({lam, yk, 1.0});
      mult_used += 1;
      y_used += yk;
    }
  }
  const double m0 = static_cast<double>(mq) - mult_used;
  if (m0 < -0.5) return {kNaN, kNaN};
  if (m0 > 0.5) obs.push_back({0.0, std::max(0.0, rss - y_used), m0});

  // Least-squares start (and the answer when the GLM is not identifiable, as in mixedModel2Fit).
  double sm = 0, sd = 0, sdd = 0, sy = 0, sdy = 0, ymax = 0, nonzero = 0;
  for (const auto& o : obs) {
    sm += o.m;
    sd += o.m * o.d;
    sdd += o.m * o.d * o.d;
    sy += o.y;
    sdy += o.d * o.y;
    ymax = std::max(ymax, o.y / o.m);
    if (std::abs(o.d) > 1e-15) nonzero += o.m;
  }
  const double dmean = sd / sm;
  double dvar = 0;
  for (const auto& o : obs) dvar += o.m * (o.d - dmean) * (o.d - dmean);
  const double dnorm = std::sqrt(sdd);
  const bool ls_full_rank = dnorm > 0 && std::sqrt(dvar) >= 1e-7 * dnorm;
  Eigen::Vector2d ls(kNaN, kNaN);
  if (ls_full_rank) {
    Eigen::Matrix2d a;
    a << sm, sd, sd, sdd;
    ls = a.ldlt().solve(Eigen::Vector2d(sy, sdy));
  }
  dvar = sm > 1 ? dvar / (sm - 1) : 0.0;
  if (!(static_cast<double>(mq) > 2 && nonzero > 1 && dvar > 1e-15)) return ls;
  if (ymax == 0) return {0.0, 0.0};  // every component is zero: rho is 0/0
  bool nonneg = ls_full_rank;
  for (const auto& o : obs)
    if (nonneg && ls[0] + ls[1] * o.d < 0) nonneg = false;
  const Eigen::Vector2d start = nonneg ? ls : Eigen::Vector2d(sy / sm, 0.0);
  return gamma_identity_fit(obs, start, 1e-6, 20);
}

DupCorResult duplicate_correlation(const Eigen::MatrixXd& y, const Eigen::MatrixXd& design, const Eigen::MatrixXd* weights,
                                   const std::vector<int>& block, int n_blocks, int threads, double trim) {
  const Eigen::Index ng = y.rows(), n = y.cols(), p = design.cols();
  core::ensure(design.rows() == n && static_cast<Eigen::Index>(block.size()) == n, "duplicate_correlation: shapes");
  DupCorResult out;
  std::vector<int> sizes(static_cast<std::size_t>(n_blocks), 0);
  for (int k : block) ++sizes[static_cast<std::size_t>(k)];
  out.max_block_size = sizes.empty() ? 0 : *std::max_element(sizes.begin(), sizes.end());
  out.atanh_correlation = Eigen::VectorXd::Constant(ng, kNaN);
  if (out.max_block_size <= 1) {
    out.atanh_correlation.setZero();
    return out;
  }
  const double rho_min = 1.0 / (1.0 - out.max_block_size) + 0.01, rho_max = 0.99;
  core::parallel_for_chunks(static_cast<std::size_t>(ng), threads, [&](std::size_t b, std::size_t e) {
    std::vector<int> obs, code(static_cast<std::size_t>(n_blocks)), zb;
    for (std::size_t gg = b; gg < e; ++gg) {
      const auto g = static_cast<Eigen::Index>(gg);
      obs.clear();
      for (Eigen::Index i = 0; i < n; ++i) {
        if (!std::isfinite(y(g, i))) continue;
        if (weights != nullptr && !((*weights)(g, i) > 0 && std::isfinite((*weights)(g, i)))) continue;
        obs.push_back(static_cast<int>(i));
      }
      std::fill(code.begin(), code.end(), -1);
      zb.clear();
      int nb = 0;
      for (int i : obs) {
        int& c = code[static_cast<std::size_t>(block[static_cast<std::size_t>(i)])];
        if (c < 0) c = nb++;
        zb.push_back(c);
      }
      const auto nobs = static_cast<Eigen::Index>(obs.size());
      if (!(nobs > p + 2 && nb > 1 && nb < nobs - 1)) continue;
      Eigen::VectorXd yy(nobs);
      Eigen::MatrixXd xx(nobs, p);
      for (Eigen::Index r = 0; r < nobs; ++r) {
        const int i = obs[static_cast<std::size_t>(r)];
        const double sw = weights != nullptr ? std::sqrt((*weights)(g, i)) : 1.0;
        yy[r] = sw * y(g, i);
        xx.row(r) = sw * design.row(i);
      }
      const Eigen::Vector2d vc = block_variance_components(yy, xx, zb, nb);
      double rho = vc[1] / (vc[0] + vc[1]);
      if (!std::isfinite(rho)) continue;
      rho = std::clamp(rho, rho_min, rho_max);
      out.atanh_correlation[g] = std::atanh(rho);
    }
  });
  std::vector<double> a;
  for (Eigen::Index g = 0; g < ng; ++g)
    if (std::isfinite(out.atanh_correlation[g])) a.push_back(out.atanh_correlation[g]);
  out.estimated = static_cast<int>(a.size());
  if (a.empty()) throw core::NumericalError("duplicateCorrelation: no feature has enough observations to estimate the block correlation");
  // R's mean(x, trim): drop floor(n * trim) values from each end of the sorted values.
  std::sort(a.begin(), a.end());
  const std::size_t lo = static_cast<std::size_t>(std::floor(static_cast<double>(a.size()) * trim));
  long double s = 0;
  for (std::size_t i = lo; i < a.size() - lo; ++i) s += a[i];
  const auto cnt = static_cast<long double>(a.size() - 2 * lo);
  s /= cnt;
  long double corr = 0;
  for (std::size_t i = lo; i < a.size() - lo; ++i) corr += a[i] - s;
  s += corr / cnt;
  out.consensus = std::tanh(static_cast<double>(s));
  return out;
}

}  // namespace lscmir::stats
