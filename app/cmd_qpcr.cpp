// SPDX-License-Identifier: GPL-3.0-or-later
// lscmir qpcr: Ct exports -> -dCt expression, detection counts, geNorm and paired on/off calls.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "common.hpp"
#include "lscmir/stats/design.hpp"
#include "lscmir/core/error.hpp"
#include "lscmir/io/output.hpp"
#include "lscmir/io/sample_sheet.hpp"
#include "lscmir/qpcr/analysis.hpp"
#include "lscmir/qpcr/ct.hpp"

namespace lscmir::app {
namespace {

struct QpcrOptions {
  CommonOptions common;
  std::vector<std::string> ct;
  std::string samples, format = "auto", normalize = "global-mean", impute;
  std::vector<std::string> contrasts, controls, genorm_candidates;
  bool controls_given = false;
  double ct_max = 35.0, fdr = 0.05;
  qpcr::LongColumns columns;
};

std::vector<std::string> split_list(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (const auto& item : items) {
    std::size_t pos = 0;
    while (pos <= item.size()) {
      std::size_t comma = item.find(',', pos);
      if (comma == std::string::npos) comma = item.size();
      if (comma > pos) out.push_back(item.substr(pos, comma - pos));
      pos = comma + 1;
    }
  }
  return out;
}

void append_row_values(std::string& s, const std::vector<double>& values, std::size_t assay, std::size_t n_assays,
                       std::size_t n_samples) {
  for (std::size_t j = 0; j < n_samples; ++j) {
    s.push_back('\t');
    io::append_double(s, values[assay + n_assays * j]);
  }
  s.push_back('\n');
}

std::string expression_text(const qpcr::CtMatrix& m, const qpcr::Normalized& norm) {
  std::string s = "feature";
  for (const auto& sample : m.samples) s += "\t" + sample;
  s += "\n";
  for (std::size_t a = 0; a < m.n_assays(); ++a) {
    s += m.assays[a];
    append_row_values(s, norm.values, a, m.n_assays(), m.n_samples());
  }
  return s;
}

std::string ct_summary_text(const qpcr::CtMatrix& m) {
  std::string s = "feature\tsample\tct\tsd\twells\tdetected_wells\tstatus\n";
  for (std::size_t a = 0; a < m.n_assays(); ++a)
    for (std::size_t j = 0; j < m.n_samples(); ++j) {
      const std::size_t i = m.at(a, j);
      s += m.assays[a] + "\t" + m.samples[j] + "\t";
      io::append_double(s, m.ct[i]);
      s.push_back('\t');
      io::append_double(s, m.sd[i]);
      s += fmt::format("\t{}\t{}\t{}\n", m.wells[i], m.detected_wells[i], qpcr::to_string(m.state[i]));
    }
  return s;
}

std::string normalizers_text(const qpcr::CtMatrix& m, const qpcr::Normalized& norm, const std::string& method) {
  std::string s = "sample\tnormalizer\tmethod\tassays\n";
  for (std::size_t j = 0; j < m.n_samples(); ++j) {
    s += m.samples[j] + "\t";
    io::append_double(s, norm.normalizer[j]);
    s += fmt::format("\t{}\t{}\n", method, norm.used.size());
  }
  return s;
}

std::string detection_text(const qpcr::CtMatrix& m, const qpcr::DetectionCounts& d, const std::vector<std::string>& controls) {
  std::string s = "feature\tcontrol\tdetected_all";
  for (const auto& p : d.populations) s += "\t" + p + ".detected\t" + p + ".measured";
  s += "\n";
  for (std::size_t a = 0; a < m.n_assays(); ++a) {
    int total = 0;
    for (std::size_t p = 0; p < d.populations.size(); ++p) total += d.detected[p][a];
    s += fmt::format("{}\t{}\t{}", m.assays[a], qpcr::is_control(m.assays[a], controls) ? "TRUE" : "FALSE",
                     total == static_cast<int>(m.n_samples()) ? "TRUE" : "FALSE");
    for (std::size_t p = 0; p < d.populations.size(); ++p) s += fmt::format("\t{}\t{}", d.detected[p][a], d.measured[p][a]);
    s += "\n";
  }
  return s;
}

std::string references_text(const std::vector<qpcr::GenormRow>& rows) {
  std::string s = "assay\trank\tM\tM.stepwise\tV.pairwise\n";
  for (const auto& r : rows) {
    s += r.assay + "\t" + std::to_string(r.rank) + "\t";
    io::append_double(s, r.m_all);
    s.push_back('\t');
    io::append_double(s, r.m_step);
    s.push_back('\t');
    io::append_double(s, r.v_pairwise);
    s.push_back('\n');
  }
  return s;
}

std::string onoff_text(const qpcr::CtMatrix& m, const std::vector<qpcr::OnOffRow>& rows, const stats::LevelContrast& c,
                       double fdr_cut) {
  std::vector<std::size_t> order(rows.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return rows[x].p < rows[y].p; });
  std::string s = fmt::format("feature\tpairs\tonly_{}\tonly_{}\tboth\tneither\tP\tFDR\tcall\n", c.a, c.b);
  for (std::size_t i : order) {
    const auto& r = rows[i];
    std::string call = "none";
    if (r.fdr < fdr_cut && r.only_a != r.only_b) call = (r.only_a > r.only_b ? c.a : c.b) + "_on";
    s += fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t", m.assays[r.assay], r.pairs, r.only_a, r.only_b, r.both, r.neither);
    io::append_double(s, r.p);
    s.push_back('\t');
    io::append_double(s, r.fdr);
    s += "\t" + call + "\n";
  }
  return s;
}

int run_qpcr(const QpcrOptions& o, const std::vector<std::string>& argv, core::Logger& log) {
  const double t0 = now_seconds();
  core::RunInfo info = begin_run("qpcr", argv, o.common, log);
  qpcr::CtFormat format{};
  if (!qpcr::parse_ct_format(o.format, format))
    throw core::UsageError("--format must be auto, long, wide or quantstudio (got \"" + o.format + "\")");
  if (!(o.ct_max > 0) || !std::isfinite(o.ct_max)) throw core::UsageError("--ct-max must be a positive number of cycles");
  if (!o.impute.empty() && o.impute != "ct-max") throw core::UsageError("--impute takes ct-max (got \"" + o.impute + "\")");
  if (!(o.fdr > 0 && o.fdr <= 1)) throw core::UsageError("--fdr must be in (0, 1]");
  const qpcr::NormSpec spec = qpcr::parse_norm_spec(o.normalize);
  const std::vector<std::string> controls = o.controls_given ? split_list(o.controls) : qpcr::default_control_prefixes();

  const io::SampleSheet sheet = io::read_sample_sheet(o.samples);
  std::vector<qpcr::CtFile> files;
  std::size_t n_wells = 0, n_ntc = 0;
  std::set<std::string> formats;
  for (const auto& path : o.ct) {
    files.push_back(qpcr::read_ct(path, format, o.columns));
    info.inputs.push_back({"ct", files.back().path, files.back().sha256, files.back().bytes});
    n_wells += files.back().wells.size();
    n_ntc += files.back().skipped_ntc;
    formats.insert(qpcr::to_string(files.back().format));
  }
  info.inputs.push_back({"samples", sheet.path, sheet.sha256, sheet.bytes});
  const qpcr::CtMatrix m = qpcr::summarize(files, sheet.samples, o.ct_max);
  std::string format_list;
  for (const auto& f : formats) format_list += (format_list.empty() ? "" : "+") + f;
  std::size_t detected = 0;
  for (auto st : m.state) detected += st == qpcr::CallState::kDetected;
  log.info("qpcr", fmt::format("{} wells in {} file(s) ({}) -> {} assays x {} samples, {} of {} detected at Ct <= {}{}",
                               n_wells, files.size(), format_list, m.n_assays(), m.n_samples(), detected,
                               m.state.size(), o.ct_max,
                               n_ntc ? fmt::format("; {} NTC wells skipped", n_ntc) : std::string()));

  const std::vector<std::string>& population = sheet.column("population");
  std::vector<std::string> levels(population.begin(), population.end());
  std::sort(levels.begin(), levels.end());
  levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
  std::vector<stats::LevelContrast> contrasts;
  std::set<std::string> tags;
  for (const auto& text : o.contrasts) {
    contrasts.push_back(stats::split_contrast(text, levels, "population"));
    if (!tags.insert(contrasts.back().tag).second) throw core::UsageError("--contrast " + text + " is given twice");
  }
  if (!contrasts.empty() && !sheet.has_column("patient"))
    throw core::UsageError("the on/off test pairs samples by patient, but " + sheet.path + " has no patient column");

  const qpcr::Normalized norm = qpcr::normalize(m, spec, controls, !o.impute.empty(), o.ct_max);
  if (spec.kind == qpcr::NormKind::kGlobalMean)
    log.info("qpcr", fmt::format("global mean over {} non-control assays detected in every sample", norm.used.size()));

  std::vector<std::size_t> candidates;
  if (o.genorm_candidates.empty()) {
    candidates = qpcr::detected_everywhere(m);
  } else {
    const auto everywhere = qpcr::detected_everywhere(m);
    for (const auto& name : split_list(o.genorm_candidates)) {
      const auto it = std::lower_bound(m.assays.begin(), m.assays.end(), name);
      if (it == m.assays.end() || *it != name) throw core::UsageError("--genorm-candidates: assay " + name + " is not in the Ct file");
      const auto a = static_cast<std::size_t>(it - m.assays.begin());
      if (!std::binary_search(everywhere.begin(), everywhere.end(), a))
        throw core::UsageError("--genorm-candidates: assay " + name + " is not detected in every sample");
      if (std::find(candidates.begin(), candidates.end(), a) == candidates.end()) candidates.push_back(a);
    }
    std::sort(candidates.begin(), candidates.end());
  }
  const std::vector<qpcr::GenormRow> gn = qpcr::genorm(m, candidates);
  if (gn.empty()) log.warn("qpcr", "geNorm needs at least two candidate assays detected in every sample and two samples: references.tsv is empty");
  else log.info("qpcr", fmt::format("geNorm over {} candidates: most stable pair {} and {} (M = {:.4g})", gn.size(), gn[0].assay,
                                    gn[1].assay, gn[0].m_step));

  std::vector<std::pair<std::string, std::string>> pending;
  pending.emplace_back("expression.tsv", expression_text(m, norm));
  pending.emplace_back("ct_summary.tsv", ct_summary_text(m));
  pending.emplace_back("normalizers.tsv", normalizers_text(m, norm, o.normalize));
  pending.emplace_back("detection.tsv", detection_text(m, qpcr::detection_counts(m, population), controls));
  pending.emplace_back("references.tsv", references_text(gn));
  for (const auto& c : contrasts) {
    std::size_t dup = 0;
    const auto rows = qpcr::onoff_test(m, population, sheet.column("patient"), c.a, c.b, &dup);
    if (dup > 0)
      log.warn("qpcr", fmt::format("{}-{}: {} patient(s) have more than one sample of a population; the first is used", c.a, c.b, dup));
    int calls = 0;
    for (const auto& r : rows) calls += r.fdr < o.fdr && r.only_a != r.only_b;
    log.info("qpcr", fmt::format("{}-{}: {} on/off calls at FDR < {}", c.a, c.b, calls, o.fdr));
    pending.emplace_back("onoff_" + c.tag + ".tsv", onoff_text(m, rows, c, o.fdr));
  }
  std::vector<std::string> outputs;
  for (const auto& p : pending) outputs.push_back(p.first);
  outputs.push_back("run_info.json");
  io::prepare_output_dir(o.common.out, outputs, o.common.force);
  const std::filesystem::path dir(o.common.out);
  for (const auto& [name, text] : pending) {
    io::write_file_atomic((dir / name).string(), text);
    info.outputs.push_back(name);
  }
  info.parameters = {{"format", format_list}, {"ct_max", o.ct_max}, {"normalize", o.normalize},
                     {"controls", controls}, {"impute", o.impute.empty() ? "none" : o.impute},
                     {"contrasts", o.contrasts}, {"fdr", o.fdr}, {"normalizer_assays", norm.used}};
  finish_run_info(info, o.common.out, log, t0);
  return kExitOk;
}

}  // namespace

