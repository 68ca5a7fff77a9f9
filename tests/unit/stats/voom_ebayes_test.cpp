// SPDX-License-Identifier: GPL-3.0-or-later
// voom weights and eBayes moderation against limma's intermediate quantities.
#include "fixture.hpp"
#include "lscmir/stats/ebayes.hpp"
#include "lscmir/stats/lm_fit.hpp"
#include "lscmir/stats/norm_factors.hpp"
#include "lscmir/stats/voom.hpp"

namespace lscmir::stats {
namespace {

struct Pipeline {
  test::Dataset d;
  VoomResult v;
  LmFit cfit;
};

Pipeline voom_pipeline(const std::string& counts, const std::string& sheet, const std::string& a, const std::string& b) {
  Pipeline p{test::load_dataset(counts, sheet, "~ patient + population", io::MatrixKind::kCounts), {}, {}};
  const auto lib = library_sizes(p.d.matrix.values);
  const auto nf = norm_factors(p.d.matrix.values, lib, NormMethod::kTMM);
  std::vector<double> eff(lib.size());
  for (std::size_t j = 0; j < lib.size(); ++j) eff[j] = lib[j] * nf[j];
  p.v = voom(p.d.matrix.values, p.d.model, eff, 2);
  const LmFit fit = lm_fit(p.v.e, p.d.model, &p.v.weights, 2);
  Eigen::MatrixXd c(p.d.model.z.cols(), 1);
  c.col(0) = level_contrast(p.d.model, test::variable(p.d, "population"), a, b);
  p.cfit = contrasts_fit(fit, c);
  return p;
}

void expect_matrix_golden(const test::Dataset& d, const Eigen::MatrixXd& m, const std::string& file, double tol) {
  const auto g = test::golden(file);
  const auto rows = test::feature_rows(d, g);
  ASSERT_EQ(g.header.size(), static_cast<std::size_t>(m.cols()) + 1);
  for (std::size_t k = 0; k < rows.size(); ++k)
    for (Eigen::Index j = 0; j < m.cols(); ++j)
      ASSERT_TRUE(test::near_rel(m(rows[k], j), test::cell_number(g.rows[k][static_cast<std::size_t>(j) + 1]), tol))
          << file << " " << g.rows[k][0] << " col " << j;
}

TEST(Voom, ExpressionAndWeightsMatchLimma) {
  const auto p = voom_pipeline("tests/data/thca/THCA.paired.counts.tsv", "tests/data/thca/THCA.paired.samples.tsv", "tumor", "normal");
  expect_matrix_golden(p.d, p.v.e, "tests/reference/de/thca_voom/E.tsv", 1e-12);
  expect_matrix_golden(p.d, p.v.weights, "tests/reference/de/thca_voom/weights.tsv", 1e-9);
}

TEST(Voom, ConsumingTheCountsGivesTheSameBits) {
  auto d = test::load_dataset("tests/data/thca/THCA.paired.counts.tsv", "tests/data/thca/THCA.paired.samples.tsv",
                              "~ patient + population", io::MatrixKind::kCounts);
  const auto lib = library_sizes(d.matrix.values);
  const VoomResult copied = voom(d.matrix.values, d.model, lib, 1);
  Eigen::MatrixXd counts = d.matrix.values;
  const VoomResult consumed = voom(std::move(counts), d.model, lib, 2);
  ASSERT_EQ(consumed.e.rows(), copied.e.rows());
  EXPECT_TRUE((consumed.e.array() == copied.e.array()).all());
  EXPECT_TRUE((consumed.weights.array() == copied.weights.array()).all());
  EXPECT_EQ(consumed.point_feature, copied.point_feature);
  EXPECT_EQ(consumed.point_y, copied.point_y);
}

void expect_intermediates(const Pipeline& p, const EBayesFit& eb, const std::string& file, bool with_lods) {
  const auto g = test::golden(file);
  const auto rows = test::feature_rows(p.d, g);
  const auto s2post = test::column(g, "s2.post"), dfprior = test::column(g, "df.prior"), s2prior = test::column(g, "s2.prior");
  const auto dftotal = test::column(g, "df.total"), t = test::column(g, "t"), pv = test::column(g, "p.value");
  const auto lods = test::column(g, "lods");
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const auto r = rows[k];
    EXPECT_TRUE(test::near_rel(eb.s2_post[r], s2post[k], 1e-9)) << g.rows[k][0];
    EXPECT_TRUE(test::near_rel(eb.df_prior[r], dfprior[k], 1e-9)) << g.rows[k][0];
    EXPECT_TRUE(test::near_rel(eb.s2_prior[r], s2prior[k], 1e-9)) << g.rows[k][0];
    EXPECT_TRUE(test::near_rel(eb.df_total[r], dftotal[k], 1e-9)) << g.rows[k][0];
    EXPECT_TRUE(test::near_rel(eb.t(r, 0), t[k], 1e-9, 1e-12)) << g.rows[k][0];
    EXPECT_TRUE(test::near_rel(eb.p_value(r, 0), pv[k], 1e-9)) << g.rows[k][0];
    if (with_lods) {
      EXPECT_TRUE(test::near_rel(eb.lods(r, 0), lods[k], 1e-8)) << g.rows[k][0];
    }
  }
}

TEST(EBayes, ModeratedStatisticsMatchLimma) {
  const auto p = voom_pipeline("tests/data/three_pop/counts.tsv", "tests/data/three_pop/samples.tsv", "LSC", "HSC");
  expect_intermediates(p, ebayes(p.cfit, {}), "tests/reference/de/three_pop_voom/intermediates_LSC_vs_HSC.tsv", true);
}

TEST(EBayes, RobustMatchesLimma) {
  const auto p = voom_pipeline("tests/data/thca/THCA.paired.counts.tsv", "tests/data/thca/THCA.paired.samples.tsv", "tumor", "normal");
  EBayesOptions o;
  o.robust = true;
  const auto eb = ebayes(p.cfit, o);
  expect_intermediates(p, eb, "tests/reference/de/thca_voom_robust/intermediates_tumor_vs_normal.tsv", true);
  // Robust shrinkage gives outlying variances a smaller prior df than the rest.
  EXPECT_LT(eb.df_prior.minCoeff(), eb.df_prior.maxCoeff());
}

TEST(EBayes, PosteriorVarianceLiesBetweenPriorAndSample) {
  const auto p = voom_pipeline("tests/data/three_pop/counts.tsv", "tests/data/three_pop/samples.tsv", "LSC", "HSC");
  const auto eb = ebayes(p.cfit, {});
  for (Eigen::Index g = 0; g < eb.s2_post.size(); ++g) {
    const double s2 = p.cfit.sigma[g] * p.cfit.sigma[g];
    EXPECT_LE(eb.s2_post[g], std::max(s2, eb.s2_prior[g]) * (1 + 1e-12));
    EXPECT_GE(eb.s2_post[g], std::min(s2, eb.s2_prior[g]) * (1 - 1e-12));
  }
}

TEST(Treat, IsMoreConservativeThanEBayes) {
  const auto p = voom_pipeline("tests/data/thca/THCA.paired.counts.tsv", "tests/data/thca/THCA.paired.samples.tsv", "tumor", "normal");
  const auto eb = ebayes(p.cfit, {});
  const auto tr = treat(p.cfit, 1.0, {});
  for (Eigen::Index g = 0; g < eb.p_value.rows(); ++g) EXPECT_GE(tr.p_value(g, 0), eb.p_value(g, 0) * (1 - 1e-12));
}

}  // namespace
}  // namespace lscmir::stats
