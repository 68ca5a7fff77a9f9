// SPDX-License-Identifier: GPL-3.0-or-later
// LOWESS as described by Cleveland (1979, JASA 74:829) and implemented by R's stats::lowess:
// a local linear fit at each x_i over its ns = floor(f n) nearest neighbours with tricube weights,
// points within delta of the previous fit interpolated, and robustness iterations with bisquare
// weights on residuals scaled by 6 x their median absolute value.
#include "lscmir/stats/lowess.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "lscmir/core/error.hpp"

namespace lscmir::stats {
namespace {

/// Local weighted linear fit at xs using points [nleft, nright] (and beyond, while within h).
/// Returns false when all weights are zero.
bool local_fit(const std::vector<double>& x, const std::vector<double>& y, double xs, std::size_t nleft,
               std::size_t nright, std::vector<double>& w, bool use_rw, const std::vector<double>& rw,
               double& ys) {
  const std::size_t n = x.size();
  const double range = x[n - 1] - x[0];
  const double h = std::max(xs - x[nleft], x[nright] - xs);
  const double h9 = 0.999 * h;
  const double h1 = 0.001 * h;
  double a = 0.0;
  std::size_t j = nleft;
  while (j < n) {
    w[j] = 0.0;
    const double r = std::fabs(x[j] - xs);
    if (r <= h9) {
      if (r <= h1) {
        w[j] = 1.0;
      } else {
        const double q = r / h;
        const double c = 1.0 - q * q * q;
        w[j] = c * c * c;
      }
      if (use_rw) w[j] *= rw[j];
      a += w[j];
    } else if (x[j] > xs) {
      break;
    }
    ++j;
  }
  const std::size_t nrt = j - 1;
  if (a <= 0.0) return false;
  for (j = nleft; j <= nrt; ++j) w[j] /= a;
  if (h > 0.0) {
    a = 0.0;
    for (j = nleft; j <= nrt; ++j) a += w[j] * x[j];
    double b = xs - a;
    double c = 0.0;
    for (j = nleft; j <= nrt; ++j) c += w[j] * (x[j] - a) * (x[j] - a);
    if (std::sqrt(c) > 0.001 * range) {
      b /= c;
      for (j = nleft; j <= nrt; ++j) w[j] *= (b * (x[j] - a) + 1.0);
    }
  }
  ys = 0.0;
  for (j = nleft; j <= nrt; ++j) ys += w[j] * y[j];
  return true;
}

void lowess_sorted(const std::vector<double>& x, const std::vector<double>& y, double f, int nsteps, double delta,
                   std::vector<double>& ys) {
  const std::size_t n = x.size();
  ys.assign(n, 0.0);
  if (n < 2) {
    ys[0] = y[0];
    return;
  }
  // ns: points in each neighbourhood, at least 2 and at most n.
  std::size_t ns = static_cast<std::size_t>(f * static_cast<double>(n) + 1e-7);
  ns = std::max<std::size_t>(2, std::min(n, ns));
  std::vector<double> rw(n, 0.0), res(n, 0.0), w(n, 0.0), tmp(n);
  for (int iter = 1; iter <= nsteps + 1; ++iter) {
    std::size_t nleft = 0, nright = ns - 1;
    std::ptrdiff_t last = -1;
    std::size_t i = 0;
    for (;;) {
      if (nright < n - 1) {
        const double d1 = x[i] - x[nleft];
        const double d2 = x[nright + 1] - x[i];
        if (d1 > d2) {
          ++nleft;
          ++nright;
          continue;
        }
      }
      double fit = 0.0;
      const bool ok = local_fit(x, y, x[i], nleft, nright, w, iter > 1, rw, fit);
      ys[i] = ok ? fit : y[i];
      if (last < static_cast<std::ptrdiff_t>(i) - 1) {
        const auto l = static_cast<std::size_t>(last);
        const double denom = x[i] - x[l];
        for (std::size_t j = l + 1; j < i; ++j) {
          const double alpha = (x[j] - x[l]) / denom;
          ys[j] = alpha * ys[i] + (1.0 - alpha) * ys[l];
        }
      }
      last = static_cast<std::ptrdiff_t>(i);
      const auto l = static_cast<std::size_t>(last);
      const double cut = x[l] + delta;
      std::size_t k = l + 1;
      for (; k < n; ++k) {
        if (x[k] > cut) break;
        if (x[k] == x[static_cast<std::size_t>(last)]) {
          ys[k] = ys[static_cast<std::size_t>(last)];
          last = static_cast<std::ptrdiff_t>(k);
        }
      }
      i = std::max(static_cast<std::size_t>(last) + 1, k - 1);
      if (static_cast<std::size_t>(last) >= n - 1) break;
    }
    for (std::size_t j = 0; j < n; ++j) res[j] = y[j] - ys[j];
    double sc = 0.0;
    for (std::size_t j = 0; j < n; ++j) sc += std::fabs(res[j]);
    sc /= static_cast<double>(n);
    if (iter > nsteps) break;
    for (std::size_t j = 0; j < n; ++j) tmp[j] = std::fabs(res[j]);
    const std::size_t m1 = n / 2;
    std::nth_element(tmp.begin(), tmp.begin() + static_cast<std::ptrdiff_t>(m1), tmp.end());
    double cmad;
    if (n % 2 == 0) {
      const double v1 = tmp[m1];
      const std::size_t m2 = n - m1 - 1;
      std::nth_element(tmp.begin(), tmp.begin() + static_cast<std::ptrdiff_t>(m2), tmp.end());
      cmad = 3.0 * (v1 + tmp[m2]);
    } else {
      cmad = 6.0 * tmp[m1];
    }
    if (cmad < 1e-7 * sc) break;
    const double c9 = 0.999 * cmad, c1 = 0.001 * cmad;
    for (std::size_t j = 0; j < n; ++j) {
      const double r = std::fabs(res[j]);
      if (r <= c1) {
        rw[j] = 1.0;
      } else if (r <= c9) {
        const double q = r / cmad;
        rw[j] = (1.0 - q * q) * (1.0 - q * q);
      } else {
        rw[j] = 0.0;
      }
    }
  }
}

}  // namespace

LowessResult lowess(const std::vector<double>& x, const std::vector<double>& y, double f, int iterations,
                    double delta) {
  core::ensure(x.size() == y.size(), "lowess: x and y differ in length");
  LowessResult out;
  const std::size_t n = x.size();
  if (n == 0) return out;
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  out.x.resize(n);
  std::vector<double> ys(n);
  for (std::size_t i = 0; i < n; ++i) {
    out.x[i] = x[order[i]];
    ys[i] = y[order[i]];
  }
  if (delta < 0) delta = 0.01 * (out.x[n - 1] - out.x[0]);
  lowess_sorted(out.x, ys, f, iterations, delta, out.y);
  return out;
}

LinearInterpolator::LinearInterpolator(const std::vector<double>& sorted_x, const std::vector<double>& y) {
  core::ensure(sorted_x.size() == y.size() && !sorted_x.empty(), "interpolator needs equal, non-empty inputs");
  std::size_t i = 0;
  while (i < sorted_x.size()) {
    std::size_t j = i;
    double sum = 0.0;
    while (j < sorted_x.size() && sorted_x[j] == sorted_x[i]) sum += y[j++];
    x_.push_back(sorted_x[i]);
    y_.push_back(sum / static_cast<double>(j - i));
    i = j;
  }
  const std::size_t nb = 2 * x_.size();
  bucket_width_ = (x_.back() - x_.front()) / static_cast<double>(nb);
  if (x_.size() > 1 && bucket_width_ > 0) {
    bucket_start_.resize(nb + 1);
    std::size_t k = 0;
    for (std::size_t b = 0; b <= nb; ++b) {
      const double edge = x_.front() + static_cast<double>(b) * bucket_width_;
      while (k + 1 < x_.size() && x_[k + 1] <= edge) ++k;
      bucket_start_[b] = k;
    }
  }
}

double LinearInterpolator::operator()(double v) const {
  if (std::isnan(v)) return v;
  if (v <= x_.front()) return y_.front();
  if (v >= x_.back()) return y_.back();
  // i = the last knot with x_[i] <= v (x_.front() < v < x_.back() here).
  std::size_t i;
  if (bucket_start_.empty()) {
    i = static_cast<std::size_t>(std::upper_bound(x_.begin(), x_.end(), v) - x_.begin()) - 1;
  } else {
    auto b = static_cast<std::size_t>((v - x_.front()) / bucket_width_);
    b = std::min(b, bucket_start_.size() - 1);
    i = bucket_start_[b];
    while (i > 0 && x_[i] > v) --i;
    while (i + 1 < x_.size() && x_[i + 1] <= v) ++i;
  }
  const std::size_t j = i + 1;
  if (v == x_[i]) return y_[i];
  return y_[i] + (y_[j] - y_[i]) * ((v - x_[i]) / (x_[j] - x_[i]));
}

}  // namespace lscmir::stats