int cmd_qpcr(const std::vector<std::string>& argv, core::Logger& log) {
  QpcrOptions o;
  CLI::App app("qPCR Ct values -> -dCt expression, detection calls, geNorm and paired on/off tests", "lscmir qpcr");
  app.add_option("--ct", o.ct, "Ct file(s): long table, wide matrix or QuantStudio / ViiA7 / 7900HT export; repeat for one file per plate")->required();
  app.add_option("--samples", o.samples, "Sample sheet: sample, patient, population")->required();
  app.add_option("--format", o.format, "auto, long, wide or quantstudio")->capture_default_str();
  app.add_option("--ct-max", o.ct_max, "A Ct above this counts as not detected")->capture_default_str();
  app.add_option("--normalize", o.normalize, "global-mean, reference:A,B,... or none")->capture_default_str();
  auto* ctl = app.add_option("--controls", o.controls,
                             "Control assay name prefixes, comma-separated (default RNU,SNORD,U6,RNU6B,MammU6)");
  app.add_option("--impute", o.impute, "ct-max: put non-detects at the cut-off instead of NA");
  app.add_option("--contrast", o.contrasts, "Population contrast A-B for the on/off test; repeatable");
  app.add_option("--fdr", o.fdr, "FDR below which an on/off difference is called")->capture_default_str();
  app.add_option("--genorm-candidates", o.genorm_candidates, "Assays for geNorm (default: every assay detected in all samples)");
  app.add_option("--sample-column", o.columns.sample, "Long format: sample column")->capture_default_str();
  app.add_option("--target-column", o.columns.target, "Long format: assay column")->capture_default_str();
  app.add_option("--ct-column", o.columns.ct, "Long format: Ct column")->capture_default_str();
  add_common_options(app, o.common);
  const int parsed = parse_or_exit(app, argv);
  if (parsed >= 0) return parsed;
  o.controls_given = ctl->count() > 0;
  return guarded("qpcr", log, [&] { return run_qpcr(o, argv, log); });
}

}  // namespace lscmir::app
