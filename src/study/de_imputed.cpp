// SPDX-License-Identifier: GPL-3.0-or-later
// DE over multiply imputed log-expression (lscmir qpcr --impute em-multiple): the imputations
// table and Rubin's rules over the per-draw fits (docs/statistics.md).
#include <algorithm>
#include <limits>
#include <set>
#include <sstream>

#include <fmt/core.h>

#include "lscmir/core/error.hpp"
#include "lscmir/io/number.hpp"
#include "lscmir/io/table.hpp"
#include "lscmir/stats/p_adjust.hpp"
#include "lscmir/stats/rubin.hpp"
#include "lscmir/stats/top_table.hpp"
#include "lscmir/study/de.hpp"

namespace lscmir::study {

ImputationDraws read_imputations(const std::string& path) {
  const io::Table t = io::read_table(path);
  ImputationDraws d;
  d.path = path;
  const std::size_t fc = t.require_column("feature"), sc = t.require_column("sample");
  std::vector<std::size_t> draw_cols;
  for (int k = 1;; ++k) {
    const std::size_t c = t.find_column("draw_" + std::to_string(k));
    if (c == io::Table::npos) break;
    draw_cols.push_back(c);
  }
  if (draw_cols.size() < 2)
    throw core::InputError(path, 1, fmt::format("expected columns feature, sample, draw_1, draw_2, ... (at least two draws; found {})",
                                                draw_cols.size()));
  d.value.assign(draw_cols.size(), {});
  std::set<std::pair<std::string, std::string>> seen;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    d.feature.push_back(t.rows[r][fc]);
    d.sample.push_back(t.rows[r][sc]);
    d.line.push_back(t.line_numbers[r]);
    if (!seen.insert({t.rows[r][fc], t.rows[r][sc]}).second)
      throw core::InputError(path, t.line_numbers[r], "feature \"" + t.rows[r][fc] + "\" and sample \"" + t.rows[r][sc] + "\" are given twice");
    for (std::size_t k = 0; k < draw_cols.size(); ++k) {
      double v = 0.0;
      if (!io::parse_finite(t.rows[r][draw_cols[k]], v))
        throw core::InputError(path, t.line_numbers[r], "draw_" + std::to_string(k + 1) + ": expected a finite number, got \"" + t.rows[r][draw_cols[k]] + "\"");
      d.value[k].push_back(v);
    }
  }
  return d;
}

DeResult differential_expression_mi(const DeOptions& o, const io::LabeledMatrix& mat, const ImputationDraws& draws,
                                    const io::SampleSheet& sheet, int threads, core::Logger& log) {
  if (o.lfc) throw core::UsageError("--imputations with --lfc (treat) is not supported: Rubin's rules pool the plain contrast");
  // The cells the draws replace.
  std::vector<std::pair<Eigen::Index, Eigen::Index>> cells;
  for (std::size_t r = 0; r < draws.feature.size(); ++r) {
    const auto f = std::find(mat.features.begin(), mat.features.end(), draws.feature[r]);
    const auto s = std::find(mat.samples.begin(), mat.samples.end(), draws.sample[r]);
    if (f == mat.features.end())
      throw core::InputError(draws.path, draws.line[r], "feature \"" + draws.feature[r] + "\" is not in " + mat.path);
    if (s == mat.samples.end()) throw core::InputError(draws.path, draws.line[r], "sample \"" + draws.sample[r] + "\" is not in " + mat.path);
    cells.emplace_back(f - mat.features.begin(), s - mat.samples.begin());
  }
  DeResult r = differential_expression(o, mat, false, sheet, threads, log);
  const std::size_t m = draws.value.size();
  std::vector<DeResult> fits;
  fits.reserve(m);
  std::ostringstream quiet_sink;
  core::Logger quiet(quiet_sink, core::LogLevel::kError);
  for (std::size_t k = 0; k < m; ++k) {
    io::LabeledMatrix x = mat;
    for (std::size_t c = 0; c < cells.size(); ++c) x.values(cells[c].first, cells[c].second) = draws.value[k][c];
    fits.push_back(differential_expression(o, std::move(x), false, sheet, threads, quiet));
  }
  for (std::size_t c = 0; c < r.contrasts.size(); ++c) {
    stats::TopTable& tt = r.contrasts[c].table;
    const std::size_t ng = tt.logfc.size();
    tt.fmi.assign(ng, 0.0);
    std::vector<double> q(m), u(m);
    for (std::size_t g = 0; g < ng; ++g) {
      double nu = 0.0, ave = 0.0;
      for (std::size_t k = 0; k < m; ++k) {
        const stats::TopTable& d = fits[k].contrasts[c].table;
        q[k] = d.logfc[g];
        u[k] = d.se[g] * d.se[g];
        nu += d.df[g] / static_cast<double>(m);
        ave += d.ave_expr[g] / static_cast<double>(m);
      }
      const stats::RubinPooled p = stats::rubin_pool(q, u, nu);
      tt.logfc[g] = p.estimate;
      tt.ci_l[g] = p.ci_l;
      tt.ci_r[g] = p.ci_r;
      tt.ave_expr[g] = ave;
      tt.t[g] = p.t;
      tt.p_value[g] = p.p;
      tt.b[g] = std::numeric_limits<double>::quiet_NaN();
      tt.se[g] = p.se;
      tt.df[g] = p.df;
      tt.fmi[g] = p.fmi;
    }
    tt.adj_p_value = stats::p_adjust_bh(tt.p_value);
    tt.order = stats::order_by_p_value(tt.p_value);
    std::size_t sig = 0;
    for (double p : tt.adj_p_value) sig += p < 0.05;
    log.info("de", fmt::format("{}: pooled over {} imputations (Rubin): {} features at adj.P.Val < 0.05 -> de_{}.tsv", r.contrasts[c].label,
                               m, sig, r.contrasts[c].contrast.tag));
  }
  r.imputations = static_cast<int>(m);
  return r;
}

}  // namespace lscmir::study
