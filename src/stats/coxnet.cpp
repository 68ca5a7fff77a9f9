// SPDX-License-Identifier: GPL-3.0-or-later
// Lasso / elastic-net Cox path by coordinate descent, the algorithm of glmnet 4.1's coxnet
// (Simon, Friedman, Hastie & Tibshirani 2011, J Stat Softw 39(5); Friedman, Hastie & Tibshirani
// 2010, J Stat Softw 33(1)) with the sequential strong rules of Tibshirani et al. 2012 (JRSS B 74):
//  - observation weights 1/n; columns standardized (mean 0, mean square 1);
//  - at the current linear predictor the negative log partial likelihood (Breslow) is replaced by
//    its quadratic approximation with a diagonal Hessian w and working gradient wr; that weighted
//    least squares problem is solved by cyclic coordinate descent with soft thresholding over the
//    strong set, then over the active set until it settles, then the strong set again;
//  - an outer (Newton) step is converged when no active coefficient moved by more than
//    v_j (delta b_j)^2 >= thresh * D0 (D0 = null deviance / 2n) and no variable outside the strong
//    set violates the optimality condition |x_j' wr| <= lambda alpha;
//  - the passes are counted over the whole path; past maxit the path ends at the last solved lambda.
// The iteration is glmnet's, so at glmnet's own (loose) thresh the path agrees with glmnet's,
// not only with the exact minimizer.
#include "lscmir/stats/coxnet.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "lscmir/core/error.hpp"
#include "lscmir/core/parallel.hpp"
#include "detail/coxnet_kernels.hpp"

namespace lscmir::stats {
namespace {

/// Subjects in increasing time, events before censorings at the same time (glmnet adds 100 eps
/// to censored times: a censoring tied with an event is still at risk), and the blocks of
/// identical (time, event): the Breslow log partial likelihood for the CV deviances.
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
    const double shift = eta.size() > 0 ? eta.maxCoeff() : 0.0;  // invariant to a constant in eta
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
};

/// The risk-set structure of one fit in glmnet's weighted form (weights q = 1/n): subjects sorted
/// by time, from the first event time on (earlier censorings are never at risk); group k runs from
/// the k-th distinct event time up to the next one; dk the weighted event count of group k.
struct RiskGroups {
  std::vector<Eigen::Index> sorted;  ///< subjects in sorted order, from the first event time
  std::vector<std::size_t> end;      ///< group k = sorted[end[k-1], end[k])
  std::vector<double> dk;            ///< sum of d q over the events at the group's time
  std::vector<double> dq;            ///< d_i q_i per subject
  double lsat = 0;                   ///< -sum dk log dk

  RiskGroups(const std::vector<double>& time, const std::vector<int>& event, double q) {
    const std::size_t n = time.size();
    std::vector<Eigen::Index> o(n);
    std::iota(o.begin(), o.end(), Eigen::Index{0});
    std::stable_sort(o.begin(), o.end(), [&](Eigen::Index a, Eigen::Index b) {
      const auto ua = static_cast<std::size_t>(a), ub = static_cast<std::size_t>(b);
      if (time[ua] != time[ub]) return time[ua] < time[ub];
      return event[ua] > event[ub];
    });
    dq.assign(n, 0.0);
    for (std::size_t i = 0; i < n; ++i) dq[i] = event[i] != 0 ? q : 0.0;
    std::size_t first = 0;
    while (first < n && event[static_cast<std::size_t>(o[first])] == 0) ++first;
    sorted.assign(o.begin() + static_cast<std::ptrdiff_t>(first), o.end());
    // A group starts at each event whose time exceeds the previous event time.
    std::vector<std::size_t> starts;
    double last = -std::numeric_limits<double>::infinity();
    for (std::size_t k = 0; k < sorted.size(); ++k) {
      const auto i = static_cast<std::size_t>(sorted[k]);
      if (event[i] != 0 && time[i] > last) {
        starts.push_back(k);
        last = time[i];
      }
    }
    for (std::size_t g = 0; g < starts.size(); ++g) {
      const std::size_t b = starts[g], e = g + 1 < starts.size() ? starts[g + 1] : sorted.size();
      end.push_back(e);
      double d = 0;
      for (std::size_t k = b; k < e; ++k) d += dq[static_cast<std::size_t>(sorted[k])];
      dk.push_back(d);
      lsat -= d * std::log(d);
    }
  }

  std::size_t begin_of(std::size_t g) const { return g == 0 ? 0 : end[g - 1]; }

