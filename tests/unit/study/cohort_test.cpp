// SPDX-License-Identifier: GPL-3.0-or-later
// study::build_cohort: matching by id, outcome parsing, treatment coding with reference levels,
// missing cells, and the errors for bad clinical tables.
#include "lscmir/study/cohort.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "lscmir/core/error.hpp"
#include "lscmir/io/matrix.hpp"
#include "lscmir/io/table.hpp"
#include "lscmir/study/config.hpp"
#include "lscmir/study/survival.hpp"

namespace lscmir::study {
namespace {

io::Table clinical(std::vector<std::vector<std::string>> rows) {
  io::Table t;
  t.path = "clinical.tsv";
  t.header = {"patient", "time", "event", "age", "risk", "sex", "resp"};
  for (std::size_t r = 0; r < rows.size(); ++r) t.line_numbers.push_back(r + 2);
  t.rows = std::move(rows);
  return t;
}

io::LabeledMatrix matrix(const std::vector<std::string>& samples) {
  io::LabeledMatrix m;
  m.path = "expression.tsv";
  m.features = {"mirA"};
  m.samples = samples;
  m.values = Eigen::MatrixXd::Zero(1, static_cast<Eigen::Index>(samples.size()));
  for (std::size_t j = 0; j < samples.size(); ++j) m.values(0, static_cast<Eigen::Index>(j)) = static_cast<double>(j);
  return m;
}

CohortSpec spec() {
  CohortSpec s;
  s.id = "patient";
  s.time = "time";
  s.event = "event";
  return s;
}

const io::Table kClinical = clinical({
    {"P1", "10", "1", "50", "poor", "F", "1"},
    {"P2", "NA", "0", "61", "good", "M", "0"},
    {"P3", "+7.5", "TRUE", "NA", "intermediate", "F", ""},
    {"P4", "3", "FALSE", "70", "good", "NA", "TRUE"},
    {"P5", "8", "", "44", "NA", "M", "FALSE"},
});

TEST(Cohort, MatchesIdsAndParsesTheOutcome) {
  std::ostringstream sink;
  core::Logger log(sink, core::LogLevel::kQuiet);
  // P9 has no clinical row (left out), P1 is not in the matrix.
  const Cohort c = build_cohort(spec(), matrix({"P3", "P9", "P2", "P4", "P5"}), kClinical, log);
  EXPECT_EQ(c.ids, (std::vector<std::string>{"P3", "P2", "P4", "P5"}));
  EXPECT_EQ(c.matrix_col, (std::vector<std::size_t>{0, 2, 3, 4}));
  EXPECT_EQ(c.time[0], 7.5);
  EXPECT_TRUE(std::isnan(c.time[1]));
  EXPECT_EQ(c.event, (std::vector<int>{1, 0, 0, -1}));
  EXPECT_EQ(c.strata, (std::vector<int>{0, 0, 0, 0}));
  EXPECT_TRUE(c.binary.empty());
  EXPECT_EQ(c.covariates.cols(), 0);
  // Usable: a time, an event and a stratum.
  EXPECT_EQ(base_rows(c), (std::vector<std::size_t>{0, 2}));
  const stats::SurvivalData d = survival_data(c, base_rows(c));
  EXPECT_EQ(d.time, (std::vector<double>{7.5, 3}));
  const Eigen::MatrixXd v = patient_values(matrix({"P3", "P9", "P2", "P4", "P5"}), c, base_rows(c));
  EXPECT_EQ(v(0, 0), 0);
  EXPECT_EQ(v(0, 1), 3);
}

TEST(Cohort, CodesFactorsWithReferenceLevelsAndMissingCells) {
  std::ostringstream sink;
  core::Logger log(sink, core::LogLevel::kQuiet);
  CohortSpec s = spec();
  s.covariates = {"age", "risk"};
  s.strata = "sex";
  s.binary = "resp";
  const auto m = matrix({"P1", "P2", "P3", "P4", "P5"});
  const Cohort c = build_cohort(s, m, kClinical, log);
  // R's default reference: the first level in byte order ("good").
  EXPECT_EQ(c.covariate_names, (std::vector<std::string>{"age", "riskintermediate", "riskpoor"}));
  ASSERT_EQ(c.covariates.rows(), 5);
  EXPECT_EQ(c.covariates(0, 0), 50);
  EXPECT_TRUE(std::isnan(c.covariates(2, 0)));  // age NA
  EXPECT_EQ(c.covariates(0, 2), 1);             // P1 poor
  EXPECT_EQ(c.covariates(0, 1), 0);
  EXPECT_EQ(c.covariates(2, 1), 1);  // P3 intermediate
  EXPECT_TRUE(std::isnan(c.covariates(4, 1)) && std::isnan(c.covariates(4, 2)));  // risk NA
  EXPECT_EQ(c.strata, (std::vector<int>{0, 1, 0, -1, 1}));  // F, M; NA = -1
  EXPECT_EQ(c.binary[0], 1);
  EXPECT_TRUE(std::isnan(c.binary[2]));
  EXPECT_EQ(c.binary[3], 1);
  // P2: no time; P3: no age; P4: no stratum; P5: no event and no risk.
  EXPECT_EQ(base_rows(c), (std::vector<std::size_t>{0}));

  s.reference = {"risk=poor"};
  const Cohort r = build_cohort(s, m, kClinical, log);
  EXPECT_EQ(r.covariate_names, (std::vector<std::string>{"age", "riskgood", "riskintermediate"}));
  EXPECT_EQ(r.covariates(0, 1), 0);
  EXPECT_EQ(r.covariates(1, 1), 1);  // P2 good

  s.reference = {"risk=bad"};
  EXPECT_THROW(build_cohort(s, m, kClinical, log), core::UsageError);
  s.reference = {"risk"};
  EXPECT_THROW(build_cohort(s, m, kClinical, log), core::UsageError);
}

TEST(Cohort, ErrorsNameTheLine) {
  std::ostringstream sink;
  core::Logger log(sink, core::LogLevel::kQuiet);
  const auto m = matrix({"P1", "P2"});
  auto message = [&](const io::Table& t, const CohortSpec& s) {
    try {
      build_cohort(s, m, t, log);
    } catch (const core::InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const io::Table dup = clinical({{"P1", "1", "1", "", "", "", ""}, {"P2", "1", "1", "", "", "", ""}, {"P1", "2", "0", "", "", "", ""}});
  EXPECT_NE(message(dup, spec()).find("duplicate patient \"P1\" (first seen on line 2)"), std::string::npos) << message(dup, spec());
  EXPECT_NE(message(dup, spec()).find("line 4"), std::string::npos);
  // "NaN" is not a missing time here (only empty and NA are): it is an error.
  const io::Table nan_time = clinical({{"P1", "NaN", "1", "", "", "", ""}});
  EXPECT_NE(message(nan_time, spec()).find("expected a non-negative number in column \"time\", found \"NaN\""), std::string::npos);
  const io::Table neg = clinical({{"P1", "-2", "1", "", "", "", ""}});
  EXPECT_NE(message(neg, spec()).find("found \"-2\""), std::string::npos);
  const io::Table inf = clinical({{"P1", "Inf", "1", "", "", "", ""}});
  EXPECT_NE(message(inf, spec()).find("found \"Inf\""), std::string::npos);
  const io::Table dead = clinical({{"P1", "2", "dead", "", "", "", ""}});
  EXPECT_NE(message(dead, spec()).find("expected 0 or 1 in column \"event\", found \"dead\""), std::string::npos);
  const io::Table none = clinical({{"Q1", "2", "1", "", "", "", ""}});
  EXPECT_NE(message(none, spec()).find("no expression column matches"), std::string::npos);
  CohortSpec bad = spec();
  bad.time = "os";
  EXPECT_THROW(build_cohort(bad, m, kClinical, log), core::InputError);
}

TEST(SurvivalStage, TablesHaveTheCommandsFilesAndColumns) {
  std::ostringstream sink;
  core::Logger log(sink, core::LogLevel::kQuiet);
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> samples;
  for (int i = 0; i < 40; ++i) {
    samples.push_back("P" + std::to_string(i));
    rows.push_back({samples.back(), std::to_string(1 + (i * 7) % 23), i % 3 == 0 ? "0" : "1", std::to_string(40 + i % 9), "x", "F",
                    i % 2 == 0 ? "1" : "0"});
  }
  io::LabeledMatrix m = matrix(samples);
  m.features = {"mirA", "mirB"};
  m.values = Eigen::MatrixXd(2, 40);
  for (int i = 0; i < 40; ++i) {
    m.values(0, i) = std::sin(i * 1.3) + 0.05 * ((i * 7) % 23);
    m.values(1, i) = std::cos(i * 0.7);
  }
  SurvivalOptions o;
  o.cohort = spec();
  o.cohort.binary = "resp";
  o.split = "maxstat";
  o.km = {"mirB"};
  o.permutations = 10;
  const SurvivalResult r = survival_screen(o, m, clinical(rows), 2, log);
  ASSERT_NE(r.cox_row("mirB"), nullptr);
  EXPECT_EQ(r.cox_row("mirB"), &r.cox.rows[1]);
  EXPECT_EQ(r.cox_row("mirZ"), nullptr);
  EXPECT_EQ(r.patients_usable, 40u);
  const auto tables = survival_tables(r);
  std::vector<std::string> files;
  for (const auto& t : tables) files.push_back(t.file);
  EXPECT_EQ(files, (std::vector<std::string>{"cox.tsv", "logrank.tsv", "km_mirB.tsv", "logistic.tsv"}));
  const std::string tsv = io::to_tsv(tables[0].table);
  EXPECT_EQ(tsv.substr(0, tsv.find('\n')),
            "feature\tn\tevents\tcoef\tHR\tHR.lower95\tHR.upper95\tse\tz\tP.Wald\tP.LRT\tP.score\tC\tFDR\tstatus\tFDR.perm");
  EXPECT_EQ(tsv.substr(tsv.find('\n') + 1, 11), "mirA\t40\t26\t");
  EXPECT_EQ(tables[1].table.columns.size(), 7u);  // maxstat adds cutpoint, M, P.adjusted
  EXPECT_EQ(tables[2].table.columns.front().name, "group");
  EXPECT_EQ(survival_output_files(o).size(), 5u);
  EXPECT_EQ(survival_parameters(o, 2)["split"], "maxstat");
  o.ties = "exact";
  EXPECT_THROW(validate(o), core::UsageError);
  o.ties = "efron";
  o.km = {"mirZ"};
  EXPECT_THROW(survival_screen(o, m, clinical(rows), 1, log), core::UsageError);
}

}  // namespace

TEST(CohortConfig, CauseAndPhTestKeys) {
  const auto dir = std::filesystem::temp_directory_path() / ("lscmir_cohort_cfg_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  // The config names input files, which must open (their contents are read by the stages only).
  for (const char* f : {"s.tsv", "c.tsv", "e.tsv", "k.tsv", "f.tsv"}) std::ofstream(dir / f).put('\n');
  auto write = [&](const std::string& cohort) {
    std::ofstream(dir / "c.toml") << "[study]\nsamples = \"s.tsv\"\ncounts = \"c.tsv\"\ncontrasts = [\"LSC-HSC\"]\n"
                                  << "[cohort]\nexpression = \"e.tsv\"\nclinical = \"k.tsv\"\ntime = \"t\"\nevent = \"s\"\n" << cohort;
    return (dir / "c.toml").string();
  };
  const StudyConfig c = read_study_config(write("cause = 1\nph_test = true\n"));
  EXPECT_EQ(c.cohort.survival.cohort.cause, 1);
  EXPECT_TRUE(c.cohort.survival.ph_test);
  EXPECT_EQ(read_study_config(write("")).cohort.survival.cohort.cause, 0);
  EXPECT_THROW(read_study_config(write("cause = 1.5\n")), core::InputError);
  EXPECT_THROW(read_study_config(write("cause = -2\n")), core::InputError);
  std::filesystem::remove_all(dir);
}

TEST(ScoreConfig, KeysAreReadAndChecked) {
  const auto dir = std::filesystem::temp_directory_path() / ("lscmir_score_cfg_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  // The config names input files, which must open (their contents are read by the stages only).
  for (const char* f : {"s.tsv", "c.tsv", "e.tsv", "k.tsv", "f.tsv"}) std::ofstream(dir / f).put('\n');
  auto write = [&](const std::string& score) {
    std::ofstream(dir / "c.toml") << "[study]\nsamples = \"s.tsv\"\ncounts = \"c.tsv\"\ncontrasts = [\"LSC-HSC\"]\n"
                                  << "[cohort]\nexpression = \"e.tsv\"\nclinical = \"k.tsv\"\ntime = \"t\"\nevent = \"s\"\n" << score;
    return (dir / "c.toml").string();
  };
  EXPECT_FALSE(read_study_config(write("")).has_score);
  const StudyConfig c = read_study_config(write("[score]\nalpha = 0.5\nnfolds = 5\nseed = 3\ns = \"lambda.1se\"\nbootstrap = 10\nfoldid = \"f.tsv\"\n"));
  EXPECT_TRUE(c.has_score);
  EXPECT_DOUBLE_EQ(c.score.alpha, 0.5);
  EXPECT_EQ(c.score.nfolds, 5);
  EXPECT_EQ(c.score.seed, 3u);
  EXPECT_EQ(c.score.s, "lambda.1se");
  EXPECT_EQ(c.score.bootstrap, 10);
  EXPECT_EQ(c.score.foldid, (dir / "f.tsv").string());
  EXPECT_THROW(read_study_config(write("[score]\nalpha = 2\n")), core::InputError);
  EXPECT_THROW(read_study_config(write("[score]\ns = \"lambda.best\"\n")), core::InputError);
  EXPECT_THROW(read_study_config(write("[score]\nlambda = 1\n")), core::InputError);
  std::filesystem::remove_all(dir);
}

}  // namespace lscmir::study
