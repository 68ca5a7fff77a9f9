// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/quant/reference.hpp"

#include <gtest/gtest.h>

#include "fixture.hpp"
#include "lscmir/core/error.hpp"

namespace lscmir::quant {
namespace {

using test::temp_file;
using test::load;
using test::kHairpins;
using test::kMatures;

TEST(Reference, PlacesMaturesOnEveryHairpinHoldingThem) {
  const Reference r = load();
  ASSERT_EQ(r.hairpins.size(), 3u);
  EXPECT_EQ(r.hairpins[0].sequence.substr(0, 4), "TGGG");  // U read as T
  ASSERT_EQ(r.hairpins[0].arms.size(), 2u);                // 5p and 3p of let-7a-1
  EXPECT_EQ(r.hairpins[0].arms[0].start, 5);
  EXPECT_EQ(r.hairpins[0].arms[0].end, 27);
  ASSERT_EQ(r.hairpins[1].arms.size(), 1u);                // let-7a-2 holds only the 5p sequence
  EXPECT_EQ(r.mature_names[r.hairpins[1].arms[0].mature], "hsa-let-7a-5p");
  EXPECT_EQ(r.unplaced_matures, 0u);
}

TEST(Reference, Gff3RestrictsPlacementToDerivesFrom) {
  const std::string gff =
      "##gff-version 3\n"
      "chr9\t.\tmiRNA_primary_transcript\t1\t80\t.\t+\t.\tID=MI0000060;Alias=MI0000060;Name=hsa-let-7a-1\n"
      "chr9\t.\tmiRNA\t6\t27\t.\t+\t.\tID=MIMAT0000062;Alias=MIMAT0000062;Name=hsa-let-7a-5p;Derives_from=MI0000060\n";
  const Reference r = load_reference(temp_file("hp2.fa", kHairpins).string(), temp_file("mat2.fa", kMatures).string(),
                                     temp_file("g.gff3", gff).string(), {});
  EXPECT_EQ(r.hairpins[1].arms.size(), 0u);  // let-7a-2 is not listed as a parent
}

TEST(Reference, MalformedFasta) {
  EXPECT_THROW(parse_fasta("ACGU\n>x\nACGU\n", "f.fa"), core::InputError);
  EXPECT_THROW(parse_fasta(">x\nACGU\n>x\nACGU\n", "f.fa"), core::InputError);
  EXPECT_THROW(parse_fasta(">x\n>y\nACGU\n", "f.fa"), core::InputError);
}

TEST(HairpinIndex, BestStratumAllHitsFullyInside) {
  const Reference r = load();
  const HairpinIndex idx(r, 16, 1);
  std::vector<Hit> hits;
  idx.align("TGAGGTAGTAGGTTGTATAGTT", hits);  // let-7a-5p: exact on both let-7a hairpins
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].hairpin, 0u);
  EXPECT_EQ(hits[0].offset, 5);
  EXPECT_EQ(hits[1].hairpin, 1u);
  EXPECT_EQ(hits[1].offset, 4);
  EXPECT_EQ(hits[0].mismatches, 0);
  idx.align("TGAGGTAGTAGCTTGTATAGTT", hits);  // one mismatch in the 3' half
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].mismatches, 1);
  idx.align("TGAGGTAGTAGGTTGTATAGTTTTAG", hits);  // exact on let-7a-1 only: the 1-mismatch hit on -2 is dropped
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].hairpin, 0u);
  idx.align("TCAGGTAGTAGGTTGTATAGTA", hits);  // two mismatches: nothing with -v 1
  EXPECT_TRUE(hits.empty());
  idx.align("CCTTGGGATGAGGTAGTAGG", hits);  // would start before the hairpin: not a hit
  EXPECT_TRUE(hits.empty());
  const HairpinIndex idx2(r, 16, 2);
  idx2.align("TCAGGTAGTAGGTTGTATAGTA", hits);
  EXPECT_EQ(hits.size(), 2u);
  EXPECT_THROW(HairpinIndex(r, 12, 3), core::UsageError);
}

}  // namespace
}  // namespace lscmir::quant
