// SPDX-License-Identifier: GPL-3.0-or-later
// `lscmir demo`: the planted miRNAs of data/demo/truth.tsv come out in their classes, the top
// candidates are planted ones, and `lscmir run data/demo/demo.toml` reproduces the tables.
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "golden_util.hpp"
#include "lscmir/core/sha256.hpp"

namespace fs = std::filesystem;
using namespace lscmir::golden;  // NOLINT: test-local helpers

namespace {

int run_cmd(const std::string& args, const fs::path& log) {
  const std::string cmd = std::string(LSCMIR_BINARY) + " " + args + " --quiet 2> " + log.string();
  return std::system(cmd.c_str());
}

TEST(Demo, PlantedMirnasAreRecoveredAndRunReproducesIt) {
  const fs::path a = scratch("demo"), b = scratch("demo_run");
  ASSERT_EQ(run_cmd("demo --out " + a.string(), a.string() + ".stderr"), 0) << slurp(a.string() + ".stderr");
  const Tsv truth = read_tsv("data/demo/truth.tsv");
  const Tsv spec = read_tsv(a / "specificity.tsv");
  const std::map<std::string, std::string> expected = {{"LSC_up", "LSC-specific"}, {"HSC_up", "HSC-specific"}, {"stem_shared", "stem-shared"}};
  std::map<std::string, int> planted, found;
  int called = 0, false_calls = 0;
  for (const auto& [feature, row] : spec.rows) {
    const std::string cls = row[1];
    const auto t = truth.rows.find(feature);
    const std::string want = t == truth.rows.end() ? "none" : expected.at(t->second[1]);
    if (want != "none") {
      ++planted[want];
      if (cls == want) ++found[want];
    }
    if (cls != "none") {
      ++called;
      if (cls != want) ++false_calls;
    }
  }
  for (const auto& [cls, n] : planted) {
    const double sensitivity = static_cast<double>(found[cls]) / n;
    std::cout << cls << ": " << found[cls] << " of " << n << " planted recovered\n";
    EXPECT_GE(sensitivity, 0.6) << cls;
  }
  ASSERT_GT(called, 0);
  std::cout << "false-discovery proportion: " << false_calls << " of " << called << "\n";
  EXPECT_LE(static_cast<double>(false_calls) / called, 0.1);
  // the top three candidates are planted LSC-up (inhibit) or HSC-up (restore) miRNAs
  const Tsv cand = read_tsv(a / "candidates.tsv");
  ASSERT_GE(cand.order.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    const std::string f = cand.rows.at(cand.order[static_cast<std::size_t>(i)])[1];
    const auto t = truth.rows.find(f);
    ASSERT_NE(t, truth.rows.end()) << "candidate " << i + 1 << " " << f << " is not planted";
    const std::string intervention = cand.rows.at(cand.order[static_cast<std::size_t>(i)])[2];
    EXPECT_EQ(intervention, t->second[1] == "LSC_up" ? "inhibit" : "restore") << f;
  }
  // literature context: the last two columns, a verdict for every candidate
  ASSERT_GE(cand.header.size(), 2u);
  EXPECT_EQ(cand.header[cand.header.size() - 2], "literature");
  EXPECT_EQ(cand.header.back(), "literature_refs");
  for (const auto& [f, row] : cand.rows) {
    const std::string& v = row[row.size() - 2];
    EXPECT_TRUE(v == "agrees" || v == "disagrees" || v == "mixed" || v == "silent") << f << ": " << v;
    if (v != "silent") EXPECT_NE(row.back(), "-") << f;
  }
  EXPECT_GT(fs::file_size(a / "report.html"), 500000u);
  // lscmir run on the demo's config writes the same tables
  ASSERT_EQ(run_cmd("run data/demo/demo.toml --out " + b.string(), b.string() + ".stderr"), 0) << slurp(b.string() + ".stderr");
  int compared = 0;
  for (const auto& e : fs::directory_iterator(a)) {
    if (e.path().extension() != ".tsv") continue;
    EXPECT_EQ(slurp(e.path()), slurp(b / e.path().filename())) << e.path().filename();
    ++compared;
  }
  EXPECT_GE(compared, 10);
  // ... and both write the tables the demo wrote before the study model moved into the library
  // (tests/reference/demo/tables.sha256, made by the binary of commit bd6bd2c; regenerated in issue 14:
  // km tables gain n.censor, and coxph-style column scaling moves cox.tsv digits by <= 1e-11 relative;
  // regenerated in issue 13: exact contrast standard errors change LSC-LPC and what depends on it;
  // issue 16 adds qc_pca.tsv, qc_sheet.tsv and overlap_*.tsv for the report, the others unchanged).
  // issue 13 again: the de diagnostics voom_trend.tsv and pvalue_histogram.tsv are added;
  // issue 15: paired_*.tsv added, specificity.tsv and candidates.tsv gain the consistency columns;
  // issue 17: common random numbers across arms change the mirna arm and dose-response sim_*.tsv;
  // issue 15 again: candidates.tsv gains the literature context columns literature, literature_refs;
  // issue 17, DE speed: voom takes log2 of the fitted count as a sum, not log2 of a product, which
  // moves the de tables and what depends on them by <= 8e-13 relative, no call changed).
  std::istringstream sums(slurp("tests/reference/demo/tables.sha256"));
  std::string digest, name;
  std::set<std::string> listed;
  while (sums >> digest >> name) {
    listed.insert(name);
    ASSERT_TRUE(fs::exists(a / name)) << name;
    lscmir::core::Sha256 h;
    const std::string text = slurp(a / name);
    h.update(text.data(), text.size());
    EXPECT_EQ(h.hex_digest(), digest) << name << " differs from the table the demo wrote before";
  }
  EXPECT_EQ(listed.size(), 30u);
  for (const auto& e : fs::directory_iterator(a))
    if (e.path().extension() == ".tsv") EXPECT_TRUE(listed.count(e.path().filename().string())) << "new table " << e.path().filename();
  fs::remove_all(a);
  fs::remove_all(b);
}

TEST(Run, ConfigErrorsNameTheFileAndLine) {
  const fs::path dir = scratch("bad_config");
  fs::create_directories(dir);
  const fs::path cfg = dir / "study.toml";
  std::ofstream(cfg) << "[study]\nsamples = \"s.tsv\"\ncounts = \"c.tsv\"\ncontrasts = [\"A-B\"]\nmetod = \"voom\"\n";
  EXPECT_EQ(run_cmd("run " + cfg.string() + " --out " + (dir / "out").string(), dir / "log"), 2 << 8);
  EXPECT_NE(slurp(dir / "log").find(cfg.string() + ", line 5: unknown key \"metod\" in [study]"), std::string::npos) << slurp(dir / "log");
  std::ofstream(cfg) << "[study]\nsamples = \"s.tsv\"\ncontrasts = [\"A-B\"\n";
  EXPECT_EQ(run_cmd("run " + cfg.string() + " --out " + (dir / "out").string(), dir / "log"), 2 << 8);
  EXPECT_NE(slurp(dir / "log").find(cfg.string() + ", line 3"), std::string::npos) << slurp(dir / "log");
  EXPECT_FALSE(fs::exists(dir / "out" / "report.html"));
  fs::remove_all(dir);
}

}  // namespace

