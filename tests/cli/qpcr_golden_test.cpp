// SPDX-License-Identifier: GPL-3.0-or-later
// End-to-end: `lscmir qpcr` on every case under tests/reference/qpcr/ against the independent R
// computation (make_qpcr.R), the instrument exports against the long table, and `lscmir de` on
// the result against limma.
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "golden_util.hpp"

namespace fs = std::filesystem;
using namespace lscmir::golden;  // NOLINT: test-local helpers

namespace {

const fs::path kRoot = "tests/reference/qpcr";

/// ct_summary.tsv has one row per (feature, sample): key the rows by both.
Tsv read_keyed_by_two(const fs::path& p) {
  Tsv t = read_tsv(p);  // keyed by feature alone: rebuild from the file
  Tsv out;
  out.header = t.header;
  std::ifstream in(p);
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::vector<std::string> c;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, '\t')) c.push_back(cell);
    if (!line.empty() && line.back() == '\t') c.emplace_back();
    const std::string key = c[0] + "|" + c[1];
    c[0] = key;
    out.order.push_back(key);
    out.rows[key] = c;
  }
  return out;
}

int compare_case_tables(const fs::path& golden_dir, const fs::path& out) {
  int tables = 0;
  for (const auto& e : fs::directory_iterator(golden_dir)) {
    const std::string name = e.path().filename().string();
    if (e.path().extension() != ".tsv") continue;
    ++tables;
    EXPECT_TRUE(fs::exists(out / name)) << name;
    if (!fs::exists(out / name)) continue;
    const bool two_keys = name == "ct_summary.tsv";
    const Tsv want = two_keys ? read_keyed_by_two(e.path()) : read_tsv(e.path());
    const Tsv got = two_keys ? read_keyed_by_two(out / name) : read_tsv(out / name);
    EXPECT_EQ(got.header, want.header) << name;
    EXPECT_EQ(got.order.size(), want.order.size()) << name;
    if (name.rfind("onoff_", 0) == 0) EXPECT_EQ(got.order, want.order) << name << ": rows not in P order";
    const int cells = compare_tables(got, want, name, [](const std::string&) { return Tolerance{1e-9, 1e-12}; });
    EXPECT_GT(cells, 0) << name;
  }
  return tables;
}

class QpcrGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(QpcrGolden, AgreesWithIndependentComputationWithin1e9) {
  const fs::path dir = kRoot / GetParam();
  const fs::path out = scratch("qpcr_" + GetParam());
  ASSERT_EQ(run("qpcr", case_args(dir), out, 2), 0) << slurp(out.string() + ".stderr");
  EXPECT_GE(compare_case_tables(dir, out), 7);
  EXPECT_TRUE(fs::exists(out / "run_info.json"));
  fs::remove_all(out);
}

INSTANTIATE_TEST_SUITE_P(Cases, QpcrGolden, ::testing::ValuesIn(cases(kRoot)));

std::string instrument_files() {
  std::string s;
  for (int p = 1; p <= 9; ++p) s += " --ct tests/data/qpcr/plate" + std::to_string(p) + ".txt";
  return s;
}

TEST(QpcrFormats, InstrumentExportsGiveTheSameBytesAsTheLongTable) {
  const std::string rest = " --samples tests/data/qpcr/samples.tsv --contrast LSC-HSC --contrast LSC-LPC";
  const fs::path a = scratch("qpcr_long"), b = scratch("qpcr_instr"), c = scratch("qpcr_instr_forced");
  ASSERT_EQ(run("qpcr", "--ct tests/data/qpcr/ct_long.tsv" + rest, a, 1), 0) << slurp(a.string() + ".stderr");
  ASSERT_EQ(run("qpcr", instrument_files() + rest, b, 1), 0) << slurp(b.string() + ".stderr");
  ASSERT_EQ(run("qpcr", instrument_files() + rest + " --format quantstudio", c, 1), 0) << slurp(c.string() + ".stderr");
  int compared = 0;
  for (const auto& e : fs::directory_iterator(a)) {
    if (e.path().extension() != ".tsv") continue;
    EXPECT_EQ(slurp(e.path()), slurp(b / e.path().filename())) << e.path().filename();
    EXPECT_EQ(slurp(e.path()), slurp(c / e.path().filename())) << e.path().filename();
    ++compared;
  }
  EXPECT_EQ(compared, 7);
  // and both agree with the golden
  EXPECT_GE(compare_case_tables(kRoot / "long_global_mean", b), 7);
  for (const auto& p : {a, b, c}) fs::remove_all(p);
}

