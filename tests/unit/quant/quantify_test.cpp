// SPDX-License-Identifier: GPL-3.0-or-later
// Assignment of reads to matures and hairpins, and the quant tables.
#include "lscmir/quant/quantify.hpp"

#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "lscmir/core/error.hpp"
#include "lscmir/io/result_table.hpp"

#include "fixture.hpp"

namespace lscmir::quant {
namespace {

using test::load;
using test::temp_file;

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

TEST(Quantifier, ReadsEqualToMaturesGetTheirCountsPerSample) {
  const Reference r = load();
  const HairpinIndex idx(r, 16, 1);
  Quantifier q(r, idx, {});
  CollapsedReads s1, s2;
  s1.sequences = {{"CAACACCAGTCGATGGGCTGT", 5}, {"CTATACAATCTACTGTCTTTC", 2}};  // miR-21-3p, let-7a-3p
  s2.sequences = {{"CAACACCAGTCGATGGGCTGT", 1}, {"TAGCTTATCAGACTGATGTTGA", 9}};  // miR-21-3p, miR-21-5p
  std::sort(s1.sequences.begin(), s1.sequences.end());
  std::sort(s2.sequences.begin(), s2.sequences.end());
  EXPECT_EQ(q.add_sample({"S1", "", {}, 0, false, 0.0}, s1).assigned_mature, 7u);
  EXPECT_EQ(q.add_sample({"S2", "", {}, 0, false, 0.0}, s2).assigned_mature, 10u);
  EXPECT_EQ(q.samples(), 2u);
  const std::string counts = q.counts_tsv();
  EXPECT_EQ(counts.substr(0, counts.find('\n')), "feature\tS1\tS2");
  EXPECT_NE(counts.find("hsa-miR-21-3p\t5\t1\n"), std::string::npos) << counts;
  EXPECT_NE(counts.find("hsa-miR-21-5p\t0\t9\n"), std::string::npos) << counts;
  EXPECT_NE(counts.find("hsa-let-7a-3p\t2\t0\n"), std::string::npos) << counts;
  // Column sums equal the assigned reads.
  double sum1 = 0, sum2 = 0;
  std::size_t pos = counts.find('\n') + 1;
  while (pos < counts.size()) {
    const std::size_t eol = counts.find('\n', pos);
    const std::string line = counts.substr(pos, eol - pos);
    const std::size_t t1 = line.find('\t'), t2 = line.find('\t', t1 + 1);
    sum1 += std::stod(line.substr(t1 + 1, t2 - t1 - 1));
    sum2 += std::stod(line.substr(t2 + 1));
    pos = eol + 1;
  }
  EXPECT_EQ(sum1, 7.0);
  EXPECT_EQ(sum2, 10.0);
}

TEST(Quantifier, IsomirWithA3PrimeAdditionIsAnIsomirRowOfItsMature) {
  const Reference r = load();
  const HairpinIndex idx(r, 16, 1);
  Quantifier q(r, idx, {});
  CollapsedReads reads;
  reads.sequences = {{"TAGCTTATCAGACTGATGTTGAA", 4}};  // miR-21-5p + non-templated A (hairpin: C)
  const MappingQc m = q.add_sample({"S1", "", {}, 0, false, 0.0}, reads);
  EXPECT_EQ(m.assigned_mature, 4u);
  EXPECT_NE(q.counts_tsv().find("hsa-miR-21-5p\t4\n"), std::string::npos);
  const std::string gff = q.isomirs_gff3("miRBase22", "test");
  const std::size_t row = gff.find("Read=TAGCTTATCAGACTGATGTTGAA;");
  ASSERT_NE(row, std::string::npos) << gff;
  const std::string line = gff.substr(gff.rfind('\n', row) + 1, gff.find('\n', row) - gff.rfind('\n', row) - 1);
  EXPECT_NE(line.find("\tisomiR\t"), std::string::npos) << line;
  EXPECT_NE(line.find("Name=hsa-miR-21-5p;"), std::string::npos) << line;
  EXPECT_NE(line.find("Variant=iso_add3p:1;"), std::string::npos) << line;
  EXPECT_NE(line.find("Expression=4;"), std::string::npos) << line;
}

// miRTrace's complexity curve: each hairpin's depth is the first read (FASTQ order) reaching it;
// contamination counts reads whose first 20 nt are a clade prefix.
TEST(Quantifier, ComplexityCurveAndCladeCounts) {
  const Reference r = load();
  const HairpinIndex idx(r, 16, 1);
  const CladeTable clades(temp_file("clades.tsv", "clade\tfamily\tmirbase_ids\tprefix\n"
                                                  "primates\t21\thsa-miR-21\tTAGCTTATCAGACTGATGTT\n"
                                                  "insects\t1000\tdme-miR-1000\tACGTACGTACGTACGTACGT\n").string());
  Quantifier q(r, idx, {}, nullptr, &clades);
  CollapsedReads reads;
  reads.sequences = {{"ACGTACGTACGTACGTACGT", 4},     // no hairpin; insects prefix
                     {"TAGCTTATCAGACTGATGTTGA", 7},   // miR-21 hairpin, first at read 9; primates prefix
                     {"TGAGGTAGTAGGTTGTATAGTT", 10},  // let-7a-1 and let-7a-2, first at read 3
                     {"TTAGGGTCACACCCACCACTGG", 2}};  // let-7a-1 loop, first at read 2
  reads.first_read = {1, 9, 3, 2};
  const MappingQc m = q.add_sample({"S1", "s1.fq", {}, 0, false, 0.0}, reads);
  EXPECT_EQ(m.complexity, (std::vector<std::uint64_t>{2, 3, 9}));  // let-7a-1 at 2, let-7a-2 at 3, mir-21 at 9
  EXPECT_EQ(m.clade_reads, (std::vector<std::uint64_t>{7, 4}));
  const std::string cx = io::to_tsv(q.complexity_table());
  EXPECT_EQ(cx, "DISTINCT_MIRNA_HAIRPINS_ACCUMULATED_COUNT\tS1\n0\t0\n1\t2\n2\t3\n3\t9\n");
  EXPECT_EQ(clades.find("TAGCTTATCAGACTGATGT"), -1) << "shorter than 20 nt";
  EXPECT_EQ(clades.find("TAGCTTATCAGACTGATGTTNN"), 0);
}

TEST(CladeTable, BadRowsNameFileAndLine) {
  const auto bad = temp_file("clades_bad.tsv", "clade\tfamily\tmirbase_ids\tprefix\nprimates\t1\tx\tACGTACGTACGTACGTACGN\n");
  try {
    CladeTable t(bad.string());
    FAIL() << "expected an InputError";
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find(bad.string() + ", line 2"), std::string::npos) << e.what();
  }
  const auto no_col = temp_file("clades_nocol.tsv", "clade\tfamily\nprimates\t1\n");
  EXPECT_THROW(CladeTable(no_col.string()), core::InputError);
}

}  // namespace
}  // namespace lscmir::quant
