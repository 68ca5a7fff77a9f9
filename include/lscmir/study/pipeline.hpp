// SPDX-License-Identifier: GPL-3.0-or-later
// A whole study in memory: StudyConfig -> quantification or qPCR -> differential expression ->
// specificity -> cohort outcome -> targets -> candidates -> enrichment -> simulation -> one
// RunResult (docs/architecture.md). No stage reads a file another stage wrote.
#pragma once

#include <string>
#include <vector>

#include "lscmir/core/log.hpp"
#include "lscmir/study/config.hpp"
#include "lscmir/study/run_folder.hpp"

namespace lscmir::study {

/// How a run is carried out (not part of the study's definition).
struct RunSettings {
  int threads = 1;                 ///< resolved thread count (>= 1)
  std::vector<std::string> argv;   ///< the command line, for the provenance records
  std::string* stage = nullptr;    ///< when set: the name of the stage being computed (kept after a throw)
};

/// Runs every stage the config asks for and returns their tables, other outputs and one
/// provenance record per stage (run_info.<stage>.json). Writes nothing.
/// @throws core::InputError / core::UsageError for bad inputs (before any output exists),
///         core::NumericalError when a stage cannot be computed at all.
RunResult run_study(const StudyConfig& config, const RunSettings& settings, core::Logger& log);

}  // namespace lscmir::study