// --impute em against the independent R EM (tests/reference/qpcr_em/make_qpcr_em.R) on generated
// arrays whose non-detects depend on the true Ct (tests/reference/gen/make_qpcr_nondetect.R).
TEST(QpcrEm, DetectionCurveAndImputedValuesAgreeWithRWithin1e6) {
  const fs::path dir = "tests/reference/qpcr_em/nd_em";
  const fs::path out1 = scratch("qpcr_em1"), out2 = scratch("qpcr_em2");
  ASSERT_EQ(run("qpcr", case_args(dir), out1, 1), 0) << slurp(out1.string() + ".stderr");
  ASSERT_EQ(run("qpcr", case_args(dir), out2, 2), 0) << slurp(out2.string() + ".stderr");
  for (const std::string name : {"expression.tsv", "ct_summary.tsv"}) EXPECT_EQ(slurp(out1 / name), slurp(out2 / name)) << name;
  const Tsv want = read_tsv(dir / "expression.tsv"), got = read_tsv(out1 / "expression.tsv");
  EXPECT_EQ(got.header, want.header);
  EXPECT_GT(compare_tables(got, want, "expression.tsv", [](const std::string&) { return Tolerance{1e-6, 1e-6}; }), 500);
  for (const auto& row : got.rows)
    for (std::size_t c = 1; c < row.second.size(); ++c) EXPECT_NE(row.second[c], "NA") << row.first;
  const Tsv imp = read_keyed_by_two(dir / "imputed.tsv"), summary = read_keyed_by_two(out1 / "ct_summary.tsv");
  ASSERT_EQ(summary.header.back(), "imputed_ct");
  int imputed = 0;
  for (const auto& key : imp.order) {
    const auto& w = imp.rows.at(key);
    const auto& g = summary.rows.at(key);
    EXPECT_EQ(g[g.size() - 2], w[2]) << key;
    if (w[2] == "TRUE") {
      EXPECT_NEAR(num(g.back()), num(w[3]), 1e-6) << key;
      ++imputed;
    }
  }
  EXPECT_GT(imputed, 100);
  const auto info = nlohmann::json::parse(slurp(out1 / "run_info.json"));
  const auto& curve = info.at("parameters").at("detection_curve");
  const Tsv c = read_tsv(dir / "detection_curve.tsv");
  const auto& row = c.rows.at(c.order.at(0));
  EXPECT_NEAR(curve.at("intercept").get<double>(), num(row[0]), 1e-6);
  EXPECT_NEAR(curve.at("slope").get<double>(), num(row[1]), 1e-6);
  // Both run SQUAREM to one EM step moving less than 1e-9: the same fixed point, not the same cycle count.
  EXPECT_EQ(row[3], "TRUE");
  EXPECT_TRUE(curve.at("converged").get<bool>());
  fs::remove_all(out1);
  fs::remove_all(out2);
}

TEST(QpcrEm, RejectsAnUnknownImputeMethod) {
  const fs::path out = scratch("qpcr_em_bad");
  EXPECT_NE(run("qpcr", "--ct tests/data/qpcr_nd/ct_nd.tsv --samples tests/data/qpcr_nd/samples.tsv --impute em2", out, 1), 0);
  EXPECT_NE(slurp(out.string() + ".stderr").find("--impute takes ct-max or em"), std::string::npos);
  EXPECT_FALSE(fs::exists(out / "expression.tsv"));
}

TEST(QpcrThenDe, LimmaLmOnTheExpressionAgrees) {
  const fs::path q = scratch("qpcr_for_de"), d = scratch("qpcr_de");
  ASSERT_EQ(run("qpcr", case_args(kRoot / "long_global_mean"), q, 2), 0) << slurp(q.string() + ".stderr");
  const fs::path golden = "tests/reference/de/qpcr_lm";
  ASSERT_EQ(run("de",
                "--expression " + (q / "expression.tsv").string() +
                    " --samples tests/data/qpcr/samples.tsv --method lm --contrast LSC-HSC --contrast LSC-LPC --contrast HSC-LPC --contrast-se limma",
                d, 2),
            0)
      << slurp(d.string() + ".stderr");
  int tables = 0;
  for (const std::string name : {"de_LSC_vs_HSC.tsv", "de_LSC_vs_LPC.tsv", "de_HSC_vs_LPC.tsv"}) {
    const Tsv want = read_tsv(golden / name), got = read_tsv(d / name);
    ASSERT_EQ(got.rows.size(), want.rows.size()) << name;
    EXPECT_GT(compare_tables(got, want, name, [](const std::string& col) {
                return Tolerance{1e-6, (col == "logFC" || col == "t" || col == "CI.L" || col == "CI.R") ? 1e-9 : 0.0};
              }, {{"B", "B.ebayes"}}),
              0);
    ++tables;
  }
  EXPECT_EQ(tables, 3);
  fs::remove_all(q);
  fs::remove_all(d);
}

}  // namespace
