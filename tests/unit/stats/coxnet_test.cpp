// SPDX-License-Identifier: GPL-3.0-or-later
// The Cox lasso / elastic-net path and its cross-validation: against glmnet 4.1 on TCGA LAML
// (tests/reference/score, made by tests/reference/gen/make_score_golden.R) and the optimality
// (KKT) conditions of the penalized partial likelihood.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>

#include "../test_util.hpp"
#include "lscmir/core/error.hpp"
#include "lscmir/io/matrix.hpp"
#include "lscmir/stats/coxnet.hpp"

namespace lscmir {
namespace {

using test::column;
using test::golden;
using test::near_rel;

struct Laml {
  std::vector<std::string> features, patients;
  std::vector<double> time;
  std::vector<int> event;
  Eigen::MatrixXd x;  // patients x features
};

// The LAML cohort as the golden script reads it: OS, the patient with OS_months == 0 left out.
Laml load_laml() {
  const io::LabeledMatrix m = io::read_matrix(test::source_path("tests/data/laml/expression.tsv"), io::MatrixKind::kExpression);
  const io::Table clin = golden("tests/data/laml/clinical.tsv");
  std::map<std::string, std::size_t> row;
  for (std::size_t r = 0; r < clin.rows.size(); ++r) row[clin.rows[r][0]] = r;
  Laml d;
  d.features = m.features;
  std::vector<Eigen::Index> cols;
  for (std::size_t j = 0; j < m.samples.size(); ++j) {
    const auto& r = clin.rows[row.at(m.samples[j])];
    const double t = std::stod(r[clin.require_column("OS_months")]);
    if (t <= 0) continue;
    d.patients.push_back(m.samples[j]);
    d.time.push_back(t);
    d.event.push_back(std::stoi(r[clin.require_column("OS_event")]));
    cols.push_back(static_cast<Eigen::Index>(j));
  }
  d.x = m.values(Eigen::all, cols).transpose();
  return d;
}

// DESIGN.md's tolerances: 1e-4 on the path and the lambdas, 1e-3 on the coefficients. lscmir runs
// glmnet's iteration with glmnet's thresh, so it follows glmnet's path (measured ~1e-8).
constexpr double kDevRatioTol = 1e-4;
constexpr double kCvTol = 1e-4;
constexpr double kCoefTol = 1e-3;

void check_case(const std::string& name, double alpha, double thresh) {
  const Laml d = load_laml();
  const std::string dir = "tests/reference/score/" + name + "/";
  const io::Table folds = golden(dir + "foldid.tsv");
  ASSERT_EQ(folds.rows.size(), d.patients.size());
  std::vector<int> foldid;
  for (std::size_t i = 0; i < folds.rows.size(); ++i) {
    ASSERT_EQ(folds.rows[i][0], d.patients[i]);
    foldid.push_back(std::stoi(folds.rows[i][1]));
  }
  stats::CoxnetOptions o;
  o.alpha = alpha;
  o.thresh = thresh;
  const stats::CoxnetCv cv = stats::coxnet_cv(d.time, d.event, d.x, foldid, o, 2);
  // glmnet at thresh 1e-11 can run out of passes (maxit) before the last lambda and return the
  // lambdas it solved (laml_os_lasso: 85); the path must end at the same lambda.
  const io::Table path = golden(dir + "path.tsv");
  const auto lambda = column(path, "lambda"), df = column(path, "df"), dr = column(path, "dev.ratio");
  // glmnet at thresh 1e-11 may stop its path early (maxit reached: "solutions for larger lambdas
  // returned"); the lambdas it did solve are compared.
  ASSERT_EQ(cv.fit.lambda.size(), lambda.size());
  EXPECT_EQ(cv.fit.converged, cv.fit.stop == stats::CoxnetPath::Stop::kNone);
  double max_l = 0, max_dr = 0;
  for (std::size_t m = 0; m < lambda.size(); ++m) {
    EXPECT_TRUE(near_rel(cv.fit.lambda[m], lambda[m], 1e-4)) << m;
    EXPECT_EQ(cv.fit.df[m], static_cast<int>(df[m])) << "lambda " << m;
    EXPECT_TRUE(near_rel(cv.fit.dev_ratio[m], dr[m], kDevRatioTol, 1e-12)) << m;
    max_l = std::max(max_l, std::abs(cv.fit.lambda[m] / lambda[m] - 1));
    if (dr[m] != 0) max_dr = std::max(max_dr, std::abs(cv.fit.dev_ratio[m] / dr[m] - 1));
  }
  const io::Table cvt = golden(dir + "cv.tsv");
  const auto cvm = column(cvt, "cvm"), cvsd = column(cvt, "cvsd");
  ASSERT_GE(cv.cvm.size(), cvm.size());
  double max_cvm = 0, max_cvsd = 0;
  ASSERT_EQ(cv.cvm.size(), cvm.size());
  for (std::size_t m = 0; m < cvm.size(); ++m) {
    EXPECT_TRUE(near_rel(cv.cvm[m], cvm[m], kCvTol)) << m;
    EXPECT_TRUE(near_rel(cv.cvsd[m], cvsd[m], kCvTol)) << m;
    max_cvm = std::max(max_cvm, std::abs(cv.cvm[m] / cvm[m] - 1));
    max_cvsd = std::max(max_cvsd, std::abs(cv.cvsd[m] / cvsd[m] - 1));
  }
  const auto lams = column(golden(dir + "lambdas.tsv"), "value");
  EXPECT_TRUE(near_rel(cv.lambda_min, lams[0], 1e-4));
  EXPECT_TRUE(near_rel(cv.lambda_1se, lams[1], 1e-4));

  const io::Table w = golden(dir + "weights.tsv");
  const auto coef = column(w, "coef");
  std::map<std::string, double> want;
  for (std::size_t i = 0; i < w.rows.size(); ++i) want[w.rows[i][0]] = coef[i];
  double max_coef = 0;
  for (std::size_t j = 0; j < d.features.size(); ++j) {
    const double got = cv.fit.beta(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(cv.index_min));
    const auto it = want.find(d.features[j]);
    if (it == want.end()) {
      EXPECT_EQ(got, 0.0) << d.features[j];
      continue;
    }
    EXPECT_TRUE(near_rel(got, it->second, kCoefTol)) << d.features[j];
    max_coef = std::max(max_coef, std::abs(got / it->second - 1));
  }
  std::printf("%s: max rel diff lambda %.3g dev.ratio %.3g cvm %.3g cvsd %.3g coef(lambda.min) %.3g\n", name.c_str(), max_l,
              max_dr, max_cvm, max_cvsd, max_coef);
}

// glmnet's default thresh (1e-7), what `lscmir score fit` uses, and a tight one (1e-11).
TEST(Coxnet, LassoPathAndCvMatchGlmnetOnLaml) { check_case("laml_os_lasso_default", 1.0, 1e-7); }
TEST(Coxnet, ElasticNetPathAndCvMatchGlmnetOnLaml) { check_case("laml_os_enet_default", 0.5, 1e-7); }
TEST(Coxnet, LassoTightThreshMatchesGlmnetOnLaml) { check_case("laml_os_lasso", 1.0, 1e-11); }

// Simulated cohort with ties and a censoring tied with an event time.
struct Sim {
  std::vector<double> time;
  std::vector<int> event;
  Eigen::MatrixXd x;
};
Sim simulate(int n, int p, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> z(0, 1);
  std::exponential_distribution<double> ex(1.0);
  Sim s;
  s.x.resize(n, p);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < p; ++j) s.x(i, j) = z(rng) * (j + 1) + 3 * j;
  for (int i = 0; i < n; ++i) {
    const double eta = 0.8 * (s.x(i, 0)) - 0.3 * (s.x(i, 1) - 3) / 2;
    const double t = ex(rng) / std::exp(eta), c = ex(rng) * 2;
    s.time.push_back(std::ceil(std::min(t, c) * 10) / 10 + 0.1);
    s.event.push_back(t <= c ? 1 : 0);
  }
  return s;
}

// The gradient of loglik / n on the standardized scale equals lambda (alpha sign(b) + (1 - alpha) b)
// where b != 0, and is at most lambda alpha in size where b == 0.
TEST(Coxnet, SolutionsSatisfyKkt) {
  const Sim s = simulate(80, 6, 7);
  for (double alpha : {1.0, 0.3}) {
    stats::CoxnetOptions o;
    o.alpha = alpha;
    o.nlambda = 20;
    o.thresh = 1e-16;  // glmnet's default 1e-7 stops short of the minimizer
    const stats::CoxnetPath path = stats::coxnet_path(s.time, s.event, s.x, o);
    ASSERT_GE(path.lambda.size(), 5u);
    EXPECT_EQ(path.df[0], 0);
    EXPECT_GT(path.df[1], 0);
    const auto n = s.x.rows();
    Eigen::RowVectorXd mean = s.x.colwise().mean();
    Eigen::MatrixXd xc = s.x.rowwise() - mean;
    Eigen::VectorXd sd = (xc.array().square().colwise().sum() / static_cast<double>(n)).sqrt();
    for (std::size_t m = 0; m < path.lambda.size(); ++m) {
      const Eigen::VectorXd b = path.beta.col(static_cast<Eigen::Index>(m));
      const Eigen::VectorXd eta = s.x * b;
      // Numerical gradient of the deviance: d loglik / d b_j = -dev'/2.
      for (Eigen::Index j = 0; j < b.size(); ++j) {
        const double hstep = 1e-6 / sd[j];
        Eigen::VectorXd up = eta + hstep * s.x.col(j), dn = eta - hstep * s.x.col(j);
        const double g = -(stats::coxnet_deviance(s.time, s.event, up) - stats::coxnet_deviance(s.time, s.event, dn)) /
                         (4 * hstep) / static_cast<double>(n) / sd[j];
        const double bs = b[j] * sd[j], lam = path.lambda[m];
        if (bs != 0)
          EXPECT_NEAR(g, lam * (alpha * (bs > 0 ? 1 : -1) + (1 - alpha) * bs), 2e-5) << m << " " << j;
        else
          EXPECT_LE(std::abs(g), lam * alpha + 2e-5) << m << " " << j;
      }
    }
  }
}

TEST(Coxnet, ScaleOfAColumnOnlyRescalesItsCoefficient) {
  Sim s = simulate(60, 4, 11);
  stats::CoxnetOptions o;
  o.nlambda = 10;
  const auto a = stats::coxnet_path(s.time, s.event, s.x, o);
  s.x.col(2) *= 1e7;
  const auto b = stats::coxnet_path(s.time, s.event, s.x, o);
  ASSERT_EQ(a.lambda.size(), b.lambda.size());
  for (std::size_t m = 0; m < a.lambda.size(); ++m) {
    EXPECT_TRUE(near_rel(a.beta(2, static_cast<Eigen::Index>(m)), b.beta(2, static_cast<Eigen::Index>(m)) * 1e7, 1e-8, 1e-300));
    EXPECT_TRUE(near_rel(a.dev_ratio[m], b.dev_ratio[m], 1e-9, 1e-14));
  }
}

TEST(Coxnet, DevianceIsZeroPenaltyFreeAtSaturationBound) {
  // Null deviance: 2 (lsat - l(0)); with no ties lsat = 0 and l(0) = -sum log |R_k|.
  const std::vector<double> t = {1, 2, 3, 4};
  const std::vector<int> e = {1, 0, 1, 1};
  const double want = -2 * (-(std::log(4.0) + std::log(2.0) + std::log(1.0)));
  EXPECT_NEAR(stats::coxnet_deviance(t, e, Eigen::VectorXd::Zero(4)), want, 1e-12);
  // Tied events: lsat = -2 log 2 for the pair at time 1.
  const std::vector<double> t2 = {1, 1, 2};
  const std::vector<int> e2 = {1, 1, 0};
  EXPECT_NEAR(stats::coxnet_deviance(t2, e2, Eigen::VectorXd::Zero(3)), 2 * (-2 * std::log(2.0) + 2 * std::log(3.0)), 1e-12);
}

TEST(Coxnet, RejectsBadInput) {
  const Sim s = simulate(30, 3, 3);
  stats::CoxnetOptions o;
  o.alpha = 1.5;
  EXPECT_THROW(stats::coxnet_path(s.time, s.event, s.x, o), core::UsageError);
  o.alpha = 1;
  std::vector<int> none(s.time.size(), 0);
  EXPECT_THROW(stats::coxnet_path(s.time, none, s.x, o), core::UsageError);
  std::vector<int> folds(s.time.size(), 1);
  EXPECT_THROW(stats::coxnet_cv(s.time, s.event, s.x, folds, o, 1), core::UsageError);
  folds.back() = 3;  // fold 2 empty
  EXPECT_THROW(stats::coxnet_cv(s.time, s.event, s.x, folds, o, 1), core::UsageError);
}

}  // namespace
}  // namespace lscmir

namespace lscmir {
namespace {

// predict(fit, s) of glmnet: linear in lambda between neighbouring path values, constant outside.
TEST(Coxnet, InterpolationIsLinearInLambdaAndClampedAtTheEnds) {
  stats::CoxnetPath p;
  p.lambda = {1.0, 0.5, 0.25};
  p.beta.resize(2, 3);
  p.beta << 0, 1, 3,  //
      0, -2, -2;
  const Eigen::MatrixXd b = stats::coxnet_interpolate(p, {2.0, 1.0, 0.75, 0.5, 0.3, 0.1});
  const Eigen::MatrixXd want = (Eigen::MatrixXd(2, 6) << 0, 0, 0.5, 1, 1 + 2 * (0.5 - 0.3) / 0.25, 3,  //
                                0, 0, -1, -2, -2, -2)
                                   .finished();
  EXPECT_LT((b - want).cwiseAbs().maxCoeff(), 1e-14) << b;
}

}  // namespace
}  // namespace lscmir
