// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/stats/norm_factors.hpp"

#include "../test_util.hpp"
#include "lscmir/io/matrix.hpp"

namespace lscmir::stats {
namespace {

io::LabeledMatrix thca() {
  return io::read_matrix(test::source_path("tests/data/thca/THCA.paired.counts.tsv"), io::MatrixKind::kCounts);
}

TEST(NormFactors, MatchEdgeRWithin1e8) {
  const auto m = thca();
  const auto lib = library_sizes(m.values);
  for (const auto& [method, file] : {std::pair{NormMethod::kTMM, "thca_TMM"}, std::pair{NormMethod::kUpperQuartile, "thca_upperquartile"},
                                     std::pair{NormMethod::kRLE, "thca_RLE"}}) {
    const auto g = test::golden(std::string("tests/reference/norm/") + file + ".tsv");
    const auto expected = test::column(g, "norm.factors");
    const auto expected_lib = test::column(g, "lib.size");
    const auto f = norm_factors(m.values, lib, method);
    ASSERT_EQ(f.size(), expected.size());
    for (std::size_t j = 0; j < f.size(); ++j) {
      EXPECT_TRUE(test::near_rel(f[j], expected[j], 1e-8)) << file << " sample " << j;
      EXPECT_EQ(lib[j], expected_lib[j]);
    }
  }
}

TEST(NormFactors, GeometricMeanIsOne) {
  const auto m = thca();
  const auto f = norm_factors(m.values, library_sizes(m.values), NormMethod::kTMM);
  double s = 0;
  for (double v : f) s += std::log(v);
  EXPECT_NEAR(s, 0.0, 1e-10);
}

TEST(NormFactors, LogCpmMatchesEdgeR) {
  const auto m = thca();
  const auto lib = library_sizes(m.values);
  const auto nf = norm_factors(m.values, lib, NormMethod::kTMM);
  std::vector<double> eff(lib.size());
  for (std::size_t j = 0; j < lib.size(); ++j) eff[j] = lib[j] * nf[j];
  const Eigen::MatrixXd y = log_cpm(m.values, eff, 2.0);
  const auto g = test::golden("tests/reference/norm/thca_logcpm_prior2.tsv");
  ASSERT_EQ(g.header.size(), m.samples.size() + 1);
  for (std::size_t r = 0; r < g.rows.size(); ++r)
    for (std::size_t j = 0; j < m.samples.size(); ++j)
      EXPECT_TRUE(test::near_rel(y(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(j)), test::cell_number(g.rows[r][j + 1]), 1e-10));
}

TEST(NormFactors, Quantile7AndMedianFollowR) {
  EXPECT_DOUBLE_EQ(quantile7({1, 2, 3, 4}, 0.75), 3.25);
  EXPECT_DOUBLE_EQ(median({5, 1, 3, 2}), 2.5);
  EXPECT_DOUBLE_EQ(median({5, 1, 3}), 3);
}

}  // namespace
}  // namespace lscmir::stats
