// SPDX-License-Identifier: GPL-3.0-or-later
// Lasso / elastic-net Cox path by coordinate descent (Simon et al. 2011, J Stat Softw 39(5)):
// at the current coefficients the negative log partial likelihood is replaced by its quadratic
// approximation in the linear predictor with a diagonal Hessian, and that penalized weighted least
// squares problem is solved by cyclic coordinate descent with soft thresholding (Friedman et al.
// 2010, J Stat Softw 33(1)); repeated until the coefficients stop moving.
#include "lscmir/stats/coxnet.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "lscmir/core/error.hpp"
#include "lscmir/core/parallel.hpp"

namespace lscmir::stats {
namespace {

/// Subjects in increasing time, events before censorings at the same time (glmnet adds 100 eps
/// to censored times: a censoring tied with an event is still at risk), and the blocks of
/// identical (time, event).
struct Breslow {
  std::vector<Eigen::Index> order;
  struct Block {
    Eigen::Index begin, end;
    bool event;
  };
  std::vector<Block> blocks;
  double lsat = 0;  ///< -sum_k d_k log d_k

  Breslow(const std::vector<double>& time, const std::vector<int>& event) {
    order.resize(time.size());
    std::iota(order.begin(), order.end(), Eigen::Index{0});
    std::stable_sort(order.begin(), order.end(), [&](Eigen::Index a, Eigen::Index b) {
      const auto ua = static_cast<std::size_t>(a), ub = static_cast<std::size_t>(b);
      if (time[ua] != time[ub]) return time[ua] < time[ub];
      return event[ua] > event[ub];
    });
    const auto n = static_cast<Eigen::Index>(order.size());
    for (Eigen::Index i = 0; i < n;) {
      const auto s = static_cast<std::size_t>(order[static_cast<std::size_t>(i)]);
      Eigen::Index j = i + 1;
      while (j < n) {
        const auto t = static_cast<std::size_t>(order[static_cast<std::size_t>(j)]);
        if (time[t] != time[s] || (event[t] != 0) != (event[s] != 0)) break;
        ++j;
      }
      blocks.push_back({i, j, event[s] != 0});
      if (event[s] != 0) lsat -= static_cast<double>(j - i) * std::log(static_cast<double>(j - i));
      i = j;
    }
  }

  /// Log partial likelihood of eta (Breslow).
  double loglik(const Eigen::VectorXd& eta) const {
    // Shift by the maximum: the likelihood is invariant to a constant in eta.
    const double shift = eta.size() > 0 ? eta.maxCoeff() : 0.0;
    double s = 0, ll = 0;
    for (auto b = blocks.rbegin(); b != blocks.rend(); ++b) {
      for (Eigen::Index k = b->begin; k < b->end; ++k) s += std::exp(eta[order[static_cast<std::size_t>(k)]] - shift);
      if (!b->event) continue;
      const double d = static_cast<double>(b->end - b->begin);
      for (Eigen::Index k = b->begin; k < b->end; ++k) ll += eta[order[static_cast<std::size_t>(k)]] - shift;
      ll -= d * std::log(s);
    }
    return ll;
  }

