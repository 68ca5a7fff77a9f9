// SPDX-License-Identifier: GPL-3.0-or-later
// lscmir quant: small RNA-seq FASTQ -> mature / hairpin counts, isomiRs (mirGFF3), QC.
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "common.hpp"
#include "lscmir/core/error.hpp"
#include "lscmir/core/parallel.hpp"
#include "lscmir/io/output.hpp"
#include "lscmir/quant/run.hpp"

namespace lscmir::app {
namespace {

struct QuantCliOptions {
  CommonOptions common;
  quant::QuantOptions quant;
};

int run_quant(QuantCliOptions o, const std::vector<std::string>& argv, core::Logger& log) {
  const double t0 = now_seconds();
  resolve_qc_references(o.quant, log);
  core::RunInfo info = begin_run("quant", argv, o.common, log);
  const int threads = core::resolve_threads(o.common.threads);
  const quant::QuantPlan plan = quant::plan(o.quant);
  std::vector<std::string> outputs = quant::output_files();
  for (auto& f : quant::spike_in_outputs(o.quant)) outputs.push_back(std::move(f));
  outputs.push_back("run_info.json");
  io::prepare_output_dir(o.common.out, outputs, o.common.force);

  const quant::QuantResult result = quant::run(plan, o.quant, threads, log);
  info.inputs.insert(info.inputs.end(), result.inputs.begin(), result.inputs.end());
  // Tables and MultiQC files are all staged before the first is renamed into place, so a failed
  // write (a full disk) leaves no partial set; a multiqc/ folder made here is removed again then.
  const std::filesystem::path multiqc = std::filesystem::path(o.common.out) / "multiqc";
  std::error_code ec;
  const bool made_multiqc = std::filesystem::create_directory(multiqc, ec);
  if (ec) throw core::OutputError(multiqc.string(), "cannot create the output folder: " + ec.message());
  try {
    io::StagedFiles staged(o.common.out);
    io::stage_tables(staged, result.tables);
    for (const auto& [name, text] : result.texts) staged.add(name, text);
    info.outputs = staged.commit();
  } catch (...) {
    if (made_multiqc) std::filesystem::remove(multiqc, ec);  // only when still empty
    throw;
  }
  info.parameters = quant::quant_parameters(o.quant, threads, result);
  finish_run_info(info, o.common.out, log, t0);
  log.info("quant", fmt::format("done: {} samples in {:.2f} s wall, {:.2f} s CPU, peak memory {:.1f} MiB", plan.inputs.size(),
                                info.wall_seconds, info.cpu_seconds, static_cast<double>(info.peak_rss_kib) / 1024.0));
  return kExitOk;
}

}  // namespace

int cmd_quant(const std::vector<std::string>& argv, core::Logger& log) {
  QuantCliOptions o;
  quant::QuantOptions& q = o.quant;
  CLI::App app("Small RNA-seq quantification: FASTQ -> mature miRNA counts, isomiRs (mirGFF3), QC", "lscmir quant");
  app.add_option("--hairpin", q.hairpin, "miRBase hairpin FASTA (plain or .gz)")->required();
  app.add_option("--mature", q.mature, "miRBase mature FASTA (plain or .gz)")->required();
  app.add_option("--gff3", q.gff3, "miRBase GFF3: place matures only on the hairpins they derive from");
  app.add_option("--samples", q.samples, "Sample sheet (TSV/CSV): sample, fastq, optional adapter");
  app.add_option("fastq", q.fastq, "FASTQ files (plain or .gz), named by their file name");
  app.add_option("--adapter", q.adapter, "3' adapter: auto, none, a preset (truseq, neb, qiaseq, illumina-old) or a sequence")
      ->capture_default_str();
  app.add_option("--umi", q.umi, "UMI after the 3' adapter: none, qiaseq (12 nt) or 3p:N (default: the adapter preset's)");
  app.add_option("--min-length", q.min_length, "Shortest insert kept")->capture_default_str();
  app.add_option("--max-length", q.max_length, "Longest insert kept")->capture_default_str();
  app.add_option("--mismatches", q.mismatches, "Mismatches allowed against a hairpin (best stratum, all hits)")->capture_default_str();
  app.add_option("--tolerance-5p", q.tolerance_5p, "Max |read start - mature start| to assign a read to a mature arm")->capture_default_str();
  app.add_option("--tolerance-3p", q.tolerance_3p, "Max |read end - mature end| to assign a read to a mature arm")->capture_default_str();
  app.add_option("--error-rate", q.error_rate, "Adapter mismatches allowed per aligned adapter nucleotide (cutadapt -e)")->capture_default_str();
  app.add_option("--min-overlap", q.min_overlap, "Shortest adapter prefix trimmed at the read end (cutadapt -O)")->capture_default_str();
  app.add_option("--species", q.species, "Keep only reference names starting with SPECIES- (e.g. hsa)");
  app.add_option("--database", q.database, "Database name for the mirGFF3 header and source column")->capture_default_str();
  app.add_flag("!--no-qc", q.qc, "Skip the miRTrace QC tables (qc_status, qc_length, qc_phred, qc_rnatype, qc_complexity, qc_contamination)");
  app.add_option("--spike-ins", q.spike_ins,
                 "Spike-in FASTA: reads equal to a spike-in after trimming are counted into spikeins.tsv, not mapped");
  app.add_option("--rrna", q.rrna, "rRNA FASTA for the RNA-type QC (none bundled)");
  q.trna = "auto";
  q.clades = "auto";
  app.add_option("--trna", q.trna, "tRNA FASTA for the RNA-type QC: auto (the bundled human data/mirtrace/tRNA_hsa.fa), none, or a file")
      ->capture_default_str();
  app.add_option("--artifacts", q.artifacts, "Artifact (adapter/primer) FASTA for the RNA-type QC");
  app.add_option("--clades", q.clades,
                 "Clade prefix table for qc_contamination.tsv: auto (the bundled data/mirtrace/clade_prefixes.tsv), none, or a file")
      ->capture_default_str();
  add_common_options(app, o.common);
  const int parsed = parse_or_exit(app, argv);
  if (parsed >= 0) return parsed;
  return guarded("quant", log, [&] { return run_quant(o, argv, log); });
}

}  // namespace lscmir::app
