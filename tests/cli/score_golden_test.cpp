// SPDX-License-Identifier: GPL-3.0-or-later
// End-to-end: `lscmir score fit` on every case under tests/reference/score/ against glmnet 4.1 /
// cv.glmnet (tests/reference/gen/make_score_golden.R), `score apply` against the weighted sum,
// and the same bytes for 1 and 2 threads (with the bootstrap).
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "golden_util.hpp"

namespace fs = std::filesystem;
using namespace lscmir::golden;  // NOLINT: test-local helpers

namespace {

/// Compares the golden's columns row by row in file order (path.tsv and cv.tsv are keyed by
/// lambda, whose text differs in the last digits); returns the largest relative difference.
double compare_by_position(const Tsv& got, const Tsv& want, const std::string& name, double tol) {
  EXPECT_EQ(got.order.size(), want.order.size()) << name;
  double worst = 0;
  for (std::size_t c = 0; c < want.header.size(); ++c) {
    const auto it = std::find(got.header.begin(), got.header.end(), want.header[c]);
    if (it == got.header.end()) {
      ADD_FAILURE() << name << " lacks column " << want.header[c];
      continue;
    }
    const auto gc = static_cast<std::size_t>(it - got.header.begin());
    for (std::size_t r = 0; r < std::min(got.order.size(), want.order.size()); ++r) {
      const std::string& ws = want.rows.at(want.order[r])[c];
      char* end = nullptr;
      std::strtod(ws.c_str(), &end);
      if (ws.empty() || *end != '\0') {  // text: exactly
        EXPECT_EQ(got.rows.at(got.order[r])[gc], ws) << name << " row " << r;
        continue;
      }
      const double a = num(got.rows.at(got.order[r])[gc]), b = num(want.rows.at(want.order[r])[c]);
      const double rel = b == 0 ? std::fabs(a) : std::fabs(a / b - 1);
      worst = std::max(worst, rel);
      EXPECT_LE(rel, tol) << name << " row " << r << " " << want.header[c] << ": " << a << " vs " << b;
    }
  }
  return worst;
}

class ScoreGolden : public ::testing::TestWithParam<std::string> {};

// DESIGN.md: path (lambda, df, dev.ratio), cvm and the lambdas within 1e-4 relative, the
// coefficients at lambda.min within 1e-3 (measured: about 1e-8 and 3e-8).
TEST_P(ScoreGolden, FitAgreesWithGlmnet) {
  const fs::path dir = fs::path("tests/reference/score") / GetParam();
  const fs::path out = scratch("score_" + GetParam());
  ASSERT_EQ(run("score", case_args(dir), out, 2), 0) << slurp(out.string() + ".stderr");
  const double path = compare_by_position(read_tsv(out / "path.tsv"), read_tsv(dir / "path.tsv"), GetParam() + "/path.tsv", 1e-4);
  const double cv = compare_by_position(read_tsv(out / "cv.tsv"), read_tsv(dir / "cv.tsv"), GetParam() + "/cv.tsv", 1e-4);
  const double lam = compare_by_position(read_tsv(out / "lambdas.tsv"), read_tsv(dir / "lambdas.tsv"), GetParam() + "/lambdas", 1e-4);
  // The same non-zero features, in the same order, with their coefficients.
  const Tsv gw = read_tsv(out / "weights.tsv"), ww = read_tsv(dir / "weights.tsv");
  EXPECT_EQ(gw.order, ww.order);
  const double coef = compare_by_position(gw, ww, GetParam() + "/weights.tsv", 1e-3);
  const double score = compare_by_position(read_tsv(out / "score.tsv"), read_tsv(dir / "score.tsv"), GetParam() + "/score.tsv", 1e-3);
  std::printf("%s: max rel diff path %.3g cv %.3g lambdas %.3g coef %.3g score %.3g\n", GetParam().c_str(), path, cv, lam, coef, score);
  fs::remove_all(out);
}

INSTANTIATE_TEST_SUITE_P(Cases, ScoreGolden, ::testing::ValuesIn(cases("tests/reference/score")));

// score apply on the training cohort: score = sum of coef x value, the split at the training
// median (score.tsv beside the weights), and the validation tables.
TEST(ScoreApply, EqualsTheWeightedSum) {
  const fs::path fit = scratch("score_apply_fit"), app = scratch("score_apply_out");
  ASSERT_EQ(run("score", case_args("tests/reference/score/laml_os_enet_default"), fit, 2), 0) << slurp(fit.string() + ".stderr");
  ASSERT_EQ(run("score",
                "apply --weights " + (fit / "weights.tsv").string() +
                    " --expression tests/data/laml/expression.tsv --clinical tests/data/laml/clinical.tsv --id patient"
                    " --time OS_months --event OS_event",
                app, 1),
            0)
      << slurp(app.string() + ".stderr");
  const Tsv w = read_tsv(fit / "weights.tsv"), x = read_tsv("tests/data/laml/expression.tsv"), s = read_tsv(app / "score.tsv");
  const Tsv train = read_tsv(fit / "score.tsv");
  ASSERT_EQ(s.order.size(), x.header.size() - 1);
  int checked = 0;
  for (std::size_t c = 1; c < x.header.size(); ++c) {
    double want = 0;
    for (const std::string& f : w.order) want += num(w.rows.at(f)[1]) * num(x.rows.at(f)[c]);
    const auto& row = s.rows.at(x.header[c]);
    EXPECT_NEAR(num(row[1]), want, 1e-12 * (1 + std::fabs(want))) << x.header[c];
    // The training patients are split as in the fit (the same median).
    if (train.rows.count(x.header[c])) {
      EXPECT_EQ(row[2], train.rows.at(x.header[c])[2]) << x.header[c];
      ++checked;
    }
  }
  EXPECT_GT(checked, 180);
  const Tsv v = read_tsv(app / "validation.tsv");
  ASSERT_EQ(v.order.size(), 1u);
  EXPECT_EQ(v.order[0], "188");  // n: every patient with an outcome (time 0 included, unlike glmnet)
  EXPECT_TRUE(fs::exists(app / "km_score.tsv"));
  fs::remove_all(fit);
  fs::remove_all(app);
}

TEST(ScoreDeterminism, SameBytesForOneAndTwoThreads) {
  const std::string args =
      "fit --expression tests/data/laml/expression.tsv --clinical tests/data/laml/clinical.tsv --id patient --time OS_months "
      "--event OS_event --nfolds 5 --seed 11 --alpha 0.5 --bootstrap 8";
  const fs::path o1 = scratch("score_t1"), o2 = scratch("score_t2");
  ASSERT_EQ(run("score", args, o1, 1), 0) << slurp(o1.string() + ".stderr");
  ASSERT_EQ(run("score", args, o2, 2), 0);
  for (const std::string f : {"path.tsv", "cv.tsv", "lambdas.tsv", "weights.tsv", "score.tsv", "cindex.tsv"})
    EXPECT_EQ(slurp(o1 / f), slurp(o2 / f)) << f;
  const Tsv c = read_tsv(o1 / "cindex.tsv");
  const double apparent = num(c.rows.at("apparent")[1]), corrected = num(c.rows.at("corrected")[1]);
  EXPECT_GT(apparent, 0.5);
  EXPECT_LT(corrected, apparent);  // a lasso fit is optimistic on its own data
  fs::remove_all(o1);
  fs::remove_all(o2);
}

}  // namespace
