// SPDX-License-Identifier: GPL-3.0-or-later
// End-to-end: `lscmir simulate` writes the same bytes for --threads 1 and --threads 2, the tables
// the report needs with their exact columns, and a candidate's ratio from a candidates table.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path fresh_dir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("lscmir-sim-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  return d;
}

int run(const std::string& args) {
  const std::string cmd = std::string(LSCMIR_BINARY) + " simulate " + args + " --quiet 2>/dev/null";
  return std::system(cmd.c_str());
}

const std::string kArgs =
    "--patients 80 --arms standard,mirna --mirna-effect-lsc 0.03 --mirna-sensitize 0.5 --hsc-lsc-ratio 0.25 "
    "--seed 99 --trajectories 2 --dose-response";

TEST(SimulateCli, SameBytesForOneAndTwoThreads) {
  const fs::path a = fresh_dir("t1"), b = fresh_dir("t2");
  ASSERT_EQ(run(kArgs + " --threads 1 --out " + a.string()), 0);
  ASSERT_EQ(run(kArgs + " --threads 2 --out " + b.string()), 0);
  for (const char* f : {"sim_summary.tsv", "sim_km.tsv", "sim_trajectories.tsv", "sim_dose_response.tsv"}) {
    const std::string x = slurp(a / f), y = slurp(b / f);
    EXPECT_FALSE(x.empty()) << f;
    EXPECT_EQ(x, y) << f << " differs between 1 and 2 threads";
  }
  EXPECT_EQ(slurp(a / "sim_summary.tsv").substr(0, slurp(a / "sim_summary.tsv").find('\n')),
            "arm\tage_group\tn\tCR\trelapse\tOS_1y\tOS_5y\tmedian_OS\tearly_death");
  EXPECT_EQ(slurp(a / "sim_km.tsv").substr(0, slurp(a / "sim_km.tsv").find('\n')), "arm\tage_group\ttime\tsurv");
  // 2 arms x 2 age groups.
  const std::string summary = slurp(a / "sim_summary.tsv");
  EXPECT_EQ(std::count(summary.begin(), summary.end(), '\n'), 5);
  const auto info = nlohmann::json::parse(slurp(a / "run_info.json"));
  EXPECT_EQ(info["command"], "simulate");
  EXPECT_EQ(info["seed"], 99);
  fs::remove_all(a);
  fs::remove_all(b);
}

TEST(SimulateCli, CandidateRatioFromTable) {
  const fs::path a = fresh_dir("cand"), b = fresh_dir("ratio");
  // hsa-miR-126-3p has logFC 2 (LSC / HSC) in the fixture: ratio 2^-2 = 0.25.
  ASSERT_EQ(run("--patients 60 --arms mirna --mirna-effect-lsc 0.05 --candidate hsa-miR-126-3p --candidates "
                "tests/cli/data/sim_candidates.tsv --out " + a.string()), 0);
  ASSERT_EQ(run("--patients 60 --arms mirna --mirna-effect-lsc 0.05 --hsc-lsc-ratio 0.25 --out " + b.string()), 0);
  EXPECT_EQ(slurp(a / "sim_summary.tsv"), slurp(b / "sim_summary.tsv"));
  const auto info = nlohmann::json::parse(slurp(a / "run_info.json"));
  EXPECT_DOUBLE_EQ(info["parameters"]["hsc_lsc_ratio"].get<double>(), 0.25);
  fs::remove_all(a);
  fs::remove_all(b);
}

TEST(SimulateCli, ZeroEffectArmsWriteIdenticalSurvivalTables) {
  // Common random numbers: with no miRNA effect the mirna arm is the standard arm, patient by
  // patient, so its rows of sim_summary.tsv and sim_km.tsv equal the standard arm's.
  const fs::path a = fresh_dir("zero");
  ASSERT_EQ(run("--patients 200 --arms standard,mirna --mirna-effect-lsc 0 --seed 4 --trajectories 0 --out " + a.string()), 0);
  for (const char* f : {"sim_summary.tsv", "sim_km.tsv"}) {
    std::istringstream in(slurp(a / f));
    std::string line, standard, mirna;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      const auto tab = line.find('\t');
      (line.substr(0, tab) == "standard" ? standard : mirna) += line.substr(tab) + "\n";
    }
    EXPECT_FALSE(standard.empty()) << f;
    EXPECT_EQ(standard, mirna) << f << ": the arms differ with zero effect";
  }
  fs::remove_all(a);
}

}  // namespace
