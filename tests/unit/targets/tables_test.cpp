// SPDX-License-Identifier: GPL-3.0-or-later
// targets::write_scan_outputs: the streamed sites.tsv / targets.tsv equal the in-memory texts for any
// thread count, and the gzip variant is those bytes in members that do not depend on the threads.
#include "lscmir/targets/tables.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "../gzip_util.hpp"
#include "lscmir/io/streamed_output.hpp"
#include "lscmir/targets/seed.hpp"
#include "lscmir/targets/utr.hpp"

namespace fs = std::filesystem;

namespace lscmir::targets {
namespace {

const std::string kDir = std::string(LSCMIR_SOURCE_DIR) + "/tests/data/targets/";

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// 3,000 genes (more than one block of 2,048) aligned in two species, the second a mutated copy of
/// the first with gaps, so that sites group across species and groups of several types occur.
fs::path write_alignments(const fs::path& dir) {
  std::mt19937 rng(20261203);
  const fs::path path = dir / "utrs.txt";
  std::ofstream out(path, std::ios::binary);
  for (int g = 0; g < 3000; ++g) {
    std::string human;
    for (int i = 0; i < 400; ++i) human.push_back("ACGU"[rng() % 4]);
    std::string mouse = human;
    for (auto& c : mouse) {
      const auto r = rng() % 100;
      if (r < 5) c = "ACGU"[rng() % 4];
      else if (r < 7) c = '-';
    }
    out << "GENE" << g << "\t9606\t" << human << "\n" << "GENE" << g << "\t10090\t" << mouse << "\n";
  }
  return path;
}

struct Written {
  std::string sites, targets;
  std::size_t rows = 0;
};

Written write_outputs(const fs::path& dir, const UtrSet& utrs, const std::vector<GeneSites>& sites, const SeedIndex& index,
                      int threads, bool gzip) {
  io::StreamedOutput s((dir / (gzip ? "sites.tsv.gz" : "sites.tsv")).string());
  io::StreamedOutput t((dir / (gzip ? "targets.tsv.gz" : "targets.tsv")).string());
  Written w;
  w.rows = write_scan_outputs(utrs, sites, index, "9606", &s, t, threads, gzip);
  s.commit();
  t.commit();
  w.sites = slurp(s.path());
  w.targets = slurp(t.path());
  return w;
}

TEST(WriteScanOutputs, PlainAndGzipForAnyThreadCountAreTheInMemoryTexts) {
  const fs::path dir = fs::temp_directory_path() / ("lscmir_tables_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const auto fams = read_families(kDir + "miR_Family_info_sample.txt");
  const UtrSet utrs = read_utrs(write_alignments(dir).string(), "9606");
  ASSERT_EQ(utrs.genes.size(), 3000u);
  const SeedIndex index(fams, SiteTypeSet{});
  const auto sites = scan_utrs(utrs, index, ScanOptions{}, 2);
  std::size_t rows = 0;
  const std::string want_sites = format_sites(utrs, sites, index, 1);
  const std::string want_targets = format_targets(utrs, sites, index, "9606", true, &rows);
  ASSERT_GT(rows, 3000u);
  ASSERT_NE(want_sites.find("+"), std::string::npos);  // groups of mixed types were formed

  const Written plain1 = write_outputs(dir, utrs, sites, index, 1, false);
  const Written plain2 = write_outputs(dir, utrs, sites, index, 2, false);
  EXPECT_TRUE(plain1.sites == want_sites);
  EXPECT_TRUE(plain1.targets == want_targets);
  EXPECT_TRUE(plain2.sites == want_sites);
  EXPECT_TRUE(plain2.targets == want_targets);
  EXPECT_EQ(plain1.rows, rows);

  const Written gz1 = write_outputs(dir, utrs, sites, index, 1, true);
  const Written gz2 = write_outputs(dir, utrs, sites, index, 3, true);
  EXPECT_TRUE(gz1.sites == gz2.sites);  // the same compressed bytes for any thread count
  EXPECT_TRUE(gz1.targets == gz2.targets);
  std::size_t members = 0;
  EXPECT_TRUE(test::gunzip_members(gz1.sites, &members) == want_sites);
  EXPECT_EQ(members, 3000u / 128 + 1);  // one member per piece of 128 genes
  EXPECT_TRUE(test::gunzip_members(gz1.targets) == want_targets);
  EXPECT_LT(gz1.sites.size() * 3, want_sites.size());
  EXPECT_EQ(gz1.rows, rows);
  fs::remove_all(dir);
}

TEST(WriteScanOutputs, NoGenesStillWritesTheHeaders) {
  const fs::path dir = fs::temp_directory_path() / ("lscmir_tables_empty_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const auto fams = read_families(kDir + "miR_Family_info_sample.txt");
  const SeedIndex index(fams, SiteTypeSet{});
  const UtrSet none;
  for (bool gzip : {false, true}) {
    const Written w = write_outputs(dir, none, {}, index, 2, gzip);
    EXPECT_EQ(gzip ? test::gunzip_members(w.sites) : w.sites, sites_header());
    EXPECT_EQ(gzip ? test::gunzip_members(w.targets) : w.targets, targets_header(index));
    EXPECT_EQ(w.rows, 0u);
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace lscmir::targets
