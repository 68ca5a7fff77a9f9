// SPDX-License-Identifier: GPL-3.0-or-later
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "lscmir/core/error.hpp"
#include "lscmir/targets/enrich.hpp"
#include "lscmir/targets/hypergeometric.hpp"
#include "lscmir/targets/tables.hpp"

namespace lscmir::targets {
namespace {

TEST(Hypergeometric, UpperTailMatchesR) {
  // {x, white, black, drawn, R: phyper(x - 1, white, black, drawn, lower.tail = FALSE)}
  const double cases[][5] = {
      {5, 10, 90, 20, 0.025464546427043128},       {45, 174, 3000, 600, 0.012409751395494269},
      {1, 1, 1, 1, 0.49999999999999989},           {300, 400, 9000, 1000, 1.7518854337669031e-219},
      {0, 10, 10, 5, 1},                           {12, 50, 20000, 60, 1.7782239731061444e-20},
      {200, 2000, 18000, 3000, 0.99999999999818046}, {3, 5, 5, 3, 0.083333333333333329},
  };
  for (const auto& c : cases) {
    const double p = phyper_upper(c[0], c[1], c[2], c[3]);
    EXPECT_NEAR(p / c[4], 1.0, 1e-12) << c[0] << " " << c[1] << " " << c[2] << " " << c[3];
  }
}

TEST(Hypergeometric, DensitySumsToOneAndTailsAgree) {
  const double r = 37, b = 180, n = 55;
  double sum = 0;
  for (int x = 0; x <= 37; ++x) sum += dhyper(x, r, b, n);
  EXPECT_NEAR(sum, 1.0, 1e-13);
  for (int x = 1; x <= 37; ++x) EXPECT_NEAR(phyper_upper(x, r, b, n) - phyper_upper(x + 1, r, b, n), dhyper(x, r, b, n), 1e-15);
}

std::string write(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

TEST(Gmt, QuirksNoFinalNewlineDuplicatesEmptySets) {
  const auto sets = read_gmt(write("q.gmt", "A\tdesc\tG1\tG2\tG1\t\r\nEMPTY\tnone\n\nB\thttp://x\tG3\tG4"));
  ASSERT_EQ(sets.size(), 3u);
  EXPECT_EQ(sets[0].genes, (std::vector<std::string>{"G1", "G2"}));
  EXPECT_EQ(sets[0].duplicates, 1u);
  EXPECT_TRUE(sets[1].genes.empty());
  EXPECT_EQ(sets[2].genes, (std::vector<std::string>{"G3", "G4"}));
  EXPECT_EQ(sets[2].line, 4u);
  EXPECT_THROW(read_gmt(write("bad.gmt", "A\tdesc\tG1\nJUSTANAME\n")), core::InputError);
}

TargetTable toy_table() {
  std::vector<std::pair<std::string, std::string>> pairs;
  // 12 miRNAs over 40 genes; m0 targets G0..G9, others spread.
  for (int m = 0; m < 12; ++m)
    for (int g = 0; g < 40; ++g)
      if ((m == 0 && g < 10) || (m > 0 && (g * 7 + m * 3) % 5 == 0)) pairs.emplace_back("m" + std::to_string(m), "G" + std::to_string(g));
  return make_target_table(pairs, "toy");
}

std::vector<GeneSet> toy_sets() {
  std::vector<GeneSet> sets(3);
  sets[0].name = "S0";
  for (int g = 0; g < 12; ++g) sets[0].genes.push_back("G" + std::to_string(g));
  sets[1].name = "S1";
  for (int g = 20; g < 40; g += 2) sets[1].genes.push_back("G" + std::to_string(g));
  sets[2].name = "S2";  // empty
  return sets;
}

TEST(Enrich, DefinitionsOnAToyTable) {
  const auto t = toy_table();
  EnrichOptions o;
  const auto r = enrich(t, {"m0"}, toy_sets(), nullptr, o);
  // Universe: genes in the table and in some set: G0..G11 and G20,G22,...,G38 present in the table.
  std::size_t u = 0;
  for (const auto& g : t.genes) {
    const int i = std::stoi(g.substr(1));
    u += (i < 12) || (i >= 20 && i % 2 == 0);
  }
  EXPECT_EQ(r.universe, u);
  EXPECT_EQ(r.selected, 10u);
  EXPECT_EQ(r.rows[0].overlap, 10u);
  EXPECT_EQ(r.rows[1].overlap, 0u);
  // S2 has no gene in the universe: not tested, not in BH.
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.dropped, std::vector<std::string>{"S2"});
  EXPECT_NEAR(r.rows[1].fdr, std::min(1.0, r.rows[1].p * 2.0 / 2.0), 1e-15);
  EXPECT_NEAR(r.rows[0].expected, static_cast<double>(r.rows[0].size) * 10.0 / static_cast<double>(u), 1e-15);
  EXPECT_THROW(enrich(t, {"nope"}, toy_sets(), nullptr, o), core::UsageError);
}

/// The genes behind each row's overlap: as many as `overlap` counts, each in the set and targeted.
TEST(Enrich, OverlapGenesAreTheCountedOnes) {
  const auto t = toy_table();
  const auto sets = toy_sets();
  for (const std::vector<std::string>& chosen : {std::vector<std::string>{"m0"}, std::vector<std::string>{"m1", "m3", "m4"}}) {
    const auto r = enrich(t, chosen, sets, nullptr, EnrichOptions{});
    const io::ResultTable g = overlap_genes_table(t, chosen, sets, r);
    for (const auto& row : r.rows) {
      std::size_t n = 0;
      for (std::size_t i = 0; i < g.rows(); ++i) n += g.cell_text(i, 0) == row.gene_set;
      EXPECT_EQ(n, row.overlap) << row.gene_set;
    }
    for (std::size_t i = 0; i < g.rows(); ++i) EXPECT_NE(g.cell_text(i, 0), "S2");  // a dropped set lists no gene
  }
  const auto r0 = enrich(t, {"m0"}, sets, nullptr, EnrichOptions{});
  const io::ResultTable g0 = overlap_genes_table(t, {"m0"}, sets, r0);
  ASSERT_EQ(g0.rows(), 10u);
  EXPECT_EQ(g0.cell_text(0, 1), "G0");
  EXPECT_EQ(g0.cell_text(9, 1), "G9");
}

// Regression (UBSan "reference binding to null pointer"): gene sets that share no gene with the
// targets table gave an empty universe and indexed an empty bit vector.
TEST(Enrich, NoSharedGeneIsAnInputErrorNamingTheGmt) {
  const auto t = toy_table();
  std::vector<GeneSet> sets(2);
  sets[0].name = "E0";
  sets[0].file = "entrez.gmt";
  sets[0].line = 1;
  sets[0].genes = {"7157", "672"};
  sets[1].name = "E1";
  sets[1].file = "entrez.gmt";
  sets[1].line = 2;
  sets[1].genes = {"1956"};
  for (const auto method : {EnrichMethod::kHypergeometric, EnrichMethod::kEmpirical}) {
    EnrichOptions o;
    o.method = method;
    o.permutations = 10;
    try {
      enrich(t, {"m0"}, sets, nullptr, o);
      FAIL() << "expected core::InputError";
    } catch (const core::InputError& e) {
      EXPECT_EQ(e.file(), "entrez.gmt");
      EXPECT_NE(std::string(e.what()).find("look like Entrez ids"), std::string::npos) << e.what();
    }
  }
}

// Issue 16: an Entrez GMT beside a symbol GMT: its sets are dropped (never size 0 in the table,
// never in the FDR) and the file is named with the likely id type.
TEST(Enrich, AGmtOfAnotherIdTypeIsNamedAndItsSetsDropped) {
  const auto t = toy_table();
  std::vector<GeneSet> sets = toy_sets();
  GeneSet e;
  e.name = "WP1";
  e.file = "entrez.gmt";
  e.genes = {"7157", "672"};
  sets.push_back(e);
  EnrichOptions o;
  const auto r = enrich(t, {"m0"}, sets, nullptr, o);
  ASSERT_EQ(r.unmatched_files.size(), 1u);
  EXPECT_EQ(r.unmatched_files[0].rfind("entrez.gmt (gene ids e.g. \"7157\": the gene sets look like Entrez ids", 0), 0u) << r.unmatched_files[0];
  for (const auto& row : r.rows) {
    EXPECT_GT(row.size, 0u) << row.gene_set;
    EXPECT_NE(row.gene_set, "WP1");
  }
  const std::string w = dropped_sets_warning(r);
  EXPECT_NE(w.find("no set of entrez.gmt"), std::string::npos) << w;
  EXPECT_NE(id_type_hint("TP53", "7157").find("look like symbols and the targets like Entrez"), std::string::npos);
}

TEST(Enrich, EmpiricalIsSeededAndThreadIndependent) {
  const auto t = toy_table();
  EnrichOptions o;
  o.method = EnrichMethod::kEmpirical;
  o.permutations = 2000;
  o.seed = 42;
  o.threads = 1;
  const auto a = enrich(t, {"m0", "m3"}, toy_sets(), nullptr, o);
  o.threads = 2;
  const auto b = enrich(t, {"m0", "m3"}, toy_sets(), nullptr, o);
  o.threads = 3;
  const auto c = enrich(t, {"m0", "m3"}, toy_sets(), nullptr, o);
  EXPECT_EQ(format_enrichment(a, true), format_enrichment(b, true));
  EXPECT_EQ(format_enrichment(a, true), format_enrichment(c, true));
  o.seed = 43;
  const auto d = enrich(t, {"m0", "m3"}, toy_sets(), nullptr, o);
  EXPECT_NE(format_enrichment(a, true), format_enrichment(d, true));
  for (const auto& row : a.rows) {
    EXPECT_GE(row.p_empirical, 1.0 / 2001.0);
    EXPECT_LE(row.p_empirical, 1.0);
  }
  // m0's targets fill S0: random pairs rarely reach that overlap.
  EXPECT_LT(a.rows[0].p_empirical, 0.2);
  // Choosing every miRNA: each random set is the observed one, so P.empirical = 1.
  std::vector<std::string> all = t.mirnas;
  const auto e = enrich(t, all, toy_sets(), nullptr, o);
  for (const auto& row : e.rows) EXPECT_EQ(row.p_empirical, 1.0);
}

}  // namespace
}  // namespace lscmir::targets
