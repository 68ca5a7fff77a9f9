// SPDX-License-Identifier: GPL-3.0-or-later
// Within-patient differences and per-patient consistency (see paired.hpp).
#include "lscmir/study/paired.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <unordered_map>

#include "lscmir/core/error.hpp"
#include "lscmir/io/number.hpp"
#include "lscmir/io/table.hpp"
#include "lscmir/stats/design.hpp"

namespace lscmir::study {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}  // namespace

PairedDifferences PairedDifferences::flipped() const {
  PairedDifferences f = *this;
  std::swap(f.a, f.b);
  f.tag = stats::contrast_tag(f.a, f.b);
  f.diff = -diff;
  return f;
}

PairedDifferences paired_differences(const Eigen::MatrixXd& y, const std::vector<std::string>& features,
                                     const io::SampleSheet& sheet, const std::string& a, const std::string& b) {
  PairedDifferences p;
  p.a = a;
  p.b = b;
  p.tag = stats::contrast_tag(a, b);
  p.features = features;
  if (!sheet.has_column("patient")) return p;
  const auto& patient = sheet.column("patient");
  const auto& population = sheet.column("population");
  std::map<std::string, std::size_t> column_of;
  std::vector<std::vector<std::size_t>> in_a, in_b;
  for (std::size_t s = 0; s < sheet.samples.size(); ++s) {
    if (population[s] != a && population[s] != b) continue;
    const auto [it, fresh] = column_of.emplace(patient[s], p.patients.size());
    if (fresh) {
      p.patients.push_back(patient[s]);
      in_a.emplace_back();
      in_b.emplace_back();
    }
    (population[s] == a ? in_a : in_b)[it->second].push_back(s);
  }
  const auto np = static_cast<Eigen::Index>(p.patients.size());
  p.diff.resize(y.rows(), np);
  auto mean_of = [&](Eigen::Index g, const std::vector<std::size_t>& cols) {
    double sum = 0;
    int n = 0;
    for (std::size_t s : cols) {
      const double v = y(g, static_cast<Eigen::Index>(s));
      if (std::isfinite(v)) {
        sum += v;
        ++n;
      }
    }
    return n > 0 ? sum / n : kNaN;
  };
  for (Eigen::Index g = 0; g < y.rows(); ++g)
    for (Eigen::Index j = 0; j < np; ++j)
      p.diff(g, j) = mean_of(g, in_a[static_cast<std::size_t>(j)]) - mean_of(g, in_b[static_cast<std::size_t>(j)]);
  return p;
}

io::NamedTable paired_table(const PairedDifferences& p) {
  io::ResultTable t;
  t.add_text("feature", p.features);
  for (Eigen::Index j = 0; j < p.diff.cols(); ++j) {
    std::vector<double> col(p.features.size());
    for (std::size_t g = 0; g < col.size(); ++g) col[g] = p.diff(static_cast<Eigen::Index>(g), j);
    t.add_real(p.patients[static_cast<std::size_t>(j)], std::move(col));
  }
  return {"paired_" + p.tag + ".tsv", std::move(t)};
}

bool read_paired(const std::string& dir, const std::string& a, const std::string& b, PairedDifferences& out) {
  namespace fs = std::filesystem;
  for (const bool flip : {false, true}) {
    const fs::path path = fs::path(dir) / ("paired_" + (flip ? stats::contrast_tag(b, a) : stats::contrast_tag(a, b)) + ".tsv");
    if (!fs::exists(path)) continue;
    const io::Table t = io::read_table(path.string());
    if (t.header.empty() || t.header[0] != "feature")
      throw core::InputError(path.string(), 1, "the first column of a paired-differences table must be \"feature\"");
    PairedDifferences p;
    p.a = flip ? b : a;
    p.b = flip ? a : b;
    p.tag = stats::contrast_tag(p.a, p.b);
    p.path = path.string();
    p.patients.assign(t.header.begin() + 1, t.header.end());
    p.diff.resize(static_cast<Eigen::Index>(t.rows.size()), static_cast<Eigen::Index>(p.patients.size()));
    std::unordered_map<std::string, std::size_t> seen;
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      const auto [it, fresh] = seen.emplace(t.rows[r][0], t.line_numbers[r]);
      if (!fresh)
        throw core::InputError(p.path, t.line_numbers[r],
                               "duplicate feature \"" + t.rows[r][0] + "\" (first seen on line " + std::to_string(it->second) + ")");
      p.features.push_back(t.rows[r][0]);
      for (std::size_t c = 1; c < t.header.size(); ++c)
        p.diff(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c - 1)) = io::number_cell(t, r, c);
    }
    out = flip ? p.flipped() : std::move(p);
    return true;
  }
  return false;
}

double sign_test_p(int k, int n) {
  if (n <= 0) return 1.0;
  // P(K <= m) for K ~ Binomial(n, 1/2), m = min(k, n - k), summed in log space.
  const int m = std::min(k, n - k);
  const double log_half_n = -n * std::log(2.0);
  double tail = 0.0;
  for (int i = 0; i <= m; ++i)
    tail += std::exp(std::lgamma(n + 1.0) - std::lgamma(i + 1.0) - std::lgamma(n - i + 1.0) + log_half_n);
  return std::min(1.0, 2.0 * tail);
}

Consistency consistency(const Eigen::Ref<const Eigen::RowVectorXd>& d, double logfc) {
  Consistency c;
  int agree = 0, positive = 0, nonzero = 0;
  for (Eigen::Index j = 0; j < d.size(); ++j) {
    const double v = d[j];
    if (!std::isfinite(v)) continue;
    ++c.n_patients;
    if (v != 0) {
      ++nonzero;
      if (v > 0) ++positive;
    }
    if ((logfc > 0 && v > 0) || (logfc < 0 && v < 0)) ++agree;
  }
  c.sign_p = c.n_patients == 0 ? kNaN : sign_test_p(positive, nonzero);
  c.fraction = c.n_patients == 0 || logfc == 0 || std::isnan(logfc) ? kNaN : static_cast<double>(agree) / c.n_patients;
  return c;
}

}  // namespace lscmir::study
