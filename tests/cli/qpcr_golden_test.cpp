// SPDX-License-Identifier: GPL-3.0-or-later
// End-to-end: `lscmir qpcr` on every case under tests/reference/qpcr/ against the independent R
// computation (make_qpcr.R), the instrument exports against the long table, and `lscmir de` on
// the result against limma.
#include <cmath>
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
void expect_em_golden(const fs::path& dir) {
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

TEST(QpcrEm, DetectionCurveAndImputedValuesAgreeWithRWithin1e6) { expect_em_golden("tests/reference/qpcr_em/nd_em"); }

// --em-design with a numeric covariate (cells_log10, unpenalized) and a second fixed factor
// (plate, the population's prior) beside population and patient; the same R script with them.
TEST(QpcrEm, CovariatesInTheCtModelAgreeWithRWithin1e6) {
  expect_em_golden("tests/reference/qpcr_em/nd_em_cov");
  const fs::path out = scratch("qpcr_em_cov");
  ASSERT_EQ(run("qpcr", case_args("tests/reference/qpcr_em/nd_em_cov"), out, 1), 0);
  const auto curve = nlohmann::json::parse(slurp(out / "run_info.json")).at("parameters").at("detection_curve");
  EXPECT_EQ(curve.at("ct_design").get<std::string>(), "~ population + patient + cells_log10 + plate");
  EXPECT_EQ(curve.at("term_sd").size(), 3u);  // population, patient, plate: cells_log10 is no factor
  EXPECT_EQ(curve.at("term_sd").at("plate").get<double>(), 2.0);
  EXPECT_GT(curve.at("patient_sd").get<double>(), 0.0);
  fs::remove_all(out);
}

// --em-design errors: no population term, no intercept, an unknown column, a missing covariate
// value (named by sheet line), a covariate confounded with patient; nothing is written.
TEST(QpcrEm, RejectsAnEmDesignItCannotFit) {
  const fs::path dir = scratch("qpcr_em_design_bad");
  fs::create_directories(dir);
  std::string sheet = slurp("tests/data/qpcr_nd/samples_cov.tsv");
  const std::size_t line3 = sheet.find('\n', sheet.find('\n') + 1) + 1;  // the second sample's line
  const std::size_t tab = sheet.find_last_of('\t', sheet.find('\n', line3));
  const std::size_t tab2 = sheet.find_last_of('\t', tab - 1);
  {
    std::string holed = sheet;
    holed.replace(tab2 + 1, tab - tab2 - 1, "NA");  // cells_log10 of P01_LPC
    std::ofstream(dir / "holed.tsv") << holed;
  }
  {
    std::ofstream o(dir / "age.tsv");  // age: one value per patient, so confounded with patient
    std::istringstream in(slurp("tests/data/qpcr_nd/samples.tsv"));
    std::string line;
    for (int i = 0; std::getline(in, line); ++i) o << line << '\t' << (i == 0 ? std::string("age") : std::to_string(40 + (i - 1) / 3)) << '\n';
  }
  const fs::path out = dir / "out";
  const std::string base = "--ct tests/data/qpcr_nd/ct_nd.tsv --ct-max 40 --impute em --samples ";
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"tests/data/qpcr_nd/samples_cov.tsv --em-design '~ patient + plate'", "has no population term"},
      {"tests/data/qpcr_nd/samples_cov.tsv --em-design '~ 0 + population'", "needs an intercept"},
      {"tests/data/qpcr_nd/samples_cov.tsv --em-design '~ population + batch'", "'batch' is not a column of"},
      {(dir / "holed.tsv").string() + " --em-design '~ population + patient + cells_log10'", "holed.tsv, line 3: sample \"P01_LPC\" has no value in column \"cells_log10\""},
      {(dir / "age.tsv").string() + " --em-design '~ population + patient + age'", "age is confounded with patient; 1 column(s) cannot be estimated. Remove the confounded term from --em-design"}};
  for (const auto& [args, message] : bad) {
    EXPECT_NE(run("qpcr", base + args, out, 1), 0) << args;
    const std::string err = slurp(out.string() + ".stderr");
    EXPECT_NE(err.find(message), std::string::npos) << args << "\n" << err;
    EXPECT_FALSE(fs::exists(out / "expression.tsv")) << args;
  }
  fs::remove_all(dir);
}

