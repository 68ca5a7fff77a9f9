// SPDX-License-Identifier: GPL-3.0-or-later
// End-to-end: `lscmir de` then `lscmir specificity` on tests/data/three_pop against limma's treat
// and the class rules computed in R (make_specificity_golden.R).
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "golden_util.hpp"

namespace fs = std::filesystem;
using namespace lscmir::golden;  // NOLINT: test-local helpers

namespace {

const std::string kDe = "--counts tests/data/three_pop/counts.tsv --samples tests/data/three_pop/samples.tsv";

void check_against_golden(const fs::path& spec_out) {
  const Tsv want = read_tsv("tests/reference/specificity/three_pop/specificity.tsv");
  const Tsv got = read_tsv(spec_out / "specificity.tsv");
  EXPECT_EQ(got.header, want.header);
  EXPECT_GT(compare_tables(got, want, "specificity.tsv", [](const std::string& col) {
              // treat p-values are recovered from the printed interval: 1e-6 as the DE goldens
              return Tolerance{1e-6, col.rfind("logFC", 0) == 0 ? 1e-9 : 0.0};
            }),
            0);
}

TEST(Specificity, AgreesWithLimmaTreatAndTheClassRules) {
  const fs::path de = scratch("spec_de"), sp = scratch("spec_out");
  ASSERT_EQ(run("de", kDe + " --contrast LSC-HSC --contrast LSC-LPC --contrast HSC-LPC --contrast-se limma", de, 2), 0) << slurp(de.string() + ".stderr");
  ASSERT_EQ(run("specificity", "--de " + de.string(), sp, 2), 0) << slurp(sp.string() + ".stderr");
  check_against_golden(sp);
  const Tsv summary = read_tsv(sp / "specificity_summary.tsv");
  EXPECT_EQ(summary.rows.at("LSC-specific")[1], "17");
  fs::remove_all(de);
  fs::remove_all(sp);
}

TEST(Specificity, ReversedContrastTablesAreFlipped) {
  const fs::path de = scratch("spec_de_rev"), sp = scratch("spec_out_rev");
  ASSERT_EQ(run("de", kDe + " --contrast HSC-LSC --contrast LPC-LSC --contrast LPC-HSC --contrast-se limma", de, 2), 0) << slurp(de.string() + ".stderr");
  ASSERT_EQ(run("specificity", "--de " + de.string(), sp, 2), 0) << slurp(sp.string() + ".stderr");
  check_against_golden(sp);
  fs::remove_all(de);
  fs::remove_all(sp);
}

TEST(Specificity, RefusesTreatTablesAndMissingContrasts) {
  const fs::path de = scratch("spec_de_lfc"), sp = scratch("spec_out_lfc");
  ASSERT_EQ(run("de", kDe + " --contrast LSC-HSC --contrast LSC-LPC --lfc 1 --contrast-se limma", de, 2), 0);
  EXPECT_NE(run("specificity", "--de " + de.string(), sp, 2), 0);
  EXPECT_NE(slurp(sp.string() + ".stderr").find("was made with lscmir de --lfc"), std::string::npos);
  fs::remove(de / "run_info.json");
  EXPECT_NE(run("specificity", "--de " + de.string(), sp, 2), 0);
  EXPECT_NE(slurp(sp.string() + ".stderr").find("no DE table for HSC-LPC"), std::string::npos);
  EXPECT_FALSE(fs::exists(sp / "specificity.tsv"));
  fs::remove_all(de);
  fs::remove_all(sp);
}

}  // namespace