  /// Gradient g and Hessian diagonal h of loglik / n with respect to eta (g = (d - e A) / n,
  /// h = (e A - e^2 B) / n, A and B the sums of d_k / S_k and d_k / S_k^2 over event times <= t_i).
  void derivatives(const Eigen::VectorXd& eta, const std::vector<int>& event, Eigen::VectorXd& g, Eigen::VectorXd& h,
                   std::vector<double>& s_of_block) const {
    const double shift = eta.size() > 0 ? eta.maxCoeff() : 0.0;
    const auto n = eta.size();
    Eigen::VectorXd e = (eta.array() - shift).exp();
    s_of_block.assign(blocks.size(), 0.0);
    double s = 0;
    for (std::size_t bi = blocks.size(); bi-- > 0;) {
      const Block& b = blocks[bi];
      for (Eigen::Index k = b.begin; k < b.end; ++k) s += e[order[static_cast<std::size_t>(k)]];
      s_of_block[bi] = s;
    }
    double a = 0, bsum = 0;
    const double inv_n = 1.0 / static_cast<double>(n);
    g.resize(n);
    h.resize(n);
    for (std::size_t bi = 0; bi < blocks.size(); ++bi) {
      const Block& b = blocks[bi];
      if (b.event) {
        const double d = static_cast<double>(b.end - b.begin);
        a += d / s_of_block[bi];
        bsum += d / (s_of_block[bi] * s_of_block[bi]);
      }
      for (Eigen::Index k = b.begin; k < b.end; ++k) {
        const Eigen::Index i = order[static_cast<std::size_t>(k)];
        const double ei = e[i];
        g[i] = ((event[static_cast<std::size_t>(i)] != 0 ? 1.0 : 0.0) - ei * a) * inv_n;
        h[i] = (ei * a - ei * ei * bsum) * inv_n;
      }
    }
  }
};

double soft(double z, double g) {
  if (z > g) return z - g;
  if (z < -g) return z + g;
  return 0.0;
}

/// -loglik / n + lambda penalty, on the standardized scale.
double objective(const Breslow& br, const Eigen::VectorXd& eta, const Eigen::VectorXd& b, double l1, double l2, Eigen::Index n) {
  return -br.loglik(eta) / static_cast<double>(n) + l1 * b.cwiseAbs().sum() + 0.5 * l2 * b.squaredNorm();
}

struct Standardized {
  Eigen::MatrixXd xs;  ///< n x p, columns mean 0, mean square 1 (constant columns left 0)
  Eigen::VectorXd scale;  ///< population sd per column (0 = constant)
};

Standardized standardize(const Eigen::MatrixXd& x) {
  Standardized s;
  const auto n = static_cast<double>(x.rows());
  s.xs.resize(x.rows(), x.cols());
  s.scale.resize(x.cols());
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    const double m = x.col(j).mean();
    const double sd = std::sqrt((x.col(j).array() - m).square().sum() / n);
    // Scale-free constant check: the spread relative to the values themselves.
    const double mag = std::max(x.col(j).cwiseAbs().maxCoeff(), 1e-300);
    if (!(sd > 1e-13 * mag)) {
      s.scale[j] = 0;
      s.xs.col(j).setZero();
    } else {
      s.scale[j] = sd;
      s.xs.col(j) = (x.col(j).array() - m) / sd;
    }
  }
  return s;
}

void check_inputs(const std::vector<double>& time, const std::vector<int>& event, const Eigen::MatrixXd& x,
                  const CoxnetOptions& o) {
  if (!(o.alpha >= 0 && o.alpha <= 1)) throw core::UsageError("alpha must lie in [0, 1] (got " + std::to_string(o.alpha) + ")");
  if (o.nlambda < 1 && o.lambda.empty()) throw core::UsageError("nlambda must be at least 1");
  core::ensure(time.size() == event.size() && static_cast<Eigen::Index>(time.size()) == x.rows(),
               "coxnet: time, event and x disagree in size");
  if (time.size() < 2) throw core::UsageError("the Cox lasso needs at least 2 subjects");
  if (std::none_of(event.begin(), event.end(), [](int e) { return e != 0; }))
    throw core::UsageError("the Cox lasso needs at least one event");
  for (std::size_t i = 1; i < o.lambda.size(); ++i)
    if (!(o.lambda[i] <= o.lambda[i - 1])) throw core::UsageError("a given lambda sequence must be decreasing");
}

}  // namespace

double coxnet_deviance(const std::vector<double>& time, const std::vector<int>& event, const Eigen::VectorXd& eta) {
  const Breslow b(time, event);
  return 2.0 * (b.lsat - b.loglik(eta));
}

