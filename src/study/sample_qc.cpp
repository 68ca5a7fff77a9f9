// SPDX-License-Identifier: GPL-3.0-or-later
// Sample QC tables of a study run: qc_samples.tsv and report_expression.tsv.
#include <cmath>
#include <limits>
#include <map>

#include "lscmir/stats/norm_factors.hpp"
#include "lscmir/study/qc.hpp"

namespace lscmir::study {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<std::string> patients_of(const io::SampleSheet& sheet) {
  return sheet.has_column("patient") ? sheet.column("patient") : std::vector<std::string>(sheet.samples.size(), "NA");
}
}  // namespace

SampleQc sample_qc(const io::LabeledMatrix& m, bool counts, const io::SampleSheet& sheet, const std::string& norm, int threads,
                   const std::vector<double>* de_lib_size, const std::vector<double>* de_norm_factors) {
  const std::vector<std::size_t> cols = io::match_samples(sheet, m);
  Eigen::MatrixXd y(m.values.rows(), static_cast<Eigen::Index>(cols.size()));
  for (std::size_t j = 0; j < cols.size(); ++j) y.col(static_cast<Eigen::Index>(j)) = m.values.col(static_cast<Eigen::Index>(cols[j]));
  std::vector<double> lib(cols.size(), kNaN), nf(cols.size(), kNaN);
  SampleQc qc;
  qc.features = m.features;
  if (counts) {
    if (de_lib_size != nullptr && de_norm_factors != nullptr && de_lib_size->size() == cols.size() && de_norm_factors->size() == cols.size()) {
      lib = *de_lib_size;
      nf = *de_norm_factors;
    } else {
      lib = stats::library_sizes(y);
      stats::NormMethod method{};
      if (!stats::parse_norm_method(norm.empty() ? "TMM" : norm, method)) method = stats::NormMethod{};
      nf = stats::norm_factors(y, lib, method, threads);
    }
    std::vector<double> eff(lib.size());
    for (std::size_t j = 0; j < lib.size(); ++j) eff[j] = lib[j] * nf[j];
    qc.logexpr = stats::log_cpm(y, eff, 2.0, threads);
  } else {
    qc.logexpr = std::move(y);
  }
  const Pca pca = pca_top_variable(qc.logexpr, 500);
  qc.samples.add_text("sample", sheet.samples)
      .add_text("patient", patients_of(sheet))
      .add_text("population", sheet.column("population"))
      .add_real("lib.size", lib)
      .add_real("norm.factors", nf)
      .add_real("PC1", pca.pc1)
      .add_real("PC2", pca.pc2);
  qc.pca.add_text("component", {"PC1", "PC2"})
      .add_real("variance", {pca.var1, pca.var2})
      .add_integer("features", {pca.features_used, pca.features_used});
  // the sheet's other columns (batch, covariates), for the report's colour-by selector
  for (std::size_t k = 0; k < sheet.columns.size(); ++k) {
    const std::string& name = sheet.columns[k];
    if (name == "fastq" || name == "adapter") continue;
    qc.sheet.add_text(name, sheet.cells[k]);
  }
  return qc;
}

io::ResultTable report_expression(const SampleQc& qc, const io::SampleSheet& sheet, const std::vector<ShownFeature>& shown) {
  std::map<std::string, Eigen::Index> row_of;
  for (std::size_t g = 0; g < qc.features.size(); ++g) row_of.emplace(qc.features[g], static_cast<Eigen::Index>(g));
  const std::vector<std::string> patients = patients_of(sheet);
  const auto& pop = sheet.column("population");
  std::vector<std::string> feature, sample, patient, population, role, cls;
  std::vector<double> value, z;
  for (const auto& s : shown) {
    const auto it = row_of.find(s.feature);
    if (it == row_of.end()) continue;
    const Eigen::RowVectorXd v = qc.logexpr.row(it->second);
    double mean = 0, sd = 0;
    int n = 0;
    for (Eigen::Index j = 0; j < v.size(); ++j)
      if (std::isfinite(v(j))) mean += v(j), ++n;
    mean = n ? mean / n : 0;
    for (Eigen::Index j = 0; j < v.size(); ++j)
      if (std::isfinite(v(j))) sd += (v(j) - mean) * (v(j) - mean);
    sd = n > 1 ? std::sqrt(sd / (n - 1)) : 0;
    for (std::size_t j = 0; j < sheet.samples.size(); ++j) {
      const double x = v(static_cast<Eigen::Index>(j));
      feature.push_back(s.feature);
      sample.push_back(sheet.samples[j]);
      patient.push_back(patients[j]);
      population.push_back(pop[j]);
      value.push_back(x);
      z.push_back(sd > 0 && std::isfinite(x) ? (x - mean) / sd : kNaN);
      role.push_back(s.role);
      cls.push_back(s.cls);
    }
  }
  io::ResultTable t;
  t.add_text("feature", std::move(feature)).add_text("sample", std::move(sample)).add_text("patient", std::move(patient));
  t.add_text("population", std::move(population)).add_real("value", std::move(value)).add_real("z", std::move(z));
  t.add_text("role", std::move(role)).add_text("class", std::move(cls));
  return t;
}

}  // namespace lscmir::study
