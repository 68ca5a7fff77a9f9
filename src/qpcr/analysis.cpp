// SPDX-License-Identifier: GPL-3.0-or-later
// -dCt normalization, geNorm, detection counts and the paired on/off test.
#include "lscmir/qpcr/analysis.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <set>

#include <boost/math/distributions/binomial.hpp>

#include "lscmir/core/error.hpp"
#include "lscmir/stats/p_adjust.hpp"

namespace lscmir::qpcr {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool starts_with_ci(const std::string& s, const std::string& prefix) {
  if (prefix.size() > s.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i]))) return false;
  return true;
}

/// Sample standard deviation (n - 1), two-pass.
double sd(const std::vector<double>& x) {
  const std::size_t n = x.size();
  if (n < 2) return kNaN;
  double mean = 0.0;
  for (double v : x) mean += v;
  mean /= static_cast<double>(n);
  double ss = 0.0;
  for (double v : x) ss += (v - mean) * (v - mean);
  return std::sqrt(ss / static_cast<double>(n - 1));
}

}  // namespace

std::vector<std::string> default_control_prefixes() { return {"RNU", "SNORD", "U6", "RNU6B", "MammU6"}; }

bool is_control(const std::string& assay, const std::vector<std::string>& prefixes) {
  return std::any_of(prefixes.begin(), prefixes.end(), [&](const std::string& p) { return starts_with_ci(assay, p); });
}

NormSpec parse_norm_spec(const std::string& text) {
  NormSpec spec;
  if (text == "global-mean") return spec;
  if (text == "none") {
    spec.kind = NormKind::kNone;
    return spec;
  }
  const std::string prefix = "reference:";
  if (text.rfind(prefix, 0) == 0) {
    spec.kind = NormKind::kReference;
    const std::string list = text.substr(prefix.size());
    std::size_t pos = 0;
    while (pos <= list.size()) {
      std::size_t comma = list.find(',', pos);
      if (comma == std::string::npos) comma = list.size();
      const std::string name = list.substr(pos, comma - pos);
      if (name.empty()) throw core::UsageError("--normalize " + text + ": empty reference assay name");
      if (std::find(spec.references.begin(), spec.references.end(), name) != spec.references.end())
        throw core::UsageError("--normalize " + text + ": reference assay " + name + " is named twice");
      spec.references.push_back(name);
      pos = comma + 1;
    }
    return spec;
  }
  throw core::UsageError("--normalize must be global-mean, reference:A,B,... or none (got \"" + text + "\")");
}

std::vector<std::size_t> detected_everywhere(const CtMatrix& m) {
  std::vector<std::size_t> out;
  for (std::size_t a = 0; a < m.n_assays(); ++a) {
    bool all = true;
    for (std::size_t s = 0; s < m.n_samples() && all; ++s) all = m.state[m.at(a, s)] == CallState::kDetected;
    if (all) out.push_back(a);
  }
  return out;
}