CoxnetPath coxnet_path(const std::vector<double>& time, const std::vector<int>& event, const Eigen::MatrixXd& x,
                       const CoxnetOptions& o) {
  check_inputs(time, event, x, o);
  const Breslow br(time, event);
  const Standardized st = standardize(x);
  const Eigen::MatrixXd& xs = st.xs;
  const Eigen::Index n = x.rows(), p = x.cols();

  CoxnetPath path;
  const double ll0 = br.loglik(Eigen::VectorXd::Zero(n));
  path.null_deviance = 2.0 * (br.lsat - ll0);

  Eigen::VectorXd eta = Eigen::VectorXd::Zero(n), g, h;
  std::vector<double> sblock;
  br.derivatives(eta, event, g, h, sblock);

  std::vector<double> lambdas = o.lambda;
  const bool user_lambda = !lambdas.empty();
  if (!user_lambda) {
    const double lmax = (xs.transpose() * g).cwiseAbs().maxCoeff() / std::max(o.alpha, 1e-3);
    const double ratio = o.lambda_min_ratio > 0 ? o.lambda_min_ratio : (n < p ? 1e-2 : 1e-4);
    lambdas.resize(static_cast<std::size_t>(o.nlambda));
    const double step = o.nlambda > 1 ? std::log(ratio) / (o.nlambda - 1) : 0.0;
    for (int m = 0; m < o.nlambda; ++m) lambdas[static_cast<std::size_t>(m)] = lmax * std::exp(step * m);
  }

  Eigen::VectorXd b = Eigen::VectorXd::Zero(p);
  std::vector<Eigen::VectorXd> betas;
  Eigen::VectorXd r(n), xv(p);
  std::vector<char> active(static_cast<std::size_t>(p), 0);
  for (std::size_t m = 0; m < lambdas.size(); ++m) {
    const double lam = lambdas[m];
    const double l1 = lam * o.alpha, l2 = lam * (1.0 - o.alpha);
    int passes = 0;
    bool done = false;
    while (!done && passes < o.max_passes) {
      // Quadratic approximation at the current coefficients: weights h, working residual g / h.
      br.derivatives(eta, event, g, h, sblock);
      for (Eigen::Index i = 0; i < n; ++i) r[i] = h[i] > 0 ? g[i] / h[i] : 0.0;
      for (Eigen::Index j = 0; j < p; ++j) xv[j] = st.scale[j] > 0 ? (h.array() * xs.col(j).array().square()).sum() : 0.0;
      const Eigen::VectorXd b_outer = b;
      // Coordinate descent on the weighted least squares problem: a full sweep, then sweeps over
      // the non-zero set until it settles, then a full sweep again until nothing changes.
      // One sweep over the columns (all, or only those ever non-zero): the soft-thresholded update
      // of each coefficient; returns the largest weighted squared change.
      auto sweep = [&](bool all) {
        double dl = 0;
        for (Eigen::Index j = 0; j < p; ++j) {
          if (st.scale[j] == 0 || (!all && !active[static_cast<std::size_t>(j)])) continue;
          const double gj = (xs.col(j).array() * h.array() * r.array()).sum();
          const double nb = soft(gj + xv[j] * b[j], l1) / (xv[j] + l2);
          if (nb == b[j]) continue;
          const double d = nb - b[j];
          b[j] = nb;
          r -= d * xs.col(j);
          active[static_cast<std::size_t>(j)] = 1;
          dl = std::max(dl, xv[j] * d * d);
        }
        ++passes;
        return dl;
      };
      while (sweep(true) >= o.thresh && passes < o.max_passes)
        while (sweep(false) >= o.thresh && passes < o.max_passes) {
        }
      // The diagonal Hessian can understate the curvature: halve the step until the penalized
      // objective does not increase, so the iteration descends to the (unique) minimizer.
      Eigen::VectorXd eta_new = xs * b;
      const double f_old = objective(br, eta, b_outer, l1, l2, n);
      for (int half = 0; half < 60; ++half) {
        if (objective(br, eta_new, b, l1, l2, n) <= f_old + 1e-15 * std::abs(f_old)) break;
        b = 0.5 * (b + b_outer);
        eta_new = xs * b;
      }
      eta = eta_new;
      const Eigen::VectorXd db = b - b_outer;
      double outer = 0;
      for (Eigen::Index j = 0; j < p; ++j) outer = std::max(outer, xv[j] * db[j] * db[j]);
      done = outer < o.thresh;
    }
    if (!done) path.converged = false;
    const double dev = 2.0 * (br.lsat - br.loglik(eta));
    betas.push_back(b);
    path.lambda.push_back(lam);
    path.df.push_back(static_cast<int>((b.array() != 0).count()));
    path.dev_ratio.push_back(1.0 - dev / path.null_deviance);
    // glmnet's path stopping rules (not with a given lambda sequence).
    const std::size_t mnl = static_cast<std::size_t>(std::min(o.mnlam, static_cast<int>(lambdas.size())));
    if (user_lambda || m + 1 < mnl) continue;
    const double dr = path.dev_ratio.back();
    if ((dr - path.dev_ratio[m + 1 - mnl]) / dr < o.fdev) break;
    if (dr > o.devmax) break;
  }
  path.beta.resize(p, static_cast<Eigen::Index>(betas.size()));
  for (std::size_t m = 0; m < betas.size(); ++m)
    for (Eigen::Index j = 0; j < p; ++j)
      path.beta(j, static_cast<Eigen::Index>(m)) = st.scale[j] > 0 ? betas[m][j] / st.scale[j] : 0.0;
  return path;
}

