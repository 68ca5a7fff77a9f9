// SPDX-License-Identifier: GPL-3.0-or-later
// End to end: `lscmir targets` on TargetScan 7's sample suite (sites.tsv must equal
// targetscan_70_output.txt), and `lscmir targets --import targetscan` + `lscmir enrich` on TargetScan
// 7.1 conserved targets and MSigDB Hallmark against R's phyper / p.adjust goldens
// (tests/reference/gen/enrich_golden.R).
#include <gtest/gtest.h>

#include <cmath>

#include "../unit/gzip_util.hpp"
#include "golden_util.hpp"

namespace lscmir::golden {
namespace {

const fs::path kData = "tests/data/targets";
const fs::path kRef = "tests/reference/enrich";

TEST(TargetsCli, TargetScanSampleSitesEqualExpectedOutput) {
  std::string first;
  for (int threads : {1, 2}) {
    const fs::path out = scratch("ts_sample_" + std::to_string(threads));
    ASSERT_EQ(run("targets",
                  "--families " + (kData / "miR_Family_info_sample.txt").string() + " --utrs " +
                      (kData / "UTR_Sequences_sample.txt").string(),
                  out, threads),
              0)
        << slurp(out.string() + ".stderr");
    const std::string got = slurp(out / "sites.tsv");
    EXPECT_EQ(got, slurp(kData / "targetscan_70_output.txt")) << "threads " << threads;
    if (first.empty()) first = got;
    EXPECT_EQ(got, first);
    // targets.tsv counts human sites per family and gene.
    const Tsv t = read_tsv(out / "targets.tsv");
    EXPECT_EQ(t.header, (std::vector<std::string>{"mirna", "gene", "n_8mer", "n_7mer_m8", "n_7mer_1a", "n_6mer", "total"}));
    EXPECT_FALSE(t.order.empty());
  }
}

TEST(TargetsCli, GzipOutputsAreThePlainOnesAndReplaceThemWithForce) {
  const fs::path out = scratch("ts_sample_gzip");
  const std::string args = "--families " + (kData / "miR_Family_info_sample.txt").string() + " --utrs " +
                           (kData / "UTR_Sequences_sample.txt").string();
  ASSERT_EQ(run("targets", args, out, 2), 0) << slurp(out.string() + ".stderr");
  const std::string plain_targets = slurp(out / "targets.tsv");
  // A second run into the same folder needs --force, and then leaves the gzip variant only.
  EXPECT_NE(run("targets", args + " --gzip", out, 2), 0);
  EXPECT_NE(slurp(out.string() + ".stderr").find("--force"), std::string::npos);
  ASSERT_EQ(run("targets", args + " --gzip --force", out, 2), 0) << slurp(out.string() + ".stderr");
  EXPECT_FALSE(fs::exists(out / "sites.tsv"));
  EXPECT_FALSE(fs::exists(out / "targets.tsv"));
  EXPECT_EQ(test::gunzip_members(slurp(out / "sites.tsv.gz")), slurp(kData / "targetscan_70_output.txt"));
  EXPECT_EQ(test::gunzip_members(slurp(out / "targets.tsv.gz")), plain_targets);
  const std::string info = slurp(out / "run_info.json");
  EXPECT_NE(info.find("\"sites.tsv.gz\""), std::string::npos);
  EXPECT_NE(info.find("\"gzip\": true"), std::string::npos);
  // Back to plain text without sites: no file of the gzip run is left.
  ASSERT_EQ(run("targets", args + " --no-sites --force", out, 1), 0) << slurp(out.string() + ".stderr");
  EXPECT_EQ(slurp(out / "targets.tsv"), plain_targets);
  for (const char* gone : {"sites.tsv", "sites.tsv.gz", "targets.tsv.gz"}) EXPECT_FALSE(fs::exists(out / gone)) << gone;
  // lscmir enrich reads the compressed table as it reads the plain one.
  ASSERT_EQ(run("targets", args + " --gzip --force", out, 2), 0);
  const fs::path e1 = scratch("ts_sample_gzip_enrich_plain"), e2 = scratch("ts_sample_gzip_enrich_gz");
  const fs::path plain_file = scratch("ts_sample_gzip_plain.tsv"), gmt = scratch("ts_sample_gzip_sets.gmt");
  { std::ofstream(plain_file, std::ios::binary) << plain_targets; }
  { std::ofstream(gmt, std::ios::binary) << "SET1\td\tLIN28B\tNLRP1\tZNF197\nSET2\td\tCDC2L6\tFNDC3A\tLPHN1\n"; }
  const std::string rest = " --mirnas let-7/98,miR-10 --gene-sets " + gmt.string();
  ASSERT_EQ(run("enrich", "--targets " + plain_file.string() + rest, e1, 1), 0) << slurp(e1.string() + ".stderr");
  ASSERT_EQ(run("enrich", "--targets " + (out / "targets.tsv.gz").string() + rest, e2, 1), 0) << slurp(e2.string() + ".stderr");
  EXPECT_EQ(slurp(e1 / "enrichment.tsv"), slurp(e2 / "enrichment.tsv"));
}

struct EnrichCase {
  std::string name, mirnas, universe;
};

std::vector<EnrichCase> enrich_cases() {
  std::vector<EnrichCase> out;
  std::ifstream in(kRef / "cases.tsv");
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::stringstream ss(line);
    EnrichCase c;
    std::getline(ss, c.name, '\t');
    std::getline(ss, c.mirnas, '\t');
    std::getline(ss, c.universe, '\t');
    out.push_back(c);
  }
  return out;
}

fs::path imported_targets() {
  static const fs::path out = [] {
    const fs::path o = scratch("ts71_import");
    const int rc = run("targets", "--import targetscan " + (kData / "TargetScan7.1_conserved.hallmark_genes.tsv.gz").string(), o, 1);
    EXPECT_EQ(rc, 0) << slurp(o.string() + ".stderr");
    return o;
  }();
  return out / "targets.tsv";
}

TEST(EnrichCli, HypergeometricAgreesWithR) {
  const auto cases = enrich_cases();
  ASSERT_EQ(cases.size(), 4u);
  double worst = 0;
  for (const auto& c : cases) {
    const fs::path out = scratch("enrich_" + c.name);
    std::string args = "--targets " + imported_targets().string() + " --mirnas " + c.mirnas + " --gene-sets " +
                       (kData / "h.all.v7.0.symbols.gmt").string();
    if (c.universe != "-") args += " --universe " + c.universe;
    ASSERT_EQ(run("enrich", args, out, 2), 0) << slurp(out.string() + ".stderr");
    const Tsv got = read_tsv(out / "enrichment.tsv");
    const Tsv want = read_tsv(kRef / (c.name + ".tsv"));
    ASSERT_EQ(got.order, want.order) << c.name;
    const int cells = compare_tables(got, want, c.name, [](const std::string& col) {
      return col == "size" || col == "overlap" ? Tolerance{0, 0} : Tolerance{1e-9, 0};
    });
    EXPECT_EQ(cells, static_cast<int>(want.rows.size()) * 5);
    for (const auto& [key, row] : got.rows) EXPECT_NE(row[1], "0") << c.name << ": a size-0 set was tested: " << key;
    for (const auto& [key, row] : want.rows)
      for (std::size_t j = 3; j < 6; ++j) {
        const double a = num(got.rows.at(key)[j]), b = num(row[j]);
        if (b != 0) worst = std::max(worst, std::fabs(a - b) / std::fabs(b));
      }
  }
  std::cout << "[ enrich ] max relative difference to R (expected, P, FDR): " << worst << "\n";
}

TEST(EnrichCli, EmpiricalSameOutputForOneAndTwoThreads) {
  std::string texts[2];
  for (int threads : {1, 2}) {
    const fs::path out = scratch("enrich_emp_" + std::to_string(threads));
    ASSERT_EQ(run("enrich",
                  "--targets " + imported_targets().string() +
                      " --mirnas hsa-miR-155-5p,hsa-miR-21-5p,hsa-miR-181a-5p --method empirical --permutations 2000 --seed 7 "
                      "--gene-sets " + (kData / "h.all.v7.0.symbols.gmt").string(),
                  out, threads),
              0)
        << slurp(out.string() + ".stderr");
    texts[threads - 1] = slurp(out / "enrichment.tsv");
  }
  EXPECT_EQ(texts[0], texts[1]);
  EXPECT_NE(texts[0].find("P.empirical\tFDR.empirical"), std::string::npos);
}

}  // namespace
}  // namespace lscmir::golden
