// SPDX-License-Identifier: GPL-3.0-or-later
// `lscmir quant` as library calls: check the options and the sample list, then quantify every
// sample against the reference and build every output; the mature counts stay in memory.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "lscmir/core/log.hpp"
#include "lscmir/core/run_info.hpp"
#include "lscmir/io/matrix.hpp"
#include "lscmir/io/result_table.hpp"
#include "lscmir/quant/adapter.hpp"

namespace lscmir::quant {

/// The options of `lscmir quant`.
struct QuantOptions {
  std::string hairpin, mature, gff3;   ///< miRBase FASTA (plain or .gz) and optional GFF3
  std::string samples;                 ///< sample sheet (sample, fastq, optional adapter), or
  std::vector<std::string> fastq;      ///< FASTQ files named by their file name (exactly one of the two)
  /// Relative FASTQ paths of the sheet are relative to the sheet's folder (`lscmir run`, the
  /// workflow) instead of the working folder (`lscmir quant --samples`).
  bool sheet_relative = false;
  std::string adapter = "auto";        ///< auto, none, a preset or a sequence
  std::string umi;                     ///< empty (the adapter's), none, qiaseq or 3p:N
  std::string species;                 ///< keep reference names starting with SPECIES-
  std::string database = "miRBase";    ///< mirGFF3 header and source column
  int min_length = 16, max_length = 30, mismatches = 1, tolerance_5p = 2, tolerance_3p = 5, min_overlap = 3;
  double error_rate = 0.1;
  std::size_t detect_reads = 100000;   ///< reads examined by adapter auto-detection
  bool qc = true;                      ///< miRTrace QC tables (qc_*.tsv); false: --no-qc
  std::string spike_ins;               ///< spike-in FASTA (--spike-ins): exact matches counted into spikeins.tsv
  std::string rrna, trna, artifacts;   ///< RNA-type reference FASTA files (empty: class not searched)
  std::string clades;                  ///< clade prefix table for qc_contamination.tsv (empty: no rows)
};

/// One sample to quantify.
struct SampleInput {
  std::string name, fastq, adapter;  ///< adapter: empty = the global --adapter
  std::size_t line = 0;              ///< sheet line (0 for FASTQ arguments)
};

/// What is known before any read is looked at.
struct QuantPlan {
  std::vector<SampleInput> inputs;
  int umi_override = -1;      ///< -1: the adapter's UMI length
  AdapterSpec global_adapter;  ///< the parsed --adapter unless auto or none
};

/// Checks every option and the sample list (sheet or FASTQ arguments: names unique and usable in
/// mirGFF3, files present) and parses every adapter.
/// @throws core::UsageError naming the flag; core::InputError for a bad sheet or a missing FASTQ.
QuantPlan plan(const QuantOptions& options);

struct QuantResult {
  io::LabeledMatrix counts;     ///< mature names x samples (the numbers of counts.tsv)
  io::LabeledMatrix spike_ins;  ///< --spike-ins: spike-in names x samples (spikeins.tsv), else empty
  std::vector<io::NamedTable> tables;  ///< counts.tsv, hairpin_counts.tsv
  std::vector<std::pair<std::string, std::string>> texts;  ///< isomirs.gff3, qc.json, multiqc/*.json -> text
  std::vector<core::InputRecord> inputs;  ///< hairpin, mature, gff3, samples, then every fastq
  nlohmann::json samples = nlohmann::json::array();  ///< per sample: name, fastq, adapter, UMI (run_info)
};

/// Loads the reference, trims, collapses, aligns and assigns every sample in order, and builds
/// every output. Logs progress (context "quant").
/// @throws core::InputError for bad reference or FASTQ files (file, line).
/// Threads: `threads` workers per sample; the result does not depend on `threads`.
QuantResult run(const QuantPlan& plan, const QuantOptions& options, int threads, core::Logger& log);

/// The output file names in the order they are written (tables, then texts), without run_info.json.
/// spikeins.tsv (written only with --spike-ins) is not listed: see spike_in_outputs.
std::vector<std::string> output_files();

/// spikeins.tsv when `options` has spike-ins, else nothing.
std::vector<std::string> spike_in_outputs(const QuantOptions& options);

/// The run_info parameters of a quantification.
nlohmann::json quant_parameters(const QuantOptions& options, int threads, const QuantResult& result);

}  // namespace lscmir::quant