namespace {

/// `lscmir run` on qPCR input writes what the single commands write: qpcr, then de on its
/// expression.tsv, then specificity on those tables.
TEST(Run, QpcrStudyEqualsTheSingleCommands) {
  const fs::path run = scratch("run_qpcr"), q = scratch("run_qpcr_q"), d = scratch("run_qpcr_d"), s = scratch("run_qpcr_s");
  ASSERT_EQ(run_cmd("run tests/data/run/qpcr.toml --out " + run.string(), run.string() + ".stderr"), 0) << slurp(run.string() + ".stderr");
  const std::string contrasts = " --contrast LSC-HSC --contrast LSC-LPC --contrast HSC-LPC";
  ASSERT_EQ(run_cmd("qpcr --ct tests/data/qpcr/ct_long.tsv --samples tests/data/qpcr/samples.tsv --normalize global-mean --ct-max 35" +
                        contrasts + " --out " + q.string(), q.string() + ".stderr"), 0) << slurp(q.string() + ".stderr");
  ASSERT_EQ(run_cmd("de --expression " + (q / "expression.tsv").string() + " --samples tests/data/qpcr/samples.tsv" + contrasts +
                        " --out " + d.string(), d.string() + ".stderr"), 0) << slurp(d.string() + ".stderr");
  ASSERT_EQ(run_cmd("specificity --de " + d.string() + " --out " + s.string(), s.string() + ".stderr"), 0) << slurp(s.string() + ".stderr");
  int compared = 0;
  for (const fs::path& dir : {q, d, s})
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.path().extension() != ".tsv") continue;
      EXPECT_EQ(slurp(run / e.path().filename()), slurp(e.path())) << e.path().filename();
      ++compared;
    }
  EXPECT_GE(compared, 13);
  EXPECT_TRUE(fs::exists(run / "report.html"));
  for (const fs::path& dir : {run, q, d, s}) fs::remove_all(dir);
}

