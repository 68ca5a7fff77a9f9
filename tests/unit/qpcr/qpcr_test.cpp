// SPDX-License-Identifier: GPL-3.0-or-later
// qpcr: exact McNemar, normalization rules, geNorm and replicate summaries on hand-made data.
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "lscmir/core/error.hpp"
#include "lscmir/qpcr/analysis.hpp"
#include "lscmir/qpcr/ct.hpp"

namespace lscmir::qpcr {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

TEST(McNemar, ExactTwoSidedBinomial) {
  EXPECT_DOUBLE_EQ(mcnemar_exact(0, 0), 1.0);
  EXPECT_DOUBLE_EQ(mcnemar_exact(3, 3), 1.0);
  EXPECT_DOUBLE_EQ(mcnemar_exact(12, 0), std::ldexp(1.0, -11));   // 2 * 0.5^12
  EXPECT_DOUBLE_EQ(mcnemar_exact(5, 1), 2.0 * (1.0 + 6.0) / 64.0);  // 2 P(X <= 1), X ~ Bin(6, 1/2)
  EXPECT_DOUBLE_EQ(mcnemar_exact(1, 5), mcnemar_exact(5, 1));
}

TEST(NormSpec, ParsesAndRejects) {
  EXPECT_EQ(parse_norm_spec("global-mean").kind, NormKind::kGlobalMean);
  EXPECT_EQ(parse_norm_spec("none").kind, NormKind::kNone);
  const NormSpec r = parse_norm_spec("reference:RNU44,RNU48");
  EXPECT_EQ(r.kind, NormKind::kReference);
  EXPECT_EQ(r.references, (std::vector<std::string>{"RNU44", "RNU48"}));
  EXPECT_THROW(parse_norm_spec("reference:"), core::UsageError);
  EXPECT_THROW(parse_norm_spec("reference:A,A"), core::UsageError);
  EXPECT_THROW(parse_norm_spec("quantile"), core::UsageError);
}

TEST(Controls, PrefixMatchIgnoresCase) {
  const auto p = default_control_prefixes();
  EXPECT_TRUE(is_control("RNU48-001006", p));
  EXPECT_TRUE(is_control("snord44", p));
  EXPECT_TRUE(is_control("U6 snRNA", p));
  EXPECT_FALSE(is_control("hsa-miR-16-5p", p));
}

/// 3 assays x 4 samples, every value detected unless NaN.
CtMatrix make(const std::vector<std::vector<double>>& rows, double undetected_mark = kNaN) {
  CtMatrix m;
  for (std::size_t a = 0; a < rows.size(); ++a) m.assays.push_back("a" + std::to_string(a));
  for (std::size_t s = 0; s < rows[0].size(); ++s) m.samples.push_back("s" + std::to_string(s));
  for (std::size_t s = 0; s < m.samples.size(); ++s)
    for (std::size_t a = 0; a < rows.size(); ++a) {
      const double v = rows[a][s];
      const bool det = !std::isnan(v);
      (void)undetected_mark;
      m.ct.push_back(det ? v : kNaN);
      m.sd.push_back(kNaN);
      m.wells.push_back(1);
      m.detected_wells.push_back(det ? 1 : 0);
      m.state.push_back(det ? CallState::kDetected : CallState::kUndetected);
    }
  return m;
}

TEST(Normalize, GlobalMeanUsesAssaysDetectedEverywhereAndImputes) {
  const CtMatrix m = make({{20, 21, 22, 23}, {24, 24, 26, 27}, {30, kNaN, 31, 32}});
  const Normalized n = normalize(m, parse_norm_spec("global-mean"), {}, false, 35);
  ASSERT_EQ(n.used, (std::vector<std::string>{"a0", "a1"}));
  EXPECT_DOUBLE_EQ(n.normalizer[0], 22.0);
  EXPECT_DOUBLE_EQ(n.values[m.at(2, 0)], -(30.0 - 22.0));
  EXPECT_TRUE(std::isnan(n.values[m.at(2, 1)]));
  const Normalized imp = normalize(m, parse_norm_spec("global-mean"), {}, true, 35);
  EXPECT_DOUBLE_EQ(imp.values[m.at(2, 1)], -(35.0 - 22.5));
  const Normalized none = normalize(m, parse_norm_spec("none"), {}, false, 35);
  EXPECT_DOUBLE_EQ(none.values[m.at(1, 3)], -27.0);
  EXPECT_THROW(normalize(m, parse_norm_spec("reference:a2"), {}, false, 35), core::UsageError);
  EXPECT_THROW(normalize(m, parse_norm_spec("reference:zz"), {}, false, 35), core::UsageError);
  // every assay a control: nothing left for the global mean
  EXPECT_THROW(normalize(m, parse_norm_spec("global-mean"), {"a"}, false, 35), core::UsageError);
}

TEST(Genorm, NoisyAssayIsEliminatedFirstAndMIsTheMeanPairwiseSd) {
  // a0, a1, a2 move together; a3 adds noise.
  const CtMatrix m = make({{20, 21, 22, 23}, {25, 26, 27, 28.1}, {30, 31.1, 32, 33}, {24, 27, 23, 29}});
  const auto rows = genorm(m, {0, 1, 2, 3});
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[3].assay, "a3");
  EXPECT_EQ(rows[3].rank, 4);
  // M of a0 among all: mean of sd(a1 - a0), sd(a2 - a0), sd(a3 - a0)
  auto sd = [](std::vector<double> d) {
    double mu = 0;
    for (double v : d) mu += v;
    mu /= static_cast<double>(d.size());
    double ss = 0;
    for (double v : d) ss += (v - mu) * (v - mu);
    return std::sqrt(ss / static_cast<double>(d.size() - 1));
  };
  const double m0 = (sd({5, 5, 5, 5.1}) + sd({10, 10.1, 10, 10}) + sd({4, 6, 1, 6})) / 3.0;
  for (const auto& r : rows)
    if (r.assay == "a0") {
      EXPECT_NEAR(r.m_all, m0, 1e-14);
    }
  EXPECT_EQ(rows[0].rank, 1);
  EXPECT_DOUBLE_EQ(rows[0].m_step, rows[1].m_step);
  EXPECT_TRUE(std::isnan(rows[0].v_pairwise));
  EXPECT_FALSE(std::isnan(rows[2].v_pairwise));
  EXPECT_TRUE(genorm(m, {1}).empty());
}

