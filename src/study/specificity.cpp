// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/study/specificity.hpp"

#include <cmath>
#include <limits>
#include <unordered_map>

#include "lscmir/core/error.hpp"
#include "lscmir/io/number.hpp"
#include "lscmir/io/table.hpp"
#include "lscmir/stats/distributions.hpp"
#include "lscmir/stats/p_adjust.hpp"

namespace lscmir::study {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Total df of a t distribution whose 97.5% quantile is q (Inf when q is at the normal's).
double df_from_quantile(double q) {
  constexpr double z975 = stats::kNormalQuantile975;
  if (!(q > z975 * (1 + 1e-12))) return std::numeric_limits<double>::infinity();
  // P(T > q) = 0.025 grows with df decreasing; bisect log(df).
  double lo = std::log(1e-3), hi = std::log(1e9);
  if (stats::pt_upper(q, std::exp(hi)) > 0.025) return std::numeric_limits<double>::infinity();
  for (int it = 0; it < 200 && hi - lo > 1e-14; ++it) {
    const double mid = 0.5 * (lo + hi);
    if (stats::pt_upper(q, std::exp(mid)) > 0.025) lo = mid;
    else hi = mid;
  }
  return std::exp(0.5 * (lo + hi));
}

}  // namespace

DeTable DeTable::flipped() const {
  DeTable f = *this;
  for (std::size_t i = 0; i < features.size(); ++i) {
    f.logfc[i] = -logfc[i];
    f.t[i] = -t[i];
    f.ci_l[i] = -ci_r[i];
    f.ci_r[i] = -ci_l[i];
  }
  return f;
}

DeTable read_de_table(const std::string& path) {
  const io::Table t = io::read_table(path);
  DeTable d;
  d.path = path;
  if (t.find_column("CI.L") == io::Table::npos && t.find_column("F") != io::Table::npos && t.find_column("PValue") != io::Table::npos)
    throw core::InputError(path, 1,
                           "an edgeR quasi-likelihood table (lscmir de --method ql: feature logFC logCPM F PValue FDR) has no treat "
                           "test of |logFC| > lfc, which the specificity classes need; run lscmir de with --method voom, trend or lm");
  const std::size_t cf = t.require_column("feature"), cl = t.require_column("logFC"), cil = t.require_column("CI.L"),
                    cir = t.require_column("CI.R"), ct = t.require_column("t"), cp = t.require_column("P.Value"),
                    ca = t.require_column("adj.P.Val");
  std::unordered_map<std::string, std::size_t> seen;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    const auto& row = t.rows[r];
    const auto [it, fresh] = seen.emplace(row[cf], t.line_numbers[r]);
    if (!fresh)
      throw core::InputError(path, t.line_numbers[r],
                             "duplicate feature \"" + row[cf] + "\" (first seen on line " + std::to_string(it->second) + ")");
    d.features.push_back(row[cf]);
    d.logfc.push_back(io::number_cell(t, r, cl));
    d.ci_l.push_back(io::number_cell(t, r, cil));
    d.ci_r.push_back(io::number_cell(t, r, cir));
    d.t.push_back(io::number_cell(t, r, ct));
    d.p_value.push_back(io::number_cell(t, r, cp));
    d.adj_p_value.push_back(io::number_cell(t, r, ca));
  }
  if (d.features.empty()) throw core::InputError(path, 1, "the DE table has no rows");
  return d;
}

double treat_p_from_row(double logfc, double ci_l, double ci_r, double t, double lfc) {
  if (std::isnan(logfc) || std::isnan(t) || std::isnan(ci_l) || std::isnan(ci_r)) return kNaN;
  if (logfc == 0.0 || t == 0.0) return 1.0;
  const double se = logfc / t;
  if (!(se > 0) || !std::isfinite(se)) return kNaN;
  const double df = df_from_quantile(0.5 * (ci_r - ci_l) / se);
  const double a = std::fabs(logfc);
  return std::min(1.0, stats::pt_upper((a - lfc) / se, df) + stats::pt_upper((a + lfc) / se, df));
}

const char* to_string(SpecificityClass c) {
  switch (c) {
    case SpecificityClass::kLscSpecific: return "LSC-specific";
    case SpecificityClass::kLscDepleted: return "LSC-depleted";
    case SpecificityClass::kHscSpecific: return "HSC-specific";
    case SpecificityClass::kStemShared: return "stem-shared";
    case SpecificityClass::kLeukemiaWide: return "leukemia-wide";
    case SpecificityClass::kNone: return "none";
  }
  return "?";
}

