// SPDX-License-Identifier: GPL-3.0-or-later
// IRLS for the binomial GLM with logit link (McCullagh & Nelder 1989, section 2.5): working
// response z = eta + (y - mu) / (mu (1 - mu)), working weights mu (1 - mu).
#include "lscmir/stats/glm.hpp"

#include <cmath>
#include <limits>

namespace lscmir::stats {
namespace {

double deviance(const Eigen::VectorXd& y, const Eigen::VectorXd& mu) {
  double dev = 0;
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    const double m = mu[i];
    dev += y[i] > 0 ? -2 * std::log(m) : -2 * std::log1p(-m);
  }
  return dev;
}

double inv_logit(double eta) {
  // R's binomial()$linkinv clamps eta to keep mu strictly inside (0, 1).
  constexpr double kThresh = 30.0;
  constexpr double kEps = std::numeric_limits<double>::epsilon();
  const double e = eta < -kThresh ? kEps : (eta > kThresh ? 1 / kEps : std::exp(eta));
  return e / (1 + e);
}

}  // namespace

LogisticFit logistic_fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, int max_iter, double epsilon) {
  const Eigen::Index n = x.rows(), p = x.cols();
  LogisticFit fit;
  Eigen::VectorXd mu = (y.array() + 0.5) / 2.0;
  Eigen::VectorXd eta = (mu.array() / (1 - mu.array())).log();
  double dev_old = deviance(y, mu);
  Eigen::VectorXd coef = Eigen::VectorXd::Constant(p, std::nan(""));
  Eigen::MatrixXd xw(n, p);
  Eigen::VectorXd zw(n);
  bool converged = false;
  Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr;
  for (int it = 1; it <= max_iter; ++it) {
    for (Eigen::Index i = 0; i < n; ++i) {
      const double v = mu[i] * (1 - mu[i]);
      const double w = std::sqrt(v);
      zw[i] = w * (eta[i] + (y[i] - mu[i]) / v);
      xw.row(i) = w * x.row(i);
    }
    qr.compute(xw);
    qr.setThreshold(1e-7);
    coef = qr.solve(zw);
    eta = x * coef;
    for (Eigen::Index i = 0; i < n; ++i) mu[i] = inv_logit(eta[i]);
    const double dev = deviance(y, mu);
    fit.iter = it;
    if (std::fabs(dev - dev_old) / (std::fabs(dev) + 0.1) < epsilon) {
      converged = true;
      fit.deviance = dev;
      break;
    }
    dev_old = dev;
    fit.deviance = dev;
  }
  fit.coef = coef;
  // Standard errors from the weighted least-squares problem of the last iteration, whose weights
  // come from mu before the final update (as summary.glm uses the last IRLS QR).
  const Eigen::MatrixXd info = xw.transpose() * xw;
  Eigen::LDLT<Eigen::MatrixXd> ldlt(info);
  const Eigen::MatrixXd cov = ldlt.solve(Eigen::MatrixXd::Identity(p, p));
  fit.se = cov.diagonal().cwiseSqrt();
  if (static_cast<int>(qr.rank()) < p) {
    fit.status = FitStatus::kConstant;
    fit.coef.setConstant(std::nan(""));
    fit.se.setConstant(std::nan(""));
    return fit;
  }
  const double eps10 = 10 * std::numeric_limits<double>::epsilon();
  bool boundary = false;
  for (Eigen::Index i = 0; i < n; ++i) boundary = boundary || mu[i] > 1 - eps10 || mu[i] < eps10;
  if (boundary) fit.status = FitStatus::kSeparation;
  else if (!converged) fit.status = FitStatus::kNotConverged;
  return fit;
}

}  // namespace lscmir::stats