/// `[qpcr] impute = "em-multiple"` with `em_design`: the run's qpcr and de tables are those of
/// `lscmir qpcr --impute em-multiple 3 --seed 2 --em-design ...` and `lscmir de --imputations` run on their own.
TEST(Run, QpcrMultipleImputationEqualsTheSingleCommands) {
  const fs::path run = scratch("run_qpcr_mi"), q = scratch("run_qpcr_mi_q"), d = scratch("run_qpcr_mi_d");
  ASSERT_EQ(run_cmd("run tests/data/run/qpcr_mi.toml --out " + run.string(), run.string() + ".stderr"), 0) << slurp(run.string() + ".stderr");
  const std::string contrasts = " --contrast LSC-HSC --contrast LSC-LPC --contrast HSC-LPC";
  ASSERT_EQ(run_cmd("qpcr --ct tests/data/qpcr_nd/ct_nd.tsv --samples tests/data/qpcr_nd/samples_cov.tsv --ct-max 40 --impute em-multiple 3 --seed 2 "
                        "--em-design '~ population + patient + cells_log10'" +
                        contrasts + " --out " + q.string(), q.string() + ".stderr"), 0) << slurp(q.string() + ".stderr");
  ASSERT_EQ(run_cmd("de --expression " + (q / "expression.tsv").string() + " --imputations " + (q / "imputations.tsv").string() +
                        " --samples tests/data/qpcr_nd/samples_cov.tsv" + contrasts + " --out " + d.string(), d.string() + ".stderr"), 0)
      << slurp(d.string() + ".stderr");
  EXPECT_NE(slurp(run / "run_info.qpcr.json").find("\"ct_design\": \"~ population + patient + cells_log10\""), std::string::npos);
  int compared = 0;
  for (const fs::path& dir : {q, d})
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.path().extension() != ".tsv") continue;
      EXPECT_EQ(slurp(run / e.path().filename()), slurp(e.path())) << e.path().filename();
      ++compared;
    }
  EXPECT_GE(compared, 10);
  EXPECT_NE(slurp(run / "de_LSC_vs_HSC.tsv").find("\tSE\tdf\tfmi"), std::string::npos);
  for (const fs::path& dir : {run, q, d}) fs::remove_all(dir);
}

