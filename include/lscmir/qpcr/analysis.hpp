// SPDX-License-Identifier: GPL-3.0-or-later
// qPCR analysis: -dCt normalization (global mean, reference assays, none), geNorm reference
// stability, per-population detection counts and the paired on/off (exact McNemar) test.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "lscmir/qpcr/ct.hpp"

namespace lscmir::qpcr {

/// Default control-assay name prefixes (case-insensitive): RNU, SNORD, U6, RNU6B, MammU6.
std::vector<std::string> default_control_prefixes();
/// True when `assay` starts with one of `prefixes` (case-insensitive).
bool is_control(const std::string& assay, const std::vector<std::string>& prefixes);

enum class NormKind { kGlobalMean, kReference, kNone };

struct NormSpec {
  NormKind kind = NormKind::kGlobalMean;
  std::vector<std::string> references;  ///< for kReference
};

/// Parses "global-mean", "reference:A,B,..." or "none".
/// @throws core::UsageError on anything else, or a reference list that is empty or repeats a name.
NormSpec parse_norm_spec(const std::string& text);

struct Normalized {
  std::vector<double> values;        ///< -dCt, same layout as CtMatrix; NaN where not available
  std::vector<double> normalizer;    ///< per sample: the Ct subtracted (0 for none)
  std::vector<std::string> used;     ///< assays whose Ct make up the normalizer
};

/// -dCt = -(Ct - normalizer). Not detected -> NaN, or ct_max when impute_ct_max (failed and
/// missing wells stay NaN). global-mean: per sample the mean Ct of the non-control assays that are
/// detected in every sample (Mestdagh et al. 2009); reference: the mean Ct of the named assays.
/// @throws core::UsageError: global-mean with no assay detected in every sample; a reference assay
///         that is not in the data or is not detected in some sample (named).
Normalized normalize(const CtMatrix& m, const NormSpec& spec, const std::vector<std::string>& control_prefixes,
                     bool impute_ct_max, double ct_max);

/// geNorm (Vandesompele et al. 2002) over candidate assays detected in every sample.
struct GenormRow {
  std::string assay;
  double m_all = 0.0;       ///< M among all candidates
  int rank = 0;             ///< 1 = most stable; the last two kept share the best ranks 1 and 2
  double m_step = 0.0;      ///< M when the assay was eliminated (for the final pair: their common M)
  double v_pairwise = 0.0;  ///< V(rank-1 / rank): variation of the normalization factor when the
                            ///< rank-th assay is added to the rank-1 best ones; NaN for ranks 1 and 2
};
/// Rows sorted by rank. Fewer than two candidates give an empty result.
std::vector<GenormRow> genorm(const CtMatrix& m, const std::vector<std::size_t>& candidates);

/// Assays detected in every sample (indices into m.assays).
std::vector<std::size_t> detected_everywhere(const CtMatrix& m);

/// Per assay and population: samples detected and samples measured (not failed or missing).
struct DetectionCounts {
  std::vector<std::string> populations;                 ///< sorted bytewise
  std::vector<std::vector<int>> detected, measured;     ///< [population][assay]
};
DetectionCounts detection_counts(const CtMatrix& m, const std::vector<std::string>& population_of_sample);

/// The paired on/off test of A against B over patients with a measured sample in both populations.
struct OnOffRow {
  std::size_t assay = 0;
  int pairs = 0, only_a = 0, only_b = 0, both = 0, neither = 0;
  double p = 1.0;     ///< exact McNemar: two-sided binomial test of only_a among only_a + only_b at 1/2
  double fdr = 1.0;   ///< Benjamini-Hochberg over assays
};
/// One row per assay, in assay order. A patient with several samples of one population uses the
/// first (a warning is the caller's business: `duplicates` counts them).
std::vector<OnOffRow> onoff_test(const CtMatrix& m, const std::vector<std::string>& population_of_sample,
                                 const std::vector<std::string>& patient_of_sample, const std::string& a,
                                 const std::string& b, std::size_t* duplicates = nullptr);

/// Two-sided exact McNemar P for b and c discordant pairs: min(1, 2 P(X <= min(b, c))), X ~ Bin(b + c, 1/2).
double mcnemar_exact(int b, int c);

}  // namespace lscmir::qpcr
