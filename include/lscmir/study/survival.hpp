// SPDX-License-Identifier: GPL-3.0-or-later
// The survival stage of a study: per-feature Cox models (with a permutation FDR), log-rank splits,
// Kaplan-Meier curves and logistic models of a binary response, and the tables `lscmir survival`
// writes (cox.tsv, logrank.tsv, km_<feature>.tsv, logistic.tsv).
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "lscmir/core/log.hpp"
#include "lscmir/io/result_table.hpp"
#include "lscmir/stats/competing.hpp"
#include "lscmir/stats/cox_screen.hpp"
#include "lscmir/study/cohort.hpp"

namespace lscmir::io {
struct LabeledMatrix;
struct Table;
}  // namespace lscmir::io

namespace lscmir::study {

/// Every option of `lscmir survival` but the shared --threads, --out, --force and --quiet.
struct SurvivalOptions {
  std::string expression, clinical;  ///< input paths (read by the caller; kept for run_info)
  CohortSpec cohort;                 ///< --id, --time, --event, --cause, --covariates, --reference, --strata, --binary
  std::string ties = "efron";        ///< efron or breslow
  std::string split;                 ///< "", median, tertile, quartile or maxstat
  std::vector<std::string> km;       ///< features for Kaplan-Meier curves
  int min_events = 3;
  int permutations = 0;  ///< 0 = no permutation FDR
  std::uint64_t seed = 1;
  bool ph_test = false;    ///< --ph-test: cox.zph (transform "km") of every Cox fit
  double ph_level = 0.05;  ///< --ph-level: PH.P below it marks the row ph_rejected
};

/// Checks --ties and --split (what can be checked before reading any input).
/// @throws core::UsageError naming the option.
void validate(const SurvivalOptions& options);

struct KmCurves {
  std::string feature;
  stats::KmByMedian curves;
};

/// With --cause: the cumulative incidence of every cause in the high and low groups of a --km
/// feature (split as its KM curves), and Gray's test per cause.
struct CifCurves {
  std::string feature;
  struct Curve {
    std::string group;  ///< high or low
    int cause;
    std::vector<stats::CifPoint> points;
  };
  std::vector<Curve> curves;  ///< high then low, causes ascending within each
  std::vector<int> causes;    ///< every event code of the split's patients, ascending
  std::vector<stats::GrayTest> gray;  ///< per causes[i]; empty when a group is empty
};

struct SurvivalResult {
  std::vector<std::string> features;  ///< matrix row order; the index of every per-feature vector
  std::size_t patients_matched = 0, patients_usable = 0;
  /// cox.rows[i] (coef, hr, hr_lower95, hr_upper95, p_wald, ...) and cox.fdr[i] belong to features[i].
  stats::CoxScreen cox;
  std::vector<double> fdr_perm;                  ///< empty unless permutations > 0
  std::string split;                             ///< as the options; "" = no log-rank table
  std::vector<stats::LogrankSplitRow> logrank;   ///< per feature when split is set
  std::vector<KmCurves> km;                      ///< in --km order
  bool has_logistic = false;
  stats::LogisticScreen logistic;                ///< per feature when has_logistic
  bool ph_test = false, ph_global = false;       ///< PH columns in cox.tsv; cox_ph_global.tsv (with covariates)
  double ph_level = 0.05;
  int cause = 0;                                 ///< --cause; 0 = no competing-risks tables
  stats::FineGrayScreen finegray;                ///< per feature when cause > 0
  std::vector<CifCurves> cif;                    ///< per --km feature when cause > 0

