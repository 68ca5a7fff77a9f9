// SPDX-License-Identifier: GPL-3.0-or-later
// Within-patient differences and per-patient consistency (study/paired.hpp).
#include "lscmir/study/paired.hpp"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace lscmir::study {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

io::SampleSheet sheet_of(std::vector<std::string> samples, std::vector<std::string> patient, std::vector<std::string> population) {
  io::SampleSheet s;
  s.path = "sheet.tsv";
  s.columns = {"sample", "patient", "population"};
  s.samples = samples;
  s.cells = {std::move(samples), std::move(patient), std::move(population)};
  for (std::size_t i = 0; i < s.samples.size(); ++i) s.line_numbers.push_back(i + 2);
  return s;
}

TEST(Paired, DifferencesAverageReplicatesAndAreNaWhereAPatientLacksAPopulation) {
  // P1: LSC twice (replicates), HSC once; P2: LSC only; P3: HSC and LSC, LSC value missing for f2.
  const auto sheet = sheet_of({"a", "b", "c", "d", "e", "f"}, {"P1", "P1", "P1", "P2", "P3", "P3"},
                              {"LSC", "LSC", "HSC", "LSC", "HSC", "LSC"});
  Eigen::MatrixXd y(2, 6);
  y << 1, 3, 0.5, 9, 4, 5,  //
      2, 2, 1, 9, 1, kNaN;
  const PairedDifferences p = paired_differences(y, {"f1", "f2"}, sheet, "LSC", "HSC");
  ASSERT_EQ(p.patients, (std::vector<std::string>{"P1", "P2", "P3"}));
  EXPECT_EQ(p.tag, "LSC_vs_HSC");
  EXPECT_DOUBLE_EQ(p.diff(0, 0), 2.0 - 0.5);
  EXPECT_TRUE(std::isnan(p.diff(0, 1)));
  EXPECT_DOUBLE_EQ(p.diff(0, 2), 1.0);
  EXPECT_DOUBLE_EQ(p.diff(1, 0), 1.0);
  EXPECT_TRUE(std::isnan(p.diff(1, 2)));
  const PairedDifferences f = p.flipped();
  EXPECT_EQ(f.tag, "HSC_vs_LSC");
  EXPECT_DOUBLE_EQ(f.diff(0, 0), -1.5);
}

TEST(Paired, NoPatientColumnGivesNoPatients) {
  io::SampleSheet s = sheet_of({"a", "b"}, {"P1", "P1"}, {"LSC", "HSC"});
  s.columns = {"sample", "population"};
  s.cells = {s.cells[0], s.cells[2]};
  const PairedDifferences p = paired_differences(Eigen::MatrixXd::Ones(1, 2), {"f"}, s, "LSC", "HSC");
  EXPECT_TRUE(p.patients.empty());
}

TEST(Paired, SignTestEqualsRBinomTest) {
  // binom.test(k, n)$p.value in R 4.2
  EXPECT_NEAR(sign_test_p(0, 12), 0.00048828125000000011, 1e-13);
  EXPECT_NEAR(sign_test_p(9, 11), 0.065429687500000042, 1e-13);
  EXPECT_NEAR(sign_test_p(3, 10), 0.34375000000000011, 1e-13);
  EXPECT_DOUBLE_EQ(sign_test_p(50, 100), 1.0);
  EXPECT_DOUBLE_EQ(sign_test_p(0, 1), 1.0);
  EXPECT_NEAR(sign_test_p(7, 7), 0.015625000000000007, 1e-13);
  EXPECT_DOUBLE_EQ(sign_test_p(0, 0), 1.0);
}

TEST(Paired, ConsistencyCountsTheSignOfTheLogFcAndLeavesZerosOutOfTheSignTest) {
  Eigen::RowVectorXd d(6);
  d << 1.0, 2.0, -0.5, 0.0, kNaN, 3.0;
  const Consistency up = consistency(d, 0.8);
  EXPECT_EQ(up.n_patients, 5);
  EXPECT_DOUBLE_EQ(up.fraction, 3.0 / 5.0);        // the 0 difference is not consistent
  EXPECT_NEAR(up.sign_p, 0.625, 1e-13);            // binom.test(3, 4)
  const Consistency down = consistency(d, -0.8);
  EXPECT_DOUBLE_EQ(down.fraction, 1.0 / 5.0);
  EXPECT_DOUBLE_EQ(down.sign_p, up.sign_p);
  EXPECT_TRUE(std::isnan(consistency(d, kNaN).fraction));
  Eigen::RowVectorXd none(2);
  none << kNaN, kNaN;
  const Consistency empty = consistency(none, 1.0);
  EXPECT_EQ(empty.n_patients, 0);
  EXPECT_TRUE(std::isnan(empty.fraction));
}

}  // namespace
}  // namespace lscmir::study
