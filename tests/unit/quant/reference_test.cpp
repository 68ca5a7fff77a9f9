// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/quant/reference.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "lscmir/core/error.hpp"
#include "lscmir/quant/isomir.hpp"
#include "lscmir/quant/quantify.hpp"

namespace lscmir::quant {
namespace {

namespace fs = std::filesystem;

fs::path temp_file(const std::string& name, const std::string& content) {
  const fs::path p = fs::temp_directory_path() / ("lscmir_ref_test_" + name);
  std::ofstream(p, std::ios::binary) << content;
  return p;
}

// hsa-let-7a-1 and hsa-let-7a-2 from miRBase 22 share let-7a-5p; hsa-mir-21 is unrelated.
const std::string kHairpins =
    ">hsa-let-7a-1 MI0000060\nUGGGAUGAGGUAGUAGGUUGUAUAGUUUUAGGGUCACACCCACCACUGGGAGAUAACUAUACAAUCUACUGUCUUUCCUA\n"
    ">hsa-let-7a-2 MI0000061\nAGGUUGAGGUAGUAGGUUGUAUAGUUUAGAAUUACAUCAAGGGAGAUAACUGUACAGCCUCCUAGCUUUCCU\n"
    ">hsa-mir-21 MI0000077\nUGUCGGGUAGCUUAUCAGACUGAUGUUGACUGUUGAAUCUCAUGGCAACACCAGUCGAUGGGCUGUCUGACA\n";
const std::string kMatures =
    ">hsa-let-7a-5p MIMAT0000062\nUGAGGUAGUAGGUUGUAUAGUU\n"
    ">hsa-let-7a-3p MIMAT0004481\nCUAUACAAUCUACUGUCUUUC\n"
    ">hsa-miR-21-5p MIMAT0000076\nUAGCUUAUCAGACUGAUGUUGA\n"
    ">hsa-miR-21-3p MIMAT0004494\nCAACACCAGUCGAUGGGCUGU\n";

Reference load() {
  return load_reference(temp_file("hp.fa", kHairpins).string(), temp_file("mat.fa", kMatures).string(), "", {});
}

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

TEST(Isomir, ClassesFollowMirGff3) {
  const Reference r = load();
  const Hairpin& h = r.hairpins[0];
  const Arm& arm = h.arms[0];  // let-7a-5p at [5, 27)
  EXPECT_EQ(classify_isomir("TGAGGTAGTAGGTTGTATAGTT", h.sequence, 5, arm).variant, "NA");
  EXPECT_EQ(classify_isomir("TGAGGTAGTAGGTTGTATAGTT", h.sequence, 5, arm).cigar, "22M");
  EXPECT_EQ(classify_isomir("ATGAGGTAGTAGGTTGTATAGTT", h.sequence, 4, arm).variant, "iso_5p:-1");
  EXPECT_EQ(classify_isomir("AGGTAGTAGGTTGTATAGTT", h.sequence, 7, arm).variant, "iso_5p:+2");
  EXPECT_EQ(classify_isomir("TGAGGTAGTAGGTTGTATAGTTT", h.sequence, 5, arm).variant, "iso_3p:+1");
  EXPECT_EQ(classify_isomir("TGAGGTAGTAGGTTGTATAG", h.sequence, 5, arm).variant, "iso_3p:-2");
  // Non-templated A: the hairpin continues with T.
  const IsomirCall add = classify_isomir("TGAGGTAGTAGGTTGTATAGTTA", h.sequence, 5, arm);
  EXPECT_EQ(add.variant, "iso_add3p:1");
  EXPECT_EQ(add.cigar, "22MA");
  EXPECT_EQ(classify_isomir("TGAGGCAGTAGGTTGTATAGTT", h.sequence, 5, arm).variant, "iso_snv_seed");
  EXPECT_EQ(classify_isomir("TGAGGTACTAGGTTGTATAGTT", h.sequence, 5, arm).variant, "iso_snv_central_offset");
  EXPECT_EQ(classify_isomir("TGAGGTAGTAGCTTGTATAGTT", h.sequence, 5, arm).variant, "iso_snv_central");
  EXPECT_EQ(classify_isomir("TGAGGTAGTAGGTTCTATAGTT", h.sequence, 5, arm).variant, "iso_snv_central_supp");
  EXPECT_EQ(classify_isomir("AGAGGTAGTAGGTTGTATAGTT", h.sequence, 5, arm).variant, "iso_snv");
  EXPECT_EQ(classify_isomir("TGAGGCAGTAGGTTGTATAGTTT", h.sequence, 5, arm).variant, "iso_snv_seed,iso_3p:+1");
}

TEST(Isomir, MintplateUidMatchesMirtop) {
  // Values from mirtop 0.4.25 (mirtop.mirna.realign.make_id).
  EXPECT_EQ(mintplate_uid("TGAGGTAGTAGGTTGTATAGTT"), "iso-22-XKVLRYVPQ");
  EXPECT_EQ(mintplate_uid("TGAGGTAGTAGGTTGTATAGTTA"), "iso-23-XKVLRYVP0O");
  EXPECT_EQ(mintplate_uid("TGAGGTAGTAGGTTGTATAGTTAA"), "iso-24-XKVLRYVPKF");
  EXPECT_EQ(mintplate_uid("ACGTA"), "iso-5-EL");
}

TEST(Quantifier, SharesMultiNameReadsAndSumsAddUp) {
  const Reference r = load();
  const HairpinIndex idx(r, 16, 1);
  Quantifier q(r, idx, {});
  CollapsedReads reads;
  reads.sequences = {{"TAGCTTATCAGACTGATGTTGA", 7},        // miR-21-5p
                     {"TGAGGTAGTAGGTTGTATAGTT", 10},       // let-7a-5p on two hairpins: one name
                     {"TTAGGGTCACACCCACCACTGG", 2},        // loop of let-7a-1: hairpin only
                     {"ACGTACGTACGTACGTACGT", 4}};         // nothing
  std::sort(reads.sequences.begin(), reads.sequences.end());
  const MappingQc m = q.add_sample({"S1", "s1.fq", {}, 0, false, 0.0}, reads);
  EXPECT_EQ(m.assigned_mature, 17u);
  EXPECT_EQ(m.hairpin_only, 2u);
  EXPECT_EQ(m.unassigned, 4u);
  const std::string counts = q.counts_tsv();
  EXPECT_NE(counts.find("hsa-let-7a-5p\t10\n"), std::string::npos) << counts;
  EXPECT_NE(counts.find("hsa-miR-21-5p\t7\n"), std::string::npos) << counts;
  const std::string hp = q.hairpin_counts_tsv();
  EXPECT_NE(hp.find("hsa-let-7a-1\t7\n"), std::string::npos) << hp;  // 10/2 + 2
  EXPECT_NE(hp.find("hsa-let-7a-2\t5\n"), std::string::npos) << hp;
  const std::string gff = q.isomirs_gff3("miRBase22", "test");
  EXPECT_NE(gff.find("## COLDATA: S1\n"), std::string::npos);
  EXPECT_NE(gff.find("hsa-let-7a-1\tmiRBase22\tref_miRNA\t6\t27\t.\t+\t.\tRead=TGAGGTAGTAGGTTGTATAGTT; UID=iso-22-XKVLRYVPQ; "
                     "Name=hsa-let-7a-5p; Parent=hsa-let-7a-1; Variant=NA; Cigar=22M; Expression=10; Filter=Pass; Hits=2;"),
            std::string::npos)
      << gff;
}

TEST(Quantifier, ReadReachingTwoNamesCountsHalfToEach) {
  // Two hairpins holding the same sequence under two mature names.
  const std::string hp = ">hsa-mir-x1\nGGGGGGUGAGGUAGUAGGUUGUAUAGUUCCCCCCCCCC\n>hsa-mir-x2\nAAAAAAUGAGGUAGUAGGUUGUAUAGUUAAAAAAAAAA\n";
  const std::string mat = ">hsa-miR-x1-5p\nUGAGGUAGUAGGUUGUAUAGUUC\n>hsa-miR-x2-5p\nUGAGGUAGUAGGUUGUAUAGUUA\n";
  const Reference r = load_reference(temp_file("hp3.fa", hp).string(), temp_file("mat3.fa", mat).string(), "", {});
  const HairpinIndex idx(r, 16, 1);
  Quantifier q(r, idx, {});
  CollapsedReads reads;
  reads.sequences = {{"TGAGGTAGTAGGTTGTATAGTT", 3}};
  q.add_sample({"S1", "s1.fq", {}, 0, false, 0.0}, reads);
  const std::string counts = q.counts_tsv();
  EXPECT_NE(counts.find("hsa-miR-x1-5p\t1.5\n"), std::string::npos) << counts;
  EXPECT_NE(counts.find("hsa-miR-x2-5p\t1.5\n"), std::string::npos) << counts;
}

TEST(Quantifier, ArmTolerancesDecideAssignment) {
  const Reference r = load();
  const HairpinIndex idx(r, 16, 1);
  AssignOptions strict;
  strict.tolerance_5p = 0;
  strict.tolerance_3p = 0;
  CollapsedReads reads;
  reads.sequences = {{"GTGAGGTAGTAGGTTGTATAGTT", 5}};  // starts 1 nt upstream on let-7a-1 (and -2 with 1 mismatch)
  Quantifier loose(r, idx, {});
  Quantifier tight(r, idx, strict);
  EXPECT_EQ(loose.add_sample({"S", "", {}, 0, false, 0.0}, reads).assigned_mature, 5u);
  EXPECT_EQ(tight.add_sample({"S", "", {}, 0, false, 0.0}, reads).hairpin_only, 5u);
}

}  // namespace
}  // namespace lscmir::quant
