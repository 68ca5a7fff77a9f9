// SPDX-License-Identifier: GPL-3.0-or-later
// EM for the non-detect model of McCall et al. 2014 (see nondetect.hpp for the steps).
#include "lscmir/qpcr/nondetect.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <random>

#include "lscmir/stats/design.hpp"

namespace lscmir::qpcr {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct AssayModel {
  std::vector<std::size_t> samples;  ///< samples with a detected or Undetermined cell
  Eigen::MatrixXd x;                 ///< their design rows, independent columns only
  Eigen::MatrixXd pen;               ///< rows of the penalties on the centred factor effects (same columns)
  std::vector<int> term_cols;        ///< per factor term, how many of its columns are kept
  int rank = 0;
};

AssayModel assay_model(const CtMatrix& m, std::size_t a, const Eigen::MatrixXd& design, const Eigen::MatrixXd& pen_full,
                       const std::vector<FactorTerm>& terms) {
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
  for (const auto& t : terms)
    am.term_cols.push_back(static_cast<int>(std::count_if(keep.begin(), keep.end(), [&](Eigen::Index c) {
      return std::find(t.columns.begin(), t.columns.end(), c) != t.columns.end();
    })));
  return am;
}

double p_undetermined(double intercept, double slope, double ct) { return 1.0 / (1.0 + std::exp(-(intercept + slope * ct))); }

}  // namespace

