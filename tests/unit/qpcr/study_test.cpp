// SPDX-License-Identifier: GPL-3.0-or-later
// qpcr::read_study / analyze / qpcr_tables on the long-table fixture against the golden tables of
// tests/reference/qpcr/long_global_mean (make_qpcr.R), cell by cell.
#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "lscmir/core/error.hpp"
#include "lscmir/io/number.hpp"
#include "lscmir/io/table.hpp"
#include "lscmir/qpcr/study.hpp"

namespace fs = std::filesystem;

namespace lscmir::qpcr {
namespace {

const fs::path kSource = LSCMIR_SOURCE_DIR;

QpcrOptions fixture_options() {
  QpcrOptions o;
  o.ct = {(kSource / "tests/data/qpcr/ct_long.tsv").string()};
  o.samples = (kSource / "tests/data/qpcr/samples.tsv").string();
  return o;
}

/// Every cell of `golden` equals the table: text exactly, numbers within 1e-9 relative (1e-12 absolute).
/// ct_summary.tsv (one row per feature and sample) is matched by those two columns, as R orders it
/// differently; the other tables row by row.
int expect_matches(const io::ResultTable& got, const fs::path& golden) {
  io::Table want = io::read_table(golden.string());
  if (golden.filename() == "ct_summary.tsv" && got.rows() == want.rows.size()) {
    std::map<std::string, std::vector<std::string>> by_key;
    for (auto& row : want.rows) by_key[row[0] + "|" + row[1]] = row;
    for (std::size_t i = 0; i < got.rows(); ++i) {
      const auto it = by_key.find(got.cell_text(i, 0) + "|" + got.cell_text(i, 1));
      if (it != by_key.end()) want.rows[i] = it->second;
    }
  }
  std::vector<std::string> header;
  for (const auto& c : got.columns) header.push_back(c.name);
  EXPECT_EQ(header, want.header) << golden;
  EXPECT_EQ(got.rows(), want.rows.size()) << golden;
  if (header != want.header || got.rows() != want.rows.size()) return 0;
  int cells = 0;
  for (std::size_t i = 0; i < got.rows(); ++i)
    for (std::size_t j = 0; j < header.size(); ++j) {
      const std::string g = got.cell_text(i, j), w = want.rows[i][j];
      double gv = 0, wv = 0;
      if (io::parse_finite(g, gv) && io::parse_finite(w, wv))
        EXPECT_NEAR(gv, wv, 1e-12 + 1e-9 * std::fabs(wv)) << golden.filename() << " row " << i + 1 << " column " << header[j];
      else if (io::is_na_cell(w))
        EXPECT_TRUE(io::is_na_cell(g)) << golden.filename() << " row " << i + 1 << " column " << header[j] << ": " << g;
      else
        EXPECT_EQ(g, w) << golden.filename() << " row " << i + 1 << " column " << header[j];
      ++cells;
    }
  return cells;
}

TEST(QpcrStudy, AnalyzeEqualsTheGoldenTables) {
  std::ostringstream sink;
  core::Logger log(sink);
  const QpcrOptions o = fixture_options();
  const QpcrData data = read_study(o, log);
  EXPECT_EQ(data.levels, (std::vector<std::string>{"HSC", "LPC", "LSC"}));
  EXPECT_EQ(data.format_list, "long");
  const QpcrResult r = analyze(data, {{"LSC", "HSC", "LSC_vs_HSC"}, {"LSC", "LPC", "LSC_vs_LPC"}}, o, log);
  const auto tables = qpcr_tables(r);
  std::vector<std::string> files;
  for (const auto& t : tables) files.push_back(t.file);
  EXPECT_EQ(files, (std::vector<std::string>{"expression.tsv", "ct_summary.tsv", "normalizers.tsv", "detection.tsv",
                                             "references.tsv", "onoff_LSC_vs_HSC.tsv", "onoff_LSC_vs_LPC.tsv"}));
  const fs::path golden = kSource / "tests/reference/qpcr/long_global_mean";
  for (const auto& t : tables) EXPECT_GT(expect_matches(t.table, golden / t.file), 0) << t.file;

  // The in-memory expression holds the doubles of expression.tsv.
  ASSERT_EQ(r.expression.features, r.matrix.assays);
  ASSERT_EQ(r.expression.samples, r.matrix.samples);
  const io::ResultTable& e = tables[0].table;
  int compared = 0;
  for (Eigen::Index j = 0; j < r.expression.values.cols(); ++j)
    for (Eigen::Index i = 0; i < r.expression.values.rows(); ++i) {
      const double v = r.expression.values(i, j), w = e.columns[static_cast<std::size_t>(j) + 1].real[static_cast<std::size_t>(i)];
      if (std::isnan(w)) EXPECT_TRUE(std::isnan(v));
      else EXPECT_EQ(v, w);
      ++compared;
    }
  EXPECT_EQ(compared, static_cast<int>(r.matrix.n_assays() * r.matrix.n_samples()));
}

TEST(QpcrStudy, UsageErrorsNameTheFlag) {
  std::ostringstream sink;
  core::Logger log(sink);
  QpcrOptions o = fixture_options();
  o.fdr = 0;
  EXPECT_THROW(read_study(o, log), core::UsageError);
  o = fixture_options();
  o.genorm_candidates = {"no-such-assay"};
  const QpcrData data = read_study(o, log);
  try {
    analyze(data, {}, o, log);
    FAIL() << "expected a UsageError";
  } catch (const core::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("--genorm-candidates"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace lscmir::qpcr
