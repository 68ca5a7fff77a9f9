// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/stats/norm_factors.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "lscmir/core/error.hpp"
#include "lscmir/core/memory.hpp"
#include "lscmir/core/parallel.hpp"

namespace lscmir::stats {
namespace {

/// For each element, whether its average rank (R's rank(), ties averaged; 1-based) lies in
/// [lo, hi], in O(n): values strictly between the lo-th and hi-th order statistics always do,
/// values outside never do, and only values equal to those two order statistics need their
/// average rank computed from counts.
std::vector<char> rank_in_range(const std::vector<double>& v, double lo, double hi) {
  const std::size_t n = v.size();
  std::vector<char> keep(n, 0);
  if (n == 0 || lo > hi) return keep;
  std::vector<double> tmp(v);
  const auto ilo = static_cast<std::size_t>(std::max(1.0, std::ceil(lo))) - 1;
  const auto ihi = std::min(n, static_cast<std::size_t>(std::floor(hi))) - 1;
  std::nth_element(tmp.begin(), tmp.begin() + static_cast<std::ptrdiff_t>(ilo), tmp.end());
  const double a = tmp[ilo];
  // The values after position ilo are the ones above it (and those before, below), so the
  // hi-th order statistic is searched on that side only.
  const auto at = [&](std::size_t i) { return tmp.begin() + static_cast<std::ptrdiff_t>(i); };
  if (ihi > ilo) std::nth_element(at(ilo + 1), at(ihi), tmp.end());
  else if (ihi < ilo) std::nth_element(tmp.begin(), at(ihi), at(ilo));
  const double b = tmp[ihi];
  double less_a = 0, eq_a = 0, less_b = 0, eq_b = 0;
  for (double x : v) {
    less_a += x < a;
    eq_a += x == a;
    less_b += x < b;
    eq_b += x == b;
  }
  const double rank_a = less_a + (eq_a + 1) / 2, rank_b = less_b + (eq_b + 1) / 2;
  const bool keep_a = rank_a >= lo && rank_a <= hi, keep_b = rank_b >= lo && rank_b <= hi;
  for (std::size_t i = 0; i < n; ++i) {
    const double x = v[i];
    if (x == a) keep[i] = keep_a;
    else if (x == b) keep[i] = keep_b;
    else keep[i] = x > a && x < b;
  }
  return keep;
}

/// TMM factor of one sample against the reference (Robinson & Oshlack 2010, eq. 1-3).
/// `log_ref` is log2(ref / n_ref) per feature, computed once for every sample. A feature with a
/// zero count in either library has an infinite log ratio and is skipped before any logarithm;
/// the log ratio is log2 of the quotient, as edgeR writes it, not a difference of logarithms, so
/// tied ratios stay tied for the rank trims.
double tmm_factor(const Eigen::VectorXd& obs, const Eigen::VectorXd& ref, const std::vector<double>& log_ref, double n_obs,
                  double n_ref) {
  constexpr double kLogRatioTrim = 0.3, kSumTrim = 0.05;
  std::vector<double> log_r, abs_e, var;
  const auto ng = static_cast<std::size_t>(obs.size());
  log_r.reserve(ng);
  abs_e.reserve(ng);
  var.reserve(ng);
  for (Eigen::Index g = 0; g < obs.size(); ++g) {
    const double o = obs[g], r = ref[g];
    if (!(o > 0) || !(r > 0)) continue;
    const double lr = std::log2((o / n_obs) / (r / n_ref));
    const double ae = (std::log2(o / n_obs) + log_ref[static_cast<std::size_t>(g)]) / 2.0;
    if (!std::isfinite(lr) || !std::isfinite(ae) || !(ae > -1e10)) continue;
    log_r.push_back(lr);
    abs_e.push_back(ae);
    var.push_back((n_obs - o) / n_obs / o + (n_ref - r) / n_ref / r);
  }
  if (log_r.empty()) return 1.0;
  double max_abs = 0.0;
  for (double v : log_r) max_abs = std::max(max_abs, std::fabs(v));
  if (max_abs < 1e-6) return 1.0;
  const double n = static_cast<double>(log_r.size());
  const double lo_l = std::floor(n * kLogRatioTrim) + 1, hi_l = n + 1 - lo_l;
  const double lo_s = std::floor(n * kSumTrim) + 1, hi_s = n + 1 - lo_s;
  const auto keep_l = rank_in_range(log_r, lo_l, hi_l);
  const auto keep_s = rank_in_range(abs_e, lo_s, hi_s);
  double num = 0.0, den = 0.0;
  for (std::size_t k = 0; k < log_r.size(); ++k) {
    if (keep_l[k] && keep_s[k]) {
      num += log_r[k] / var[k];
      den += 1.0 / var[k];
    }
  }
  const double f = num / den;
  return std::isnan(f) ? 1.0 : std::exp2(f);
}

}  // namespace

bool parse_norm_method(std::string_view text, NormMethod& out) {
  std::string t(text);
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (t == "tmm") out = NormMethod::kTMM;
  else if (t == "upperquartile" || t == "uq") out = NormMethod::kUpperQuartile;
  else if (t == "rle") out = NormMethod::kRLE;
  else if (t == "none") out = NormMethod::kNone;
  else return false;
  return true;
}

const char* to_string(NormMethod m) {
  switch (m) {
    case NormMethod::kTMM: return "TMM";
    case NormMethod::kUpperQuartile: return "upperquartile";
    case NormMethod::kRLE: return "RLE";
    case NormMethod::kNone: return "none";
  }
  return "?";
}

double quantile7(std::vector<double> v, double p) {
  const std::size_t n = v.size();
  if (n == 0) return std::nan("");
  const double index = 1.0 + static_cast<double>(n - 1) * p;
  const auto lo = static_cast<std::size_t>(std::floor(index));
  const auto lo_it = v.begin() + static_cast<std::ptrdiff_t>(lo - 1);
  std::nth_element(v.begin(), lo_it, v.end());
  double q = *lo_it;
  const double h = index - static_cast<double>(lo);
  if (index > static_cast<double>(lo)) {
    const double next = *std::min_element(lo_it + 1, v.end());  // the order statistic at hi
    if (next != q) q = (1.0 - h) * q + h * next;
  }
  return q;
}

double median(std::vector<double> v) {
  const std::size_t n = v.size();
  if (n == 0) return std::nan("");
  const std::size_t half = n / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(half), v.end());
  if (n % 2 == 1) return v[half];
  const double upper = v[half];
  const double lower = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(half));
  return (lower + upper) / 2.0;
}

