// SPDX-License-Identifier: GPL-3.0-or-later
// End-to-end: `lscmir de` on every case under tests/reference/de/ against limma's tables.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "golden_util.hpp"

namespace fs = std::filesystem;
using namespace lscmir::golden;  // NOLINT: test-local helpers

namespace {

class DeGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(DeGolden, AgreesWithLimmaWithin1e6) {
  const fs::path dir = fs::path("tests/reference/de") / GetParam();
  const std::string args = case_args(dir);
  const fs::path out = scratch(GetParam());
  ASSERT_EQ(run("de", args, out, 2), 0) << slurp(out.string() + ".stderr");
  int tables = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    const bool de_table = name.rfind("de_", 0) == 0;
    if (name == "pvalue_histogram.tsv") {
      // Rows keyed by contrast and bin: compared line by line (counts exact, bin edges 1e-12).
      auto rows = [](const fs::path& p) {
        std::vector<std::vector<std::string>> out;
        std::istringstream in(slurp(p));
        std::string line;
        while (std::getline(in, line)) {
          std::vector<std::string> f;
          std::stringstream ls(line);
          std::string c;
          while (std::getline(ls, c, '\t')) f.push_back(c);
          out.push_back(f);
        }
        return out;
      };
      const auto want = rows(e.path()), got = rows(out / name);
      ASSERT_EQ(got.size(), want.size()) << name;
      EXPECT_EQ(got[0], want[0]);
      for (std::size_t i = 1; i < want.size(); ++i) {
        EXPECT_EQ(got[i][0], want[i][0]) << name << " row " << i;
        EXPECT_NEAR(num(got[i][1]), num(want[i][1]), 1e-12) << name << " row " << i;
        EXPECT_EQ(num(got[i][3]), num(want[i][3])) << name << " row " << i;
      }
      ++tables;
      continue;
    }
    if (!de_table && name != "norm_factors.tsv" && name != "sample_weights.tsv" && name != "voom_trend.tsv") continue;
    ++tables;
    const Tsv want = read_tsv(e.path());
    const Tsv got = read_tsv(out / name);
    ASSERT_EQ(got.rows.size(), want.rows.size()) << name;
    if (de_table && want.header.size() > 2 && want.header[2] == "logCPM") {
      // --method ql: edgeR topTags columns, sorted by PValue; every column at 1e-5 relative
      // (measured: 1e-7 on KIRC, 3.4e-6 on an F of 7e-6), logFC also 1e-9 absolute (measured 6e-14:
      // lscmir's fits stop where edgeR's do).
      ASSERT_EQ(got.header, (std::vector<std::string>{"feature", "logFC", "logCPM", "F", "PValue", "FDR"}));
      double prev = -1;
      for (const auto& f : got.order) {
        const double p = num(got.rows.at(f)[4]);
        EXPECT_LE(prev, p) << name << " not sorted at " << f;
        prev = p;
      }
      compare_tables(got, want, name, [](const std::string& col) {
        return Tolerance{1e-5, col == "logFC" ? 1e-9 : (col == "F" ? 1e-10 : 0.0)};
      });
      continue;
    }
    if (de_table) {
      ASSERT_EQ(got.header, (std::vector<std::string>{"feature", "logFC", "CI.L", "CI.R", "AveExpr", "t", "P.Value", "adj.P.Val", "B"}));
      // Sorted by P.Value (NA last).
      double prev = -1;
      for (const auto& f : got.order) {
        const double p = num(got.rows.at(f)[6]);
        if (std::isnan(p)) { prev = 2; continue; }
        EXPECT_LE(prev, p) << name << " not sorted at " << f;
        prev = p;
      }
    }
    // logFC-like columns of all-zero features are rounding noise around 0 in limma too.
    compare_tables(got, want, name, [](const std::string& col) {
      return Tolerance{1e-6, (col == "logFC" || col == "t" || col == "CI.L" || col == "CI.R") ? 1e-9 : 0.0};
    }, {{"B", "B.ebayes"}});
  }
  EXPECT_GT(tables, 0);
  const auto info = nlohmann::json::parse(slurp(out / "run_info.json"));
  EXPECT_EQ(info["command"], "de");
  if (fs::exists(dir / "filter_kept.txt")) {
    // filterByExpr's kept count (--filter) against edgeR's.
    EXPECT_EQ(info["parameters"]["filter_kept"].get<long>(), std::stol(slurp(dir / "filter_kept.txt")));
  }
  if (fs::exists(dir / "common_dispersion.txt")) {
    // estimateDisp's common dispersion (--method ql) against edgeR's.
    const double want = std::stod(slurp(dir / "common_dispersion.txt"));
    const double got = info["parameters"]["common_dispersion"].get<double>();
    EXPECT_NEAR(got, want, 1e-8 * want) << "common_dispersion";
  }
  if (fs::exists(dir / "consensus_correlation.txt")) {
    // duplicateCorrelation's consensus (--block) against limma's.
    const double want = std::stod(slurp(dir / "consensus_correlation.txt"));
    const double got = info["parameters"]["consensus_correlation"].get<double>();
    EXPECT_NEAR(got, want, 1e-6 * std::abs(want)) << "consensus_correlation";
  }
  // counts and samples, and a spike-in table when --spike-ins is given
  EXPECT_EQ(info["inputs"].size(), args.find("--spike-ins") != std::string::npos ? 3u : 2u);
  EXPECT_EQ(info["inputs"][0]["sha256"].get<std::string>().size(), 64u);
  fs::remove_all(out);
}

