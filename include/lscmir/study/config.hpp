// SPDX-License-Identifier: GPL-3.0-or-later
// A study's CONFIG.toml (docs/config.md), parsed once into the option structs of its stages: the
// same structs the single commands fill from their command lines.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "lscmir/qpcr/study.hpp"
#include "lscmir/quant/run.hpp"
#include "lscmir/sim/simulate.hpp"
#include "lscmir/study/de.hpp"
#include "lscmir/study/rank.hpp"
#include "lscmir/study/specificity.hpp"
#include "lscmir/study/score.hpp"
#include "lscmir/study/survival.hpp"

namespace lscmir::study {

/// A table of miRNA -> gene pairs ([targets] tables): its columns and an optional row filter.
struct TargetTableSpec {
  std::string path, mirna = "mirna", gene = "gene";
  std::string where_column, where_value;  ///< keep rows whose where_column equals where_value
};

/// [cohort]: `lscmir survival` on the outcome cohort, and how many candidates' miRNAs get a forest
/// plot row and Kaplan-Meier curves.
struct CohortSection {
  SurvivalOptions survival;
  int km_top = 3, forest_top = 12;
  std::string name;       ///< the cohort's name, for the report ("TCGA LAML")
  std::string time_unit;  ///< unit of the time column ("months"); empty: guessed from its name
};

/// [enrichment]: `lscmir enrich` of the top inhibit and restore candidates' targets.
struct EnrichmentSection {
  std::vector<std::string> gene_sets;
  std::string method = "empirical";
  int permutations = 2000, top = 10;
};

/// [simulate]: `lscmir simulate` of the top candidates, and a dose-response grid for the first.
struct SimulateSection {
  bool enabled = false;
  int top = 2, dose_patients = 300;
  sim::SimulateOptions options = default_simulate_options();
  static sim::SimulateOptions default_simulate_options() {
    sim::SimulateOptions o;
    o.patients = 2000;
    o.effect_lsc = 0.05;
    return o;
  }
};

struct StudyConfig {
  std::string path;  ///< the config file; relative paths inside it are resolved against its folder
  // [study]
  std::string samples, counts, expression, ct, fastq_sheet;  ///< exactly one of the four inputs
  bool simulated = false;     ///< the study's samples are simulated (the report says so)
  DeOptions de;
  /// [study] primary: the contrasts (as written in `contrasts`, or a named contrast's NAME) whose
  /// DE evidence makes the candidates; empty = the specificity calls of a three-population study,
  /// else the only contrast (docs/config.md).
  std::vector<std::string> primary;
  PopulationLabels labels;
  SpecificityOptions specificity;
  qpcr::QpcrOptions qpcr;    ///< [qpcr], with [study] ct and samples
  quant::QuantOptions quant;  ///< [quant], for a fastq_sheet; trna / clades may be "auto" or "none" (the CLI resolves them before run_study)
  bool has_cohort = false;
  CohortSection cohort;
  /// [score]: `lscmir score fit` on the [cohort] (its expression, clinical, id, time, event; every
  /// cohort miRNA is a candidate feature, the lasso selects), with alpha, nfolds, seed, s,
  /// bootstrap and foldid as the command's options.
  bool has_score = false;
  ScoreFitOptions score;
  std::vector<TargetTableSpec> target_tables;
  std::string mirbase, families;
  EnrichmentSection enrichment;
  SimulateSection simulate;
  RankWeights weights;
  std::vector<std::string> categories;  ///< NAME=REGEX (parse_categories)
  int report_top = 6;
  std::string out, title = "lscmir study report";  ///< [output]
};

/// Reads and checks a config. @throws core::InputError naming the file and the line of the
/// offending key (unknown keys list the known ones), for TOML syntax errors and missing sections.
StudyConfig read_study_config(const std::string& path);

/// What the report says about the study's inputs (run_info.study.json's parameters): the sample
/// sheet and whether its samples are simulated, the contrasts in the order given, the cohort's
/// name, time column and unit, event and covariates.
nlohmann::json study_description(const StudyConfig& c);

}  // namespace lscmir::study
