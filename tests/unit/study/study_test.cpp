// SPDX-License-Identifier: GPL-3.0-or-later
// study: treat p-values from topTable rows, class rules, candidate scores and name matching.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "lscmir/core/error.hpp"
#include "lscmir/stats/distributions.hpp"
#include "lscmir/study/rank.hpp"
#include "lscmir/study/specificity.hpp"

namespace lscmir::study {
namespace {

TEST(TreatFromRow, RecoversSeAndDfFromTheInterval) {
  const double se = 0.4, df = 17.5, b = 1.8;
  const double q = stats::qt_upper(0.025, df);
  const double p = treat_p_from_row(b, b - q * se, b + q * se, b / se, 1.0);
  const double want = stats::pt_upper((b - 1.0) / se, df) + stats::pt_upper((b + 1.0) / se, df);
  EXPECT_NEAR(p, want, 1e-12 * want);
  EXPECT_DOUBLE_EQ(treat_p_from_row(0.0, -1, 1, 0.0, 1.0), 1.0);
  EXPECT_TRUE(std::isnan(treat_p_from_row(NAN, 0, 0, 0, 1.0)));
  // a normal interval (df = Inf)
  const double pz = treat_p_from_row(b, b - 1.959963984540054 * se, b + 1.959963984540054 * se, b / se, 1.0);
  EXPECT_NEAR(pz, stats::pnorm_upper((b - 1) / se) + stats::pnorm_upper((b + 1) / se), 1e-9);
}

DeTable table(const std::vector<std::string>& f, const std::vector<double>& lfc, double se) {
  DeTable d;
  d.features = f;
  for (double b : lfc) {
    d.logfc.push_back(b);
    d.t.push_back(b / se);
    d.ci_l.push_back(b - 1.959963984540054 * se);
    d.ci_r.push_back(b + 1.959963984540054 * se);
    d.p_value.push_back(2 * stats::pnorm_upper(std::fabs(b / se)));
    d.adj_p_value.push_back(d.p_value.back());
  }
  return d;
}

TEST(Classify, EachPatternLandsInItsClass) {
  const std::vector<std::string> f{"lsc", "hsc", "shared", "depleted", "null", "wide"};
  // LSC-HSC, LSC-LPC, HSC-LPC per feature
  const DeTable a = table(f, {3, -3, 0, -3, 0, 3}, 0.2);
  const DeTable b = table(f, {3, 0, 3, -3, 0, 0}, 0.2);
  const DeTable c = table(f, {0, 3, 3, 0, 0, -3}, 0.2);
  std::size_t missing = 99;
  const auto rows = classify(a, b, c, {}, &missing);
  EXPECT_EQ(missing, 0u);
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[0].cls, SpecificityClass::kLscSpecific);
  EXPECT_EQ(rows[1].cls, SpecificityClass::kHscSpecific);
  EXPECT_EQ(rows[2].cls, SpecificityClass::kStemShared);
  EXPECT_EQ(rows[3].cls, SpecificityClass::kLscDepleted);
  EXPECT_EQ(rows[4].cls, SpecificityClass::kNone);
  EXPECT_EQ(rows[5].cls, SpecificityClass::kLeukemiaWide);
  const auto flipped = classify(a.flipped().flipped(), b, c, {});
  EXPECT_EQ(flipped[0].cls, SpecificityClass::kLscSpecific);
}

TEST(Rank, ScoreMatchingAndDirections) {
  SpecificityInput s;
  s.feature = {"hsa-miR-1-3p", "hsa-miR-2-5p", "hsa-miR-3"};
  s.cls = {"LSC-specific", "HSC-specific", "none"};
  s.logfc_lsc_hsc = {2.0, -1.0, 0.1};
  s.adj_p_lsc_hsc = {1e-5, 1e-3, 0.9};
  s.fdr_class = {1e-4, 1e-2, NAN};
  CoxInput cox;
  cox.index = {{"hsa-mir-1-1", 0}, {"hsa-mir-2", 1}};
  cox.feature = {"hsa-mir-1-1", "hsa-mir-2"};
  cox.coef = {0.5, 0.5};
  cox.hr = {std::exp(0.5), std::exp(0.5)};
  cox.p = {1e-3, 1e-3};
  MirnaNames names;
  names.precursors_of["mir-1-3p"] = {"hsa-mir-1-1", "hsa-mir-1-2"};
  names.precursors_of["mir-2-5p"] = {"hsa-mir-2"};
  names.families_of["mir-1-3p"] = {"mir-1-3p/206"};
  TargetInput t;
  t.genes_of["mir-1-3p/206"] = {"BCL2", "MCL1", "XYZ"};
  std::vector<GeneSet> sets{{"HALLMARK_APOPTOSIS", {"BCL2", "MCL1"}}};
  const auto c = rank_candidates(s, cox, names, t, sets, default_categories(), {}, 0.05);
  ASSERT_EQ(c.size(), 2u);  // miR-3 is neither significant nor classified
  EXPECT_EQ(c[0].feature, "hsa-miR-1-3p");
  EXPECT_EQ(c[0].intervention, "inhibit");
  EXPECT_EQ(c[0].cohort_feature, "hsa-mir-1-1");
  EXPECT_DOUBLE_EQ(c[0].s_outcome, 1.0);                  // adverse, P = 1e-3
  EXPECT_DOUBLE_EQ(c[0].s_specificity, 0.4);              // -log10(1e-4) / 10
  EXPECT_DOUBLE_EQ(c[0].s_sparing, 0.75);                 // 1 - 2^-2
  EXPECT_EQ(c[0].n_targets, 3);
  EXPECT_EQ(c[0].n_category[0], 2);
  EXPECT_DOUBLE_EQ(c[0].s_targets, 0.1);                  // 2 / 20
  EXPECT_DOUBLE_EQ(c[0].score, (0.4 + 1.0 + 0.75 + 0.1) / 4);
  EXPECT_EQ(c[1].intervention, "restore");
  EXPECT_DOUBLE_EQ(c[1].s_outcome, -1.0);                 // HR > 1 is not protective
  EXPECT_EQ(mirna_key("hsa-let-7a-5p"), "let-7a-5p");
  EXPECT_EQ(mirna_key("miR-126-3p"), "mir-126-3p");
  // without an HSC population the sparing component and its weight leave the score
  s.has_hsc = false;
  const auto n = rank_candidates(s, cox, names, t, sets, default_categories(), {}, 0.05);
  ASSERT_EQ(n.size(), 2u);
  EXPECT_TRUE(std::isnan(n[0].s_sparing));
  EXPECT_TRUE(std::isnan(n[0].hsc_lsc_ratio));
  EXPECT_DOUBLE_EQ(n[0].score, (0.4 + 1.0 + 0.1) / 3);
  EXPECT_DOUBLE_EQ(c[0].hsc_lsc_ratio, 0.25);
}

/// Issue 16: candidates of a two-group design from the primary contrasts (an intersection-union
/// test over them), HSC sparing only from an LSC-HSC table.
TEST(Rank, PrimaryContrastsMakeTheEvidence) {
  const std::vector<std::string> f{"up_both", "down_both", "disagree", "weak", "only_first"};
  DeTable a = table(f, {2, -2, 2, 0.05, 2}, 0.2), b = table({"up_both", "down_both", "disagree", "weak"}, {1, -3, -2, 0.05}, 0.2);
  const SpecificityInput one = contrast_input({a}, {"T-N"}, nullptr, 0.05);
  ASSERT_EQ(one.feature.size(), 5u);
  EXPECT_FALSE(one.has_hsc);
  EXPECT_EQ(one.cls, (std::vector<std::string>{"up", "down", "up", "none", "up"}));
  EXPECT_EQ(one.label, "T-N");
  EXPECT_EQ(one.ratio, "T/N");
  const SpecificityInput two = contrast_input({a, b}, {"T-N", "R-D"}, &a, 0.05);
  ASSERT_EQ(two.feature.size(), 4u);  // only_first is not in both tables
  EXPECT_EQ(two.cls, (std::vector<std::string>{"up", "down", "none", "none"}));
  EXPECT_EQ(two.label, "T-N and R-D");
  EXPECT_DOUBLE_EQ(two.adj_p_lsc_hsc[0], std::max(a.adj_p_value[0], b.adj_p_value[0]));
  EXPECT_DOUBLE_EQ(two.logfc_lsc_hsc[1], -2.0);  // the first contrast's logFC
  EXPECT_TRUE(two.has_hsc);
  EXPECT_EQ(two.logfc_sparing, (std::vector<double>{2, -2, 2, 0.05}));
  const auto c = rank_candidates(one, {}, {}, {}, {}, default_categories(), {}, 0.05);
  ASSERT_EQ(c.size(), 4u);
  for (const auto& x : c) {
    EXPECT_DOUBLE_EQ(x.s_specificity, std::min(1.0, -std::log10(x.q_specificity) / 10)) << x.feature;  // aligned: full weight
    EXPECT_EQ(x.evidence.rfind((x.logfc > 0 ? "up" : "down") + std::string(" in T-N (q "), 0), 0u) << x.evidence;
  }
  EXPECT_THROW(contrast_input({}, {}, nullptr, 0.05), core::UsageError);
}

TEST(Names, PrecursorsStandForTheirMatureTargets) {
  MirnaNames names;
  names.matures_of["hsa-mir-21"] = {"hsa-miR-21-3p", "hsa-miR-21-5p"};
  const std::vector<std::string> table{"HSA-MIR-155-5P", "hsa-miR-21-5p", "hsa-mir-99", "mmu-miR-21-3p"};
  EXPECT_EQ(target_mirnas("hsa-mir-21", names, table), (std::vector<std::string>{"hsa-miR-21-5p", "mmu-miR-21-3p"}));
  EXPECT_EQ(target_mirnas("hsa-mir-99", names, table), (std::vector<std::string>{"hsa-mir-99"}));
  EXPECT_EQ(target_mirnas("hsa-miR-155-5p", names, table), (std::vector<std::string>{"HSA-MIR-155-5P"}));
  EXPECT_TRUE(target_mirnas("hsa-mir-1", names, table).empty());
  EXPECT_TRUE(target_mirnas("hsa-MIR-21", names, table).empty());  // precursor names are matched exactly
}

}  // namespace
}  // namespace lscmir::study

