// SPDX-License-Identifier: GPL-3.0-or-later
// lscmir specificity: LSC- / HSC-specific, stem-shared and leukemia-wide miRNAs from three DE tables.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "common.hpp"
#include "lscmir/core/error.hpp"
#include "lscmir/io/output.hpp"
#include "lscmir/study/specificity.hpp"

namespace lscmir::app {
namespace {

namespace fs = std::filesystem;

struct SpecOptions {
  CommonOptions common;
  std::string de, lsc = "LSC", hsc = "HSC", lpc = "LPC";
  study::SpecificityOptions spec;
};

/// The DE table of A - B in `dir`: de_A_vs_B.tsv, or de_B_vs_A.tsv flipped.
study::DeTable find_table(const std::string& dir, const std::string& a, const std::string& b) {
  const fs::path direct = fs::path(dir) / ("de_" + contrast_tag(a, b) + ".tsv");
  const fs::path reverse = fs::path(dir) / ("de_" + contrast_tag(b, a) + ".tsv");
  if (fs::exists(direct)) return study::read_de_table(direct.string());
  if (fs::exists(reverse)) return study::read_de_table(reverse.string()).flipped();
  std::string found;
  if (fs::is_directory(dir))
    for (const auto& e : fs::directory_iterator(dir)) {
      const std::string n = e.path().filename().string();
      if (n.rfind("de_", 0) == 0 && e.path().extension() == ".tsv") found += (found.empty() ? "" : ", ") + n;
    }
  throw core::UsageError("--de " + dir + ": no DE table for " + a + "-" + b + " (expected " + direct.filename().string() +
                         " or " + reverse.filename().string() + "; found " + (found.empty() ? "none" : found) +
                         "); run lscmir de with --contrast " + a + "-" + b);
}

int run_specificity(const SpecOptions& o, const std::vector<std::string>& argv, core::Logger& log) {
  const double t0 = now_seconds();
  core::RunInfo info = begin_run("specificity", argv, o.common, log);
  if (!(o.spec.fdr > 0 && o.spec.fdr <= 1)) throw core::UsageError("--fdr must be in (0, 1]");
  if (!(o.spec.lfc >= 0)) throw core::UsageError("--lfc must be a non-negative log2 fold change");
  if (o.lsc == o.hsc || o.lsc == o.lpc || o.hsc == o.lpc) throw core::UsageError("--lsc, --hsc and --lpc must be three different populations");
  // Tables made with `lscmir de --lfc` hold treat p-values already; specificity applies treat itself.
  const fs::path de_info = fs::path(o.de) / "run_info.json";
  if (fs::exists(de_info)) {
    std::ifstream in(de_info);
    const auto j = nlohmann::json::parse(in, nullptr, false);
    if (!j.is_discarded() && j.contains("parameters") && j["parameters"].contains("lfc") && !j["parameters"]["lfc"].is_null())
      throw core::UsageError("--de " + o.de + " was made with lscmir de --lfc; specificity needs the plain tables (it applies treat at --lfc itself)");
  }
  const study::DeTable t1 = find_table(o.de, o.lsc, o.hsc), t2 = find_table(o.de, o.lsc, o.lpc), t3 = find_table(o.de, o.hsc, o.lpc);
  for (const auto* t : {&t1, &t2, &t3}) info.inputs.push_back(io::checksum_file("de", t->path));
  std::size_t missing = 0;
  std::vector<study::SpecificityRow> rows = study::classify(t1, t2, t3, o.spec, &missing);
  if (missing > 0) log.warn("specificity", fmt::format("{} feature(s) are not in all three DE tables and are left out", missing));
  std::stable_sort(rows.begin(), rows.end(), [](const study::SpecificityRow& x, const study::SpecificityRow& y) {
    if (x.cls != y.cls) return x.cls < y.cls;
    if (x.p_class != y.p_class && !(std::isnan(x.p_class) && std::isnan(y.p_class))) {
      if (std::isnan(x.p_class)) return false;
      if (std::isnan(y.p_class)) return true;
      return x.p_class < y.p_class;
    }
    return x.feature < y.feature;
  });
  const std::string tags[3] = {contrast_tag(o.lsc, o.hsc), contrast_tag(o.lsc, o.lpc), contrast_tag(o.hsc, o.lpc)};
  std::string s = "feature\tclass";
  for (const auto& tag : tags) s += "\tlogFC." + tag + "\tadj.P.Val." + tag;
  s += "\tP.class\tFDR.class";
  for (const auto& tag : tags) s += "\tP.treat." + tag;
  s += "\n";
  std::map<std::string, int> counts;
  for (const auto& r : rows) {
    ++counts[study::to_string(r.cls)];
    s += r.feature + "\t" + study::to_string(r.cls);
    for (int k = 0; k < 3; ++k) {
      s.push_back('\t');
      io::append_double(s, r.logfc[k]);
      s.push_back('\t');
      io::append_double(s, r.adj_p[k]);
    }
    for (double v : {r.p_class, r.fdr_class, r.p_treat[0], r.p_treat[1], r.p_treat[2]}) {
      s.push_back('\t');
      io::append_double(s, v);
    }
    s.push_back('\n');
  }
  std::string summary = "class\tn\n";
  std::string line;
  for (auto c : {study::SpecificityClass::kLscSpecific, study::SpecificityClass::kLscDepleted, study::SpecificityClass::kHscSpecific,
                 study::SpecificityClass::kStemShared, study::SpecificityClass::kLeukemiaWide, study::SpecificityClass::kNone}) {
    const int n = counts[study::to_string(c)];
    summary += fmt::format("{}\t{}\n", study::to_string(c), n);
    line += fmt::format("{}{} {}", line.empty() ? "" : ", ", study::to_string(c), n);
  }
  log.info("specificity", fmt::format("{} features at FDR < {} and |logFC| > {}: {}", rows.size(), o.spec.fdr, o.spec.lfc, line));
  io::prepare_output_dir(o.common.out, {"specificity.tsv", "specificity_summary.tsv", "run_info.json"}, o.common.force);
  io::write_file_atomic((fs::path(o.common.out) / "specificity.tsv").string(), s);
  io::write_file_atomic((fs::path(o.common.out) / "specificity_summary.tsv").string(), summary);
  info.outputs = {"specificity.tsv", "specificity_summary.tsv"};
  info.parameters = {{"lsc", o.lsc}, {"hsc", o.hsc}, {"lpc", o.lpc}, {"fdr", o.spec.fdr}, {"lfc", o.spec.lfc}};
  finish_run_info(info, o.common.out, log, t0);
  return kExitOk;
}

}  // namespace

int cmd_specificity(const std::vector<std::string>& argv, core::Logger& log) {
  SpecOptions o;
  CLI::App app("Specificity calls (LSC-specific, LSC-depleted, HSC-specific, stem-shared, leukemia-wide) from three DE tables",
               "lscmir specificity");
  app.add_option("--de", o.de, "Folder with the DE tables of lscmir de (de_A_vs_B.tsv)")->required();
  app.add_option("--lsc", o.lsc, "LSC population label")->capture_default_str();
  app.add_option("--hsc", o.hsc, "HSC population label")->capture_default_str();
  app.add_option("--lpc", o.lpc, "LPC population label")->capture_default_str();
  app.add_option("--fdr", o.spec.fdr, "FDR for a class call")->capture_default_str();
  app.add_option("--lfc", o.spec.lfc, "treat threshold: |log2 fold change| > X")->capture_default_str();
  add_common_options(app, o.common);
  const int parsed = parse_or_exit(app, argv);
  if (parsed >= 0) return parsed;
  return guarded("specificity", log, [&] { return run_specificity(o, argv, log); });
}

}  // namespace lscmir::app