/// `lscmir run` on a FASTQ sheet (paths relative to the sheet): quant in memory, then de on its
/// counts, as `lscmir de` computes them from counts.tsv.
TEST(Run, FastqStudyQuantifiesThenTestsTheCounts) {
  const fs::path run = scratch("run_fastq"), d = scratch("run_fastq_d");
  ASSERT_EQ(run_cmd("run tests/data/run/fastq.toml --out " + run.string(), run.string() + ".stderr"), 0) << slurp(run.string() + ".stderr");
  for (const char* f : {"counts.tsv", "hairpin_counts.tsv", "isomirs.gff3", "qc.json", "multiqc/lscmir_quant_reads_mqc.json", "run_info.quant.json"})
    EXPECT_TRUE(fs::exists(run / f)) << f;
  EXPECT_GT(read_tsv(run / "counts.tsv").order.size(), 40u);
  ASSERT_EQ(run_cmd("de --counts " + (run / "counts.tsv").string() + " --samples tests/data/run/fastq_sheet.tsv --contrast LSC-HSC "
                    "--method trend --design '~ population' --out " + d.string(), d.string() + ".stderr"), 0) << slurp(d.string() + ".stderr");
  EXPECT_EQ(slurp(run / "de_LSC_vs_HSC.tsv"), slurp(d / "de_LSC_vs_HSC.tsv"));
  EXPECT_EQ(slurp(run / "norm_factors.tsv"), slurp(d / "norm_factors.tsv"));
  // The quant stage's miRTrace QC is lscmir quant's with its defaults: the bundled tRNA file and
  // clade table ([quant] trna / clades "auto").
  const fs::path q = scratch("run_fastq_q"), sheet = scratch("run_fastq_sheet.tsv");
  {
    // lscmir quant reads a sheet's FASTQ paths from the working folder; run's from the sheet's
    std::ofstream(sheet) << "sample\tfastq\nS1\ttests/data/smallrna/mirtrace_sample1_hsa.fastq.gz\n"
                            "S2\ttests/data/smallrna/mirtrace_sample2_hsa.fastq.gz\nS3\ttests/data/smallrna/mirtrace_sample3_hsa.fastq.gz\n";
  }
  ASSERT_EQ(run_cmd("quant --hairpin tests/data/smallrna/hairpin_hsa.v22.fa --mature tests/data/smallrna/mature_hsa.v22.fa --adapter auto "
                    "--samples " + sheet.string() + " --out " + q.string(), q.string() + ".stderr"), 0)
      << slurp(q.string() + ".stderr");
  for (const char* f : {"qc_rnatype.tsv", "qc_status.tsv", "qc_length.tsv", "qc_contamination.tsv", "qc_complexity.tsv"}) {
    ASSERT_TRUE(fs::exists(run / f)) << f;
    EXPECT_EQ(slurp(run / f), slurp(q / f)) << f;
  }
  const Tsv rna = read_tsv(run / "qc_rnatype.tsv");
  ASSERT_TRUE(rna.rows.count("tRNA"));
  double trna_reads = 0;
  const std::vector<std::string>& trna_row = rna.rows.at("tRNA");
  for (std::size_t i = 1; i < trna_row.size(); ++i) trna_reads += std::stod(trna_row[i]);
  EXPECT_GT(trna_reads, 0) << "the bundled tRNA reference was not used";
  fs::remove_all(run);
  fs::remove_all(d);
  fs::remove_all(q);
  fs::remove(sheet);
}

}  // namespace

namespace {

std::map<std::string, std::string> folder_files(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) files[fs::relative(e.path(), dir).generic_string()] = slurp(e.path());
  return files;
}

/// A qPCR study whose cohort stage fails (a time cell that is not a number), after qpcr, de and
/// specificity have been computed.
fs::path failing_config(const fs::path& dir) {
  fs::create_directories(dir);
  const fs::path root = fs::current_path();
  std::ofstream(dir / "expression.tsv") << "feature\tP1\tP2\tP3\nhsa-miR-1\t1\t2\t3\n";
  std::ofstream(dir / "clinical.tsv") << "patient\tOS\tev\nP1\t5\t1\nP2\tabc\t0\nP3\t7\t1\n";
  const fs::path cfg = dir / "fails.toml";
  std::ofstream(cfg) << "[study]\nsamples = \"" << (root / "tests/data/qpcr/samples.tsv").string() << "\"\nct = \""
                     << (root / "tests/data/qpcr/ct_long.tsv").string()
                     << "\"\ncontrasts = [\"LSC-HSC\", \"LSC-LPC\", \"HSC-LPC\"]\n[qpcr]\nnormalize = \"global-mean\"\nct_max = 35\n"
                     << "[cohort]\nexpression = \"expression.tsv\"\nclinical = \"clinical.tsv\"\nid = \"patient\"\ntime = \"OS\"\nevent = \"ev\"\n";
  return cfg;
}

