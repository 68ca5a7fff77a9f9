// SPDX-License-Identifier: GPL-3.0-or-later
// End-to-end: `lscmir de` on every case under tests/reference/de/ against limma's tables.
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

namespace fs = std::filesystem;

namespace {

struct Tsv {
  std::vector<std::string> header;
  std::map<std::string, std::vector<std::string>> rows;  // by feature
  std::vector<std::string> order;
};

Tsv read_tsv(const fs::path& p) {
  Tsv t;
  std::ifstream in(p);
  std::string line;
  auto split = [](const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string c;
    while (std::getline(ss, c, '\t')) out.push_back(c);
    return out;
  };
  if (!std::getline(in, line)) return t;
  t.header = split(line);
  while (std::getline(in, line)) {
    auto c = split(line);
    t.order.push_back(c[0]);
    t.rows[c[0]] = c;
  }
  return t;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

int run(const std::string& args, const fs::path& out, int threads) {
  const std::string cmd = std::string(LSCMIR_BINARY) + " de " + args + " --out " + out.string() + " --threads " +
                          std::to_string(threads) + " --quiet 2> " + (out.string() + ".stderr");
  return std::system(cmd.c_str());
}

double num(const std::string& s) { return s == "NA" ? std::nan("") : std::stod(s); }

fs::path scratch(const std::string& name) {
  const fs::path p = fs::temp_directory_path() / ("lscmir_de_golden_" + std::to_string(::getpid()) + "_" + name);
  fs::remove_all(p);
  return p;
}

class DeGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(DeGolden, AgreesWithLimmaWithin1e6) {
  const fs::path dir = fs::path("tests/reference/de") / GetParam();
  const std::string args = slurp(dir / "args.txt");
  const fs::path out = scratch(GetParam());
  ASSERT_EQ(run(args.substr(0, args.find_last_not_of("\r\n") + 1), out, 2), 0) << slurp(out.string() + ".stderr");
  int tables = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    const bool de_table = name.rfind("de_", 0) == 0;
    if (!de_table && name != "norm_factors.tsv") continue;
    ++tables;
    const Tsv want = read_tsv(e.path());
    const Tsv got = read_tsv(out / name);
    ASSERT_EQ(got.rows.size(), want.rows.size()) << name;
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
    for (std::size_t j = 1; j < got.header.size(); ++j) {
      std::string col = got.header[j];
      auto it = std::find(want.header.begin(), want.header.end(), col);
      if (it == want.header.end() && col == "B") it = std::find(want.header.begin(), want.header.end(), "B.ebayes");
      ASSERT_NE(it, want.header.end()) << name << " golden lacks " << col;
      const auto wj = static_cast<std::size_t>(it - want.header.begin());
      // logFC-like columns of all-zero features are rounding noise around 0 in limma too.
      const double abs_tol = (col == "logFC" || col == "t" || col == "CI.L" || col == "CI.R") ? 1e-9 : 0.0;
      for (const auto& [feature, row] : want.rows) {
        const auto g = got.rows.find(feature);
        ASSERT_NE(g, got.rows.end()) << name << " lacks " << feature;
        const double a = num(g->second[j]), b = num(row[wj]);
        if (std::isnan(b)) {
          EXPECT_TRUE(std::isnan(a)) << name << " " << feature << " " << col << ": expected NA, got " << a;
          continue;
        }
        EXPECT_LE(std::fabs(a - b), 1e-6 * std::fabs(b) + abs_tol) << name << " " << feature << " " << col << ": " << a << " vs " << b;
      }
    }
  }
  EXPECT_GT(tables, 0);
  const auto info = nlohmann::json::parse(slurp(out / "run_info.json"));
  EXPECT_EQ(info["command"], "de");
  EXPECT_EQ(info["inputs"].size(), 2u);
  EXPECT_EQ(info["inputs"][0]["sha256"].get<std::string>().size(), 64u);
  fs::remove_all(out);
}

std::vector<std::string> cases() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator("tests/reference/de"))
    if (fs::exists(e.path() / "args.txt")) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

INSTANTIATE_TEST_SUITE_P(Cases, DeGolden, ::testing::ValuesIn(cases()));

TEST(DeDeterminism, SameBytesForOneAndTwoThreads) {
  for (const std::string c : {"three_pop_trend_robust", "expr_na_lm", "thca_voom_robust"}) {
    const std::string args = slurp(fs::path("tests/reference/de") / c / "args.txt");
    const std::string a = args.substr(0, args.find_last_not_of("\r\n") + 1);
    const fs::path o1 = scratch(c + "_t1"), o2 = scratch(c + "_t2");
    ASSERT_EQ(run(a, o1, 1), 0);
    ASSERT_EQ(run(a, o2, 2), 0);
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
  ASSERT_EQ(run(args, out, 1), 0);
  const std::string before = slurp(out / "de_tumor_vs_normal.tsv");
  const std::string cmd = std::string(LSCMIR_BINARY) + " de " + args + " --out " + out.string() + " 2>/dev/null";
  EXPECT_NE(std::system(cmd.c_str()), 0);
  EXPECT_EQ(slurp(out / "de_tumor_vs_normal.tsv"), before);
  fs::remove_all(out);
}

}  // namespace