TEST(QpcrEm, RejectsAnUnknownImputeMethod) {
  const fs::path out = scratch("qpcr_em_bad");
  EXPECT_NE(run("qpcr", "--ct tests/data/qpcr_nd/ct_nd.tsv --samples tests/data/qpcr_nd/samples.tsv --impute em2", out, 1), 0);
  EXPECT_NE(slurp(out.string() + ".stderr").find("--impute takes ct-max, em or em-multiple N"), std::string::npos);
  EXPECT_FALSE(fs::exists(out / "expression.tsv"));
  for (const std::string bad : {"em-multiple", "em-multiple 1", "em-multiple x", "em 5"}) {
    EXPECT_NE(run("qpcr", "--ct tests/data/qpcr_nd/ct_nd.tsv --samples tests/data/qpcr_nd/samples.tsv --impute " + bad, out, 1), 0) << bad;
    EXPECT_FALSE(fs::exists(out / "expression.tsv")) << bad;
  }
  fs::remove_all(out);
}

// --impute em-multiple N, then de --imputations: threads 1 and 2 byte-identical, the expectations
// in expression.tsv still R's, and the pooled table equal to Rubin's rules applied here to `lscmir
// de` run on each draw's completed matrix on its own.
TEST(QpcrEmMultiple, DrawsPoolByRubinsRules) {
  const std::string args = "--ct tests/data/qpcr_nd/ct_nd.tsv --samples tests/data/qpcr_nd/samples.tsv --ct-max 40 --impute em-multiple 4 --seed 3";
  const fs::path q1 = scratch("qpcr_mi1"), q2 = scratch("qpcr_mi2");
  ASSERT_EQ(run("qpcr", args, q1, 1), 0) << slurp(q1.string() + ".stderr");
  ASSERT_EQ(run("qpcr", args, q2, 2), 0) << slurp(q2.string() + ".stderr");
  for (const std::string name : {"expression.tsv", "imputations.tsv", "ct_summary.tsv"}) EXPECT_EQ(slurp(q1 / name), slurp(q2 / name)) << name;
  const Tsv want = read_tsv("tests/reference/qpcr_em/nd_em/expression.tsv"), expr = read_tsv(q1 / "expression.tsv");
  EXPECT_GT(compare_tables(expr, want, "expression.tsv", [](const std::string&) { return Tolerance{1e-6, 1e-6}; }), 500);
  const Tsv draws = read_keyed_by_two(q1 / "imputations.tsv");
  ASSERT_EQ(draws.header.size(), 6u);
  EXPECT_EQ(draws.header[5], "draw_4");
  EXPECT_GT(draws.order.size(), 100u);
  const std::string de_args = " --samples tests/data/qpcr_nd/samples.tsv --method lm --contrast LSC-HSC";
  const fs::path d1 = scratch("de_mi1"), d2 = scratch("de_mi2");
  const std::string mi = "--expression " + (q1 / "expression.tsv").string() + " --imputations " + (q1 / "imputations.tsv").string() + de_args;
  ASSERT_EQ(run("de", mi, d1, 1), 0) << slurp(d1.string() + ".stderr");
  ASSERT_EQ(run("de", mi, d2, 2), 0) << slurp(d2.string() + ".stderr");
  EXPECT_EQ(slurp(d1 / "de_LSC_vs_HSC.tsv"), slurp(d2 / "de_LSC_vs_HSC.tsv"));
  const Tsv pooled = read_tsv(d1 / "de_LSC_vs_HSC.tsv");
  ASSERT_EQ(pooled.header.size(), 12u);
  EXPECT_EQ(pooled.header[9], "SE");
  EXPECT_EQ(pooled.header[10], "df");
  EXPECT_EQ(pooled.header[11], "fmi");
  // each draw on its own: write its completed matrix, run de, collect logFC and SE = logFC / t
  std::map<std::string, std::vector<double>> q, u;
  for (int k = 0; k < 4; ++k) {
    std::ifstream in(q1 / "expression.tsv");
    const fs::path mk = scratch("mi_draw" + std::to_string(k)), dk = scratch("de_draw" + std::to_string(k));
    fs::create_directories(mk);
    std::ofstream os(mk / "expression.tsv");
    std::string line;
    std::getline(in, line);
    os << line << "\n";
    std::vector<std::string> samples;
    {
      std::stringstream ss(line);
      std::string c;
      while (std::getline(ss, c, '\t')) samples.push_back(c);
    }
    while (std::getline(in, line)) {
      std::stringstream ss(line);
      std::string c;
      std::vector<std::string> cells;
      while (std::getline(ss, c, '\t')) cells.push_back(c);
      for (std::size_t j = 1; j < cells.size(); ++j) {
        const auto it = draws.rows.find(cells[0] + "|" + samples[j]);
        if (it != draws.rows.end()) cells[j] = it->second[static_cast<std::size_t>(2 + k)];
        os << cells[j - 1] << '\t';
      }
      os << cells.back() << "\n";
    }
    os.close();
    ASSERT_EQ(run("de", "--expression " + (mk / "expression.tsv").string() + de_args, dk, 1), 0) << slurp(dk.string() + ".stderr");
    const Tsv t = read_tsv(dk / "de_LSC_vs_HSC.tsv");
    for (const auto& [f, row] : t.rows) {
      q[f].push_back(num(row[1]));
      u[f].push_back(std::pow(num(row[1]) / num(row[5]), 2));
    }
    fs::remove_all(mk);
    fs::remove_all(dk);
  }
  int checked = 0;
  for (const auto& [f, row] : pooled.rows) {
    const auto& qs = q.at(f);
    const auto& us = u.at(f);
    double qbar = 0, ubar = 0, b = 0;
    for (int k = 0; k < 4; ++k) {
      qbar += qs[static_cast<std::size_t>(k)] / 4;
      ubar += us[static_cast<std::size_t>(k)] / 4;
    }
    for (double v : qs) b += (v - qbar) * (v - qbar) / 3;
    const double total = ubar + 1.25 * b;
    EXPECT_NEAR(num(row[1]), qbar, 1e-9 * (1 + std::fabs(qbar))) << f;
    EXPECT_NEAR(num(row[9]), std::sqrt(total), 1e-7 * std::sqrt(total)) << f;
    EXPECT_NEAR(num(row[11]), 1.25 * b / total, 1e-7) << f;
    EXPECT_EQ(row[8], "NA") << f;  // B
    EXPECT_LE(num(row[2]), num(row[1]));
    ++checked;
  }
  EXPECT_GT(checked, 30);
  for (const auto& p : {q1, q2, d1, d2}) fs::remove_all(p);
}

TEST(QpcrEmMultiple, BadImputationsFileNamesFileAndLine) {
  const fs::path dir = scratch("mi_bad"), out = scratch("de_mi_bad");
  fs::create_directories(dir);
  std::ofstream(dir / "imputations.tsv") << "feature\tsample\tdraw_1\tdraw_2\nmiR-1\tS1\t1.5\tabc\n";
  EXPECT_NE(run("de", "--expression tests/reference/qpcr_em/nd_em/expression.tsv --imputations " + (dir / "imputations.tsv").string() +
                          " --samples tests/data/qpcr_nd/samples.tsv --method lm --contrast LSC-HSC", out, 1),
            0);
  const std::string err = slurp(out.string() + ".stderr");
  EXPECT_NE(err.find("imputations.tsv"), std::string::npos) << err;
  EXPECT_NE(err.find("2"), std::string::npos) << err;
  EXPECT_NE(err.find("expected a finite number"), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(out / "de_LSC_vs_HSC.tsv"));
  fs::remove_all(dir);
  fs::remove_all(out);
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
