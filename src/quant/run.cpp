// SPDX-License-Identifier: GPL-3.0-or-later
// The body of `lscmir quant`: options and sample list, then every sample, then every output.
#include "lscmir/quant/run.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>

#include <fmt/core.h>

#include "lscmir/core/error.hpp"
#include "lscmir/core/progress.hpp"
#include "lscmir/io/output.hpp"
#include "lscmir/io/table.hpp"
#include "lscmir/quant/qc.hpp"
#include "lscmir/quant/quantify.hpp"
#include "lscmir/quant/reference.hpp"
#include "lscmir/quant/sample.hpp"
#include "lscmir/quant/spikein.hpp"

namespace lscmir::quant {
namespace {

double seconds_now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

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
      if (s.fastq.empty()) throw core::InputError(t.path, s.line, "sample \"" + core::cell_for_message(s.name) + "\" has no fastq file");
      if (o.sheet_relative && std::filesystem::path(s.fastq).is_relative())
        s.fastq = (std::filesystem::path(o.samples).parent_path() / s.fastq).lexically_normal().string();
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
      throw core::InputError(o.samples.empty() ? s.fastq : o.samples, s.line, "FASTQ file \"" + core::cell_for_message(s.fastq) + "\" does not exist or is not a file");
  }
  return out;
}

}  // namespace

QuantPlan plan(const QuantOptions& o) {
  if (o.min_length < 1) throw core::UsageError("--min-length must be at least 1");
  if (o.max_length < o.min_length) throw core::UsageError("--max-length must be >= --min-length");
  if (o.mismatches < 0 || o.mismatches > 3) throw core::UsageError("--mismatches must be 0, 1, 2 or 3");
  if (o.tolerance_5p < 0 || o.tolerance_3p < 0) throw core::UsageError("--tolerance-5p and --tolerance-3p must be >= 0");
  if (!(o.error_rate >= 0.0 && o.error_rate < 0.5)) throw core::UsageError("--error-rate must be in [0, 0.5)");
  if (o.min_overlap < 1) throw core::UsageError("--min-overlap must be at least 1");
  if (o.samples.empty() == o.fastq.empty()) throw core::UsageError("give either --samples SHEET or FASTQ files, not both and not neither");
  QuantPlan p;
  p.umi_override = parse_umi(o.umi);
  if (o.adapter != "auto" && o.adapter != "none") p.global_adapter = parse_adapter(o.adapter, "--adapter");
  p.inputs = sample_inputs(o);
  for (const auto& s : p.inputs)
    if (!s.adapter.empty() && s.adapter != "auto" && s.adapter != "none") parse_adapter(s.adapter, "adapter of sample " + s.name);
  return p;
}

std::vector<std::string> output_files() {
  return {"counts.tsv", "hairpin_counts.tsv", "qc_status.tsv", "qc_length.tsv", "qc_phred.tsv", "qc_rnatype.tsv", "qc_complexity.tsv",
          "qc_contamination.tsv", "isomirs.gff3",
          "qc.json", "multiqc/lscmir_quant_reads_mqc.json", "multiqc/lscmir_quant_lengths_mqc.json",
          "multiqc/lscmir_quant_general_stats_mqc.json", "multiqc/lscmir_quant_qcstatus_mqc.json", "multiqc/lscmir_quant_rnatype_mqc.json",
          "multiqc/lscmir_quant_complexity_mqc.json", "multiqc/lscmir_quant_contamination_mqc.json", "multiqc/lscmir_quant_qcflags_mqc.json"};
}

std::vector<std::string> spike_in_outputs(const QuantOptions& o) {
  if (o.spike_ins.empty()) return {};
  return {"spikeins.tsv"};
}

