// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/study/literature.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "lscmir/core/error.hpp"

namespace lscmir::study {
namespace {

TEST(Literature, KeysDropSpeciesArmAndCopyNumber) {
  EXPECT_EQ(literature_key("hsa-miR-126-3p"), "mir-126");
  EXPECT_EQ(literature_key("hsa-mir-126"), "mir-126");
  EXPECT_EQ(literature_key("miR-126"), "mir-126");
  EXPECT_EQ(literature_key("hsa-mir-29a-1"), "mir-29a");
  EXPECT_EQ(literature_key("mmu-miR-99b-5p"), "mir-99b");
  EXPECT_EQ(literature_key("hsa-let-7e-5p"), "let-7e");
  EXPECT_EQ(literature_key("hsa-miR-126*"), "mir-126");
}

TEST(Literature, RowsCoverParaloguesOnlyWhereTheyNameNone) {
  EXPECT_TRUE(literature_matches("hsa-miR-99a-5p", "miR-99"));
  EXPECT_TRUE(literature_matches("hsa-miR-99b-5p", "miR-99"));
  EXPECT_TRUE(literature_matches("hsa-miR-126-3p", "miR-126"));
  EXPECT_TRUE(literature_matches("hsa-miR-125a-5p", "miR-125a"));
  EXPECT_FALSE(literature_matches("hsa-miR-125b-5p", "miR-125a"));
  EXPECT_FALSE(literature_matches("hsa-miR-1260a", "miR-126"));  // one letter, but 1260 is not 126
  EXPECT_FALSE(literature_matches("hsa-miR-12", "miR-126"));
}

TEST(Literature, BundledTableParsesAndHasTheVerifiedRows) {
  const Literature lit = bundled_literature();
  ASSERT_GE(lit.rows.size(), 5u);
  bool has126 = false;
  for (const auto& r : lit.rows) {
    EXPECT_FALSE(r.reference.empty()) << r.mirna;
    has126 = has126 || r.mirna == "miR-126";
  }
  EXPECT_TRUE(has126);
}

TEST(Literature, VerdictFollowsTheStudysSignificantSign) {
  const Literature lit = parse_literature(
      "mirna\tdirection\tcontrast\tspecies\treference\tfinding\n"
      "miR-99\tup\tHSC-LPC\tmouse\tPMID:1\tx\n"
      "miR-99\tup\tLSC-nonLSC\thuman\tPMID:2\ty\n",
      "lit.tsv");
  const double nan = std::nan("");
  StudyContrasts up{{0.5, nan, 1.2}, {0.3, nan, 0.001}};
  LiteratureVerdict v = literature_verdict(lit, "hsa-miR-99a-5p", up, 0.05);
  EXPECT_EQ(v.summary, "agrees");
  EXPECT_NE(v.detail.find("HSC-LPC up: agrees (PMID:1)"), std::string::npos);
  EXPECT_NE(v.detail.find("LSC-nonLSC up: not compared (PMID:2)"), std::string::npos);
  StudyContrasts down{{0.5, nan, -1.2}, {0.3, nan, 0.001}};
  EXPECT_EQ(literature_verdict(lit, "hsa-miR-99a-5p", down, 0.05).summary, "disagrees");
  StudyContrasts weak{{0.5, nan, 1.2}, {0.3, nan, 0.2}};
  EXPECT_EQ(literature_verdict(lit, "hsa-miR-99a-5p", weak, 0.05).summary, "silent");
  EXPECT_EQ(literature_verdict(lit, "hsa-miR-21-5p", up, 0.05).summary, "silent");
  EXPECT_TRUE(literature_verdict(lit, "hsa-miR-21-5p", up, 0.05).detail.empty());
}

TEST(Literature, BadDirectionNamesFileAndLine) {
  try {
    parse_literature("mirna\tdirection\tcontrast\tspecies\treference\tfinding\nmiR-1\tsideways\tLSC-HSC\th\tPMID:1\tx\n", "lit.tsv");
    FAIL() << "no error";
  } catch (const core::InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("lit.tsv"), std::string::npos);
    EXPECT_NE(what.find("2"), std::string::npos);
    EXPECT_NE(what.find("direction must be up or down"), std::string::npos);
  }
}

}  // namespace
}  // namespace lscmir::study