  /// Weighted risk-set sums u_k = sum over the risk set of group k of e_i.
  void risk_sums(const Eigen::VectorXd& e, std::vector<double>& u) const {
    u.resize(end.size());
    double h = 0;
    for (std::size_t g = end.size(); g-- > 0;) {
      for (std::size_t k = end[g]; k-- > begin_of(g);) h += e[sorted[k]];
      u[g] = h;
    }
  }

  /// sum d q f - sum dk log u (the weighted log partial likelihood up to a constant).
  double risk(const Eigen::VectorXd& f, const Eigen::VectorXd& e, std::vector<double>& u) const {
    risk_sums(e, u);
    double r = 0;
    for (Eigen::Index i = 0; i < f.size(); ++i) r += dq[static_cast<std::size_t>(i)] * f[i];
    for (std::size_t g = 0; g < dk.size(); ++g) r -= dk[g] * std::log(u[g]);
    return r;
  }

  /// Diagonal Hessian w and working gradient wr at e (subjects before the first event keep 0).
  /// Returns false when some weight is not positive (glmnet's numerical error).
  bool outer(const Eigen::VectorXd& e, Eigen::VectorXd& w, Eigen::VectorXd& wr, std::vector<double>& u) const {
    risk_sums(e, u);
    double b = 0, c = 0;
    for (std::size_t g = 0; g < end.size(); ++g) {
      b += dk[g] / u[g];
      c += dk[g] / (u[g] * u[g]);
      for (std::size_t k = begin_of(g); k < end[g]; ++k) {
        const Eigen::Index i = sorted[k];
        w[i] = e[i] * (b - e[i] * c);
        if (!(w[i] > 0)) return false;
        wr[i] = dq[static_cast<std::size_t>(i)] - e[i] * b;
      }
    }
    return true;
  }
};

void check_inputs(const std::vector<double>& time, const std::vector<int>& event, const Eigen::MatrixXd& x,
                  const CoxnetOptions& o) {
  if (!(o.alpha >= 0 && o.alpha <= 1)) throw core::UsageError("alpha must lie in [0, 1] (got " + std::to_string(o.alpha) + ")");
  if (o.nlambda < 1 && o.lambda.empty()) throw core::UsageError("nlambda must be at least 1");
  if (!(o.thresh > 0)) throw core::UsageError("thresh must be positive");
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
  const Eigen::Index n = x.rows(), p = x.cols();
  const double q = 1.0 / static_cast<double>(n);
  const RiskGroups rg(time, event, q);
  if (rg.end.empty()) throw core::UsageError("the Cox lasso needs at least one event");

  // Standardize; a column with a single value is left out (coefficient 0), as glmnet's chkvars.
  Eigen::MatrixXd xs(n, p);
  Eigen::VectorXd scale = Eigen::VectorXd::Zero(p);
  std::vector<char> ju(static_cast<std::size_t>(p), 0);
  for (Eigen::Index j = 0; j < p; ++j) {
    const double x0 = x(0, j);
    bool varies = false;
    for (Eigen::Index i = 1; i < n && !varies; ++i) varies = x(i, j) != x0;
    if (!varies) {
      xs.col(j).setZero();
      continue;
    }
    ju[static_cast<std::size_t>(j)] = 1;
    const double m = x.col(j).sum() * q;
    xs.col(j) = x.col(j).array() - m;
    scale[j] = std::sqrt(xs.col(j).squaredNorm() * q);
    xs.col(j) /= scale[j];
  }

  CoxnetPath path;
  const bool user_lambda = !o.lambda.empty();
  const int nlam = user_lambda ? static_cast<int>(o.lambda.size()) : o.nlambda;
  const double sml = o.fdev * 100.0, devmax = o.devmax * 0.99 / 0.999;  // glmnet's Cox settings
  const double ratio = o.lambda_min_ratio > 0 ? o.lambda_min_ratio : (n < p ? 1e-2 : 1e-4);
  const double alf = nlam > 1 ? std::pow(std::max(1e-6, ratio), 1.0 / (nlam - 1)) : 1.0;
  const double alpha = o.alpha, oma = 1.0 - alpha;
  constexpr double kBig = 9.9e35;
  const double fmax = std::log(std::numeric_limits<double>::max() * 0.1);

  Eigen::VectorXd f = Eigen::VectorXd::Zero(n), e = Eigen::VectorXd::Constant(n, q);
  Eigen::VectorXd w = Eigen::VectorXd::Zero(n), wr = Eigen::VectorXd::Zero(n);
  std::vector<double> u;
  const double r0 = rg.risk(f, e, u);
  const double rr = rg.lsat - r0;  // null deviance / 2n
  path.null_deviance = 2.0 * rr * static_cast<double>(n);
  if (!rg.outer(e, w, wr, u)) throw core::NumericalError("coxnet: non-positive Hessian weight at beta = 0");
  const double cthr = o.thresh * rr;

  Eigen::VectorXd a = Eigen::VectorXd::Zero(p), as = Eigen::VectorXd::Zero(p), v = Eigen::VectorXd::Zero(p);
  Eigen::VectorXd ga = Eigen::VectorXd::Zero(p);
  std::vector<char> strong(static_cast<std::size_t>(p), 0), in_active(static_cast<std::size_t>(p), 0);
  std::vector<Eigen::Index> active;  // in order of entry
  double lambda_max = 0;
  for (Eigen::Index j = 0; j < p; ++j)
    if (ju[static_cast<std::size_t>(j)]) {
      ga[j] = std::abs(wr.dot(xs.col(j)));
      lambda_max = std::max(lambda_max, ga[j]);
    }
  lambda_max /= std::max(alpha, 1e-3);
  std::vector<Eigen::VectorXd> betas;
  const int mnl = std::min(o.mnlam, nlam);
  long nlp = 0;
  double al = 0;

  // One coordinate update of j (wx = w x_j of this outer step); returns v_j (delta)^2. The linear
  // predictor f is brought up to date once per outer step (from a - a_outer).
  const detail::CoxnetKernels& kern = detail::coxnet_kernels();
  Eigen::MatrixXd wx(n, p);
  Eigen::VectorXd a_outer = Eigen::VectorXd::Zero(p);
  // The axpy of the last non-zero update is deferred into the next update's dot product
  // (kern.axpy_dot, one pass over wr instead of two): wr is exact only after flush().
  Eigen::Index pending = -1;
  double pending_del = 0;
  auto update = [&](Eigen::Index j, double sa, double omal) {
    double g;
    if (pending >= 0) {
      g = kern.axpy_dot(wr.data(), pending_del, wx.col(pending).data(), xs.col(j).data(), n);
      pending = -1;
    } else {
      g = kern.dot(wr.data(), xs.col(j).data(), n);
    }
    const double uj = a[j] * v[j] + g;
    const double at = std::abs(uj) <= sa ? 0.0 : std::copysign(std::abs(uj) - sa, uj) / (v[j] + omal);
    if (at == a[j]) return 0.0;
    const double del = at - a[j];
    a[j] = at;
    pending = j;
    pending_del = del;
    if (!in_active[static_cast<std::size_t>(j)]) {
      in_active[static_cast<std::size_t>(j)] = 1;
      active.push_back(j);
    }
    return v[j] * del * del;
  };
  auto flush = [&] {
    if (pending < 0) return;
    kern.axpy(wr.data(), -pending_del, wx.col(pending).data(), n);
    pending = -1;
  };

  for (int ilm = 0; ilm < nlam; ++ilm) {
    double al0 = al;
    if (user_lambda) {
      al = o.lambda[static_cast<std::size_t>(ilm)];
    } else if (ilm > 1) {
      al *= alf;
    } else if (ilm == 0) {
      al = kBig;
    } else {
      al0 = 0;
      for (Eigen::Index j = 0; j < p; ++j)
        if (ju[static_cast<std::size_t>(j)]) al0 = std::max(al0, ga[j]);
      al0 /= std::max(alpha, 1e-3);
      al = alf * al0;
    }
    const double sa = alpha * al, omal = oma * al, tlam = alpha * (2.0 * al - al0);
    for (Eigen::Index k = 0; k < p; ++k)
      if (!strong[static_cast<std::size_t>(k)] && ju[static_cast<std::size_t>(k)] && ga[k] > tlam) strong[static_cast<std::size_t>(k)] = 1;
    bool maxit = false, numerr = false;
    for (;;) {
      if (nlp > o.maxit) {
        maxit = true;
        break;
      }
      for (Eigen::Index j : active) as[j] = a[j];
      a_outer = a;
      for (Eigen::Index j = 0; j < p; ++j)
        if (strong[static_cast<std::size_t>(j)]) {
          wx.col(j) = w.cwiseProduct(xs.col(j));
          v[j] = kern.dot(wx.col(j).data(), xs.col(j).data(), n);
        }
      // Strong-set pass, then active-set passes until they settle, until a strong pass settles.
      for (;;) {
        ++nlp;
        double dli = 0;
        for (Eigen::Index j = 0; j < p; ++j)
          if (strong[static_cast<std::size_t>(j)]) dli = std::max(dli, update(j, sa, omal));
        if (dli < cthr) break;
        if (nlp > o.maxit) break;
        for (;;) {
          ++nlp;
          dli = 0;
          for (std::size_t l = 0; l < active.size(); ++l) dli = std::max(dli, update(active[l], sa, omal));
          if (dli < cthr || nlp > o.maxit) break;
        }
        if (nlp > o.maxit) break;
      }
      flush();
      if (nlp > o.maxit) {
        maxit = true;
        break;
      }
      for (Eigen::Index j : active)
        if (a[j] != a_outer[j]) kern.axpy(f.data(), a[j] - a_outer[j], xs.col(j).data(), n);
      for (Eigen::Index i = 0; i < n; ++i) e[i] = q * std::exp(std::copysign(std::min(std::abs(f[i]), fmax), f[i]));
      if (!rg.outer(e, w, wr, u)) {
        numerr = true;
        break;
      }
      bool again = false;
      for (Eigen::Index j : active)
        if (v[j] * (a[j] - as[j]) * (a[j] - as[j]) >= cthr) {
          again = true;
          break;
        }
      if (again) continue;
      for (Eigen::Index k = 0; k < p; ++k) {
        if (strong[static_cast<std::size_t>(k)] || !ju[static_cast<std::size_t>(k)]) continue;
        ga[k] = std::abs(kern.dot(wr.data(), xs.col(k).data(), n));
        if (ga[k] > sa) {
          strong[static_cast<std::size_t>(k)] = 1;
          again = true;
        }
      }
      if (!again) break;
    }
    if (maxit || numerr) {
      path.converged = false;
      path.stop = maxit ? CoxnetPath::Stop::kMaxit : CoxnetPath::Stop::kNumerical;
      break;
    }
    betas.push_back(a);
    path.lambda.push_back(al);
    path.df.push_back(static_cast<int>((a.array() != 0).count()));
    path.dev_ratio.push_back((rg.risk(f, e, u) - r0) / rr);
    if (ilm + 1 < mnl || user_lambda) continue;
    const double dr = path.dev_ratio.back();
    if ((dr - path.dev_ratio[static_cast<std::size_t>(ilm + 1 - mnl)]) / dr < sml) break;
    if (dr > devmax) break;
  }
  path.passes = nlp;
  // glmnet's first lambda is "infinity"; it reports the geometric continuation instead (fix.lam).
  if (!user_lambda && path.lambda.size() > 2)
    path.lambda[0] = std::exp(2.0 * std::log(path.lambda[1]) - std::log(path.lambda[2]));
  else if (!user_lambda && !path.lambda.empty())
    path.lambda[0] = lambda_max;
  path.beta.resize(p, static_cast<Eigen::Index>(betas.size()));
  for (std::size_t m = 0; m < betas.size(); ++m)
    for (Eigen::Index j = 0; j < p; ++j)
      path.beta(j, static_cast<Eigen::Index>(m)) = scale[j] > 0 ? betas[m][j] / scale[j] : 0.0;
  return path;
}

Eigen::MatrixXd coxnet_interpolate(const CoxnetPath& fit, const std::vector<double>& s) {
  const auto p = fit.beta.rows();
  Eigen::MatrixXd out(p, static_cast<Eigen::Index>(s.size()));
  const std::size_t k = fit.lambda.size();
  core::ensure(k > 0, "coxnet_interpolate: empty path");
  for (std::size_t c = 0; c < s.size(); ++c) {
    const auto cc = static_cast<Eigen::Index>(c);
    if (k == 1) {
      out.col(cc) = fit.beta.col(0);
      continue;
    }
    // glmnet's lambda.interp: linear in lambda between the two neighbouring path values,
    // constant beyond the ends.
    const double l1 = fit.lambda.front(), lk = fit.lambda.back(), span = l1 - lk;
    auto pos = [&](double l) { return (l1 - l) / span; };
    const double sf = std::clamp(pos(s[c]), pos(l1), pos(lk));
    std::size_t left = 0;
    while (left + 1 < k && pos(fit.lambda[left + 1]) <= sf) ++left;
    if (left + 1 >= k || pos(fit.lambda[left]) == sf) {
      out.col(cc) = fit.beta.col(static_cast<Eigen::Index>(left));
      continue;
    }
    const std::size_t right = left + 1;
    const double frac = (sf - pos(fit.lambda[right])) / (pos(fit.lambda[left]) - pos(fit.lambda[right]));
    out.col(cc) = frac * fit.beta.col(static_cast<Eigen::Index>(left)) + (1 - frac) * fit.beta.col(static_cast<Eigen::Index>(right));
  }
  return out;
}

CoxnetCv coxnet_cv(const std::vector<double>& time, const std::vector<int>& event, const Eigen::MatrixXd& x,
                   const std::vector<int>& foldid, const CoxnetOptions& o, int threads) {
  core::ensure(foldid.size() == time.size(), "coxnet_cv: one fold id per subject");
  const int k = foldid.empty() ? 0 : *std::max_element(foldid.begin(), foldid.end());
  if (k < 3) throw core::UsageError("cross-validation needs at least 3 folds (cv.glmnet's limit)");
  std::vector<double> events(static_cast<std::size_t>(k), 0.0);
  std::vector<std::size_t> sizes(static_cast<std::size_t>(k), 0);
  for (std::size_t i = 0; i < foldid.size(); ++i) {
    if (foldid[i] < 1) throw core::UsageError("fold ids must be 1, 2, ..., K (got " + std::to_string(foldid[i]) + ")");
    ++sizes[static_cast<std::size_t>(foldid[i] - 1)];
    if (event[i] != 0) events[static_cast<std::size_t>(foldid[i] - 1)] += 1;
  }
  for (int fi = 0; fi < k; ++fi) {
    if (sizes[static_cast<std::size_t>(fi)] == 0) throw core::UsageError("fold " + std::to_string(fi + 1) + " has no subject (fold ids must be 1..K)");
    if (events[static_cast<std::size_t>(fi)] == 0) throw core::UsageError("fold " + std::to_string(fi + 1) + " has no event");
  }
  check_inputs(time, event, x, o);
  // The full fit and the K fold fits are independent (each fold fits its own lambda sequence, as
  // cv.glmnet does, and is then interpolated at the full fit's lambdas): K + 1 tasks.
  // Each fold's training subjects (the other folds).
  struct Training {
    std::vector<double> time;
    std::vector<int> event;
    std::vector<Eigen::Index> rows;
  };
  std::vector<Training> train(static_cast<std::size_t>(k));
  for (std::size_t i = 0; i < foldid.size(); ++i)
    for (std::size_t fi = 0; fi < train.size(); ++fi)
      if (static_cast<std::size_t>(foldid[i] - 1) != fi) {
        train[fi].rows.push_back(static_cast<Eigen::Index>(i));
        train[fi].time.push_back(time[i]);
        train[fi].event.push_back(event[i]);
      }
  CoxnetCv cv;
  std::vector<CoxnetPath> folds(static_cast<std::size_t>(k));
  // Task 0 (the full fit, the most subjects) first; the threads take the next task as they finish.
  core::parallel_for_dynamic(static_cast<std::size_t>(k) + 1, threads, [&](std::size_t t) {
    if (t == 0) {
      cv.fit = coxnet_path(time, event, x, o);
      return;
    }
    const Training& tr = train[t - 1];
    folds[t - 1] = coxnet_path(tr.time, tr.event, x(tr.rows, Eigen::all), o);
  });
  const std::size_t nl = cv.fit.lambda.size();
  Eigen::MatrixXd raw(k, static_cast<Eigen::Index>(nl));
  const Breslow all(time, event);
  core::parallel_for(static_cast<std::size_t>(k), threads, [&](std::size_t fi) {
    const Training& tr = train[fi];
    const Breslow others(tr.time, tr.event);
    const Eigen::MatrixXd b = coxnet_interpolate(folds[fi], cv.fit.lambda);
    const Eigen::MatrixXd eta_all = x * b;
    for (std::size_t l = 0; l < nl; ++l) {
      const auto c = static_cast<Eigen::Index>(l);
      const Eigen::VectorXd ea = eta_all.col(c);
      const Eigen::VectorXd eo = ea(tr.rows);
      const double dev_all = 2.0 * (all.lsat - all.loglik(ea));
      const double dev_others = 2.0 * (others.lsat - others.loglik(eo));
      raw(static_cast<Eigen::Index>(fi), c) = (dev_all - dev_others) / events[fi];
    }
  });
  for (const CoxnetPath& fp : folds)
    if (!fp.converged) cv.folds_converged = false;
  const double wsum = std::accumulate(events.begin(), events.end(), 0.0);
  cv.cvm.resize(nl);
  cv.cvsd.resize(nl);
  for (std::size_t l = 0; l < nl; ++l) {
    double m = 0;
    for (int fi = 0; fi < k; ++fi) m += events[static_cast<std::size_t>(fi)] * raw(fi, static_cast<Eigen::Index>(l));
    m /= wsum;
    double var = 0;
    for (int fi = 0; fi < k; ++fi) {
      const double d = raw(fi, static_cast<Eigen::Index>(l)) - m;
      var += events[static_cast<std::size_t>(fi)] * d * d;
    }
    cv.cvm[l] = m;
    cv.cvsd[l] = std::sqrt(var / wsum / (k - 1));
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