TEST(Summarize, ReplicatesCutOffAndFailedWells) {
  const auto dir = std::filesystem::temp_directory_path() / ("lscmir_qpcr_unit_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "ct.tsv").string();
  std::ofstream(path) << "sample\ttarget\tct\tomit\n"
                         "S1\tm1\t25.0\tfalse\nS1\tm1\t25.5\tfalse\n"        // two detected wells
                         "S1\tm2\t36.0\tfalse\nS1\tm2\tUndetermined\tfalse\n"  // above cut-off + undetermined
                         "S1\tm3\t24\ttrue\n"                                  // failed only
                         "S2\tm1\t26\tfalse\nS2\tm2\t\tfalse\nS2\tm2\t34.0\tfalse\n";
  const CtFile f = read_ct(path, CtFormat::kAuto);
  EXPECT_EQ(f.format, CtFormat::kLong);
  const CtMatrix m = summarize({f}, {"S1", "S2"}, 35.0);
  ASSERT_EQ(m.assays, (std::vector<std::string>{"m1", "m2", "m3"}));
  EXPECT_DOUBLE_EQ(m.ct[m.at(0, 0)], 25.25);
  EXPECT_NEAR(m.sd[m.at(0, 0)], std::sqrt(0.125), 1e-15);
  EXPECT_EQ(m.state[m.at(1, 0)], CallState::kUndetected);
  EXPECT_EQ(m.state[m.at(2, 0)], CallState::kFailed);
  EXPECT_EQ(m.state[m.at(2, 1)], CallState::kMissing);
  EXPECT_EQ(m.state[m.at(1, 1)], CallState::kDetected);
  EXPECT_DOUBLE_EQ(m.ct[m.at(1, 1)], 34.0);
  EXPECT_TRUE(std::isnan(m.sd[m.at(1, 1)]));
  EXPECT_THROW(summarize({f}, {"S1", "S2", "S3"}, 35.0), core::InputError);  // S3 has no well
  EXPECT_THROW(summarize({f}, {"S1"}, 35.0), core::InputError);              // S2 not in the sheet
  std::filesystem::remove_all(dir);
}

TEST(OnOff, PairsOnlyPatientsWithBothPopulationsMeasured) {
  // samples: P1 A, P1 B, P2 A, P2 B, P3 A (no B)
  CtMatrix m = make({{20, kNaN, 21, kNaN, 22}});
  m.state[m.at(0, 3)] = CallState::kFailed;  // P2's B failed: P2 drops out
  const auto rows = onoff_test(m, {"A", "B", "A", "B", "A"}, {"P1", "P1", "P2", "P2", "P3"}, "A", "B");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].pairs, 1);
  EXPECT_EQ(rows[0].only_a, 1);
  EXPECT_DOUBLE_EQ(rows[0].p, 1.0);
}

}  // namespace
}  // namespace lscmir::qpcr
