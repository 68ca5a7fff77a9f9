// SPDX-License-Identifier: GPL-3.0-or-later
// study::score: fold and weight files (errors with file and line), the random folds, the training
// median, score_apply's weighted sum and split, and score_data's exclusions.
#include "lscmir/study/score.hpp"

#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "lscmir/core/error.hpp"
#include "lscmir/core/log.hpp"
#include "lscmir/io/matrix.hpp"
#include "lscmir/io/table.hpp"

namespace lscmir::study {
namespace {

io::Table table(const std::string& text, const std::string& name = "t.tsv") { return io::parse_table(text, name, '\t'); }

std::string input_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const core::InputError& e) {
    return e.what();
  }
  return "no InputError";
}

TEST(ScoreFolds, ReadsFoldsInPatientOrderAndIgnoresExtraRows) {
  const io::Table t = table("patient\tfold\tnote\nB\t2\tx\nA\t1\ty\nZ\t3\tz\n");
  EXPECT_EQ(read_foldid(t, {"A", "B"}), (std::vector<int>{1, 2}));
}

TEST(ScoreFolds, BadFoldsNameFileAndLine) {
  EXPECT_NE(input_error([] { read_foldid(table("patient\tfold\nA\t1\nB\t0\n", "f.tsv"), {"A", "B"}); }).find("f.tsv, line 3"),
            std::string::npos);
  EXPECT_NE(input_error([] { read_foldid(table("patient\tfold\nA\t1.5\n", "f.tsv"), {"A"}); }).find("line 2"), std::string::npos);
  EXPECT_NE(input_error([] { read_foldid(table("patient\tfold\nA\t1\nA\t2\n", "f.tsv"), {"A"}); }).find("first on line 2"),
            std::string::npos);
  EXPECT_NE(input_error([] { read_foldid(table("patient\tfold\nA\t1\n", "f.tsv"), {"A", "B"}); }).find("'B'"), std::string::npos);
  EXPECT_NE(input_error([] { read_foldid(table("patient\tgroup\nA\t1\n", "f.tsv"), {"A"}); }).find("fold"), std::string::npos);
}

TEST(ScoreFolds, RandomFoldsAreBalancedAndSeeded) {
  const auto a = random_folds(187, 10, 5), b = random_folds(187, 10, 5), c = random_folds(187, 10, 6);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  std::vector<int> count(10, 0);
  for (int f : a) ++count[static_cast<std::size_t>(f - 1)];
  for (int k = 0; k < 10; ++k) EXPECT_EQ(count[static_cast<std::size_t>(k)], k < 7 ? 19 : 18) << k;  // rep(1:10, length 187)
}

TEST(ScoreWeightsFile, ReadsAndRejects) {
  const ScoreWeights w = read_weights(table("feature\tcoef\nm1\t0.5\nm2\t-2\n"));
  EXPECT_EQ(w.features, (std::vector<std::string>{"m1", "m2"}));
  EXPECT_EQ(w.coef, (std::vector<double>{0.5, -2}));
  EXPECT_NE(input_error([] { read_weights(table("feature\tcoef\nm1\tNA\n", "w.tsv")); }).find("w.tsv, line 2"), std::string::npos);
  EXPECT_NE(input_error([] { read_weights(table("feature\tcoef\nm1\t1\nm1\t2\n", "w.tsv")); }).find("listed twice"), std::string::npos);
  EXPECT_NE(input_error([] { read_weights(table("feature\tcoef\n", "w.tsv")); }).find("no weights"), std::string::npos);
}

TEST(ScoreWeightsFile, TrainingCutoffIsRsMedian) {
  EXPECT_DOUBLE_EQ(training_cutoff(table("patient\tscore\tgroup\nA\t1\tlow\nB\t4\thigh\nC\tNA\tNA\nD\t2\tlow\nE\t3\thigh\n")), 2.5);
  EXPECT_DOUBLE_EQ(training_cutoff(table("patient\tscore\nA\t1\nB\t9\nC\t2\n")), 2.0);
}

io::LabeledMatrix small_matrix() {
  io::LabeledMatrix m;
  m.path = "x.tsv";
  m.features = {"a", "b", "c"};
  m.samples = {"P1", "P2", "P3", "P4"};
  m.values.resize(3, 4);
  m.values << 1, 2, 3, 4,  //
      0.5, std::nan(""), 1, -1,  //
      10, 20, 30, 40;
  return m;
}

TEST(ScoreApplyLib, WeightedSumSplitAndMissingValues) {
  core::Logger log(std::cerr);
  log.set_level(core::LogLevel::kError);
  ScoreWeights w;
  w.path = "w.tsv";
  w.features = {"c", "a"};
  w.coef = {0.1, -1};
  const ScoreApply r = score_apply(w, small_matrix(), 0.5, nullptr, nullptr, log);
  ASSERT_EQ(r.score.size(), 4u);
  for (int j = 0; j < 4; ++j) EXPECT_DOUBLE_EQ(r.score[static_cast<std::size_t>(j)], 0.1 * 10 * (j + 1) - (j + 1)) << j;
  const auto tables = score_apply_tables(r);
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0].table.columns[2].text, (std::vector<std::string>{"low", "low", "low", "low"}));
  w.features = {"b"};
  w.coef = {2};
  const ScoreApply na = score_apply(w, small_matrix(), 0.5, nullptr, nullptr, log);
  EXPECT_TRUE(std::isnan(na.score[1]));
  EXPECT_EQ(score_apply_tables(na)[0].table.columns[2].text, (std::vector<std::string>{"high", "NA", "high", "low"}));
  w.features = {"zz"};
  EXPECT_NE(input_error([&] { score_apply(w, small_matrix(), 0, nullptr, nullptr, log); }).find("'zz'"), std::string::npos);
}

TEST(ScoreOptions, Validate) {
  ScoreFitOptions o;
  EXPECT_NO_THROW(validate(o));
  o.s = "lambda.2se";
  EXPECT_THROW(validate(o), core::UsageError);
  o = {};
  o.alpha = -0.1;
  EXPECT_THROW(validate(o), core::UsageError);
  o = {};
  o.nfolds = 2;
  EXPECT_THROW(validate(o), core::UsageError);
}

}  // namespace
}  // namespace lscmir::study
