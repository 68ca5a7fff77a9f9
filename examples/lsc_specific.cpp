// SPDX-License-Identifier: GPL-3.0-or-later
// Downstream example: paired DE and specificity on the demo study in memory, top LSC-specific miRNAs.
//
//   lsc_specific [COUNTS.tsv SAMPLES.tsv]     (default: the installed share/lscmir/demo)
//
// It does what `lscmir run data/demo/demo.toml` does for its first two stages (demo.toml: voom,
// TMM, ~ patient + population, contrasts LSC-HSC, LSC-LPC, HSC-LPC; specificity at FDR 0.05 and
// |logFC| > 1), without writing a file, and prints the 10 strongest LSC-specific calls.
#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include <lscmir/core/error.hpp>
#include <lscmir/io/matrix.hpp>
#include <lscmir/io/sample_sheet.hpp>
#include <lscmir/stats/design.hpp>
#include <lscmir/stats/ebayes.hpp>
#include <lscmir/stats/lm_fit.hpp>
#include <lscmir/stats/norm_factors.hpp>
#include <lscmir/stats/top_table.hpp>
#include <lscmir/stats/voom.hpp>
#include <lscmir/study/specificity.hpp>

#ifndef LSCMIR_EXAMPLE_DEMO_DIR
#define LSCMIR_EXAMPLE_DEMO_DIR "share/lscmir/demo"
#endif

using namespace lscmir;

namespace {

/// One DE table (A - B) from a topTable, in the form study::classify takes.
study::DeTable to_de_table(const std::vector<std::string>& features, const stats::TopTable& tt) {
  study::DeTable d;
  d.features = features;
  d.logfc = tt.logfc;
  d.ci_l = tt.ci_l;
  d.ci_r = tt.ci_r;
  d.t = tt.t;
  d.p_value = tt.p_value;
  d.adj_p_value = tt.adj_p_value;
  return d;
}

/// voom + lmFit + contrasts.fit + eBayes on ~ patient + population, as `lscmir de` does it.
std::vector<study::DeTable> paired_de(const io::LabeledMatrix& m, const io::SampleSheet& sheet,
                                      const std::vector<std::pair<std::string, std::string>>& contrasts, int threads) {
  const std::vector<std::size_t> cols = io::match_samples(sheet, m);  // sheet order
  Eigen::MatrixXd y(m.values.rows(), static_cast<Eigen::Index>(cols.size()));
  for (std::size_t j = 0; j < cols.size(); ++j) y.col(static_cast<Eigen::Index>(j)) = m.values.col(static_cast<Eigen::Index>(cols[j]));

  const stats::Formula formula = stats::parse_formula("~ patient + population");
  const std::vector<stats::Variable> vars{stats::Variable::factor("patient", sheet.column("patient")),
                                          stats::Variable::factor("population", sheet.column("population"))};
  const stats::Design design = stats::build_design(formula, vars);
  stats::check_design(design, formula, vars);
  const stats::LinearModel model = stats::make_linear_model(design, formula, vars, "patient");

  const std::vector<double> lib = stats::library_sizes(y);
  const std::vector<double> nf = stats::norm_factors(y, lib, stats::NormMethod::kTMM, threads);
  std::vector<double> eff(lib.size());
  for (std::size_t j = 0; j < lib.size(); ++j) eff[j] = lib[j] * nf[j];
  const stats::VoomResult v = stats::voom(y, model, eff, threads);
  const stats::LmFit fit = stats::lm_fit(v.e, model, &v.weights, threads);

  Eigen::MatrixXd cmat(model.z.cols(), static_cast<Eigen::Index>(contrasts.size()));
  for (std::size_t k = 0; k < contrasts.size(); ++k)
    cmat.col(static_cast<Eigen::Index>(k)) = stats::level_contrast(model, vars[1], contrasts[k].first, contrasts[k].second);
  const stats::LmFit cfit = stats::contrasts_fit(fit, cmat);
  const stats::EBayesFit eb = stats::ebayes(cfit, stats::EBayesOptions{});
  std::vector<study::DeTable> tables;
  for (std::size_t k = 0; k < contrasts.size(); ++k)
    tables.push_back(to_de_table(m.features, stats::top_table(cfit, eb, static_cast<Eigen::Index>(k))));
  return tables;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 1 && argc != 3) {
    std::fprintf(stderr, "usage: %s [COUNTS.tsv SAMPLES.tsv]\n", argv[0]);
    return 2;
  }
  const std::string demo = LSCMIR_EXAMPLE_DEMO_DIR;
  const std::string counts = argc == 3 ? argv[1] : demo + "/counts.tsv";
  const std::string samples = argc == 3 ? argv[2] : demo + "/samples.tsv";
  try {
    const io::SampleSheet sheet = io::read_sample_sheet(samples);
    const io::LabeledMatrix m = io::read_matrix(counts, io::MatrixKind::kCounts, /*threads=*/0);
    const std::vector<study::DeTable> de = paired_de(m, sheet, {{"LSC", "HSC"}, {"LSC", "LPC"}, {"HSC", "LPC"}}, 0);

    study::SpecificityOptions spec;  // FDR 0.05, |logFC| > 1, as demo.toml
    std::vector<study::SpecificityRow> rows = study::classify(de[0], de[1], de[2], spec);
    rows.erase(std::remove_if(rows.begin(), rows.end(),
                              [](const study::SpecificityRow& r) { return r.cls != study::SpecificityClass::kLscSpecific; }),
               rows.end());
    std::stable_sort(rows.begin(), rows.end(), [](const auto& x, const auto& y) {
      return x.p_class != y.p_class ? x.p_class < y.p_class : x.feature < y.feature;  // specificity.tsv's order
    });

    std::printf("%zu miRNAs x %zu samples; %zu LSC-specific at FDR < %g and |logFC| > %g\n", m.features.size(), m.samples.size(),
                rows.size(), spec.fdr, spec.lfc);
    std::printf("%-20s %14s %14s %10s\n", "miRNA", "logFC.LSC-HSC", "logFC.LSC-LPC", "FDR.class");
    for (std::size_t i = 0; i < rows.size() && i < 10; ++i)
      std::printf("%-20s %14.3f %14.3f %10.3g\n", rows[i].feature.c_str(), rows[i].logfc[0], rows[i].logfc[1], rows[i].fdr_class);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lsc_specific: %s\n", e.what());
    return 1;
  }
  return 0;
}
