// SPDX-License-Identifier: GPL-3.0-or-later
// A study's CONFIG.toml (docs/config.md), parsed once into the option structs of its stages: the
// same structs the single commands fill from their command lines.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "lscmir/study/de.hpp"
#include "lscmir/study/rank.hpp"
#include "lscmir/study/specificity.hpp"

namespace lscmir::study {

/// A table of miRNA -> gene pairs ([targets] tables): its columns and an optional row filter.
struct TargetTableSpec {
  std::string path, mirna = "mirna", gene = "gene";
  std::string where_column, where_value;  ///< keep rows whose where_column equals where_value
};

/// [qpcr]: options of `lscmir qpcr` (with [study] ct, samples and contrasts).
struct QpcrSection {
  std::string normalize, impute;
  std::vector<std::string> controls;
  double ct_max = 0;  ///< 0 = the command's default
};

/// [cohort]: options of `lscmir survival` on the outcome cohort.
struct CohortSection {
  std::string expression, clinical, id = "patient", time, event;
  std::vector<std::string> covariates;
  int km_top = 3, forest_top = 12;
};

/// [enrichment]: `lscmir enrich` of the top inhibit and restore candidates' targets.
struct EnrichmentSection {
  std::vector<std::string> gene_sets;
  std::string method = "empirical";
  int permutations = 2000, top = 10;
};

/// [simulate]: `lscmir simulate` of the top candidates.
struct SimulateSection {
  bool enabled = false;
  int patients = 2000, top = 2, seed = 1, dose_patients = 300;
  double years = 5, effect_lsc = 0.05, sensitize = 0;
};

struct StudyConfig {
  std::string path;  ///< the config file; relative paths inside it are resolved against its folder
  // [study]
  std::string samples, counts, expression, ct, fastq_sheet;  ///< exactly one of the four inputs
  DeOptions de;
  PopulationLabels labels;
  SpecificityOptions specificity;
  QpcrSection qpcr;
  /// [quant]: option name -> value, for a fastq_sheet (hairpin, mature, adapter, ...).
  std::vector<std::pair<std::string, std::string>> quant;
  bool has_cohort = false;
  CohortSection cohort;
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

}  // namespace lscmir::study
