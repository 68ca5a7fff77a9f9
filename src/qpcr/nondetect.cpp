// SPDX-License-Identifier: GPL-3.0-or-later
// EM for the non-detect model of McCall et al. 2014 (see nondetect.hpp for the steps).
#include "lscmir/qpcr/nondetect.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "lscmir/stats/design.hpp"

namespace lscmir::qpcr {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct AssayModel {
  std::vector<std::size_t> samples;  ///< samples with a detected or Undetermined cell
  Eigen::MatrixXd x;                 ///< their design rows, independent columns only
  Eigen::MatrixXd pen;               ///< rows of the prior on the centred population effects (same columns)
  int rank = 0;
};

AssayModel assay_model(const CtMatrix& m, std::size_t a, const Eigen::MatrixXd& design, const Eigen::MatrixXd& pen_full) {
  AssayModel am;
  for (std::size_t s = 0; s < m.n_samples(); ++s) {
    const CallState st = m.state[m.at(a, s)];
    if (st == CallState::kDetected || st == CallState::kUndetected) am.samples.push_back(s);
  }
  const auto n = static_cast<Eigen::Index>(am.samples.size());
  Eigen::MatrixXd full(n, design.cols());
  for (Eigen::Index i = 0; i < n; ++i) full.row(i) = design.row(static_cast<Eigen::Index>(am.samples[static_cast<std::size_t>(i)]));
  std::vector<int> dep = n > 0 ? stats::dependent_columns(full) : std::vector<int>();
  std::vector<Eigen::Index> keep;
  for (Eigen::Index c = 0; c < full.cols(); ++c)
    if (std::find(dep.begin(), dep.end(), static_cast<int>(c)) == dep.end()) keep.push_back(c);
  am.x.resize(n, static_cast<Eigen::Index>(keep.size()));
  for (std::size_t k = 0; k < keep.size(); ++k) am.x.col(static_cast<Eigen::Index>(k)) = full.col(keep[k]);
  am.pen.resize(pen_full.rows(), static_cast<Eigen::Index>(keep.size()));
  for (std::size_t k = 0; k < keep.size(); ++k) am.pen.col(static_cast<Eigen::Index>(k)) = pen_full.col(keep[k]);
  am.rank = static_cast<int>(keep.size());
  return am;
}

double p_undetermined(double intercept, double slope, double ct) { return 1.0 / (1.0 + std::exp(-(intercept + slope * ct))); }

}  // namespace

