// SPDX-License-Identifier: GPL-3.0-or-later
// Helpers for end-to-end tests that run the lscmir binary on tests/reference/<command>/<case>/
// (args.txt holds the arguments after the command name) and compare its tables with R's.
#pragma once

#include <unistd.h>

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

namespace lscmir::golden {

namespace fs = std::filesystem;

struct Tsv {
  std::vector<std::string> header;
  std::map<std::string, std::vector<std::string>> rows;  ///< keyed by the first column
  std::vector<std::string> order;                        ///< first column, file order
};

inline Tsv read_tsv(const fs::path& p) {
  Tsv t;
  std::ifstream in(p);
  std::string line;
  auto split = [](const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string c;
    while (std::getline(ss, c, '\t')) out.push_back(c);
    if (!s.empty() && s.back() == '\t') out.emplace_back();
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

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// The case's args.txt without its final line break.
inline std::string case_args(const fs::path& dir) {
  const std::string a = slurp(dir / "args.txt");
  return a.substr(0, a.find_last_not_of("\r\n") + 1);
}

inline double num(const std::string& s) { return s == "NA" || s.empty() ? std::nan("") : std::stod(s); }

/// A fresh (absent) scratch folder for one run.
inline fs::path scratch(const std::string& name) {
  const fs::path p = fs::temp_directory_path() / ("lscmir_golden_" + std::to_string(::getpid()) + "_" + name);
  fs::remove_all(p);
  return p;
}

/// Runs `lscmir <command> <args> --out <out> --threads N --quiet`; stderr goes to <out>.stderr.
inline int run(const std::string& command, const std::string& args, const fs::path& out, int threads) {
  const std::string cmd = std::string(LSCMIR_BINARY) + " " + command + " " + args + " --out " + out.string() + " --threads " +
                          std::to_string(threads) + " --quiet 2> " + (out.string() + ".stderr");
  return std::system(cmd.c_str());
}

/// Case folder names under `root` that have an args.txt.
inline std::vector<std::string> cases(const fs::path& root) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(root))
    if (fs::exists(e.path() / "args.txt")) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

/// Tolerance for one column: |a - b| <= rel |b| + abs.
struct Tolerance {
  double rel = 1e-6, abs = 0.0;
};

/// Compares every numeric column of `got` present in `want` (matching rows by the first column,
/// or by position when `by_position`), text columns exactly. Returns the number of cells compared.
inline int compare_tables(const Tsv& got, const Tsv& want, const std::string& name,
                          const std::function<Tolerance(const std::string&)>& tolerance,
                          const std::map<std::string, std::string>& aliases = {}) {
  int cells = 0;
  EXPECT_EQ(got.rows.size(), want.rows.size()) << name;
  for (std::size_t j = 1; j < got.header.size(); ++j) {
    const std::string col = got.header[j];
    auto it = std::find(want.header.begin(), want.header.end(), col);
    if (it == want.header.end()) {
      const auto a = aliases.find(col);
      if (a != aliases.end()) it = std::find(want.header.begin(), want.header.end(), a->second);
    }
    if (it == want.header.end()) {
      ADD_FAILURE() << name << ": golden lacks column " << col;
      continue;
    }
    const auto wj = static_cast<std::size_t>(it - want.header.begin());
    const Tolerance tol = tolerance(col);
    for (const auto& [key, row] : want.rows) {
      const auto g = got.rows.find(key);
      if (g == got.rows.end()) {
        ADD_FAILURE() << name << " lacks row " << key;
        continue;
      }
      ++cells;
      const std::string& gs = g->second[j];
      const std::string& ws = row[wj];
      char* end = nullptr;
      std::strtod(ws.c_str(), &end);
      const bool numeric = ws == "NA" || (end != nullptr && *end == '\0' && !ws.empty());
      if (!numeric) {
        EXPECT_EQ(gs, ws) << name << " " << key << " " << col;
        continue;
      }
      const double a = num(gs), b = num(ws);
      if (std::isnan(b)) {
        EXPECT_TRUE(std::isnan(a)) << name << " " << key << " " << col << ": expected NA, got " << gs;
        continue;
      }
      if (a == b) continue;  // includes matching infinities
      EXPECT_LE(std::fabs(a - b), tol.rel * std::fabs(b) + tol.abs) << name << " " << key << " " << col << ": " << gs << " vs " << ws;
    }
  }
  return cells;
}

}  // namespace lscmir::golden