NondetectFit fit_nondetects(const CtMatrix& m, const Eigen::MatrixXd& design, const std::vector<FactorTerm>& factor_terms,
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
  // Prior rows, per factor term with k levels: C = (I - 11'/k) L, L mapping the k - 1
  // treatment-coded effects to the k levels.
  const std::size_t nt = factor_terms.size();
  std::vector<Eigen::Index> term_row0(nt), term_rows(nt);  // each term's block of rows
  Eigen::Index n_pen = 0;
  for (std::size_t t = 0; t < nt; ++t) {
    term_row0[t] = n_pen;
    term_rows[t] = factor_terms[t].columns.empty() ? 0 : static_cast<Eigen::Index>(factor_terms[t].columns.size()) + 1;
    n_pen += term_rows[t];
  }
  Eigen::MatrixXd pen_full = Eigen::MatrixXd::Zero(n_pen, design.cols());
  for (std::size_t t = 0; t < nt; ++t) {
    const auto& cols = factor_terms[t].columns;
    for (Eigen::Index r = 0; r < term_rows[t]; ++r)
      for (std::size_t c = 0; c < cols.size(); ++c)
        pen_full(term_row0[t] + r, cols[c]) = (r == static_cast<Eigen::Index>(c) + 1 ? 1.0 : 0.0) - 1.0 / static_cast<double>(term_rows[t]);
  }
  for (std::size_t a = 0; a < na; ++a) models.push_back(assay_model(m, a, design, pen_full, factor_terms));
  std::vector<double> edf(na, 0.0);  // per assay tr(X A^-1 X') at the last M-step
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
  std::size_t n_detected = 0;  // the first rows of gz, gw, gy: the detected cells
  // One pass over the rows: the deviance at (b0, b1) and the score and information there.
  struct CurveEval {
    double dev = 0, g0 = 0, g1 = 0, h00 = 0, h01 = 0, h11 = 0;
  };
  auto evaluate = [&](double b0, double b1) {
    CurveEval e;
    for (std::size_t r = 0; r < gz.size(); ++r) {
      const double p = p_undetermined(b0, b1, gz[r]);
      const double res = gy[r] - p, v = p * (1 - p) * gw[r];
      e.dev -= 2 * gw[r] * (gy[r] > 0 ? std::log(p) : std::log1p(-p));
      e.g0 += gw[r] * res;
      e.g1 += gw[r] * res * gz[r];
      e.h00 += v;
      e.h01 += v * gz[r];
      e.h11 += v * gz[r] * gz[r];
    }
    return e;
  };
  auto fit_curve = [&](double b0, double b1) {
    CurveEval cur = evaluate(b0, b1);
    for (int it = 0; it < 100; ++it) {
      const double det = cur.h00 * cur.h11 - cur.h01 * cur.h01;
      if (!(det > 0)) break;  // (near) separation: keep the last finite curve
      double s0 = (cur.h11 * cur.g0 - cur.h01 * cur.g1) / det, s1 = (cur.h00 * cur.g1 - cur.h01 * cur.g0) / det;
      CurveEval next = evaluate(b0 + s0, b1 + s1);
      for (int half = 0; half < 30 && !(next.dev <= cur.dev); ++half) {  // step halving
        s0 /= 2;
        s1 /= 2;
        next = evaluate(b0 + s0, b1 + s1);
      }
      if (!(next.dev <= cur.dev)) break;
      b0 += s0;
      b1 += s1;
      const bool done = std::fabs(next.dev - cur.dev) / (std::fabs(next.dev) + 0.1) < 1e-14;
      cur = next;
      if (done) break;
    }
    return std::pair<double, double>(b0, b1);
  };
  double max_detected = -std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < m.state.size(); ++i)
    if (m.state[i] == CallState::kDetected) max_detected = std::max(max_detected, m.ct[i]);
  std::vector<std::size_t> und;  // the Undetermined cells, in CtMatrix order
  for (std::size_t i = 0; i < m.state.size(); ++i)
    if (m.state[i] == CallState::kUndetected) und.push_back(i);
  const std::size_t nu = und.size();
  // The EM state: per Undetermined cell its completed Ct and conditional variance, then the curve
  // (intercept, slope) and per factor term its variance ratio g_t = prior_sd^2 / sigma^2 or
  // tau_t^2 / sigma^2, whose penalty is lambda_t = 1 / g_t. The ratio, not the penalty, is the
  // state: it stays bounded as tau -> 0, so SQUAREM's step length is not ruled by a penalty
  // running off to infinity. g >= kFlat (the start) fits the term unpenalized; g = 0 holds the
  // random effects at their mean (penalty kMaxLambda).
  const std::size_t dim = 2 * nu + 2 + nt;
  constexpr double kMaxLambda = 1e10, kFlat = 1e10;
  auto lambda_of = [](double g) { return g >= kFlat ? 0.0 : (g > 1.0 / kMaxLambda ? 1.0 / g : kMaxLambda); };
  auto em_step = [&](const std::vector<double>& in, std::vector<double>& out) {
    for (std::size_t u = 0; u < nu; ++u) {
      ct[und[u]] = in[u];
      cond_var[und[u]] = in[nu + u];
    }
    std::vector<double> lambda(nt);
    for (std::size_t t = 0; t < nt; ++t) lambda[t] = lambda_of(in[2 * nu + 2 + t]);
    const bool penalized = std::any_of(lambda.begin(), lambda.end(), [](double l) { return l > 0; });
    // M-step of the Ct model on the completed data (conditional variances from the last E-step).
    double ss_all = 0.0, df_all = 0.0;
    std::vector<double> bb(nt, 0.0), tr(nt, 0.0), q_all(nt, 0.0);  // per term: sum |P beta|^2, tr(P A^-1 P'), columns
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
      edf[a] = am.rank;
      if (am.rank > 0) {
        const Eigen::Index q = penalized ? am.pen.rows() : 0, p = am.x.cols();
        Eigen::MatrixXd xa(n + q, p);
        Eigen::VectorXd ya = Eigen::VectorXd::Zero(n + q);
        xa.topRows(n) = am.x;
        ya.head(n) = y;
        for (std::size_t t = 0; t < nt && q > 0; ++t)
          xa.middleRows(n + term_row0[t], term_rows[t]).noalias() = std::sqrt(lambda[t]) * am.pen.middleRows(term_row0[t], term_rows[t]);
        const Eigen::HouseholderQR<Eigen::MatrixXd> qr(xa);
        const Eigen::VectorXd beta = qr.solve(ya);
        fitted = am.x * beta;
        if (q > 0) {
          // A = R'R: tr(X A^-1 X') = |R^-T X'|^2, tr(P A^-1 P') = |R^-T P'|^2
          const auto rt = qr.matrixQR().topLeftCorner(p, p).triangularView<Eigen::Upper>().transpose();
          edf[a] = rt.solve(am.x.transpose()).squaredNorm();
          for (std::size_t t = 0; t < nt; ++t) {
            if (!factor_terms[t].random || am.term_cols[t] == 0) continue;
            const auto pt = am.pen.middleRows(term_row0[t], term_rows[t]);
            bb[t] += (pt * beta).squaredNorm();
            tr[t] += rt.solve(pt.transpose()).squaredNorm();
            q_all[t] += am.term_cols[t];
          }
        } else {
          for (std::size_t t = 0; t < nt; ++t) {
            if (!factor_terms[t].random || am.term_cols[t] == 0) continue;
            bb[t] += (am.pen.middleRows(term_row0[t], term_rows[t]) * beta).squaredNorm();
            q_all[t] += am.term_cols[t];  // unpenalized: the conditional variances are not needed
          }
        }
      }
      double ss = 0.0;
      for (Eigen::Index i = 0; i < n; ++i) {
        const std::size_t c = m.at(a, am.samples[static_cast<std::size_t>(i)]);
        mu[c] = fitted[i] + offset[am.samples[static_cast<std::size_t>(i)]];
        ss += (y[i] - fitted[i]) * (y[i] - fitted[i]) + cond_var[c];
      }
      ss_all += ss;
      df_all += static_cast<double>(n) - edf[a];
    }
    const double pooled = std::sqrt(ss_all / std::max(1.0, df_all));
    for (std::size_t t = 0; t < nt; ++t) {
      const double s2 = std::max(pooled * pooled, 1e-300);
      double g = o.effect_prior_sd > 0 ? std::min(kFlat, o.effect_prior_sd * o.effect_prior_sd / s2) : kFlat;
      if (factor_terms[t].random) {
        // tau^2 = (sum of squared BLUPs + their conditional variances) / columns; the first
        // M-step (unpenalized) has no conditional variances: tau^2 from the fits alone
        g = q_all[t] > 0 ? std::min(kFlat, (bb[t] + pooled * pooled * tr[t]) / q_all[t] / s2) : kFlat;
      }
      out[2 * nu + 2 + t] = g;
    }
    gz.resize(n_detected);
    gw.resize(n_detected);
    gy.resize(n_detected);
    // E-step.
    const double b0 = in[2 * nu], b1 = in[2 * nu + 1];
    for (std::size_t u = 0; u < nu; ++u) {
      const std::size_t i = und[u];
      double z0 = 0.0, z1 = 0.0, z2 = 0.0;
      const std::size_t first = gz.size();
      for (std::size_t j = 0; j < t.size(); ++j) {
        const double z = mu[i] + pooled * t[j];
        const double f = w[j] * phi[j] * p_undetermined(b0, b1, z);
        z0 += f;
        z1 += f * z;
        z2 += f * z * z;
        gz.push_back(z);
        gw.push_back(f);
        gy.push_back(1.0);
      }
      for (std::size_t r = first; r < gz.size(); ++r) gw[r] /= z0;
      const double e1 = z1 / z0, e2 = z2 / z0;
      out[u] = e1;
      out[nu + u] = std::max(0.0, e2 - e1 * e1);
    }
    // M-step of the detection curve.
    const auto [nb0, nb1] = fit_curve(b0, b1);
    out[2 * nu] = nb0;
    out[2 * nu + 1] = nb1;
    std::fill(fit.sigma.begin(), fit.sigma.end(), pooled);
  };
  // The largest move of a completed Ct or a curve coefficient between two states.
  auto change_between = [&](const std::vector<double>& a, const std::vector<double>& b) {
    double c = std::max(std::fabs(a[2 * nu] - b[2 * nu]), std::fabs(a[2 * nu + 1] - b[2 * nu + 1]));
    for (std::size_t u = 0; u < nu; ++u) c = std::max(c, std::fabs(a[u] - b[u]));
    return c;
  };
  auto norm2 = [](const std::vector<double>& a, const std::vector<double>& b) {
    double s = 0;
    for (std::size_t e = 0; e < a.size(); ++e) s += (a[e] - b[e]) * (a[e] - b[e]);
    return std::sqrt(s);
  };
  auto finite = [](const std::vector<double>& a) { return std::all_of(a.begin(), a.end(), [](double x) { return std::isfinite(x); }); };
  for (std::size_t i = 0; i < m.state.size(); ++i)
    if (m.state[i] == CallState::kDetected) {
      gz.push_back(m.ct[i]);
      gw.push_back(1.0);
      gy.push_back(0.0);
    }
  n_detected = gz.size();
  std::vector<double> theta(dim, 0.0), t1(dim), t2(dim), tx(dim), t3(dim);
  for (std::size_t u = 0; u < nu; ++u) theta[u] = ct_start;
  for (std::size_t t = 0; t < nt; ++t) theta[2 * nu + 2 + t] = kFlat;  // the first M-step unpenalized
  theta[2 * nu] = -max_detected;  // start: logit P = Ct - (largest detected Ct)
  theta[2 * nu + 1] = 1.0;
  // SQUAREM (Varadhan & Roland 2008, scheme S3): two EM steps, a squared extrapolation along them
  // and a stabilising EM step from the extrapolated state. The extrapolation is kept only when it
  // leaves a finite state whose EM step moves no more than the plain second step did; otherwise the
  // plain two-step state goes on. Converged when one EM step moves no completed Ct and no curve
  // coefficient by more than tol: the fixed point is plain EM's, only reached in fewer steps.
  int evaluations = 0;
  for (int iter = 1; iter <= o.max_iter; ++iter) {
    em_step(theta, t1);
    ++evaluations;
    double change = change_between(t1, theta);
    if (change < o.tol) {
      theta = t1;
      fit.converged = true;
      fit.iterations = iter;
      fit.last_change = change;
      break;
    }
    em_step(t1, t2);
    ++evaluations;
    const double r = norm2(t1, theta);
    double v = 0;
    for (std::size_t e = 0; e < dim; ++e) v += (t2[e] - 2 * t1[e] + theta[e]) * (t2[e] - 2 * t1[e] + theta[e]);
    v = std::sqrt(v);
    const double alpha = v > 0 ? std::min(-1.0, -r / v) : -1.0;
    bool accepted = false;
    if (alpha < -1.0) {
      for (std::size_t e = 0; e < dim; ++e) tx[e] = theta[e] - 2 * alpha * (t1[e] - theta[e]) + alpha * alpha * (t2[e] - 2 * t1[e] + theta[e]);
      for (std::size_t u = 0; u < nu; ++u) tx[nu + u] = std::max(0.0, tx[nu + u]);
      for (std::size_t t = 0; t < nt; ++t) tx[2 * nu + 2 + t] = std::clamp(tx[2 * nu + 2 + t], 0.0, kFlat);
      if (finite(tx)) {
        em_step(tx, t3);
        ++evaluations;
        if (finite(t3) && change_between(t3, tx) <= change_between(t2, t1)) {
          theta = t3;
          accepted = true;
        }
      }
    }
    if (!accepted) theta = t2;
    fit.iterations = iter;
    fit.last_change = change;
  }
  fit.em_steps = evaluations;
  em_step(theta, t1);  // the Ct model's mean and sigma at the final state (theta is kept)
  fit.mu = mu;
  // The draw factors of em-multiple (draw_nondetects): cond_var and lambda are theta's, gz / gw
  // the E-step weights at theta's curve.
  const double sigma = fit.sigma.empty() ? kNaN : fit.sigma[0];
  std::vector<double> lambda(nt);
  for (std::size_t t = 0; t < nt; ++t) lambda[t] = lambda_of(theta[2 * nu + 2 + t]);
  for (std::size_t t = 0; t < nt; ++t)
    fit.term_sd.push_back(factor_terms[t].random ? (lambda[t] > 0 ? sigma * std::sqrt(theta[2 * nu + 2 + t]) : kNaN) : o.effect_prior_sd);
  for (std::size_t a = 0; a < na && sigma > 0; ++a) {
    const AssayModel& am = models[a];
    const auto n = static_cast<Eigen::Index>(am.samples.size());
    fit.sigma_df += static_cast<double>(n) - edf[a];  // as the M-step pools sigma
    if (am.rank == 0) continue;
    NondetectFit::AssayDraw ad;
    Eigen::VectorXd wt(n);
    for (Eigen::Index i = 0; i < n; ++i) {
      const std::size_t c = m.at(a, am.samples[static_cast<std::size_t>(i)]);
      ad.cells.push_back(c);
      wt[i] = std::clamp(1.0 - cond_var[c] / (sigma * sigma), 0.0, 1.0);
    }
    Eigen::MatrixXd info = am.x.transpose() * wt.asDiagonal() * am.x;
    for (std::size_t t = 0; t < nt; ++t)
      if (lambda[t] > 0) {
        const auto pt = am.pen.middleRows(term_row0[t], term_rows[t]);
        info += lambda[t] * pt.transpose() * pt;
      }
    Eigen::LLT<Eigen::MatrixXd> llt(info);
    if (llt.info() != Eigen::Success) continue;  // not identified without the prior: held at the fit
    // D = X L^-T, so that D D' = X A^-1 X'
    ad.d = llt.matrixL().solve(am.x.transpose()).transpose();
    fit.assay_draws.push_back(std::move(ad));
  }
  {
    const CurveEval e = evaluate(theta[2 * nu], theta[2 * nu + 1]);
    const double det = e.h00 * e.h11 - e.h01 * e.h01;
    if (det > 0 && std::isfinite(det)) fit.curve_cov << e.h11 / det, -e.h01 / det, -e.h01 / det, e.h00 / det;
  }
  for (std::size_t u = 0; u < nu; ++u) ct[und[u]] = theta[u];
  fit.intercept = theta[2 * nu];
  fit.slope = theta[2 * nu + 1];
  for (std::size_t i = 0; i < m.state.size(); ++i)
    if (m.state[i] == CallState::kUndetected) fit.imputed[i] = ct[i];
  return fit;
}

