// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/stats/lm_fit.hpp"

#include "fixture.hpp"
#include "lscmir/stats/norm_factors.hpp"
#include "lscmir/stats/voom.hpp"

namespace lscmir::stats {
namespace {

test::Dataset three_pop() {
  return test::load_dataset("tests/data/three_pop/counts.tsv", "tests/data/three_pop/samples.tsv", "~ patient + population",
                            io::MatrixKind::kCounts);
}

VoomResult voom_of(const test::Dataset& d) {
  const auto lib = library_sizes(d.matrix.values);
  const auto nf = norm_factors(d.matrix.values, lib, NormMethod::kTMM);
  std::vector<double> eff(lib.size());
  for (std::size_t j = 0; j < lib.size(); ++j) eff[j] = lib[j] * nf[j];
  return voom(d.matrix.values, d.model, eff, 1);
}

void expect_same_fit(const LmFit& a, const LmFit& b, Eigen::Index q_offset_b, double tol) {
  for (Eigen::Index g = 0; g < a.coefficients.rows(); ++g) {
    for (Eigen::Index j = 0; j < a.coefficients.cols(); ++j) {
      EXPECT_TRUE(test::near_rel(a.coefficients(g, j), b.coefficients(g, j + q_offset_b), tol, 1e-12)) << g << "," << j;
      EXPECT_TRUE(test::near_rel(a.stdev_unscaled(g, j), b.stdev_unscaled(g, j + q_offset_b), tol)) << g << "," << j;
    }
    EXPECT_TRUE(test::near_rel(a.sigma[g], b.sigma[g], tol)) << g;
    EXPECT_EQ(a.df_residual[g], b.df_residual[g]) << g;
  }
}

TEST(LmFit, AbsorbingPatientsEqualsTheFullDesign) {
  // Frisch-Waugh-Lovell: weighted within-patient centering gives the full design's estimates.
  const auto d = three_pop();
  const auto v = voom_of(d);
  const LmFit absorbed = lm_fit(v.e, d.model, &v.weights, 1);
  const LmFit full = lm_fit(v.e, d.full_model, &v.weights, 1);
  const Eigen::Index offset = full.coefficients.cols() - absorbed.coefficients.cols();  // population columns are last
  expect_same_fit(absorbed, full, offset, 1e-9);
  // With NAs too.
  Eigen::MatrixXd e = v.e;
  for (Eigen::Index g = 0; g < e.rows(); g += 7) e(g, (g * 5) % e.cols()) = std::nan("");
  for (Eigen::Index i = 0; i < e.cols(); i += 3) e(3, i) = std::nan("");  // every third sample: LPC gone for feature 3
  expect_same_fit(lm_fit(e, d.model, &v.weights, 1), lm_fit(e, d.full_model, &v.weights, 1), offset, 1e-9);
}

TEST(LmFit, ExactContrastsEqualADirectWeightedLeastSquaresComputation) {
  // c'b and sqrt(c'(X'WX)^-1 c) of the full design, per feature, against the absorbed fit's exact
  // contrasts; and a unit contrast reproduces the coefficient itself.
  const auto d = three_pop();
  const auto v = voom_of(d);
  const Eigen::Index q = d.model.z.cols();
  Eigen::MatrixXd c = Eigen::MatrixXd::Zero(q, 2);
  c(q - 1, 0) = 1.0;
  c(q - 1, 1) = 1.0;
  c(q - 2, 1) = -1.0;
  Eigen::MatrixXd e = v.e;
  e(4, 2) = std::nan("");
  LmFit exact;
  const LmFit fit = lm_fit(e, d.model, &v.weights, 1, nullptr, &c, &exact);
  const Eigen::MatrixXd& x = d.design.x;
  const Eigen::Index off = x.cols() - q;
  double max_rel_limma = 0;
  const LmFit approx = contrasts_fit(fit, c);
  for (Eigen::Index g = 0; g < e.rows(); g += 5) {
    Eigen::MatrixXd xw = x;
    Eigen::VectorXd yw = e.row(g).transpose();
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      const double w = std::isnan(yw[i]) ? 0.0 : std::sqrt(v.weights(g, i));
      xw.row(i) *= w;
      yw[i] = std::isnan(yw[i]) ? 0.0 : yw[i] * w;
    }
    const Eigen::MatrixXd inv = (xw.transpose() * xw).inverse();
    const Eigen::VectorXd b = inv * xw.transpose() * yw;
    Eigen::VectorXd cf = Eigen::VectorXd::Zero(x.cols());
    cf.tail(q) = c.col(1);
    EXPECT_TRUE(test::near_rel(exact.coefficients(g, 1), cf.dot(b), 1e-8, 1e-10)) << g;
    EXPECT_TRUE(test::near_rel(exact.stdev_unscaled(g, 1), std::sqrt(cf.dot(inv * cf)), 1e-8)) << g;
    EXPECT_TRUE(test::near_rel(exact.stdev_unscaled(g, 0), fit.stdev_unscaled(g, q - 1), 1e-12)) << g;
    EXPECT_TRUE(test::near_rel(exact.coefficients(g, 0), b[off + q - 1], 1e-8, 1e-10)) << g;
    max_rel_limma = std::max(max_rel_limma, std::abs(approx.stdev_unscaled(g, 1) / exact.stdev_unscaled(g, 1) - 1));
  }
  EXPECT_GT(max_rel_limma, 1e-4);  // the weighted design: limma's contrasts.fit is only approximate here
}

TEST(LmFit, WeightedResidualsAreOrthogonalToTheDesign) {
  const auto d = three_pop();
  const auto v = voom_of(d);
  Eigen::MatrixXd fitted;
  lm_fit(v.e, d.model, &v.weights, 1, &fitted);
  const Eigen::MatrixXd& x = d.design.x;
  for (Eigen::Index g = 0; g < v.e.rows(); g += 13) {
    const Eigen::VectorXd r = (v.e.row(g) - fitted.row(g)).transpose().cwiseProduct(v.weights.row(g).transpose());
    const Eigen::VectorXd score = x.transpose() * r;
    EXPECT_LT(score.cwiseAbs().maxCoeff(), 1e-8 * (1.0 + v.e.row(g).cwiseAbs().maxCoeff())) << g;
  }
}

TEST(LmFit, MatchesLimmaWithNAs) {
  const auto d = test::load_dataset("tests/data/expr_na/expression.tsv", "tests/data/expr_na/samples.tsv",
                                    "~ patient + population", io::MatrixKind::kExpression);
  const LmFit fit = lm_fit(d.matrix.values, d.model, nullptr, 2);
  const auto g = test::golden("tests/reference/de/expr_na_lm/lmfit.tsv");
  const auto rows = test::feature_rows(d, g);
  for (std::size_t j = 0; j < d.model.names.size(); ++j) {
    const auto coef = test::column(g, "coef." + d.model.names[j]);
    const auto su = test::column(g, "stdev.unscaled." + d.model.names[j]);
    for (std::size_t k = 0; k < rows.size(); ++k) {
      EXPECT_TRUE(test::near_rel(fit.coefficients(rows[k], static_cast<Eigen::Index>(j)), coef[k], 1e-9, 1e-12)) << g.rows[k][0];
      EXPECT_TRUE(test::near_rel(fit.stdev_unscaled(rows[k], static_cast<Eigen::Index>(j)), su[k], 1e-9)) << g.rows[k][0];
    }
  }
  const auto sigma = test::column(g, "sigma");
  const auto df = test::column(g, "df.residual");
  const auto amean = test::column(g, "Amean");
  for (std::size_t k = 0; k < rows.size(); ++k) {
    EXPECT_TRUE(test::near_rel(fit.sigma[rows[k]], sigma[k], 1e-9)) << g.rows[k][0];
    EXPECT_EQ(fit.df_residual[rows[k]], df[k]) << g.rows[k][0];
    EXPECT_TRUE(test::near_rel(fit.amean[rows[k]], amean[k], 1e-12)) << g.rows[k][0];
  }
}

TEST(LmFit, SameBitsForOneAndTwoThreads) {
  const auto d = three_pop();
  const auto v = voom_of(d);
  const LmFit a = lm_fit(v.e, d.model, &v.weights, 1);
  const LmFit b = lm_fit(v.e, d.model, &v.weights, 2);
  EXPECT_TRUE(a.coefficients.cwiseEqual(b.coefficients).all());
  EXPECT_TRUE(a.sigma.cwiseEqual(b.sigma).all());
}

TEST(ContrastsFit, UsesTheDesignCorrelationLikeLimma) {
  const auto d = three_pop();
  const auto v = voom_of(d);
  const LmFit fit = lm_fit(v.e, d.model, &v.weights, 1);
  Eigen::MatrixXd c(2, 1);
  c << -1, 1;  // LSC - LPC
  const LmFit cf = contrasts_fit(fit, c);
  const auto g = test::golden("tests/reference/de/three_pop_voom/intermediates_LSC_vs_LPC.tsv");
  const auto rows = test::feature_rows(d, g);
  const auto su = test::column(g, "stdev.unscaled");
  const auto coef = test::column(g, "coefficient");
  for (std::size_t k = 0; k < rows.size(); ++k) {
    EXPECT_TRUE(test::near_rel(cf.stdev_unscaled(rows[k], 0), su[k], 1e-9)) << g.rows[k][0];
    EXPECT_TRUE(test::near_rel(cf.coefficients(rows[k], 0), coef[k], 1e-9, 1e-12)) << g.rows[k][0];
  }
}

}  // namespace
}  // namespace lscmir::stats