INSTANTIATE_TEST_SUITE_P(Cases, DeGolden, ::testing::ValuesIn(cases("tests/reference/de")));

// [study] norm = "spike-in" with spike_ins in a config: `lscmir run` gives the spike-in golden's factors and t.
TEST(DeSpikeIn, RunConfigUsesTheSpikeInTable) {
  const fs::path dir = scratch("spikein_cfg");
  fs::create_directories(dir);
  const std::string root = fs::current_path().string();
  std::ofstream(dir / "c.toml") << "[study]\nsamples = \"" << root << "/tests/data/three_pop/samples.tsv\"\ncounts = \"" << root
                                << "/tests/data/three_pop/counts.tsv\"\ncontrasts = [\"LSC-HSC\", \"LSC-LPC\"]\nnorm = \"spike-in\"\n"
                                << "spike_ins = \"" << root << "/tests/data/three_pop/spikeins.tsv\"\n";
  const fs::path out = dir / "out";
  ASSERT_EQ(run("run", (dir / "c.toml").string(), out, 2), 0) << slurp(out.string() + ".stderr");
  const fs::path golden = "tests/reference/de/three_pop_spikein";
  for (const char* f : {"norm_factors.tsv", "de_LSC_vs_HSC.tsv"})
    EXPECT_GT(compare_tables(read_tsv(out / f), read_tsv(golden / f), f, [](const std::string&) { return Tolerance{1e-6, 1e-9}; },
                             {{"B", "B.ebayes"}}),
              0);
  const auto info = nlohmann::json::parse(slurp(out / "run_info.de.json"));
  EXPECT_EQ(info["parameters"]["norm"], "spike-in");
  // The report's sample table shows the factors the fit used (the spike-in ones), not TMM's.
  const Tsv nf = read_tsv(out / "norm_factors.tsv"), qc = read_tsv(out / "qc_samples.tsv");
  const auto col = [](const Tsv& t, const std::string& name) {
    return static_cast<std::size_t>(std::find(t.header.begin(), t.header.end(), name) - t.header.begin());
  };
  ASSERT_LT(col(qc, "norm.factors"), qc.header.size());
  ASSERT_EQ(nf.order.size(), qc.order.size());
  for (const auto& sample : nf.order) {
    ASSERT_TRUE(qc.rows.count(sample)) << sample;
    EXPECT_EQ(qc.rows.at(sample)[col(qc, "norm.factors")], nf.rows.at(sample)[col(nf, "norm.factors")]) << sample;
    EXPECT_EQ(qc.rows.at(sample)[col(qc, "lib.size")], nf.rows.at(sample)[col(nf, "lib.size")]) << sample;
  }
  fs::remove_all(dir);
}

TEST(DeDeterminism, SameBytesForOneAndTwoThreads) {
  for (const std::string c : {"three_pop_trend_robust", "expr_na_lm", "thca_voom_robust", "block_unbal_voom", "block_expr_na_lm", "sw_unbal_voom", "filter_unbal_block_voom", "ql_unbal"}) {
    const std::string a = case_args(fs::path("tests/reference/de") / c);
    const fs::path o1 = scratch(c + "_t1"), o2 = scratch(c + "_t2");
    ASSERT_EQ(run("de", a, o1, 1), 0);
    ASSERT_EQ(run("de", a, o2, 2), 0);
    int compared = 0;
    for (const auto& e : fs::directory_iterator(o1)) {
      if (e.path().extension() != ".tsv") continue;
      EXPECT_EQ(slurp(e.path()), slurp(o2 / e.path().filename())) << c << " " << e.path().filename();
      ++compared;
    }
    EXPECT_GT(compared, 0);
    fs::remove_all(o1);
    fs::remove_all(o2);
  }
}

TEST(DeOutputs, RefusesToOverwriteWithoutForce) {
  const fs::path out = scratch("force");
  const std::string args = "--counts tests/data/thca/THCA.paired.counts.tsv --samples tests/data/thca/THCA.paired.samples.tsv --contrast tumor-normal";
  ASSERT_EQ(run("de", args, out, 1), 0);
  const std::string before = slurp(out / "de_tumor_vs_normal.tsv");
  const std::string cmd = std::string(LSCMIR_BINARY) + " de " + args + " --out " + out.string() + " 2>/dev/null";
  EXPECT_NE(std::system(cmd.c_str()), 0);
  EXPECT_EQ(slurp(out / "de_tumor_vs_normal.tsv"), before);
  fs::remove_all(out);
}

}  // namespace