QuantResult run(const QuantPlan& plan, const QuantOptions& o, int threads, core::Logger& log) {
  QuantResult result;
  ReferenceOptions ropt;
  ropt.species = o.species;
  const Reference ref = load_reference(o.hairpin, o.mature, o.gff3, ropt);
  std::size_t arms = 0;
  for (const auto& h : ref.hairpins) arms += h.arms.size();
  if (arms == 0) throw core::InputError(o.mature, 0, "no mature sequence lies in any hairpin of " + o.hairpin, "check that both files are of the same miRBase release and species");
  const HairpinIndex index(ref, o.min_length, o.mismatches);
  log.info("quant", fmt::format("reference: {} hairpins, {} mature names, {} arms placed ({} mature names in no hairpin); {}-mer index",
                                ref.hairpins.size(), ref.mature_names.size(), arms, ref.unplaced_matures, index.k()));
  if (ref.unplaced_matures > 0)
    log.warn("quant", fmt::format("{} mature sequences lie in no hairpin and will have zero counts", ref.unplaced_matures));
  result.inputs.push_back(io::checksum_file("hairpin", o.hairpin));
  result.inputs.push_back(io::checksum_file("mature", o.mature));
  if (!o.gff3.empty()) result.inputs.push_back(io::checksum_file("gff3", o.gff3));
  if (!o.samples.empty()) result.inputs.push_back(io::checksum_file("samples", o.samples));

  AssignOptions aopt;
  aopt.tolerance_5p = o.tolerance_5p;
  aopt.tolerance_3p = o.tolerance_3p;
  aopt.threads = threads;
  std::unique_ptr<RnaTypeClassifier> rna_types;
  std::unique_ptr<CladeTable> clades;
  if (o.qc) {
    rna_types = std::make_unique<RnaTypeClassifier>(o.rrna, o.trna, o.artifacts, o.min_length);
    if (!o.clades.empty()) clades = std::make_unique<CladeTable>(o.clades);
    for (const auto& [label, path] :
         {std::pair{"rrna", o.rrna}, std::pair{"trna", o.trna}, std::pair{"artifacts", o.artifacts}, std::pair{"clades", o.clades}})
      if (!path.empty()) result.inputs.push_back(io::checksum_file(label, path));
  }
  Quantifier q(ref, index, aopt, rna_types.get(), clades.get());
  // Spike-ins are matched before the hairpins, so their reads are neither miRNA nor RNA-typed.
  std::optional<SpikeIns> spike_ins;
  if (!o.spike_ins.empty()) {
    spike_ins = read_spike_ins(o.spike_ins);
    result.inputs.push_back(io::checksum_file("spike_ins", o.spike_ins));
    for (std::size_t k = 0; k < spike_ins->names.size(); ++k) {
      const auto n = static_cast<int>(spike_ins->sequences[k].size());
      if (n < o.min_length || n > o.max_length)
        log.warn("quant", fmt::format("spike-in {} is {} nt, outside --min-length {} .. --max-length {}: it can never be counted",
                                      spike_ins->names[k], n, o.min_length, o.max_length));
    }
    q.set_spike_ins(&*spike_ins);
  }
  core::Progress sample_progress(log, "quant", "samples", plan.inputs.size());
  for (const auto& in : plan.inputs) {
    const double ts = seconds_now();
    SampleInfo si;
    si.name = in.name;
    si.fastq = in.fastq;
    const std::string choice = in.adapter.empty() ? o.adapter : in.adapter;
    if (choice == "auto") {
      const AdapterDetection d = detect_adapter(first_sequences(in.fastq, o.detect_reads));
      si.adapter = d.spec;
      si.adapter_auto = true;
      si.adapter_support = d.reads ? static_cast<double>(d.support) / static_cast<double>(d.reads) : 0.0;
      if (d.spec.sequence.empty())
        log.warn("quant", fmt::format("{}: no 3' adapter found in the first {} reads; reads are used untrimmed", in.name, d.reads));
      else
        log.info("quant", fmt::format("{}: adapter auto -> {} {} ({:.1f}% of the first {} reads{})", in.name, d.spec.name, d.spec.sequence,
                                      100.0 * si.adapter_support, d.reads, d.de_novo ? ", assembled from the reads" : ""));
    } else if (choice != "none") {
      si.adapter = in.adapter.empty() ? plan.global_adapter : parse_adapter(in.adapter, "adapter of sample " + in.name);
    }
    TrimOptions topt;
    topt.adapter = si.adapter;
    topt.max_error_rate = o.error_rate;
    topt.min_overlap = o.min_overlap;
    topt.umi_length = plan.umi_override;
    topt.min_length = o.min_length;
    topt.max_length = o.max_length;
    topt.threads = threads;
    topt.qc = o.qc;
    topt.qc_adapter = si.adapter.sequence.substr(0, std::min<std::size_t>(kQcAdapterPrefix, si.adapter.sequence.size()));
    si.umi_length = plan.umi_override >= 0 ? plan.umi_override : si.adapter.umi_length;
    core::Progress read_progress(log, "quant", "reads of " + in.name, 0);
    const CollapsedReads reads = collapse_fastq(in.fastq, topt, [&](std::uint64_t n) { read_progress.set(static_cast<std::size_t>(n)); });
    read_progress.finish();
    const MappingQc mq = q.add_sample(si, reads);
    const auto& rq = reads.qc;
    const double secs = seconds_now() - ts;
    log.info("quant", fmt::format("{}: {} reads, adapter in {:.1f}%, {} kept ({} unique), {} to mature ({:.1f}%), {} hairpin only, "
                                  "{} unassigned; {:.2f} s, {:.2f} M reads/s",
                                  in.name, rq.reads, rq.reads ? 100.0 * static_cast<double>(rq.adapter_found) / static_cast<double>(rq.reads) : 0.0,
                                  rq.kept, rq.unique_sequences, mq.assigned_mature,
                                  rq.reads ? 100.0 * static_cast<double>(mq.assigned_mature) / static_cast<double>(rq.reads) : 0.0,
                                  mq.hairpin_only, mq.unassigned, secs, static_cast<double>(rq.reads) / 1e6 / std::max(secs, 1e-9)));
    if (rq.reads == 0) log.warn("quant", in.name + ": the FASTQ file holds no reads");
    sample_progress.add();
    result.inputs.push_back(io::checksum_file("fastq", in.fastq));
    result.samples.push_back({{"sample", si.name}, {"fastq", si.fastq}, {"adapter", si.adapter.sequence}, {"adapter_name", si.adapter.name},
                              {"adapter_auto", si.adapter_auto}, {"umi_length", si.umi_length}});
  }

  sample_progress.finish();
  result.counts = q.mature_matrix();
  result.tables.push_back({"counts.tsv", q.counts_table()});
  result.tables.push_back({"hairpin_counts.tsv", q.hairpin_counts_table()});
  if (spike_ins) {
    result.spike_ins = q.spike_ins_matrix();
    result.tables.push_back({"spikeins.tsv", q.spike_ins_table()});
  }
  if (o.qc)
    for (auto& t : q.qc_tables()) result.tables.push_back(std::move(t));
  result.texts.emplace_back("isomirs.gff3", q.isomirs_gff3(o.database, core::version()));
  result.texts.emplace_back("qc.json", core::json_text(q.qc_json()));
  for (auto& [name, json] : q.multiqc()) result.texts.emplace_back("multiqc/" + name, core::json_text(json));
  return result;
}

nlohmann::json quant_parameters(const QuantOptions& o, int threads, const QuantResult& r) {
  nlohmann::json p = {{"adapter", o.adapter}, {"umi", o.umi.empty() ? "adapter default" : o.umi}, {"min_length", o.min_length},
          {"max_length", o.max_length}, {"mismatches", o.mismatches}, {"tolerance_5p", o.tolerance_5p},
          {"tolerance_3p", o.tolerance_3p}, {"error_rate", o.error_rate}, {"min_overlap", o.min_overlap},
          {"species", o.species}, {"database", o.database},
          {"qc", o.qc}, {"rrna", o.rrna}, {"trna", o.trna}, {"artifacts", o.artifacts}, {"clades", o.clades}, {"threads", threads}, {"samples", r.samples}};
  if (!o.spike_ins.empty()) p["spike_ins"] = o.spike_ins;
  return p;
}

}  // namespace lscmir::quant
