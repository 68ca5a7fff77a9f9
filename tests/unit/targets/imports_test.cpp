// SPDX-License-Identifier: GPL-3.0-or-later
#include <gtest/gtest.h>

#include <fstream>

#include "lscmir/core/error.hpp"
#include "lscmir/targets/imports.hpp"

namespace lscmir::targets {
namespace {

std::string write(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

TEST(ImportTargetScan, CountTableSumsRepeatedPairs) {
  const auto r = import_targetscan(write("ts.tsv",
                                         "gene_symbol\tmirbase_accession\tmature_name_mirbase22\tn_conserved_sites\n"
                                         "TP53\tMIMAT1\thsa-miR-1\t2\nBCL2\tMIMAT1\thsa-miR-1\t1\nTP53\tMIMAT1\thsa-miR-1\t1\n"),
                                   "9606");
  EXPECT_EQ(r.records, 3u);
  EXPECT_EQ(r.rows, 2u);
  EXPECT_EQ(r.text,
            "mirna\tgene\tn_8mer\tn_7mer_m8\tn_7mer_1a\tn_6mer\ttotal\n"
            "hsa-miR-1\tBCL2\tNA\tNA\tNA\tNA\t1\nhsa-miR-1\tTP53\tNA\tNA\tNA\tNA\t3\n");
}

TEST(ImportTargetScan, SummaryCountsAddConservedAndNonconserved) {
  const std::string header =
      "Transcript ID\tGene Symbol\tmiRNA family\tSpecies ID\tTotal num conserved sites\tNumber of conserved 8mer sites\t"
      "Number of conserved 7mer-m8 sites\tNumber of conserved 7mer-1a sites\tTotal num nonconserved sites\t"
      "Number of nonconserved 8mer sites\tNumber of nonconserved 7mer-m8 sites\tNumber of nonconserved 7mer-1a sites\t"
      "Number of 6mer sites\tRepresentative miRNA\n";
  const auto r = import_targetscan(write("sc.tsv", header + "NM_1\tTP53\tmiR-1\t9606\t2\t1\t1\t0\t1\t0\t0\t1\t3\thsa-miR-1\n"
                                                            "NM_1\tTP53\tmiR-1\t10090\t2\t1\t1\t0\t1\t0\t0\t1\t3\tmmu-miR-1\n"),
                                   "9606");
  EXPECT_EQ(r.text, "mirna\tgene\tn_8mer\tn_7mer_m8\tn_7mer_1a\tn_6mer\ttotal\nhsa-miR-1\tTP53\t1\t1\t1\t3\t6\n");
  ASSERT_EQ(r.warnings.size(), 1u);
}

TEST(ImportTargetScan, UnknownHeaderIsAnError) {
  EXPECT_THROW(import_targetscan(write("bad.tsv", "a\tb\n1\t2\n"), "9606"), core::InputError);
}

TEST(ImportMirTarBase, EntrezMappedToSymbolsWithConflictsWarned) {
  const std::string map = write("map.tsv", "Target Gene\tTarget Gene (Entrez ID)\nHBXIP\t10542\nTP53\t7157\nLAMTOR5\t10542\n");
  const auto r = import_mirtarbase(write("m.csv", "mirtarbase,entrez targets\nhsa-miR-1,7157\nhsa-miR-1,7157\nhsa-miR-2,10542\n"
                                                  "hsa-miR-2,999999\n"),
                                   map);
  EXPECT_EQ(r.text,
            "mirna\tgene\tentrez\tn_records\tsupport_types\n"
            "hsa-miR-1\tTP53\t7157\t2\tNA\nhsa-miR-2\t999999\t999999\t1\tNA\nhsa-miR-2\tHBXIP\t10542\t1\tNA\n");
  ASSERT_EQ(r.warnings.size(), 2u);  // the map's conflict and the unmapped id
}

}  // namespace
}  // namespace lscmir::targets