  /// The Cox row of `feature`, or nullptr when there is no such feature.
  const stats::CoxScreenRow* cox_row(std::string_view feature) const;
};

/// The stage's cohort and its usable patients (base_rows), checked against the options: every
/// input error of the stage, and no model fitted yet (so a caller can check its output folder
/// before the work).
/// @throws core::UsageError: bad --ties / --split / --reference, a --km feature not in the matrix.
/// @throws core::InputError: see build_cohort.
struct SurvivalCohort {
  Cohort cohort;
  std::vector<std::size_t> base;
};
SurvivalCohort survival_cohort(const SurvivalOptions& options, const io::LabeledMatrix& m, const io::Table& clinical,
                               core::Logger& log);

/// Runs the stage on a matrix (features x patients) and its cohort (from survival_cohort on the
/// same matrix). Threads: parallel-for over features; the result does not depend on `threads`.
SurvivalResult survival_screen(const SurvivalOptions& options, const SurvivalCohort& cohort, const io::LabeledMatrix& m,
                               int threads, core::Logger& log);
/// survival_cohort, then survival_screen. @throws as survival_cohort.
SurvivalResult survival_screen(const SurvivalOptions& options, const io::LabeledMatrix& m, const io::Table& clinical,
                               int threads, core::Logger& log);

/// Kaplan-Meier curves (high vs low, split as --split splits; "" = by the median) of `km`
/// features on a cohort already built, without fitting any model (`lscmir run` draws them for
/// the top candidates after the Cox screen).
/// @throws core::UsageError for a feature not in the matrix or a bad split.
std::vector<KmCurves> km_curves(const SurvivalCohort& cohort, const io::LabeledMatrix& m, const std::vector<std::string>& km,
                                const std::string& split = "");

/// With a competing-risks cohort (cause > 0): the cumulative incidence curves and Gray's tests of
/// `km` features split as km_curves splits them (what `survival --cause K --km` writes), on a
/// cohort already built. @throws core::UsageError as km_curves.
std::vector<CifCurves> cif_curves(const SurvivalCohort& cohort, const io::LabeledMatrix& m, const std::vector<std::string>& km,
                                  const std::string& split = "");

/// km_<feature>.tsv: group time n.risk n.event n.censor surv std.err lower upper.
io::NamedTable km_table(const KmCurves& curves);

/// The numbers of a Kaplan-Meier panel, from a km_<feature>.tsv table alone: the table lists every
/// distinct time of each group with its events and censorings, so the subjects are recovered
/// exactly; then the log-rank test of high vs low (survdiff) and the Cox hazard ratio of high vs low
/// (coxph, Efron ties) with its Wald 95% interval.
struct KmPanelStats {
  double n_high = 0, n_low = 0, events_high = 0, events_low = 0;
  double logrank_chisq = std::numeric_limits<double>::quiet_NaN(), logrank_p = std::numeric_limits<double>::quiet_NaN();
  double hr = std::numeric_limits<double>::quiet_NaN(), hr_lower95 = std::numeric_limits<double>::quiet_NaN(),
         hr_upper95 = std::numeric_limits<double>::quiet_NaN();
  stats::FitStatus status = stats::FitStatus::kTooFewEvents;
};
/// @throws core::InputError when the table lacks the group / time / n.event / n.censor columns.
KmPanelStats km_panel_stats(const io::ResultTable& km, const std::string& file);
/// cif_<feature>.tsv (group cause time est var) and gray_<feature>.tsv (cause stat P df).
std::vector<io::NamedTable> cif_tables(const CifCurves& cif);

/// cox.tsv, then logrank.tsv (with a split), km_<feature>.tsv (per --km feature), logistic.tsv
/// (with a binary column): the bytes `lscmir survival` has always written; with --cause also
/// finegray.tsv and cif_<feature>.tsv / gray_<feature>.tsv per --km feature; with --ph-test the
/// PH.chisq PH.P columns of cox.tsv (status ph_rejected for an ok fit with PH.P < --ph-level) and,
/// with covariates, cox_ph_global.tsv (feature chisq df P: the global test).
std::vector<io::NamedTable> survival_tables(const SurvivalResult& result);

/// The files `lscmir survival` writes into its folder (run_info.json included), in the order its
/// output check names them.
std::vector<std::string> survival_output_files(const SurvivalOptions& options);

/// run_info.json "parameters" of the stage (`threads` as resolved).
nlohmann::json survival_parameters(const SurvivalOptions& options, int threads);

}  // namespace lscmir::study