namespace lscmir::study {
namespace {

TEST(Names, FamiliesMeetRenamedMaturesThroughAccessions) {
  const auto dir = std::filesystem::temp_directory_path() / ("lscmir_names_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "map.tsv") << "precursor_acc\tprecursor_name\tmature_acc\tmature_name\n"
                                    "MI0000001\thsa-mir-9001\tMIMAT0000001\thsa-miR-9001-5p\n";
  // the family file still has the old name without -5p
  std::ofstream(dir / "fam.tsv") << "miR_family\tseed_m8\tspecies_id\tmirbase_id\tmature_sequence\tfamily_conservation\tmirbase_accession\n"
                                    "miR-9001\tAAAAAAA\t9606\thsa-miR-9001\tUAAAAAAAUU\t2\tMIMAT0000001\n";
  MirnaNames names;
  read_precursor_map((dir / "map.tsv").string(), names);
  read_family_info((dir / "fam.tsv").string(), names);
  ASSERT_TRUE(names.families_of.count("mir-9001-5p"));
  EXPECT_EQ(names.families_of.at("mir-9001-5p"), (std::vector<std::string>{"mir-9001"}));
  EXPECT_EQ(names.precursors_of.at("mir-9001-5p"), (std::vector<std::string>{"hsa-mir-9001"}));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace lscmir::study
