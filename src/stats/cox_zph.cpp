// SPDX-License-Identifier: GPL-3.0-or-later
// cox.zph: the per-time contributions of the Cox score and information, weighted by the km
// transform of time, give the score test of a time-varying coefficient (Grambsch & Therneau 1994;
// Therneau & Grambsch 2000, section 6.2).
#include "lscmir/stats/cox_zph.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "lscmir/core/error.hpp"
#include "lscmir/stats/distributions.hpp"

namespace lscmir::stats {
namespace {

/// 1 - KM(t-) for each subject, the KM pooled over all subjects (strata ignored).
std::vector<double> km_transform(const std::vector<double>& time, const std::vector<int>& event) {
  const std::size_t n = time.size();
  std::vector<std::size_t> o(n);
  std::iota(o.begin(), o.end(), std::size_t{0});
  std::stable_sort(o.begin(), o.end(), [&](std::size_t a, std::size_t b) { return time[a] < time[b]; });
  std::vector<double> g(n);
  double s = 1;
  for (std::size_t b = 0; b < n;) {
    std::size_t e = b;
    double d = 0;
    while (e < n && time[o[e]] == time[o[b]]) d += event[o[e++]] != 0;
    for (std::size_t i = b; i < e; ++i) g[o[i]] = 1 - s;
    s *= 1 - d / static_cast<double>(n - b);
    b = e;
  }
  return g;
}

}  // namespace

CoxZph cox_zph(const RiskSets& rs, const Eigen::MatrixXd& x_in, const Eigen::VectorXd& beta, Ties ties) {
  const Eigen::Index p = x_in.cols();
  core::ensure(static_cast<std::size_t>(x_in.rows()) == rs.size() && beta.size() == p, "cox_zph: shapes differ");
  CoxZph out;
  if (rs.events() == 0 || !beta.allFinite()) return out;
  const Eigen::MatrixXd x = center_covariates(x_in);  // the contributions are shift-invariant
  const std::vector<double> gt = km_transform(rs.time(), rs.event());
  double gmean = 0;
  for (std::size_t i = 0; i < rs.size(); ++i)
    if (rs.event()[i] != 0) gmean += gt[i];
  gmean /= rs.events();
  Eigen::VectorXd ug = Eigen::VectorXd::Zero(p);
  Eigen::MatrixXd ia = Eigen::MatrixXd::Zero(p, p), ib = ia, ic = ia;
  Eigen::VectorXd s1(p), ds1(p), xsum(p), a(p), ut(p);
  Eigen::MatrixXd s2(p, p), ds2(p, p), it(p, p);
  double s0 = 0;
  const auto& order = rs.order();
  for (const auto& blk : rs.blocks()) {
    if (blk.stratum_start) {
      s0 = 0;
      s1.setZero();
      s2.setZero();
    }
    double ds0 = 0;
    ds1.setZero();
    ds2.setZero();
    xsum.setZero();
    for (std::size_t k = blk.begin; k < blk.end; ++k) {
      const std::size_t i = order[k];
      const auto xi = x.row(static_cast<Eigen::Index>(i)).transpose();
      const double r = std::exp(xi.dot(beta));
      s0 += r;
      s1.noalias() += r * xi;
      s2.noalias() += r * xi * xi.transpose();
      if (rs.event()[i] != 0) {
        ds0 += r;
        ds1.noalias() += r * xi;
        ds2.noalias() += r * xi * xi.transpose();
        xsum += xi;
      }
    }
    const int nd = blk.deaths;
    if (nd == 0) continue;
    ut = xsum;
    it.setZero();
    if (ties == Ties::kBreslow || nd == 1) {
      a = s1 / s0;
      ut -= nd * a;
      it.noalias() += nd * (s2 / s0 - a * a.transpose());
    } else {
      for (int k = 0; k < nd; ++k) {
        const double f = static_cast<double>(k) / nd;
        const double den = s0 - f * ds0;
        a = (s1 - f * ds1) / den;
        ut -= a;
        it.noalias() += (s2 - f * ds2) / den - a * a.transpose();
      }
    }
    const double g = gt[order[blk.begin]] - gmean;
    ug += g * ut;
    ia += it;
    ib += g * it;
    ic += g * g * it;
  }
  Eigen::MatrixXd full(2 * p, 2 * p);
  full << ia, ib, ib, ic;
  Eigen::VectorXd u = Eigen::VectorXd::Zero(2 * p);
  u.tail(p) = ug;
  const Eigen::FullPivLU<Eigen::MatrixXd> lu(full);
  if (lu.rank() == 2 * p) {
    out.global_chisq = u.dot(lu.solve(u));
    out.global_df = static_cast<int>(p);
    out.global_p = pchisq_upper(out.global_chisq, static_cast<double>(p));
  }
  // Column 0: the (beta, theta_0) block.
  Eigen::MatrixXd sub(p + 1, p + 1);
  sub.topLeftCorner(p, p) = ia;
  sub.topRightCorner(p, 1) = ib.col(0);
  sub.bottomLeftCorner(1, p) = ib.row(0);
  sub(p, p) = ic(0, 0);
  Eigen::VectorXd u0 = Eigen::VectorXd::Zero(p + 1);
  u0[p] = ug[0];
  const Eigen::FullPivLU<Eigen::MatrixXd> lu0(sub);
  if (lu0.rank() == p + 1) {
    out.chisq = u0.dot(lu0.solve(u0));
    out.p_value = pchisq_upper(out.chisq, 1);
  }
  return out;
}

}  // namespace lscmir::stats
