// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/stats/design.hpp"

#include "fixture.hpp"
#include "lscmir/core/error.hpp"

namespace lscmir::stats {
namespace {

TEST(Formula, ParsesAdditiveTermsAndIntercept) {
  const auto f = parse_formula("~ batch + patient + population");
  EXPECT_TRUE(f.intercept);
  EXPECT_EQ(f.terms, (std::vector<std::string>{"batch", "patient", "population"}));
  EXPECT_FALSE(parse_formula("~0+population").intercept);
  EXPECT_FALSE(parse_formula("~ population - 1").intercept);
  EXPECT_EQ(to_string(parse_formula("~population+age")), "~ population + age");
}

TEST(Formula, RejectsWhatIsNotSupported) {
  EXPECT_THROW(parse_formula("population"), core::UsageError);
  EXPECT_THROW(parse_formula("~ patient * population"), core::UsageError);
  EXPECT_THROW(parse_formula("~ log(age)"), core::UsageError);
  EXPECT_THROW(parse_formula("~ population + population"), core::UsageError);
}

TEST(Design, MatchesRModelMatrix) {
  const auto d = test::load_dataset("tests/data/three_pop/counts.tsv", "tests/data/three_pop/samples.tsv",
                                    "~ batch + patient + population", io::MatrixKind::kCounts);
  const auto g = test::golden("tests/reference/de/three_pop_batch/design.tsv");
  ASSERT_EQ(d.design.columns.size() + 1, g.header.size());
  for (std::size_t j = 0; j < d.design.columns.size(); ++j) EXPECT_EQ(d.design.columns[j], g.header[j + 1]);
  ASSERT_EQ(static_cast<std::size_t>(d.design.x.rows()), g.rows.size());
  for (std::size_t i = 0; i < g.rows.size(); ++i) {
    EXPECT_EQ(g.rows[i][0], d.sheet.samples[i]);
    for (std::size_t j = 0; j < d.design.columns.size(); ++j)
      EXPECT_EQ(d.design.x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)), std::stod(g.rows[i][j + 1]));
  }
  // The absorbed model keeps only batch and population columns.
  EXPECT_EQ(d.model.names, (std::vector<std::string>{"batchB2", "populationLPC", "populationLSC"}));
  EXPECT_EQ(d.model.n_groups, 12);
}

TEST(Design, ExplainsConfounding) {
  // Batch constant within each patient: confounded with patient.
  const std::vector<std::string> patient = {"P1", "P1", "P2", "P2", "P3", "P3"};
  const std::vector<std::string> batch = {"a", "a", "b", "b", "b", "b"};
  const std::vector<std::string> pop = {"H", "L", "H", "L", "H", "L"};
  std::vector<Variable> vars = {Variable::factor("patient", patient), Variable::factor("batch", batch),
                                Variable::factor("population", pop)};
  const auto f = parse_formula("~ patient + batch + population");
  const auto d = build_design(f, vars);
  try {
    check_design(d, f, vars);
    FAIL() << "expected a rank error";
  } catch (const core::UsageError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("batchb"), std::string::npos) << msg;
    EXPECT_NE(msg.find("confounded with patient"), std::string::npos) << msg;
  }
  const auto f2 = parse_formula("~ population + batch");
  std::vector<Variable> one_level = {Variable::factor("population", pop), Variable::factor("batch", {"x", "x", "x", "x", "x", "x"})};
  EXPECT_THROW(check_design(build_design(f2, one_level), f2, one_level), core::UsageError);
}

TEST(Design, LevelContrastUsesTreatmentCoding) {
  const auto d = test::load_dataset("tests/data/three_pop/counts.tsv", "tests/data/three_pop/samples.tsv",
                                    "~ patient + population", io::MatrixKind::kCounts);
  const auto& pop = test::variable(d, "population");
  const Eigen::VectorXd c1 = level_contrast(d.model, pop, "LSC", "HSC");  // HSC is the reference
  EXPECT_EQ(c1, (Eigen::VectorXd(2) << 0, 1).finished());
  const Eigen::VectorXd c2 = level_contrast(d.model, pop, "LSC", "LPC");
  EXPECT_EQ(c2, (Eigen::VectorXd(2) << -1, 1).finished());
  EXPECT_THROW(level_contrast(d.model, pop, "LSC", "CD34"), core::UsageError);
}

}  // namespace
}  // namespace lscmir::stats