NondetectFit fit_nondetects(const CtMatrix& m, const Eigen::MatrixXd& design, const std::vector<Eigen::Index>& population_columns,
                            const std::vector<double>& offset, double ct_start, const NondetectOptions& o) {
  const std::size_t na = m.n_assays();
  NondetectFit fit;
  fit.imputed.assign(m.state.size(), kNaN);
  fit.sigma.assign(na, kNaN);
  std::vector<double> ct(m.state.size(), kNaN);  // completed Ct
  for (std::size_t i = 0; i < m.state.size(); ++i) {
    if (m.state[i] == CallState::kDetected) ct[i] = m.ct[i];
    else if (m.state[i] == CallState::kUndetected) ct[i] = ct_start;
  }
  if (std::none_of(m.state.begin(), m.state.end(), [](CallState st) { return st == CallState::kUndetected; })) {
    fit.intercept = fit.slope = kNaN;  // no non-detect: no curve to fit, nothing to impute
    fit.converged = true;
    return fit;
  }
  std::vector<AssayModel> models;
  models.reserve(na);
  // Prior rows: C = (I - 11'/k) L, L mapping the k - 1 treatment-coded effects to the k levels.
  const auto k_levels = static_cast<Eigen::Index>(population_columns.size()) + 1;
  Eigen::MatrixXd pen_full = Eigen::MatrixXd::Zero(population_columns.empty() ? 0 : k_levels, design.cols());
  if (!population_columns.empty())
    for (Eigen::Index r = 0; r < k_levels; ++r)
      for (std::size_t c = 0; c < population_columns.size(); ++c)
        pen_full(r, population_columns[c]) = (r == static_cast<Eigen::Index>(c) + 1 ? 1.0 : 0.0) - 1.0 / static_cast<double>(k_levels);
  for (std::size_t a = 0; a < na; ++a) models.push_back(assay_model(m, a, design, pen_full));
  double lambda = 0.0;  // sigma^2 / prior_sd^2 from the previous iteration (0 in the first)
  // Simpson weights on t in [-10, 10].
  const int k = o.grid_intervals;
  std::vector<double> t(static_cast<std::size_t>(k) + 1), w(t.size()), phi(t.size());
  const double h = 20.0 / k;
  for (int j = 0; j <= k; ++j) {
    t[static_cast<std::size_t>(j)] = -10.0 + h * j;
    w[static_cast<std::size_t>(j)] = (j == 0 || j == k) ? 1.0 : (j % 2 == 1 ? 4.0 : 2.0);
    phi[static_cast<std::size_t>(j)] = std::exp(-0.5 * t[static_cast<std::size_t>(j)] * t[static_cast<std::size_t>(j)]);
  }
  std::vector<double> mu(m.state.size(), kNaN), cond_var(m.state.size(), 0.0);
  // M-step of the curve: weighted logistic regression (Newton) over the detected cells (weight 1,
  // y = 0) and, per Undetermined cell, the grid nodes with their posterior weights (y = 1).
  std::vector<double> gz, gw, gy;
  auto deviance = [&](double b0, double b1) {
    double dev = 0;
    for (std::size_t r = 0; r < gz.size(); ++r) {
      const double p = p_undetermined(b0, b1, gz[r]);
      dev -= 2 * gw[r] * (gy[r] > 0 ? std::log(p) : std::log1p(-p));
    }
    return dev;
  };
  auto fit_curve = [&](double b0, double b1) {
    double dev = deviance(b0, b1);
    for (int it = 0; it < 100; ++it) {
      double g0 = 0, g1 = 0, h00 = 0, h01 = 0, h11 = 0;
      for (std::size_t r = 0; r < gz.size(); ++r) {
        const double p = p_undetermined(b0, b1, gz[r]);
        const double e = gy[r] - p, v = p * (1 - p) * gw[r];
        g0 += gw[r] * e;
        g1 += gw[r] * e * gz[r];
        h00 += v;
        h01 += v * gz[r];
        h11 += v * gz[r] * gz[r];
      }
      const double det = h00 * h11 - h01 * h01;
      if (!(det > 0)) break;  // (near) separation: keep the last finite curve
      double s0 = (h11 * g0 - h01 * g1) / det, s1 = (h00 * g1 - h01 * g0) / det;
      double dev_new = deviance(b0 + s0, b1 + s1);
      for (int half = 0; half < 30 && !(dev_new <= dev); ++half) {  // step halving
        s0 /= 2;
        s1 /= 2;
        dev_new = deviance(b0 + s0, b1 + s1);
      }
      if (!(dev_new <= dev)) break;
      b0 += s0;
      b1 += s1;
      const bool done = std::fabs(dev_new - dev) / (std::fabs(dev_new) + 0.1) < 1e-14;
      dev = dev_new;
      if (done) break;
    }
    return std::pair<double, double>(b0, b1);
  };
  double max_detected = -std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < m.state.size(); ++i)
    if (m.state[i] == CallState::kDetected) max_detected = std::max(max_detected, m.ct[i]);
  fit.slope = 1.0;  // start: logit P = Ct - (largest detected Ct)
  fit.intercept = -max_detected;
  for (int iter = 1; iter <= o.max_iter; ++iter) {
    // M-step of the Ct model on the completed data (conditional variances from the last E-step).
    double ss_all = 0.0, df_all = 0.0;
    for (std::size_t a = 0; a < na; ++a) {
      const AssayModel& am = models[a];
      const auto n = static_cast<Eigen::Index>(am.samples.size());
      if (n == 0) continue;
      Eigen::VectorXd y(n);
      for (Eigen::Index i = 0; i < n; ++i) {
        const std::size_t s = am.samples[static_cast<std::size_t>(i)];
        y[i] = ct[m.at(a, s)] - offset[s];
      }
      Eigen::VectorXd fitted = Eigen::VectorXd::Zero(n);
      if (am.rank > 0) {
        const Eigen::Index q = lambda > 0 ? am.pen.rows() : 0;
        Eigen::MatrixXd xa(n + q, am.x.cols());
        Eigen::VectorXd ya = Eigen::VectorXd::Zero(n + q);
        xa.topRows(n) = am.x;
        ya.head(n) = y;
        if (q > 0) xa.bottomRows(q) = std::sqrt(lambda) * am.pen;
        fitted = am.x * Eigen::HouseholderQR<Eigen::MatrixXd>(xa).solve(ya);
      }
      double ss = 0.0;
      for (Eigen::Index i = 0; i < n; ++i) {
        const std::size_t c = m.at(a, am.samples[static_cast<std::size_t>(i)]);
        mu[c] = fitted[i] + offset[am.samples[static_cast<std::size_t>(i)]];
        ss += (y[i] - fitted[i]) * (y[i] - fitted[i]) + cond_var[c];
      }
      ss_all += ss;
      df_all += static_cast<double>(n - am.rank);
    }
    const double pooled = std::sqrt(ss_all / std::max(1.0, df_all));
    std::fill(fit.sigma.begin(), fit.sigma.end(), pooled);
    lambda = o.effect_prior_sd > 0 ? pooled * pooled / (o.effect_prior_sd * o.effect_prior_sd) : 0.0;
    gz.clear();
    gw.clear();
    gy.clear();
    for (std::size_t i = 0; i < m.state.size(); ++i)
      if (m.state[i] == CallState::kDetected) {
        gz.push_back(m.ct[i]);
        gw.push_back(1.0);
        gy.push_back(0.0);
      }
    // E-step.
    double change = 0.0;
    for (std::size_t i = 0; i < m.state.size(); ++i) {
      if (m.state[i] != CallState::kUndetected) continue;
      const double sg = fit.sigma[i % na];
      double z0 = 0.0, z1 = 0.0, z2 = 0.0;
      const std::size_t first = gz.size();
      for (std::size_t j = 0; j < t.size(); ++j) {
        const double z = mu[i] + sg * t[j];
        const double f = w[j] * phi[j] * p_undetermined(fit.intercept, fit.slope, z);
        z0 += f;
        z1 += f * z;
        z2 += f * z * z;
        gz.push_back(z);
        gw.push_back(f);
        gy.push_back(1.0);
      }
      for (std::size_t r = first; r < gz.size(); ++r) gw[r] /= z0;
      const double e1 = z1 / z0, e2 = z2 / z0;
      cond_var[i] = std::max(0.0, e2 - e1 * e1);
      change = std::max(change, std::fabs(e1 - ct[i]));
      ct[i] = e1;
    }
    // M-step of the detection curve.
    const auto [b0, b1] = fit_curve(fit.intercept, fit.slope);
    change = std::max({change, std::fabs(b0 - fit.intercept), std::fabs(b1 - fit.slope)});
    fit.intercept = b0;
    fit.slope = b1;
    fit.iterations = iter;
    fit.last_change = change;
    if (change < o.tol) {
      fit.converged = true;
      break;
    }
  }
  for (std::size_t i = 0; i < m.state.size(); ++i)
    if (m.state[i] == CallState::kUndetected) fit.imputed[i] = ct[i];
  return fit;
}

}  // namespace lscmir::qpcr
