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

TEST(NormFactors, AllZeroFeaturesAndThreadsChangeNothing) {
  const auto m = thca();
  const Eigen::MatrixXd& x = m.values;
  // nonzero_features agrees with a row-by-row scan, for any thread count.
  std::vector<char> expected(static_cast<std::size_t>(x.rows()));
  std::size_t zero_rows = 0;
  for (Eigen::Index g = 0; g < x.rows(); ++g) {
    expected[static_cast<std::size_t>(g)] = (x.row(g).array() != 0.0).any() ? 1 : 0;
    zero_rows += expected[static_cast<std::size_t>(g)] ? 0 : 1;
  }
  ASSERT_GT(zero_rows, 0u) << "the fixture should have all-zero features";
  for (int t : {1, 2, 3}) EXPECT_EQ(nonzero_features(x, t), expected) << t << " threads";
  EXPECT_EQ(library_sizes(x, 3), library_sizes(x, 1));
  // Appending 50 all-zero features, in the middle and at the end, leaves every factor's bits alone.
  Eigen::MatrixXd padded(x.rows() + 50, x.cols());
  const Eigen::Index half = x.rows() / 2;
  padded.topRows(half) = x.topRows(half);
  padded.middleRows(half, 25).setZero();
  padded.middleRows(half + 25, x.rows() - half) = x.bottomRows(x.rows() - half);
  padded.bottomRows(25).setZero();
  const auto lib = library_sizes(x);
  EXPECT_EQ(library_sizes(padded), lib);
  for (NormMethod method : {NormMethod::kTMM, NormMethod::kUpperQuartile, NormMethod::kRLE}) {
    const auto f = norm_factors(x, lib, method, 1);
    EXPECT_EQ(norm_factors(x, lib, method, 3), f) << to_string(method);
    EXPECT_EQ(norm_factors(padded, lib, method, 2), f) << to_string(method);
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