std::vector<double> library_sizes(const Eigen::MatrixXd& counts, int threads) {
  std::vector<double> out(static_cast<std::size_t>(counts.cols()));
  core::parallel_for(out.size(), threads,
                     [&](std::size_t j) { out[j] = counts.col(static_cast<Eigen::Index>(j)).sum(); });
  return out;
}

std::vector<char> nonzero_features(const Eigen::MatrixXd& counts, int threads) {
  std::vector<char> nz(static_cast<std::size_t>(counts.rows()), 0);
  core::parallel_for_chunks(nz.size(), threads, [&](std::size_t b, std::size_t e) {
    for (Eigen::Index j = 0; j < counts.cols(); ++j) {
      const double* c = counts.col(j).data();
      for (std::size_t g = b; g < e; ++g) nz[g] |= static_cast<char>(c[g] != 0.0);
    }
  });
  return nz;
}

std::vector<double> norm_factors(const Eigen::MatrixXd& x, const std::vector<double>& lib_size, NormMethod method,
                                 int threads) {
  const auto ns = static_cast<std::size_t>(x.cols());
  core::ensure(lib_size.size() == ns, "norm_factors: lib_size length");
  // Features that are zero in every sample are dropped (edgeR). They change no factor but the
  // upper quartile's, which is therefore taken over the kept features only; TMM skips them (an
  // infinite log ratio), RLE too (a geometric mean of 0), and they add nothing to a column sum.
  const std::vector<char> nz = nonzero_features(x, threads);
  std::vector<Eigen::Index> kept;
  kept.reserve(nz.size());
  for (std::size_t g = 0; g < nz.size(); ++g)
    if (nz[g]) kept.push_back(static_cast<Eigen::Index>(g));
  const bool all_kept = kept.size() == nz.size();
  if (kept.empty() || ns == 1) method = NormMethod::kNone;

  std::vector<double> f(ns, 1.0);
  auto column = [&](std::size_t j) {
    const auto c = x.col(static_cast<Eigen::Index>(j));
    if (all_kept) return std::vector<double>(c.data(), c.data() + c.size());
    std::vector<double> v(kept.size());
    for (std::size_t k = 0; k < kept.size(); ++k) v[k] = c[kept[k]];
    return v;
  };
  switch (method) {
    case NormMethod::kNone:
      break;
    case NormMethod::kUpperQuartile:
      core::parallel_for(ns, threads, [&](std::size_t j) { f[j] = quantile7(column(j), 0.75) / lib_size[j]; });
      break;
    case NormMethod::kRLE: {
      // Geometric mean per feature over samples; features with any zero have geometric mean 0
      // and are excluded from each sample's median ratio.
      Eigen::VectorXd gm(static_cast<Eigen::Index>(kept.size()));
      for (std::size_t k = 0; k < kept.size(); ++k)
        gm[static_cast<Eigen::Index>(k)] = std::exp(x.row(kept[k]).array().log().mean());
      core::parallel_for(ns, threads, [&](std::size_t j) {
        std::vector<double> ratios;
        for (std::size_t k = 0; k < kept.size(); ++k)
          if (gm[static_cast<Eigen::Index>(k)] > 0)
            ratios.push_back(x(kept[k], static_cast<Eigen::Index>(j)) / gm[static_cast<Eigen::Index>(k)]);
        f[j] = median(ratios) / lib_size[j];
      });
      break;
    }
    case NormMethod::kTMM: {
      std::vector<double> f75(ns);
      core::parallel_for(ns, threads, [&](std::size_t j) { f75[j] = quantile7(column(j), 0.75) / lib_size[j]; });
      std::size_t ref = 0;
      if (median(f75) < 1e-20) {
        double best = -1;
        for (std::size_t j = 0; j < ns; ++j) {
          const double s = x.col(static_cast<Eigen::Index>(j)).array().sqrt().sum();
          if (s > best) { best = s; ref = j; }
        }
      } else {
        const double mean75 = std::accumulate(f75.begin(), f75.end(), 0.0) / static_cast<double>(ns);
        double best = std::numeric_limits<double>::infinity();
        for (std::size_t j = 0; j < ns; ++j) {
          const double d = std::fabs(f75[j] - mean75);
          if (d < best) { best = d; ref = j; }
        }
      }
      const auto rc = x.col(static_cast<Eigen::Index>(ref));
      std::vector<double> log_ref(static_cast<std::size_t>(x.rows()));
      for (Eigen::Index g = 0; g < x.rows(); ++g) log_ref[static_cast<std::size_t>(g)] = std::log2(rc[g] / lib_size[ref]);
      core::parallel_for(ns, threads, [&](std::size_t j) {
        f[j] = tmm_factor(x.col(static_cast<Eigen::Index>(j)), rc, log_ref, lib_size[j], lib_size[ref]);
      });
      break;
    }
  }
  double log_sum = 0.0;
  for (std::size_t j = 0; j < ns; ++j) {
    if (!(f[j] > 0) || !std::isfinite(f[j]))
      throw core::NumericalError("normalization factor of sample " + std::to_string(j + 1) + " is " +
                                 std::to_string(f[j]) + " (" + to_string(method) +
                                 "): the library is empty or too sparse; try --norm none or drop the sample");
    log_sum += std::log(f[j]);
  }
  const double gmean = std::exp(log_sum / static_cast<double>(ns));
  for (auto& v : f) v /= gmean;
  return f;
}