/// Issue 17: a failed `run --force` keeps the earlier good run byte for byte and says beside it
/// that a run failed; a failed first run leaves run_info.json with "status": "failed" and no table.
TEST(Run, FailedRerunKeepsTheEarlierRunAndLeavesAMarker) {
  const fs::path out = scratch("run_keep"), dir = scratch("run_keep_cfg"), fresh = scratch("run_keep_fresh");
  ASSERT_EQ(run_cmd("run tests/data/run/qpcr.toml --out " + out.string(), out.string() + ".stderr"), 0) << slurp(out.string() + ".stderr");
  // A temporary left by a writer that was killed (no such process): the next run must clear it.
  const std::string stale = ".specificity.tsv.tmp.4194303.0";
  std::ofstream(out / stale) << "half a table";
  const auto before = folder_files(out);
  const fs::path cfg = failing_config(dir);
  EXPECT_EQ(run_cmd("run " + cfg.string() + " --force --out " + out.string(), dir / "log"), 2 << 8) << slurp(dir / "log");
  EXPECT_NE(slurp(dir / "log").find("clinical.tsv, line 3"), std::string::npos) << slurp(dir / "log");
  auto after = folder_files(out);
  ASSERT_EQ(after.count("run_info.failed.json"), 1u);
  const std::string marker = after["run_info.failed.json"];
  after.erase("run_info.failed.json");
  EXPECT_EQ(after, before);
  EXPECT_NE(marker.find("\"status\": \"failed\""), std::string::npos) << marker;
  EXPECT_NE(marker.find("\"stage\": \"cohort\""), std::string::npos) << marker;
  EXPECT_NE(marker.find("clinical.tsv, line 3"), std::string::npos) << marker;

  // A failed run into an empty folder: only the marker.
  EXPECT_EQ(run_cmd("run " + cfg.string() + " --out " + fresh.string(), dir / "log2"), 2 << 8) << slurp(dir / "log2");
  const auto only = folder_files(fresh);
  ASSERT_EQ(only.size(), 1u);
  EXPECT_NE(only.begin()->second.find("\"status\": \"failed\""), std::string::npos);
  EXPECT_EQ(only.begin()->first, "run_info.json");

  // The next good run replaces the run, and removes the marker and the stale temporary.
  ASSERT_EQ(run_cmd("run tests/data/run/qpcr.toml --force --out " + out.string(), out.string() + ".stderr"), 0)
      << slurp(out.string() + ".stderr");
  EXPECT_FALSE(fs::exists(out / "run_info.failed.json"));
  EXPECT_FALSE(fs::exists(out / stale));
  EXPECT_EQ(slurp(out / "specificity.tsv"), before.at("specificity.tsv"));
  for (const fs::path& d : {out, dir, fresh}) fs::remove_all(d);
}

}  // namespace

namespace {

/// Issue 17: a feature or sample name that is not UTF-8 (or holds a TAB, quoted) is data: `de`
/// succeeds, writes run_info.json (the bytes there as U+FFFD), and its tables hold the exact bytes.
TEST(Names, NonUtf8AndQuotedIdsRoundTripThroughDe) {
  const fs::path dir = scratch("names"), out = dir / "out";
  fs::create_directories(dir);
  std::string counts = slurp("tests/cli/data/counts.tsv");
  const std::string odd = "hsa-miR-\xff\xfe-5p", tabbed = "hsa-miR-a\tb";
  counts.replace(counts.find("hsa-miR-21-5p"), std::strlen("hsa-miR-21-5p"), odd);
  counts.replace(counts.find("hsa-miR-126-3p"), std::strlen("hsa-miR-126-3p"), "\"hsa-miR-a\tb\"");
  counts.replace(counts.find("S1"), 2, "S\xc3\x28");
  std::ofstream(dir / "counts.tsv", std::ios::binary) << counts;
  std::string samples = slurp("tests/cli/data/samples.tsv");
  samples.replace(samples.find("S1"), 2, "S\xc3\x28");
  std::ofstream(dir / "samples.tsv", std::ios::binary) << samples;
  ASSERT_EQ(run_cmd("de --counts " + (dir / "counts.tsv").string() + " --samples " + (dir / "samples.tsv").string() +
                        " --contrast B-A --out " + out.string(), dir / "log"), 0) << slurp(dir / "log");
  ASSERT_TRUE(fs::exists(out / "run_info.json"));
  const std::string de = slurp(out / "de_B_vs_A.tsv");
  EXPECT_NE(de.find("\n" + odd + "\t"), std::string::npos);
  EXPECT_NE(de.find("\n\"hsa-miR-a\tb\"\t"), std::string::npos);
  EXPECT_NE(slurp(out / "run_info.json").find("\"command\": \"de\""), std::string::npos);  // the whole record was written
  fs::remove_all(dir);
}

}  // namespace
