// SPDX-License-Identifier: GPL-3.0-or-later
// Moderated t-statistics (Smyth 2004, SAGMB 3:3): posterior variances
// s2_post = (d0 s0^2 + d s^2) / (d0 + d), t = b / (u s_post) on d0 + d df, and the B-statistic
// (log posterior odds of differential expression) with the prior variance of non-zero
// coefficients estimated from the top proportion of |t| (section 6.3).
#include "lscmir/stats/ebayes.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "lscmir/core/error.hpp"
#include "lscmir/stats/distributions.hpp"
#include "lscmir/stats/norm_factors.hpp"

namespace lscmir::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Prior variance of the non-null coefficients from the `proportion` largest |t| (limma's
/// tmixture.vector): t on smaller df are first moved to the same tail probability at the
/// largest df.
double tmixture(const Eigen::VectorXd& t_in, const Eigen::VectorXd& su_in, const Eigen::VectorXd& df_in,
                double proportion, double lim_lo, double lim_hi) {
  std::vector<double> t, su, df;
  for (Eigen::Index i = 0; i < t_in.size(); ++i) {
    if (std::isnan(t_in[i])) continue;
    t.push_back(std::fabs(t_in[i]));
    su.push_back(su_in[i]);
    df.push_back(df_in[i]);
  }
  const auto ngenes = static_cast<double>(t.size());
  const auto ntarget = static_cast<std::size_t>(std::ceil(proportion / 2 * ngenes));
  if (ntarget < 1) return kNaN;
  const double p = std::max(static_cast<double>(ntarget) / ngenes, proportion);
  const double max_df = *std::max_element(df.begin(), df.end());
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (df[i] < max_df) {
      const double tail = log_pt_upper(t[i], df[i]);
      t[i] = qt_upper_log(tail, max_df);
      df[i] = max_df;
    }
  }
  std::vector<std::size_t> o(t.size());
  std::iota(o.begin(), o.end(), 0);
  std::stable_sort(o.begin(), o.end(), [&](std::size_t a, std::size_t b) { return t[a] > t[b]; });
  double sum = 0;
  for (std::size_t r = 0; r < ntarget; ++r) {
    const double tt = t[o[r]];
    const double v1 = su[o[r]] * su[o[r]];
    const double p0 = 2 * pt_upper(tt, max_df);
    const double ptarget = ((static_cast<double>(r) + 0.5) / ngenes - (1 - p) * p0) / p;
    double v0 = 0;
    if (ptarget > p0) {
      const double qtarget = qt_upper(ptarget / 2, max_df);
      v0 = v1 * ((tt / qtarget) * (tt / qtarget) - 1);
    }
    v0 = std::min(std::max(v0, lim_lo), lim_hi);
    sum += v0;
  }
  return sum / static_cast<double>(ntarget);
}

struct Moderated {
  SqueezeResult sq;
  Eigen::VectorXd df_total;
};

Moderated moderate(const LmFit& fit, const EBayesOptions& o);

/// The parts eBayes and treat share: posterior variances, priors and total df, and t / p sized.
EBayesFit moderated_fit(const LmFit& fit, const EBayesOptions& o) {
  const Moderated m = moderate(fit, o);
  EBayesFit out;
  out.s2_post = m.sq.var_post;
  out.s2_prior = m.sq.var_prior;
  out.df_prior = m.sq.df_prior;
  out.df_total = m.df_total;
  out.t.resize(fit.coefficients.rows(), fit.coefficients.cols());
  out.p_value.resize(fit.coefficients.rows(), fit.coefficients.cols());
  return out;
}

Moderated moderate(const LmFit& fit, const EBayesOptions& o) {
  const Eigen::Index ng = fit.sigma.size();
  if (ng == 0) throw core::NumericalError("no features to moderate");
  if (fit.df_residual.maxCoeff() == 0)
    throw core::NumericalError("no residual degrees of freedom in any feature's fit: the design leaves nothing to estimate the variance");
  bool any_finite = false;
  for (Eigen::Index g = 0; g < ng; ++g) any_finite = any_finite || std::isfinite(fit.sigma[g]);
  if (!any_finite) throw core::NumericalError("no finite residual standard deviations");
  Eigen::VectorXd var = fit.sigma.array().square();
  Eigen::VectorXd cov;
  if (o.trend) {
    cov = fit.amean;
    // A feature without any observation has no mean; it has no df either, so its covariate only
    // sets its own (unused) prior. limma stops here; we use the smallest observed mean.
    double lo = std::numeric_limits<double>::infinity();
    for (Eigen::Index g = 0; g < ng; ++g)
      if (std::isfinite(cov[g])) lo = std::min(lo, cov[g]);
    for (Eigen::Index g = 0; g < ng; ++g)
      if (!std::isfinite(cov[g])) cov[g] = lo;
  }
  Moderated m;
  m.sq = squeeze_var(var, fit.df_residual, o.trend ? &cov : nullptr, o.robust);
  const double df_pooled = fit.df_residual.sum();
  m.df_total = (fit.df_residual + m.sq.df_prior).cwiseMin(df_pooled);
  return m;
}

}  // namespace