Eigen::MatrixXd log_cpm(const Eigen::MatrixXd& counts, const std::vector<double>& eff_lib_size, double prior_count,
                        int threads) {
  const auto ns = static_cast<std::size_t>(counts.cols());
  const double mean_lib = std::accumulate(eff_lib_size.begin(), eff_lib_size.end(), 0.0) / static_cast<double>(ns);
  Eigen::MatrixXd out(counts.rows(), counts.cols());
  core::prefer_huge_pages(out);
  core::parallel_for(ns, threads, [&](std::size_t j) {
    const double prior = prior_count * eff_lib_size[j] / mean_lib;
    const double lib = eff_lib_size[j] + 2.0 * prior;
    const auto jj = static_cast<Eigen::Index>(j);
    for (Eigen::Index g = 0; g < counts.rows(); ++g) out(g, jj) = std::log2((counts(g, jj) + prior) / lib * 1e6);
  });
  return out;
}

std::vector<bool> filter_by_expr(const Eigen::MatrixXd& counts, const Eigen::MatrixXd& design, const std::vector<double>& lib_size,
                                 const FilterByExprOptions& o) {
  const Eigen::Index ng = counts.rows(), n = counts.cols();
  // Leverages of [1, X] (R's hat(design) adds an intercept column).
  Eigen::MatrixXd x1(n, design.cols() + 1);
  x1.col(0).setOnes();
  x1.rightCols(design.cols()) = design;
  Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(x1);
  qr.setThreshold(1e-7);
  const Eigen::MatrixXd q1 = qr.householderQ() * Eigen::MatrixXd::Identity(n, qr.rank());
  double min_size = 1.0 / q1.rowwise().squaredNorm().maxCoeff();
  if (min_size > o.large_n) min_size = o.large_n + (min_size - o.large_n) * o.min_prop;
  const double cutoff = o.min_count / median(lib_size) * 1e6;
  constexpr double kTol = 1e-14;
  std::vector<bool> keep(static_cast<std::size_t>(ng));
  for (Eigen::Index g = 0; g < ng; ++g) {
    double total = 0;
    int above = 0;
    for (Eigen::Index j = 0; j < n; ++j) {
      total += counts(g, j);
      if (counts(g, j) / lib_size[static_cast<std::size_t>(j)] * 1e6 >= cutoff) ++above;
    }
    keep[static_cast<std::size_t>(g)] = above >= min_size - kTol && total >= o.min_total_count - kTol;
  }
  return keep;
}

}  // namespace lscmir::stats