std::vector<SpecificityRow> classify(const DeTable& lsc_hsc, const DeTable& lsc_lpc, const DeTable& hsc_lpc,
                                     const SpecificityOptions& o, std::size_t* missing) {
  std::unordered_map<std::string, std::size_t> in2, in3;
  for (std::size_t i = 0; i < lsc_lpc.features.size(); ++i) in2.emplace(lsc_lpc.features[i], i);
  for (std::size_t i = 0; i < hsc_lpc.features.size(); ++i) in3.emplace(hsc_lpc.features[i], i);
  std::vector<SpecificityRow> rows;
  std::size_t miss = 0;  // features of the first table not in the other two
  const DeTable* tabs[3] = {&lsc_hsc, &lsc_lpc, &hsc_lpc};
  for (std::size_t i = 0; i < lsc_hsc.features.size(); ++i) {
    const auto a = in2.find(lsc_hsc.features[i]), b = in3.find(lsc_hsc.features[i]);
    if (a == in2.end() || b == in3.end()) {
      ++miss;
      continue;
    }
    SpecificityRow r;
    r.feature = lsc_hsc.features[i];
    const std::size_t idx[3] = {i, a->second, b->second};
    for (int k = 0; k < 3; ++k) {
      const DeTable& d = *tabs[k];
      const std::size_t j = idx[k];
      r.logfc[k] = d.logfc[j];
      r.adj_p[k] = d.adj_p_value[j];
      r.p_treat[k] = treat_p_from_row(d.logfc[j], d.ci_l[j], d.ci_r[j], d.t[j], o.lfc);
    }
    rows.push_back(std::move(r));
  }
  if (missing) {  // |union| - |intersection|
    std::unordered_map<std::string, int> all;
    for (const DeTable* d : tabs)
      for (const auto& f : d->features) ++all[f];
    *missing = all.size() - rows.size();
  }
  (void)miss;

  // Class k: two contrasts with required signs; IUT p = max of the treat p-values.
  struct Rule {
    SpecificityClass cls;
    int c1, s1, c2, s2;  // contrast index and required sign (+1 / -1)
  };
  const Rule rules[] = {
      {SpecificityClass::kLscSpecific, 0, +1, 1, +1},  // LSC > HSC, LSC > LPC
      {SpecificityClass::kLscDepleted, 0, -1, 1, -1},  // LSC < HSC, LSC < LPC
      {SpecificityClass::kHscSpecific, 0, -1, 2, +1},  // HSC > LSC, HSC > LPC
      {SpecificityClass::kStemShared, 1, +1, 2, +1},   // LSC > LPC, HSC > LPC (and LSC ~ HSC)
  };
  const std::size_t n = rows.size();
  std::vector<std::vector<double>> p(5, std::vector<double>(n, kNaN));
  auto iut = [](double l1, double p1, int s1, double l2, double p2, int s2) {
    if (std::isnan(p1) || std::isnan(p2) || std::isnan(l1) || std::isnan(l2)) return kNaN;
    if (l1 * s1 <= 0 || l2 * s2 <= 0) return 1.0;
    return std::max(p1, p2);
  };
  for (std::size_t i = 0; i < n; ++i) {
    const auto& r = rows[i];
    for (int k = 0; k < 4; ++k) {
      const Rule& u = rules[k];
      p[k][i] = iut(r.logfc[u.c1], r.p_treat[u.c1], u.s1, r.logfc[u.c2], r.p_treat[u.c2], u.s2);
    }
    // leukemia-wide: LSC - HSC and LPC - HSC (= -(HSC - LPC)) on the same side
    const double up = iut(r.logfc[0], r.p_treat[0], +1, r.logfc[2], r.p_treat[2], -1);
    const double down = iut(r.logfc[0], r.p_treat[0], -1, r.logfc[2], r.p_treat[2], +1);
    p[4][i] = std::isnan(up) ? kNaN : std::min(up, down);
  }
  std::vector<std::vector<double>> fdr(5);
  for (int k = 0; k < 5; ++k) fdr[k] = stats::p_adjust_bh(p[k]);
  for (std::size_t i = 0; i < n; ++i) {
    auto& r = rows[i];
    r.p_class = kNaN;
    r.fdr_class = kNaN;
    for (int k = 0; k < 5; ++k) {
      if (!(fdr[k][i] < o.fdr)) continue;
      if (k == 3 && !(r.adj_p[0] >= o.fdr)) continue;  // stem-shared: LSC and HSC not different
      r.cls = k == 4 ? SpecificityClass::kLeukemiaWide : rules[k].cls;
      r.p_class = p[k][i];
      r.fdr_class = fdr[k][i];
      break;
    }
  }
  return rows;
}

}  // namespace lscmir::study