SqueezeResult squeeze_var(Eigen::VectorXd var, const Eigen::VectorXd& df, const Eigen::VectorXd* covariate, bool robust) {
  const Eigen::Index n = var.size();
  SqueezeResult out;
  if (n == 1) {
    out.var_post = var;
    out.var_prior = var;
    out.df_prior = Eigen::VectorXd::Zero(1);
    return out;
  }
  for (Eigen::Index i = 0; i < n; ++i)
    if (df[i] == 0) var[i] = 0;
  FDistFit f = robust ? fit_f_dist_robust(var, df, covariate) : fit_f_dist(var, df, covariate);
  out.df_prior = robust ? f.df2_shrunk : Eigen::VectorXd::Constant(n, f.df2);
  for (Eigen::Index i = 0; i < n; ++i)
    if (std::isnan(out.df_prior[i])) throw core::NumericalError("could not estimate the prior degrees of freedom");
  out.var_prior = f.scale;
  out.var_post.resize(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double d0 = out.df_prior[i];
    if (std::isinf(d0))
      out.var_post[i] = out.var_prior[i];
    else
      out.var_post[i] = (df[i] * var[i] + d0 * out.var_prior[i]) / (df[i] + d0);
  }
  return out;
}

EBayesFit ebayes(const LmFit& fit, const EBayesOptions& o) {
  const Eigen::Index ng = fit.coefficients.rows(), k = fit.coefficients.cols();
  EBayesFit out = moderated_fit(fit, o);
  out.lods.resize(ng, k);
  out.var_prior.resize(k);
  for (Eigen::Index g = 0; g < ng; ++g)
    for (Eigen::Index c = 0; c < k; ++c) {
      const double t = fit.coefficients(g, c) / fit.stdev_unscaled(g, c) / std::sqrt(out.s2_post[g]);
      out.t(g, c) = t;
      out.p_value(g, c) = std::isnan(t) ? kNaN : 2 * pt_upper(std::fabs(t), out.df_total[g]);
    }
  std::vector<double> s2p(out.s2_prior.data(), out.s2_prior.data() + out.s2_prior.size());
  const double med = median(s2p);
  const double lim_lo = o.stdev_coef_lim_lo * o.stdev_coef_lim_lo / med;
  const double lim_hi = o.stdev_coef_lim_hi * o.stdev_coef_lim_hi / med;
  for (Eigen::Index c = 0; c < k; ++c) {
    double v = tmixture(out.t.col(c), fit.stdev_unscaled.col(c), out.df_total, o.proportion, lim_lo, lim_hi);
    if (std::isnan(v)) v = 1.0 / out.s2_prior[0];
    out.var_prior[c] = v;
  }
  const double log_odds = std::log(o.proportion / (1 - o.proportion));
  for (Eigen::Index g = 0; g < ng; ++g)
    for (Eigen::Index c = 0; c < k; ++c) {
      const double su2 = fit.stdev_unscaled(g, c) * fit.stdev_unscaled(g, c);
      const double r = (su2 + out.var_prior[c]) / su2;
      const double t2 = out.t(g, c) * out.t(g, c);
      const double d = out.df_total[g];
      double kernel;
      if (out.df_prior[g] > 1e6)
        kernel = t2 * (1 - 1 / r) / 2;
      else
        kernel = (1 + d) / 2 * std::log((t2 + d) / (t2 / r + d));
      out.lods(g, c) = log_odds - std::log(r) / 2 + kernel;
    }
  return out;
}

EBayesFit treat(const LmFit& fit, double lfc, const EBayesOptions& o) {
  const Eigen::Index ng = fit.coefficients.rows(), k = fit.coefficients.cols();
  EBayesFit out = moderated_fit(fit, o);
  lfc = std::fabs(lfc);
  for (Eigen::Index g = 0; g < ng; ++g)
    for (Eigen::Index c = 0; c < k; ++c) {
      const double b = fit.coefficients(g, c);
      const double se = fit.stdev_unscaled(g, c) * std::sqrt(out.s2_post[g]);
      if (std::isnan(b) || std::isnan(se)) {
        out.t(g, c) = kNaN;
        out.p_value(g, c) = kNaN;
        continue;
      }
      const double right = (std::fabs(b) - lfc) / se;
      const double left = (std::fabs(b) + lfc) / se;
      out.p_value(g, c) = pt_upper(right, out.df_total[g]) + pt_upper(left, out.df_total[g]);
      const double tr = std::max(right, 0.0);
      out.t(g, c) = b > lfc ? tr : (b < -lfc ? -tr : 0.0);
    }
  return out;
}

}  // namespace lscmir::stats
