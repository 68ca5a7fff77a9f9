// SPDX-License-Identifier: GPL-3.0-or-later
// lscmir quant: small RNA-seq FASTQ -> mature / hairpin counts, isomiRs (mirGFF3), QC.
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "common.hpp"
#include "lscmir/core/error.hpp"
#include "lscmir/core/parallel.hpp"
#include "lscmir/io/output.hpp"
#include "lscmir/io/table.hpp"
#include "lscmir/quant/adapter.hpp"
#include "lscmir/quant/quantify.hpp"
#include "lscmir/quant/reference.hpp"
#include "lscmir/quant/sample.hpp"

namespace lscmir::app {
namespace {

struct QuantOptions {
  CommonOptions common;
  std::string hairpin, mature, gff3, samples, adapter = "auto", umi, species, database = "miRBase";
  std::vector<std::string> fastq;
  int min_length = 16, max_length = 30, mismatches = 1, tolerance_5p = 2, tolerance_3p = 5, min_overlap = 3;
  double error_rate = 0.1;
  std::size_t detect_reads = 100000;
};

struct SampleInput {
  std::string name, fastq, adapter;
  std::size_t line = 0;
};

std::string name_from_path(const std::string& path) {
  std::string n = std::filesystem::path(path).filename().string();
  for (const char* ext : {".gz", ".fastq", ".fq"})
    if (n.size() > std::string(ext).size() && n.ends_with(ext)) n.resize(n.size() - std::string(ext).size());
  return n;
}

/// --umi: "none", "qiaseq" (12 nt after the adapter) or "3p:N". Returns -1 for "use the adapter's".
int parse_umi(const std::string& text) {
  if (text.empty()) return -1;
  if (text == "none") return 0;
  if (text == "qiaseq") return 12;
  if (text.rfind("3p:", 0) == 0) {
    const std::string n = text.substr(3);
    if (!n.empty() && n.size() <= 2 && std::all_of(n.begin(), n.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
      const int v = std::stoi(n);
      if (v >= 1 && v <= 32) return v;
    }
  }
  throw core::UsageError("--umi \"" + text + "\": expected none, qiaseq or 3p:N (N = 1..32 nucleotides after the 3' adapter)");
}

std::vector<SampleInput> sample_inputs(const QuantOptions& o) {
  std::vector<SampleInput> out;
  if (!o.samples.empty()) {
    const io::Table t = io::read_table(o.samples);
    const std::size_t cs = t.require_column("sample"), cf = t.require_column("fastq"), ca = t.find_column("adapter");
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      SampleInput s{t.rows[r][cs], t.rows[r][cf], ca == io::Table::npos ? std::string() : t.rows[r][ca], t.line_numbers[r]};
      if (s.name.empty()) throw core::InputError(t.path, s.line, "empty sample name");
      if (s.fastq.empty()) throw core::InputError(t.path, s.line, "sample \"" + s.name + "\" has no fastq file");
      out.push_back(std::move(s));
    }
    if (out.empty()) throw core::InputError(o.samples, 0, "the sample sheet lists no samples");
  } else {
    for (const auto& f : o.fastq) out.push_back({name_from_path(f), f, {}, 0});
  }
  std::set<std::string> seen;
  for (const auto& s : out) {
    if (s.name.find_first_of(",\t\n\r") != std::string::npos)
      throw core::UsageError("sample name \"" + s.name + "\" contains a comma or a tab, which mirGFF3's COLDATA cannot hold");
    if (!seen.insert(s.name).second)
      throw core::UsageError("sample name \"" + s.name + "\" appears twice" +
                             (o.samples.empty() ? std::string(" (FASTQ files are named by their file name; use --samples)") : " in " + o.samples));
    if (!std::filesystem::is_regular_file(s.fastq))
      throw core::InputError(o.samples.empty() ? s.fastq : o.samples, s.line, "FASTQ file \"" + s.fastq + "\" does not exist or is not a file");
  }
  return out;
}

int run_quant(const QuantOptions& o, const std::vector<std::string>& argv, core::Logger& log) {
  const double t0 = now_seconds();
  core::RunInfo info = begin_run("quant", argv, o.common, log);
  const int threads = core::resolve_threads(o.common.threads);
  if (o.min_length < 1) throw core::UsageError("--min-length must be at least 1");
  if (o.max_length < o.min_length) throw core::UsageError("--max-length must be >= --min-length");
  if (o.mismatches < 0 || o.mismatches > 3) throw core::UsageError("--mismatches must be 0, 1, 2 or 3");
  if (o.tolerance_5p < 0 || o.tolerance_3p < 0) throw core::UsageError("--tolerance-5p and --tolerance-3p must be >= 0");
  if (!(o.error_rate >= 0.0 && o.error_rate < 0.5)) throw core::UsageError("--error-rate must be in [0, 0.5)");
  if (o.min_overlap < 1) throw core::UsageError("--min-overlap must be at least 1");
  if (o.samples.empty() == o.fastq.empty()) throw core::UsageError("give either --samples SHEET or FASTQ files, not both and not neither");
  const int umi_override = parse_umi(o.umi);
  const bool global_auto = o.adapter == "auto";
  quant::AdapterSpec global_adapter;
  if (!global_auto && o.adapter != "none") global_adapter = quant::parse_adapter(o.adapter, "--adapter");
  const std::vector<SampleInput> inputs = sample_inputs(o);
  for (const auto& s : inputs)
    if (!s.adapter.empty() && s.adapter != "auto" && s.adapter != "none") quant::parse_adapter(s.adapter, "adapter of sample " + s.name);

  const std::vector<std::string> mqc_dir = {"multiqc"};
  const std::vector<std::string> outputs = {"counts.tsv", "hairpin_counts.tsv", "isomirs.gff3", "qc.json",
                                            "multiqc/lscmir_quant_reads_mqc.json", "multiqc/lscmir_quant_lengths_mqc.json",
                                            "multiqc/lscmir_quant_general_stats_mqc.json", "run_info.json"};
  io::prepare_output_dir(o.common.out, outputs, o.common.force);

  quant::ReferenceOptions ropt;
  ropt.species = o.species;
  const quant::Reference ref = quant::load_reference(o.hairpin, o.mature, o.gff3, ropt);
  std::size_t arms = 0;
  for (const auto& h : ref.hairpins) arms += h.arms.size();
  if (arms == 0) throw core::InputError(o.mature, 0, "no mature sequence lies in any hairpin of " + o.hairpin, "check that both files are of the same miRBase release and species");
  const quant::HairpinIndex index(ref, o.min_length, o.mismatches);
  log.info("quant", fmt::format("reference: {} hairpins, {} mature names, {} arms placed ({} mature names in no hairpin); {}-mer index",
                                ref.hairpins.size(), ref.mature_names.size(), arms, ref.unplaced_matures, index.k()));
  if (ref.unplaced_matures > 0)
    log.warn("quant", fmt::format("{} mature sequences lie in no hairpin and will have zero counts", ref.unplaced_matures));
  info.inputs.push_back(io::checksum_file("hairpin", o.hairpin));
  info.inputs.push_back(io::checksum_file("mature", o.mature));
  if (!o.gff3.empty()) info.inputs.push_back(io::checksum_file("gff3", o.gff3));
  if (!o.samples.empty()) info.inputs.push_back(io::checksum_file("samples", o.samples));

  quant::AssignOptions aopt;
  aopt.tolerance_5p = o.tolerance_5p;
  aopt.tolerance_3p = o.tolerance_3p;
  aopt.threads = threads;
  quant::Quantifier q(ref, index, aopt);
  nlohmann::json sample_params = nlohmann::json::array();
  for (const auto& in : inputs) {
    const double ts = now_seconds();
    quant::SampleInfo si;
    si.name = in.name;
    si.fastq = in.fastq;
    const std::string choice = in.adapter.empty() ? o.adapter : in.adapter;
    if (choice == "auto") {
      const quant::AdapterDetection d = quant::detect_adapter(quant::first_sequences(in.fastq, o.detect_reads));
      si.adapter = d.spec;
      si.adapter_auto = true;
      si.adapter_support = d.reads ? static_cast<double>(d.support) / static_cast<double>(d.reads) : 0.0;
      if (d.spec.sequence.empty())
        log.warn("quant", fmt::format("{}: no 3' adapter found in the first {} reads; reads are used untrimmed", in.name, d.reads));
      else
        log.info("quant", fmt::format("{}: adapter auto -> {} {} ({:.1f}% of the first {} reads{})", in.name, d.spec.name, d.spec.sequence,
                                      100.0 * si.adapter_support, d.reads, d.de_novo ? ", assembled from the reads" : ""));
    } else if (choice != "none") {
      si.adapter = in.adapter.empty() ? global_adapter : quant::parse_adapter(in.adapter, "adapter of sample " + in.name);
    }
    quant::TrimOptions topt;
    topt.adapter = si.adapter;
    topt.max_error_rate = o.error_rate;
    topt.min_overlap = o.min_overlap;
    topt.umi_length = umi_override;
    topt.min_length = o.min_length;
    topt.max_length = o.max_length;
    topt.threads = threads;
    si.umi_length = umi_override >= 0 ? umi_override : si.adapter.umi_length;
    const quant::CollapsedReads reads = quant::collapse_fastq(in.fastq, topt, [&](std::uint64_t n) {
      log.info("quant", fmt::format("{}: {:.1f} M reads, {:.2f} M reads/s", in.name, static_cast<double>(n) / 1e6,
                                    static_cast<double>(n) / 1e6 / std::max(1e-9, now_seconds() - ts)));
    });
    const quant::MappingQc mq = q.add_sample(si, reads);
    const auto& rq = reads.qc;
    const double secs = now_seconds() - ts;
    log.info("quant", fmt::format("{}: {} reads, adapter in {:.1f}%, {} kept ({} unique), {} to mature ({:.1f}%), {} hairpin only, "
                                  "{} unassigned; {:.2f} s, {:.2f} M reads/s",
                                  in.name, rq.reads, rq.reads ? 100.0 * static_cast<double>(rq.adapter_found) / static_cast<double>(rq.reads) : 0.0,
                                  rq.kept, rq.unique_sequences, mq.assigned_mature,
                                  rq.reads ? 100.0 * static_cast<double>(mq.assigned_mature) / static_cast<double>(rq.reads) : 0.0,
                                  mq.hairpin_only, mq.unassigned, secs, static_cast<double>(rq.reads) / 1e6 / std::max(secs, 1e-9)));
    if (rq.reads == 0) log.warn("quant", in.name + ": the FASTQ file holds no reads");
    info.inputs.push_back(io::checksum_file("fastq", in.fastq));
    sample_params.push_back({{"sample", si.name}, {"fastq", si.fastq}, {"adapter", si.adapter.sequence}, {"adapter_name", si.adapter.name},
                             {"adapter_auto", si.adapter_auto}, {"umi_length", si.umi_length}});
  }

  // Every output is built before the first is written.
  const std::filesystem::path dir(o.common.out);
  std::vector<std::pair<std::string, std::string>> pending = {
      {"counts.tsv", q.counts_tsv()},
      {"hairpin_counts.tsv", q.hairpin_counts_tsv()},
      {"isomirs.gff3", q.isomirs_gff3(o.database, core::version())},
      {"qc.json", q.qc_json().dump(2) + "\n"}};
  for (auto& [name, json] : q.multiqc()) pending.emplace_back("multiqc/" + name, json.dump(2) + "\n");
  std::filesystem::create_directories(dir / "multiqc");
  for (const auto& [name, text] : pending) {
    io::write_file_atomic((dir / name).string(), text);
    info.outputs.push_back(name);
  }
  info.parameters = {{"adapter", o.adapter}, {"umi", o.umi.empty() ? "adapter default" : o.umi}, {"min_length", o.min_length},
                     {"max_length", o.max_length}, {"mismatches", o.mismatches}, {"tolerance_5p", o.tolerance_5p},
                     {"tolerance_3p", o.tolerance_3p}, {"error_rate", o.error_rate}, {"min_overlap", o.min_overlap},
                     {"species", o.species}, {"database", o.database}, {"threads", threads}, {"samples", sample_params}};
  finish_run_info(info, o.common.out, log, t0);
  log.info("quant", fmt::format("done: {} samples in {:.2f} s wall, {:.2f} s CPU, peak memory {:.1f} MiB", q.samples(), info.wall_seconds,
                                info.cpu_seconds, static_cast<double>(info.peak_rss_kib) / 1024.0));
  return kExitOk;
}

}  // namespace

int cmd_quant(const std::vector<std::string>& argv, core::Logger& log) {
  QuantOptions o;
  CLI::App app("Small RNA-seq quantification: FASTQ -> mature miRNA counts, isomiRs (mirGFF3), QC", "lscmir quant");
  app.add_option("--hairpin", o.hairpin, "miRBase hairpin FASTA (plain or .gz)")->required();
  app.add_option("--mature", o.mature, "miRBase mature FASTA (plain or .gz)")->required();
  app.add_option("--gff3", o.gff3, "miRBase GFF3: place matures only on the hairpins they derive from");
  app.add_option("--samples", o.samples, "Sample sheet (TSV/CSV): sample, fastq, optional adapter");
  app.add_option("fastq", o.fastq, "FASTQ files (plain or .gz), named by their file name");
  app.add_option("--adapter", o.adapter, "3' adapter: auto, none, a preset (truseq, neb, qiaseq, illumina-old) or a sequence")
      ->capture_default_str();
  app.add_option("--umi", o.umi, "UMI after the 3' adapter: none, qiaseq (12 nt) or 3p:N (default: the adapter preset's)");
  app.add_option("--min-length", o.min_length, "Shortest insert kept")->capture_default_str();
  app.add_option("--max-length", o.max_length, "Longest insert kept")->capture_default_str();
  app.add_option("--mismatches", o.mismatches, "Mismatches allowed against a hairpin (best stratum, all hits)")->capture_default_str();
  app.add_option("--tolerance-5p", o.tolerance_5p, "Max |read start - mature start| to assign a read to a mature arm")->capture_default_str();
  app.add_option("--tolerance-3p", o.tolerance_3p, "Max |read end - mature end| to assign a read to a mature arm")->capture_default_str();
  app.add_option("--error-rate", o.error_rate, "Adapter mismatches allowed per aligned adapter nucleotide (cutadapt -e)")->capture_default_str();
  app.add_option("--min-overlap", o.min_overlap, "Shortest adapter prefix trimmed at the read end (cutadapt -O)")->capture_default_str();
  app.add_option("--species", o.species, "Keep only reference names starting with SPECIES- (e.g. hsa)");
  app.add_option("--database", o.database, "Database name for the mirGFF3 header and source column")->capture_default_str();
  add_common_options(app, o.common);
  const int parsed = parse_or_exit(app, argv);
  if (parsed >= 0) return parsed;
  return guarded("quant", log, [&] { return run_quant(o, argv, log); });
}

}  // namespace lscmir::app
