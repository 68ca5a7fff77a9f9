// SPDX-License-Identifier: GPL-3.0-or-later
// NB GLMs and edgeR's legacy quasi-likelihood pipeline, implemented from McCarthy, Chen & Smyth
// (2012), Lund, Nettleton, McCarthy & Smyth (2012), Chen, Lun & Smyth (2016) and locfit's
// documented evaluation structure (Loader 1999). docs/statistics.md states each step.
#include "lscmir/stats/ql.hpp"
#include "lscmir/stats/top_table.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "lscmir/core/error.hpp"
#include "lscmir/core/parallel.hpp"
#include "lscmir/stats/design.hpp"
#include "lscmir/stats/distributions.hpp"
#include "lscmir/stats/ebayes.hpp"
#include "lscmir/stats/p_adjust.hpp"

#include "detail/nb_design.hpp"

namespace lscmir::stats {
namespace {

using detail::DesignProducts;
using detail::InfoMatrix;

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

/// The NB unit deviance as edgeR 3.40 evaluates it (its glmFit deviance, and therefore where its
/// fits stop): y and mu are shifted by 1e-8 against logs of zero; for phi < 1e-4 it is the
/// expansion of the NB deviance to second order in phi about the Poisson one,
/// 2 (y log(y/mu) - r - r^2 phi (1 - phi y) / 2) with r = y - mu (edgeR's third-order term,
/// written 2/3 r in integer arithmetic, evaluates to zero, and so it does here); for mu phi > 1e6
/// the gamma limit 2 ((y - mu)/mu - log(y/mu)) mu / (1 + mu phi); otherwise the exact NB deviance.
/// At estimateDisp's smallest grid dispersion (0.1 * 2^-10 < 1e-4) the expansion is far from the
/// NB deviance for counts in the millions, which is what makes edgeR's fits there stop early.
double unit_deviance(double y, double mu, double phi) {
  y += 1e-8;
  mu += 1e-8;
  if (phi < 1e-4) {
    const double r = y - mu;
    return 2.0 * (y * std::log(y / mu) - r - 0.5 * r * r * phi * (1.0 - phi * y));
  }
  const double product = mu * phi;
  if (product > 1e6) return 2.0 * ((y - mu) / mu - std::log(y / mu)) * mu / (1.0 + product);
  const double inv = 1.0 / phi;
  return 2.0 * (y * std::log(y / mu) + (y + inv) * std::log((mu + inv) / (y + inv)));
}

struct GeneFit {
  VectorXd beta, mu;
  double dev = 0;
};

/// One feature's NB GLM by damped Fisher scoring (Levenberg-Marquardt), with the stopping rules
/// edgeR's glmFit documents (McCarthy et al. 2012): the damping starts at 1e-6 of the largest
/// information diagonal seen, is halved tenfold after an undamped success and doubled after a
/// deviance increase; the fit stops when the score times the step is below 1e-6, after 250
/// iterations, or when the damping exceeds 1e13 times the information. Stopping where edgeR stops
/// (rather than at the exact optimum) matters: at the smallest grid dispersions edgeR's fits end
/// early, and estimateDisp's spline carries that into the common dispersion.
/// Without `start`, the start is the design's least-squares fit of a constant log rate: the
/// weighted mean of y / N with weights N / (1 + phi N), N the exponentiated offsets.
GeneFit fit_one(const VectorXd& y, const DesignProducts& dx, const VectorXd& off, double phi, const VectorXd* start) {
  const MatrixXd& x = dx.matrix();
  const Index n = x.rows(), p = x.cols();
  GeneFit g;
  const double ymax = y.maxCoeff();
  if (ymax < 1e-10) {
    g.beta = VectorXd::Constant(p, std::numeric_limits<double>::quiet_NaN());
    g.mu = VectorXd::Zero(n);
    g.dev = 0;
    return g;
  }
  if (start && start->size() == p && start->allFinite()) {
    g.beta = *start;
  } else {
    double se = 0, sw = 0;
    for (Index j = 0; j < n; ++j) {
      const double nj = std::exp(off[j]);
      const double w = nj / (1.0 + phi * nj);
      se += y[j] * w / nj;
      sw += w;
    }
    g.beta = std::log(se / sw) * dx.ones_fit();
  }
  auto eval = [&](const VectorXd& b, VectorXd& mu) {
    dx.eta(b, off, mu);
    mu = mu.array().exp().matrix();
    double d = 0;
    for (Index j = 0; j < n; ++j) d += unit_deviance(y[j], mu[j], phi);
    return d;
  };
  g.dev = eval(g.beta, g.mu);
  InfoMatrix info(dx);
  VectorXd dl(p), w(n), dv(n), mu_new, b_new, step;
  double max_info = -1, lambda = 0;
  for (int iter = 1; iter <= 250; ++iter) {
    for (Index j = 0; j < n; ++j) {
      const double den = 1.0 + phi * g.mu[j];
      w[j] = g.mu[j] / den;
      dv[j] = (y[j] - g.mu[j]) / den;
    }
    info.form(w);
    dx.xtv(dv, dl);
    max_info = std::max(max_info, info.max_diagonal());
    if (iter == 1) lambda = std::max(max_info * 1e-6, 1e-13);
    int lev = 0;
    bool failed = false, low_dev = false;
    while (true) {
      ++lev;
      while (!info.factor(lambda)) {
        lambda *= 10;
        if (lambda <= 0) lambda = 1e-100;
      }
      info.solve(dl, step);
      b_new = g.beta + step;
      const double d_new = eval(b_new, mu_new);
      if (d_new / ymax < 1e-13) low_dev = true;
      if (d_new <= g.dev || low_dev) {
        g.beta = b_new;
        g.mu = mu_new;
        g.dev = d_new;
        break;
      }
      lambda *= 2;
      if (lambda <= 0) lambda = 1e-100;
      if (lambda / max_info > 1e13) {
        failed = true;
        break;
      }
    }
    if (failed || low_dev) break;
    if (dl.dot(step) < 1e-6) break;
    if (lev == 1) lambda /= 10;
  }
  return g;
}

/// Residual df with fitted zeros removed (edgeR's .residDF), for one feature.
double resid_df(const std::vector<bool>& zero, const MatrixXd& design) {
  const Index n = design.rows(), p = design.cols();
  Index nz = 0;
  for (bool z : zero) nz += z ? 1 : 0;
  if (nz == n) return 0.0;
  if (nz == 0) return static_cast<double>(n - p);
  MatrixXd sub(n - nz, p);
  Index r = 0;
  for (Index j = 0; j < n; ++j)
    if (!zero[static_cast<std::size_t>(j)]) sub.row(r++) = design.row(j);
  const Index rank = p - static_cast<Index>(dependent_columns(sub).size());
  return std::max<double>(0.0, static_cast<double>(n - nz - rank));
}

std::vector<bool> zero_fit(const VectorXd& y, const VectorXd& mu) {
  std::vector<bool> z(static_cast<std::size_t>(y.size()));
  for (Index j = 0; j < y.size(); ++j) z[static_cast<std::size_t>(j)] = y[j] < 1e-4 && mu[j] < 1e-4;
  return z;
}

VectorXd log_offsets(const std::vector<double>& eff) {
  VectorXd o(static_cast<Index>(eff.size()));
  for (std::size_t j = 0; j < eff.size(); ++j) o[static_cast<Index>(j)] = std::log(eff[j]);
  return o;
}

/// Cox-Reid adjusted profile log-likelihood of one feature at dispersion phi.
double adjusted_profile_lik(const VectorXd& y, const VectorXd& mu, const DesignProducts& dx, double phi) {
  double ll = 0;
  const double r = 1.0 / phi;
  for (Index j = 0; j < y.size(); ++j) {
    ll += std::lgamma(y[j] + r) - std::lgamma(r) - std::lgamma(y[j] + 1.0) + y[j] * std::log(mu[j] / (mu[j] + r)) +
          r * std::log(r / (mu[j] + r));
  }
  VectorXd w(y.size());
  for (Index j = 0; j < y.size(); ++j) w[j] = mu[j] / (1.0 + phi * mu[j]);
  InfoMatrix info(dx);
  info.form(w);
  const double logdet = info.log_det_clamped(1e-10);
  return ll - 0.5 * logdet;
}

/// FMM spline coefficients (Forsythe, Malcolm & Moler): on [x_i, x_i+1], y_i + b t + c t^2 + d t^3.
void fmm_spline(const VectorXd& x, const VectorXd& y, VectorXd& b, VectorXd& c, VectorXd& d) {
  const Index n = x.size();
  b.setZero(n);
  c.setZero(n);
  d.setZero(n);
  const Index nm1 = n - 1;
  d[0] = x[1] - x[0];
  c[1] = (y[1] - y[0]) / d[0];
  for (Index i = 1; i < nm1; ++i) {
    d[i] = x[i + 1] - x[i];
    b[i] = 2.0 * (d[i - 1] + d[i]);
    c[i + 1] = (y[i + 1] - y[i]) / d[i];
    c[i] = c[i + 1] - c[i];
  }
  b[0] = -d[0];
  b[nm1] = -d[n - 2];
  c[0] = c[nm1] = 0.0;
  if (n > 3) {
    c[0] = c[2] / (x[3] - x[1]) - c[1] / (x[2] - x[0]);
    c[nm1] = c[n - 2] / (x[nm1] - x[n - 3]) - c[n - 3] / (x[n - 2] - x[n - 4]);
    c[0] = c[0] * d[0] * d[0] / (x[3] - x[0]);
    c[nm1] = -c[nm1] * d[n - 2] * d[n - 2] / (x[nm1] - x[n - 4]);
  }
  for (Index i = 1; i <= nm1; ++i) {
    const double t = d[i - 1] / b[i - 1];
    b[i] -= t * d[i - 1];
    c[i] -= t * c[i - 1];
  }
  c[nm1] /= b[nm1];
  for (Index i = n - 2; i >= 0; --i) c[i] = (c[i] - d[i] * c[i + 1]) / b[i];
  b[nm1] = (y[nm1] - y[n - 2]) / d[n - 2] + d[n - 2] * (c[n - 2] + 2.0 * c[nm1]);
  for (Index i = 0; i < nm1; ++i) {
    b[i] = (y[i + 1] - y[i]) / d[i] - d[i] * (c[i + 1] + 2.0 * c[i]);
    d[i] = (c[i + 1] - c[i]) / d[i];
    c[i] = 3.0 * c[i];
  }
  c[nm1] = 3.0 * c[nm1];
  d[nm1] = d[n - 2];
}

double tricube(double u) {
  if (u >= 1.0) return 0.0;
  const double t = 1.0 - u * u * u;
  return t * t * t;
}

}  // namespace

double nb_deviance(const VectorXd& y, const VectorXd& mu, double phi) {
  double d = 0;
  for (Index j = 0; j < y.size(); ++j) d += unit_deviance(y[j], mu[j], phi);
  return d;
}

NbGlmFit nb_glm_fit(const MatrixXd& counts, const MatrixXd& design, const VectorXd& offset, const VectorXd& dispersion, int threads,
                    const MatrixXd* start) {
  NbGlmFit f;
  const Index g = counts.rows();
  f.beta.resize(g, design.cols());
  f.mu.resize(g, counts.cols());
  f.deviance.resize(g);
  const DesignProducts dx(design);
  core::parallel_for(static_cast<std::size_t>(g), threads, [&](std::size_t i) {
    const auto r = static_cast<Index>(i);
    VectorXd st;
    if (start) st = start->row(r).transpose();
    const GeneFit gf = fit_one(counts.row(r).transpose(), dx, offset, dispersion[r], start ? &st : nullptr);
    f.beta.row(r) = gf.beta.transpose();
    f.mu.row(r) = gf.mu.transpose();
    f.deviance[r] = gf.dev;
  });
  return f;
}

VectorXd ave_log_cpm(const MatrixXd& counts, const std::vector<double>& eff, const VectorXd& dispersion, double prior, int threads) {
  const Index n = counts.cols();
  const double mean_lib = std::accumulate(eff.begin(), eff.end(), 0.0) / static_cast<double>(n);
  VectorXd pc(n), off(n);
  for (Index j = 0; j < n; ++j) {
    pc[j] = prior * eff[static_cast<std::size_t>(j)] / mean_lib;
    off[j] = std::log(eff[static_cast<std::size_t>(j)] + 2.0 * pc[j]);
  }
  VectorXd out(counts.rows());
  core::parallel_for(static_cast<std::size_t>(counts.rows()), threads, [&](std::size_t i) {
    const auto r = static_cast<Index>(i);
    const VectorXd y = counts.row(r).transpose() + pc;
    const double phi = dispersion[r];
    // Newton on the intercept of an intercept-only NB GLM.
    double b = std::log(y.sum() / off.array().exp().sum());
    for (int it = 0; it < 50; ++it) {
      double s = 0, info = 0;
      for (Index j = 0; j < n; ++j) {
        const double mu = std::exp(b + off[j]);
        s += (y[j] - mu) / (1.0 + phi * mu);
        info += mu / (1.0 + phi * mu);
      }
      const double step = s / info;
      b += step;
      if (std::abs(step) < 1e-10) break;
    }
    out[r] = (b + std::log(1e6)) / std::log(2.0);
  });
  return out;
}

VectorXd maximize_interpolant(const VectorXd& x, const MatrixXd& y) {
  VectorXd out(y.rows());
  VectorXd b, c, d;
  for (Index r = 0; r < y.rows(); ++r) {
    const VectorXd yr = y.row(r).transpose();
    Index imax = 0;
    for (Index k = 1; k < yr.size(); ++k)
      if (yr[k] > yr[imax]) imax = k;
    fmm_spline(x, yr, b, c, d);
    double best_x = x[imax], best_y = yr[imax];
    // Local maxima of the cubic pieces left and right of the largest grid value.
    for (Index seg : {imax - 1, imax}) {
      if (seg < 0 || seg >= yr.size() - 1) continue;
      const double h = x[seg + 1] - x[seg];
      const double A = 3.0 * d[seg], B = 2.0 * c[seg], C = b[seg];
      std::vector<double> roots;
      if (std::abs(A) < 1e-300) {
        if (B != 0) roots.push_back(-C / B);
      } else {
        const double disc = B * B - 4.0 * A * C;
        if (disc >= 0) {
          // Stable form: d is tiny where the piece is nearly quadratic.
          const double q = -0.5 * (B + std::copysign(std::sqrt(disc), B));
          roots.push_back(q / A);
          if (q != 0) roots.push_back(C / q);
        }
      }
      for (double t : roots) {
        if (!(t >= 0 && t <= h)) continue;
        if (2.0 * B / 2.0 + 6.0 * d[seg] * t > 0) continue;  // a minimum
        const double v = yr[seg] + t * (b[seg] + t * (c[seg] + t * d[seg]));
        if (v > best_y) {
          best_y = v;
          best_x = x[seg] + t;
        }
      }
    }
    out[r] = best_x;
  }
  return out;
}

MatrixXd locfit_by_col(const MatrixXd& y, const VectorXd& x, double span) {
  const Index n = x.size();
  if (span * static_cast<double>(n) < 2 || n <= 1) return y;
  const int k = static_cast<int>(static_cast<double>(n) * span + 1e-12);
  // Vertex fit: tricube weights with the nearest-neighbour bandwidth.
  struct Vertex {
    double v, h;
    VectorXd w;  ///< normalized weights over the data
  };
  std::vector<double> dist(static_cast<std::size_t>(n));
  auto make_vertex = [&](double v) {
    Vertex vx;
    vx.v = v;
    for (Index i = 0; i < n; ++i) dist[static_cast<std::size_t>(i)] = std::abs(x[i] - v);
    if (k < n) {
      std::vector<double> s = dist;
      std::nth_element(s.begin(), s.begin() + (k - 1), s.end());
      vx.h = s[static_cast<std::size_t>(k - 1)];
    } else {
      vx.h = *std::max_element(dist.begin(), dist.end()) * static_cast<double>(k) / static_cast<double>(n);
    }
    vx.w.resize(n);
    for (Index i = 0; i < n; ++i) vx.w[i] = vx.h > 0 ? tricube(dist[static_cast<std::size_t>(i)] / vx.h) : (dist[static_cast<std::size_t>(i)] == 0 ? 1.0 : 0.0);
    vx.w /= vx.w.sum();
    return vx;
  };
  const double lo = x.minCoeff(), hi = x.maxCoeff();
  // Terminal cells of locfit's adaptive tree: bisect while (b - a) > 0.8 min(h_a, h_b).
  struct Cell {
    Vertex a, b;
  };
  std::vector<Cell> cells;
  std::vector<Cell> stack{{make_vertex(lo), make_vertex(hi)}};
  while (!stack.empty()) {
    Cell c = std::move(stack.back());
    stack.pop_back();
    double hmin = 0;
    for (double h : {c.a.h, c.b.h})
      if (h > 0 && (hmin == 0 || h < hmin)) hmin = h;
    const double width = c.b.v - c.a.v;
    const double score = hmin == 0 ? 2.0 * width / (hi - lo) : width / hmin;
    if (score > 0.8 && cells.size() + stack.size() < 100000) {
      Vertex m = make_vertex((c.a.v + c.b.v) / 2.0);
      stack.push_back({m, c.b});
      stack.push_back({c.a, std::move(m)});
    } else {
      cells.push_back(std::move(c));
    }
  }
  std::sort(cells.begin(), cells.end(), [](const Cell& p, const Cell& q) { return p.a.v < q.a.v; });
  // Each data point: linear interpolation between the vertices of its cell (descending as locfit:
  // the lower half when 2 (x - a) < width).
  MatrixXd s(n, n);
  for (Index i = 0; i < n; ++i) {
    std::size_t lo_c = 0, hi_c = cells.size();
    // Cells are contiguous; find the one locfit's descent reaches.
    std::size_t ci = 0;
    for (ci = 0; ci + 1 < cells.size(); ++ci)
      if (x[i] < cells[ci].b.v || (x[i] == cells[ci].b.v && false)) break;
    (void)lo_c;
    (void)hi_c;
    const Cell& c = cells[ci];
    const double width = c.b.v - c.a.v;
    const double t = width == 0 ? 0.0 : (x[i] - c.a.v) / width;
    s.row(i) = ((1.0 - t) * c.a.w + t * c.b.w).transpose();
  }
  return s * y;
}

DispersionResult estimate_disp(const MatrixXd& counts, const MatrixXd& design, const std::vector<double>& eff, bool robust, int threads) {
  DispersionResult r;
  const Index n = counts.cols(), p = design.cols();
  if (p >= n) throw core::UsageError("--method ql: the design has no residual degrees of freedom");
  const VectorXd off = log_offsets(eff);
  std::vector<Index> sel;
  for (Index g = 0; g < counts.rows(); ++g)
    if (counts.row(g).sum() >= 5) sel.push_back(g);
  r.rows_used = sel.size();
  if (sel.size() < 2) throw core::UsageError("--method ql: fewer than two features have a total count of at least 5");
  const auto ns = static_cast<Index>(sel.size());
  MatrixXd ys(ns, n);
  for (Index i = 0; i < ns; ++i) ys.row(i) = counts.row(sel[static_cast<std::size_t>(i)]);
  constexpr int kGrid = 21;
  VectorXd pts(kGrid), disp(kGrid);
  for (int i = 0; i < kGrid; ++i) {
    pts[i] = -10.0 + 20.0 * i / (kGrid - 1);
    disp[i] = 0.1 * std::pow(2.0, pts[i]);
  }
  const NbGlmFit f0 = nb_glm_fit(ys, design, off, VectorXd::Constant(ns, 0.05), threads);
  MatrixXd l0 = MatrixXd::Zero(ns, kGrid);
  core::parallel_for(static_cast<std::size_t>(ns), threads, [&](std::size_t gi) {
    const auto g = static_cast<Index>(gi);
    const VectorXd yg = ys.row(g).transpose();
    const std::vector<bool> zero = zero_fit(yg, f0.mu.row(g).transpose());
    std::vector<Index> keep;
    for (Index j = 0; j < n; ++j)
      if (!zero[static_cast<std::size_t>(j)]) keep.push_back(j);
    if (keep.empty()) return;
    MatrixXd x = design;
    VectorXd yy = yg, oo = off;
    if (static_cast<Index>(keep.size()) < n) {
      MatrixXd sub(static_cast<Index>(keep.size()), p);
      yy.resize(sub.rows());
      oo.resize(sub.rows());
      for (std::size_t k = 0; k < keep.size(); ++k) {
        sub.row(static_cast<Index>(k)) = design.row(keep[k]);
        yy[static_cast<Index>(k)] = yg[keep[k]];
        oo[static_cast<Index>(k)] = off[keep[k]];
      }
      const std::vector<int> dep = dependent_columns(sub);
      std::vector<Index> cols;
      for (Index c = 0; c < p; ++c)
        if (std::find(dep.begin(), dep.end(), static_cast<int>(c)) == dep.end()) cols.push_back(c);
      x.resize(sub.rows(), static_cast<Index>(cols.size()));
      for (std::size_t c = 0; c < cols.size(); ++c) x.col(static_cast<Index>(c)) = sub.col(cols[c]);
      if (x.rows() == x.cols()) return;
    }
    VectorXd last;
    const DesignProducts dx(x);
    for (int i = 0; i < kGrid; ++i) {
      const GeneFit gf = fit_one(yy, dx, oo, disp[i], last.size() ? &last : nullptr);
      l0(g, i) = adjusted_profile_lik(yy, gf.mu, dx, disp[i]);
      last = gf.beta;
    }
  });
  const VectorXd overall = maximize_interpolant(pts, l0.colwise().sum());
  r.common = 0.1 * std::pow(2.0, overall[0]);
  const VectorXd ave = ave_log_cpm(counts, eff, VectorXd::Constant(counts.rows(), r.common), 2.0, threads);
  r.ave_log_cpm = ave;
  VectorXd ave_sel(ns);
  for (Index i = 0; i < ns; ++i) ave_sel[i] = ave[sel[static_cast<std::size_t>(i)]];
  r.span = ns <= 50 ? 1.0 : 0.25 + 0.75 * std::sqrt(50.0 / static_cast<double>(ns));
  const MatrixXd m0 = locfit_by_col(l0, ave_sel, r.span);
  const VectorXd trend = maximize_interpolant(pts, m0);
  VectorXd disp_trend(ns);
  for (Index i = 0; i < ns; ++i) disp_trend[i] = 0.1 * std::pow(2.0, trend[i]);
  Index imin = 0;
  for (Index i = 1; i < ns; ++i)
    if (ave_sel[i] < ave_sel[imin]) imin = i;
  r.trended = VectorXd::Constant(counts.rows(), disp_trend[imin]);
  for (Index i = 0; i < ns; ++i) r.trended[sel[static_cast<std::size_t>(i)]] = disp_trend[i];
  // Tagwise: prior df from the squeezed deviances at the trend, then the weighted likelihood.
  const NbGlmFit ft = nb_glm_fit(ys, design, off, disp_trend, threads);
  VectorXd df(ns), s2(ns);
  for (Index i = 0; i < ns; ++i) {
    df[i] = resid_df(zero_fit(ys.row(i).transpose(), ft.mu.row(i).transpose()), design);
    s2[i] = df[i] == 0 ? 0.0 : std::max(0.0, ft.deviance[i] / df[i]);
  }
  const SqueezeResult sq = squeeze_var(s2, df, &ave_sel, robust);
  VectorXd prior_n = sq.df_prior / static_cast<double>(n - p);
  std::vector<double> pd(sq.df_prior.data(), sq.df_prior.data() + ns);
  std::nth_element(pd.begin(), pd.begin() + static_cast<std::ptrdiff_t>(pd.size() / 2), pd.end());
  r.prior_df = pd[pd.size() / 2];
  r.tagwise = r.trended;
  bool all_large = true;
  for (Index i = 0; i < ns; ++i) all_large = all_large && prior_n[i] > 1e6;
  if (!all_large) {
    MatrixXd la = l0;
    for (Index i = 0; i < ns; ++i) la.row(i) += std::min(prior_n[i], 1e6) * m0.row(i);
    const VectorXd ind = maximize_interpolant(pts, la);
    for (Index i = 0; i < ns; ++i)
      if (!robust || prior_n[i] <= 1e6) r.tagwise[sel[static_cast<std::size_t>(i)]] = 0.1 * std::pow(2.0, ind[i]);
  }
  return r;
}

QlFit ql_fit(const MatrixXd& counts, const MatrixXd& design, const std::vector<double>& eff, const VectorXd& dispersion,
             const VectorXd& ave, bool robust, int threads) {
  QlFit q;
  const Index n = counts.cols();
  const VectorXd off = log_offsets(eff);
  q.fit = nb_glm_fit(counts, design, off, dispersion, threads);
  // predFC with prior.count 0.125: y + prior (scaled by library size over its mean), libraries + 2 prior.
  const double mean_lib = std::accumulate(eff.begin(), eff.end(), 0.0) / static_cast<double>(n);
  VectorXd pc(n), off2(n);
  for (Index j = 0; j < n; ++j) {
    pc[j] = 0.125 * eff[static_cast<std::size_t>(j)] / mean_lib;
    off2[j] = std::log(eff[static_cast<std::size_t>(j)] + 2.0 * pc[j]);
  }
  const MatrixXd yp = counts.rowwise() + pc.transpose();
  // From the null start, as edgeR's predFC (a warm start from the unshrunk fit stops elsewhere:
  // up to 6e-4 in logFC on KIRC).
  q.coef_shrunk = nb_glm_fit(yp, design, off2, dispersion, threads).beta;
  q.dispersion = dispersion;
  q.ave_log_cpm = ave;
  const Index g = counts.rows();
  q.df_residual_zeros.resize(g);
  VectorXd s2(g);
  for (Index i = 0; i < g; ++i) {
    q.df_residual_zeros[i] = resid_df(zero_fit(counts.row(i).transpose(), q.fit.mu.row(i).transpose()), design);
    s2[i] = q.df_residual_zeros[i] == 0 ? 0.0 : std::max(0.0, q.fit.deviance[i] / q.df_residual_zeros[i]);
  }
  const SqueezeResult sq = squeeze_var(s2, q.df_residual_zeros, &ave, robust);
  q.var_post = sq.var_post;
  q.var_prior = sq.var_prior;
  q.df_prior = sq.df_prior;
  return q;
}

QlTest ql_test(const QlFit& q, const MatrixXd& counts, const MatrixXd& design, const std::vector<double>& eff, const VectorXd& contrast,
               int threads) {
  const Index g = counts.rows(), n = counts.cols(), p = design.cols();
  const VectorXd off = log_offsets(eff);
  // The null design: the design times a basis of the coefficient space orthogonal to the contrast.
  Eigen::HouseholderQR<MatrixXd> qr(contrast);
  const MatrixXd qfull = qr.householderQ() * MatrixXd::Identity(p, p);
  const MatrixXd x0 = design * qfull.rightCols(p - 1);
  const NbGlmFit f0 = nb_glm_fit(counts, x0, off, q.dispersion, threads);
  QlTest t;
  const double max_df = static_cast<double>(n - p);
  t.logfc.resize(static_cast<std::size_t>(g));
  t.logcpm.resize(static_cast<std::size_t>(g));
  t.f.resize(static_cast<std::size_t>(g));
  t.p_value.resize(static_cast<std::size_t>(g));
  std::vector<Index> below;
  t.df_total_min = std::numeric_limits<double>::infinity();
  for (Index i = 0; i < g; ++i) {
    const auto k = static_cast<std::size_t>(i);
    t.logfc[k] = q.coef_shrunk.row(i).dot(contrast) / std::log(2.0);
    t.logcpm[k] = q.ave_log_cpm[i];
    const double lr = f0.deviance[i] - q.fit.deviance[i];
    t.f[k] = lr / 1.0 / q.var_post[i];
    const double df_total = std::min(q.df_prior[i] + q.df_residual_zeros[i], static_cast<double>(g) * max_df);
    t.df_total_min = std::min(t.df_total_min, df_total);
    t.p_value[k] = std::exp(log_pf_upper(t.f[k], 1.0, df_total));
    bool b = false;
    for (Index j = 0; j < n && !b; ++j) b = (1.0 + q.dispersion[i] * q.fit.mu(i, j)) * q.var_post[i] < 1.0;
    if (b) below.push_back(i);
  }
  if (!below.empty()) {
    // Poisson bound: the P-value is at least that of a Poisson likelihood-ratio test.
    const auto nb = static_cast<Index>(below.size());
    MatrixXd yb(nb, n), start(nb, p);
    for (Index k = 0; k < nb; ++k) {
      yb.row(k) = counts.row(below[static_cast<std::size_t>(k)]);
      start.row(k) = q.fit.beta.row(below[static_cast<std::size_t>(k)]);
    }
    const VectorXd zero = VectorXd::Zero(nb);
    const NbGlmFit pf = nb_glm_fit(yb, design, off, zero, threads, &start);
    const NbGlmFit p0 = nb_glm_fit(yb, x0, off, zero, threads);
    for (Index k = 0; k < nb; ++k) {
      const double pp = pchisq_upper(p0.deviance[k] - pf.deviance[k], 1.0);
      auto& pv = t.p_value[static_cast<std::size_t>(below[static_cast<std::size_t>(k)])];
      pv = std::max(pv, pp);
    }
  }
  t.fdr = p_adjust_bh(t.p_value);
  t.order = order_by_p_value(t.p_value);
  return t;
}

}  // namespace lscmir::stats