namespace {
/// Standard normal deviates from the generator by Box-Muller (the same numbers on every standard
/// library, unlike std::normal_distribution).
class Normals {
 public:
  explicit Normals(std::mt19937_64& rng) : rng_(rng) {}
  double next() {
    if (have_) {
      have_ = false;
      return spare_;
    }
    const double u1 = (static_cast<double>(rng_() >> 11) + 0.5) * 0x1.0p-53, u2 = static_cast<double>(rng_() >> 11) * 0x1.0p-53;
    const double r = std::sqrt(-2.0 * std::log(u1)), a = 2.0 * std::numbers::pi * u2;
    spare_ = r * std::sin(a);
    have_ = true;
    return r * std::cos(a);
  }

 private:
  std::mt19937_64& rng_;
  double spare_ = 0;
  bool have_ = false;
};
}  // namespace

std::vector<std::vector<double>> draw_nondetects(const CtMatrix& m, const NondetectFit& fit, int n, std::uint64_t seed,
                                                 bool parameter_draws) {
  std::vector<std::vector<double>> out(static_cast<std::size_t>(std::max(0, n)), std::vector<double>(m.state.size(), kNaN));
  std::vector<std::size_t> und;
  for (std::size_t i = 0; i < m.state.size(); ++i)
    if (m.state[i] == CallState::kUndetected) und.push_back(i);
  if (und.empty() || n <= 0) return out;
  constexpr int kIntervals = 4000;
  const double h = 20.0 / kIntervals;
  std::mt19937_64 rng(seed);
  Normals normal(rng);
  std::vector<double> mu = fit.mu, sigma = fit.sigma, scratch(kIntervals + 1);
  std::vector<std::vector<double>> tables(parameter_draws ? 0 : und.size(), std::vector<double>(kIntervals + 1));
  // the distribution function of N(mu, sd^2) P(Undetermined | Ct), tabulated on mu +/- 10 sd
  auto tabulate = [&](std::vector<double>& cdf, double mi, double sd, double c0, double c1) {
    double prev = 0.0, acc = 0.0;
    for (int j = 0; j <= kIntervals; ++j) {
      const double t = -10.0 + h * j;
      const double f = std::exp(-0.5 * t * t) * p_undetermined(c0, c1, mi + sd * t);
      if (j > 0) acc += 0.5 * h * (prev + f);
      cdf[static_cast<std::size_t>(j)] = acc;
      prev = f;
    }
  };
  double b0 = fit.intercept, b1 = fit.slope;
  const Eigen::LLT<Eigen::Matrix2d> curve(fit.curve_cov);
  const bool draw_curve = fit.curve_cov(0, 0) > 0 && curve.info() == Eigen::Success;
  for (int k = 0; k < n; ++k) {
    if (parameter_draws) {
      // sigma^2 = sigma_hat^2 df / chi^2_df, chi^2_df as a sum of squared normals (df is whole)
      const auto df = static_cast<long>(std::llround(fit.sigma_df));
      double scale = 1.0;
      if (df > 0) {
        double chi2 = 0;
        for (long j = 0; j < df; ++j) {
          const double z = normal.next();
          chi2 += z * z;
        }
        scale = std::sqrt(static_cast<double>(df) / chi2);
      }
      for (std::size_t a = 0; a < sigma.size(); ++a) sigma[a] = fit.sigma[a] * scale;
      if (draw_curve) {
        const Eigen::Vector2d z(normal.next(), normal.next());
        const Eigen::Vector2d b = curve.matrixL() * z;
        b0 = fit.intercept + b[0];
        b1 = fit.slope + b[1];
      }
      for (const auto& ad : fit.assay_draws) {
        Eigen::VectorXd z(ad.d.cols());
        for (Eigen::Index j = 0; j < z.size(); ++j) z[j] = normal.next();
        const Eigen::VectorXd shift = ad.d * z;
        for (std::size_t i = 0; i < ad.cells.size(); ++i) {
          const std::size_t c = ad.cells[i];
          mu[c] = fit.mu[c] + sigma[c % m.n_assays()] * shift[static_cast<Eigen::Index>(i)];
        }
      }
    }
    for (std::size_t u = 0; u < und.size(); ++u) {
      const std::size_t i = und[u];
      const double mi = mu[i], sd = sigma[i % m.n_assays()];
      // held parameters: each cell's table is made once (tables[u]), else for every draw
      std::vector<double>& cdf = parameter_draws ? scratch : tables[u];
      if (parameter_draws || k == 0) tabulate(cdf, mi, sd, b0, b1);
      const double target = (static_cast<double>(rng() >> 11) + 0.5) * 0x1.0p-53 * cdf.back();
      const auto it = std::lower_bound(cdf.begin() + 1, cdf.end(), target);
      const auto j = static_cast<std::size_t>(std::min<std::ptrdiff_t>(it - cdf.begin(), kIntervals));
      const double lo = cdf[j - 1], hi = cdf[j];
      const double frac = hi > lo ? (target - lo) / (hi - lo) : 0.5;
      const double t = -10.0 + h * (static_cast<double>(j - 1) + frac);
      out[static_cast<std::size_t>(k)][i] = mi + sd * t;
    }
  }
  return out;
}

}  // namespace lscmir::qpcr
