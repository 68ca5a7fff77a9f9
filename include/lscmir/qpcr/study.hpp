// SPDX-License-Identifier: GPL-3.0-or-later
// `lscmir qpcr` as library calls: read the Ct exports and the sample sheet, then normalize, rank
// reference candidates (geNorm), count detections, run the paired on/off tests, and give every
// output table; the normalized expression stays in memory for differential expression.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lscmir/core/log.hpp"
#include "lscmir/core/run_info.hpp"
#include "lscmir/stats/design.hpp"
#include "lscmir/io/matrix.hpp"
#include "lscmir/io/result_table.hpp"
#include "lscmir/io/sample_sheet.hpp"
#include "lscmir/qpcr/analysis.hpp"
#include "lscmir/qpcr/ct.hpp"
#include "lscmir/qpcr/nondetect.hpp"

namespace lscmir::qpcr {

/// The options of `lscmir qpcr` (contrasts are given to analyze() already split).
struct QpcrOptions {
  std::vector<std::string> ct;          ///< Ct files (one per plate allowed)
  std::string samples;                  ///< sample sheet: sample, population (patient for on/off tests)
  std::string format = "auto";          ///< auto, long, wide or quantstudio
  std::string normalize = "global-mean";  ///< global-mean, reference:A,B,... or none
  std::string impute;                   ///< empty, "ct-max", "em" or "em-multiple"
  /// em / em-multiple: the Ct model's formula over sample-sheet columns (empty: ~ population + patient,
  /// or ~ population without a patient column); patient random, other factors fixed, numbers covariates
  std::string em_design;
  int imputations = 0;                  ///< em-multiple: number of draws (>= 2)
  std::uint64_t seed = 1;               ///< em-multiple: seed of the draws
  std::vector<std::string> controls;    ///< control prefixes, comma lists allowed (used when controls_given)
  bool controls_given = false;          ///< false: default_control_prefixes()
  std::vector<std::string> genorm_candidates;  ///< comma lists allowed; empty = every assay detected everywhere
  double ct_max = 35.0;
  double fdr = 0.05;                    ///< on/off calls at FDR below this
  LongColumns columns;
};

/// A population contrast A-B of the on/off test; `tag` names its file (onoff_<tag>.tsv).
using Contrast = stats::LevelContrast;

/// The inputs read: the sheet, the Ct files and their assay x sample summary.
struct QpcrData {
  io::SampleSheet sheet;
  std::vector<CtFile> files;
  CtMatrix matrix;
  std::string format_list;                    ///< formats read, '+'-joined ("long", "quantstudio")
  std::vector<std::string> controls;          ///< the control prefixes in effect
  std::vector<std::string> levels;            ///< population levels, sorted bytewise
};

/// Checks the options, reads the sample sheet and every Ct file and combines the wells; logs the
/// totals on `log` (context "qpcr").
/// @throws core::UsageError for a bad --format, --ct-max, --impute, --fdr or --normalize;
///         core::InputError from the readers (file and line).
/// Threads: runs on the calling thread.
QpcrData read_study(const QpcrOptions& options, core::Logger& log);

/// Input records (role "ct" per file, then "samples") for run_info.json.
std::vector<core::InputRecord> input_records(const QpcrData& data);

struct QpcrResult {
  CtMatrix matrix;
  Normalized norm;
  std::string method;                      ///< the --normalize text
  std::vector<std::string> controls;
  DetectionCounts detection;
  std::vector<GenormRow> genorm;
  std::vector<Contrast> contrasts;
  std::vector<std::vector<OnOffRow>> onoff;  ///< per contrast
  double fdr = 0.05;
  std::string format_list;
  /// -dCt expression, assays x samples (the doubles expression.tsv holds; NaN = NA).
  io::LabeledMatrix expression;
  std::optional<NondetectFit> nondetect;   ///< --impute em: the fitted model and imputed Ct
  std::string em_formula;                  ///< --impute em: the Ct model's design formula
  std::vector<std::string> em_terms;       ///< its factor terms, in the order of NondetectFit::term_sd
  /// --impute em-multiple: per draw, the -dCt of every Undetermined cell (CtMatrix layout, NaN
  /// elsewhere); expression holds the conditional expectations as with em.
  std::vector<std::vector<double>> draws;
};

/// Normalizes, runs geNorm, counts detections and runs one on/off test per contrast; logs what it
/// found (context "qpcr").
/// @throws core::UsageError: contrasts without a patient column in the sheet, a bad
///         --genorm-candidates entry, or normalization that cannot be done (see normalize()).
/// Threads: runs on the calling thread.
QpcrResult analyze(const QpcrData& data, const std::vector<Contrast>& contrasts, const QpcrOptions& options,
                   core::Logger& log);

/// expression.tsv, ct_summary.tsv, normalizers.tsv, detection.tsv, references.tsv, one
/// onoff_<tag>.tsv per contrast (rows by P) and, for em-multiple, imputations.tsv (feature sample
/// draw_1..draw_N: the -dCt draws of every Undetermined cell), exactly as `lscmir qpcr` writes them.
std::vector<io::NamedTable> qpcr_tables(const QpcrResult& result);

/// The run_info parameters: format, ct_max, normalize, controls, impute, contrasts, fdr,
/// normalizer_assays. `contrast_texts` are the contrasts as the user gave them.
nlohmann::json qpcr_parameters(const QpcrResult& result, const QpcrOptions& options,
                               const std::vector<std::string>& contrast_texts);

}  // namespace lscmir::qpcr