Normalized normalize(const CtMatrix& m, const NormSpec& spec, const std::vector<std::string>& control_prefixes,
                     bool impute_ct_max, double ct_max) {
  const std::size_t na = m.n_assays(), ns = m.n_samples();
  Normalized out;
  out.normalizer.assign(ns, 0.0);
  std::vector<std::size_t> used;
  if (spec.kind == NormKind::kGlobalMean) {
    for (std::size_t a : detected_everywhere(m))
      if (!is_control(m.assays[a], control_prefixes)) used.push_back(a);
    if (used.empty())
      throw core::UsageError("global-mean normalization: no non-control assay is detected in every sample; "
                             "use --normalize reference:A,B with stable assays (see references.tsv), or --normalize none");
  } else if (spec.kind == NormKind::kReference) {
    for (const std::string& name : spec.references) {
      const auto it = std::lower_bound(m.assays.begin(), m.assays.end(), name);
      if (it == m.assays.end() || *it != name) throw core::UsageError("reference assay " + name + " is not in the Ct file");
      const auto a = static_cast<std::size_t>(it - m.assays.begin());
      for (std::size_t s = 0; s < ns; ++s)
        if (m.state[m.at(a, s)] != CallState::kDetected)
          throw core::UsageError("reference assay " + name + " is " + to_string(m.state[m.at(a, s)]) + " in sample " + m.samples[s] +
                                 "; a reference must be detected in every sample; choose others (see references.tsv) or use global-mean");
      used.push_back(a);
    }
  }
  for (std::size_t a : used) out.used.push_back(m.assays[a]);
  if (!used.empty())
    for (std::size_t s = 0; s < ns; ++s) {
      double sum = 0.0;
      for (std::size_t a : used) sum += m.ct[m.at(a, s)];
      out.normalizer[s] = sum / static_cast<double>(used.size());
    }
  out.values.assign(na * ns, kNaN);
  for (std::size_t s = 0; s < ns; ++s)
    for (std::size_t a = 0; a < na; ++a) {
      const std::size_t i = m.at(a, s);
      double ct = kNaN;
      if (m.state[i] == CallState::kDetected) ct = m.ct[i];
      else if (m.state[i] == CallState::kUndetected && impute_ct_max) ct = ct_max;
      if (!std::isnan(ct)) out.values[i] = -(ct - out.normalizer[s]);
    }
  return out;
}

std::vector<GenormRow> genorm(const CtMatrix& m, const std::vector<std::size_t>& candidates) {
  const std::size_t n = candidates.size(), ns = m.n_samples();
  if (n < 2 || ns < 2) return {};
  // V[j][k]: SD over samples of the log2 ratio of assays j and k (Ct_k - Ct_j).
  std::vector<double> v(n * n, 0.0);
  std::vector<double> d(ns);
  for (std::size_t j = 0; j < n; ++j)
    for (std::size_t k = j + 1; k < n; ++k) {
      for (std::size_t s = 0; s < ns; ++s) d[s] = m.ct[m.at(candidates[k], s)] - m.ct[m.at(candidates[j], s)];
      v[j * n + k] = v[k * n + j] = sd(d);
    }
  std::vector<bool> active(n, true);
  auto m_value = [&](std::size_t j, std::size_t n_active) {
    double sum = 0.0;
    for (std::size_t k = 0; k < n; ++k)
      if (k != j && active[k]) sum += v[j * n + k];
    return sum / static_cast<double>(n_active - 1);
  };
  std::vector<GenormRow> rows(n);
  for (std::size_t j = 0; j < n; ++j) {
    rows[j].assay = m.assays[candidates[j]];
    rows[j].m_all = m_value(j, n);
    rows[j].v_pairwise = kNaN;
  }
  std::vector<std::size_t> removal;  // in elimination order
  for (std::size_t left = n; left > 2; --left) {
    std::size_t worst = n;
    double worst_m = -1.0;
    for (std::size_t j = 0; j < n; ++j) {
      if (!active[j]) continue;
      const double mj = m_value(j, left);
      if (mj > worst_m) {
        worst_m = mj;
        worst = j;
      }
    }
    rows[worst].m_step = worst_m;
    rows[worst].rank = static_cast<int>(left);
    active[worst] = false;
    removal.push_back(worst);
  }
  std::vector<std::size_t> best;
  for (std::size_t j = 0; j < n; ++j)
    if (active[j]) best.push_back(j);
  std::sort(best.begin(), best.end(), [&](std::size_t x, std::size_t y) {
    return rows[x].m_all != rows[y].m_all ? rows[x].m_all < rows[y].m_all : rows[x].assay < rows[y].assay;
  });
  const double pair_m = v[best[0] * n + best[1]];
  for (std::size_t r = 0; r < 2; ++r) {
    rows[best[r]].rank = static_cast<int>(r + 1);
    rows[best[r]].m_step = pair_m;
  }
  // Pairwise variation V(r-1 / r) of the normalization factors (mean log2 quantity of the top r).
  std::vector<std::size_t> order(n);
  for (std::size_t j = 0; j < n; ++j) order[static_cast<std::size_t>(rows[j].rank - 1)] = j;
  std::vector<double> nf_prev(ns, 0.0), nf(ns, 0.0), ratio(ns);
  for (std::size_t r = 0; r < n; ++r) {
    for (std::size_t s = 0; s < ns; ++s) {
      double sum = 0.0;
      for (std::size_t q = 0; q <= r; ++q) sum += -m.ct[m.at(candidates[order[q]], s)];
      nf[s] = sum / static_cast<double>(r + 1);
      ratio[s] = nf_prev[s] - nf[s];
    }
    if (r >= 2) rows[order[r]].v_pairwise = sd(ratio);
    nf_prev = nf;
  }
  std::sort(rows.begin(), rows.end(), [](const GenormRow& x, const GenormRow& y) { return x.rank < y.rank; });
  return rows;
}