CoxnetCv coxnet_cv(const std::vector<double>& time, const std::vector<int>& event, const Eigen::MatrixXd& x,
                   const std::vector<int>& foldid, const CoxnetOptions& o, int threads) {
  core::ensure(foldid.size() == time.size(), "coxnet_cv: one fold id per subject");
  const int k = foldid.empty() ? 0 : *std::max_element(foldid.begin(), foldid.end());
  if (k < 2) throw core::UsageError("cross-validation needs at least 2 folds");
  std::vector<double> events(static_cast<std::size_t>(k), 0.0);
  std::vector<std::size_t> sizes(static_cast<std::size_t>(k), 0);
  for (std::size_t i = 0; i < foldid.size(); ++i) {
    if (foldid[i] < 1) throw core::UsageError("fold ids must be 1, 2, ..., K (got " + std::to_string(foldid[i]) + ")");
    ++sizes[static_cast<std::size_t>(foldid[i] - 1)];
    if (event[i] != 0) events[static_cast<std::size_t>(foldid[i] - 1)] += 1;
  }
  for (int f = 0; f < k; ++f) {
    if (sizes[static_cast<std::size_t>(f)] == 0) throw core::UsageError("fold " + std::to_string(f + 1) + " has no subject (fold ids must be 1..K)");
    if (events[static_cast<std::size_t>(f)] == 0) throw core::UsageError("fold " + std::to_string(f + 1) + " has no event");
  }
  CoxnetCv cv;
  cv.fit = coxnet_path(time, event, x, o);
  const std::size_t nl = cv.fit.lambda.size();
  CoxnetOptions fo = o;
  fo.lambda = cv.fit.lambda;
  Eigen::MatrixXd raw(k, static_cast<Eigen::Index>(nl));
  const Breslow all(time, event);
  core::parallel_for(static_cast<std::size_t>(k), threads, [&](std::size_t f) {
    std::vector<double> tt;
    std::vector<int> et;
    std::vector<Eigen::Index> rows;
    for (std::size_t i = 0; i < foldid.size(); ++i)
      if (static_cast<std::size_t>(foldid[i] - 1) != f) {
        rows.push_back(static_cast<Eigen::Index>(i));
        tt.push_back(time[i]);
        et.push_back(event[i]);
      }
    const Eigen::MatrixXd xt = x(rows, Eigen::all);
    const CoxnetPath fp = coxnet_path(tt, et, xt, fo);
    const Breslow train(tt, et);
    for (std::size_t l = 0; l < nl; ++l) {
      const Eigen::Index c = static_cast<Eigen::Index>(std::min(l, fp.lambda.size() - 1));
      const Eigen::VectorXd eta_all = x * fp.beta.col(c);
      const Eigen::VectorXd eta_train = xt * fp.beta.col(c);
      const double dev_all = 2.0 * (all.lsat - all.loglik(eta_all));
      const double dev_train = 2.0 * (train.lsat - train.loglik(eta_train));
      raw(static_cast<Eigen::Index>(f), static_cast<Eigen::Index>(l)) = (dev_all - dev_train) / events[f];
    }
  });
  const double wsum = std::accumulate(events.begin(), events.end(), 0.0);
  cv.cvm.resize(nl);
  cv.cvsd.resize(nl);
  for (std::size_t l = 0; l < nl; ++l) {
    double m = 0;
    for (int f = 0; f < k; ++f) m += events[static_cast<std::size_t>(f)] * raw(f, static_cast<Eigen::Index>(l));
    m /= wsum;
    double v = 0;
    for (int f = 0; f < k; ++f) {
      const double d = raw(f, static_cast<Eigen::Index>(l)) - m;
      v += events[static_cast<std::size_t>(f)] * d * d;
    }
    cv.cvm[l] = m;
    cv.cvsd[l] = std::sqrt(v / wsum / (k - 1));
  }
  // Largest lambda of minimal cvm; largest lambda within one standard error of it.
  std::size_t imin = 0;
  for (std::size_t l = 1; l < nl; ++l)
    if (cv.cvm[l] < cv.cvm[imin]) imin = l;
  const double bound = cv.cvm[imin] + cv.cvsd[imin];
  std::size_t i1se = imin;
  for (std::size_t l = 0; l < nl; ++l)
    if (cv.cvm[l] <= bound) {
      i1se = l;
      break;
    }
  cv.index_min = imin;
  cv.index_1se = i1se;
  cv.lambda_min = cv.fit.lambda[imin];
  cv.lambda_1se = cv.fit.lambda[i1se];
  return cv;
}

}  // namespace lscmir::stats