DetectionCounts detection_counts(const CtMatrix& m, const std::vector<std::string>& population_of_sample) {
  DetectionCounts out;
  std::set<std::string> pops(population_of_sample.begin(), population_of_sample.end());
  out.populations.assign(pops.begin(), pops.end());
  out.detected.assign(pops.size(), std::vector<int>(m.n_assays(), 0));
  out.measured = out.detected;
  for (std::size_t s = 0; s < m.n_samples(); ++s) {
    const auto p = static_cast<std::size_t>(
        std::lower_bound(out.populations.begin(), out.populations.end(), population_of_sample[s]) - out.populations.begin());
    for (std::size_t a = 0; a < m.n_assays(); ++a) {
      const CallState st = m.state[m.at(a, s)];
      if (st == CallState::kDetected) ++out.detected[p][a];
      if (st == CallState::kDetected || st == CallState::kUndetected) ++out.measured[p][a];
    }
  }
  return out;
}

double mcnemar_exact(int b, int c) {
  const int n = b + c;
  if (n == 0) return 1.0;
  const boost::math::binomial_distribution<double> bin(n, 0.5);
  const double tail = boost::math::cdf(bin, static_cast<double>(std::min(b, c)));
  return std::min(1.0, 2.0 * tail);
}

std::vector<OnOffRow> onoff_test(const CtMatrix& m, const std::vector<std::string>& population_of_sample,
                                 const std::vector<std::string>& patient_of_sample, const std::string& a,
                                 const std::string& b, std::size_t* duplicates) {
  // patient -> (sample in A, sample in B); npos when absent
  constexpr std::size_t none = static_cast<std::size_t>(-1);
  std::map<std::string, std::pair<std::size_t, std::size_t>> by_patient;
  std::size_t dup = 0;
  for (std::size_t s = 0; s < m.n_samples(); ++s) {
    const bool in_a = population_of_sample[s] == a, in_b = population_of_sample[s] == b;
    if (!in_a && !in_b) continue;
    auto& slot = by_patient.try_emplace(patient_of_sample[s], none, none).first->second;
    std::size_t& target = in_a ? slot.first : slot.second;
    if (target == none) target = s;
    else ++dup;
  }
  if (duplicates) *duplicates = dup;
  std::vector<OnOffRow> rows(m.n_assays());
  std::vector<double> p(m.n_assays());
  auto measured = [](CallState st) { return st == CallState::kDetected || st == CallState::kUndetected; };
  for (std::size_t g = 0; g < m.n_assays(); ++g) {
    OnOffRow& r = rows[g];
    r.assay = g;
    for (const auto& [patient, pair] : by_patient) {
      if (pair.first == none || pair.second == none) continue;
      const CallState sa = m.state[m.at(g, pair.first)], sb = m.state[m.at(g, pair.second)];
      if (!measured(sa) || !measured(sb)) continue;
      ++r.pairs;
      const bool da = sa == CallState::kDetected, db = sb == CallState::kDetected;
      if (da && db) ++r.both;
      else if (da) ++r.only_a;
      else if (db) ++r.only_b;
      else ++r.neither;
    }
    r.p = mcnemar_exact(r.only_a, r.only_b);
    p[g] = r.p;
  }
  const std::vector<double> fdr = stats::p_adjust_bh(p);
  for (std::size_t g = 0; g < rows.size(); ++g) rows[g].fdr = fdr[g];
  return rows;
}

}  // namespace lscmir::qpcr
