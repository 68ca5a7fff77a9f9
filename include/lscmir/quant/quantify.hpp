// SPDX-License-Identifier: GPL-3.0-or-later
// Alignment of collapsed reads, assignment to mature arms and hairpins, isomiR rows, and the
// output tables of `lscmir quant`. Samples are added one at a time; what is kept per sample is
// its count columns, its QC record and its isomiR expression values.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "lscmir/io/matrix.hpp"
#include "lscmir/io/result_table.hpp"
#include "lscmir/quant/qc.hpp"
#include "lscmir/quant/reference.hpp"
#include "lscmir/quant/sample.hpp"
#include "lscmir/quant/spikein.hpp"

namespace lscmir::quant {

struct AssignOptions {
  int tolerance_5p = 2;  ///< |read start - arm start| allowed
  int tolerance_3p = 5;  ///< |read end - arm end| allowed
  int threads = 1;
};

/// What the command knows about a sample besides its reads.
struct SampleInfo {
  std::string name;
  std::string fastq;
  AdapterSpec adapter;
  int umi_length = 0;
  bool adapter_auto = false;
  double adapter_support = 0.0;  ///< fraction of the examined reads holding the adapter (auto only)
};

/// Read fates after alignment (reads, not unique sequences).
struct MappingQc {
  std::uint64_t assigned_mature = 0;
  std::uint64_t hairpin_only = 0;
  std::uint64_t unassigned = 0;
  std::uint64_t spike_in = 0;  ///< reads equal to a spike-in sequence (--spike-ins), counted before any alignment
  /// Kept reads by RnaType (miRNA = any hairpin hit; the others from the RnaTypeClassifier).
  std::array<std::uint64_t, 5> rna_types{};
  /// Kept reads per clade of the CladeTable (its order; empty without a table).
  std::vector<std::uint64_t> clade_reads;
  /// miRTrace's complexity curve: for every hairpin hit by a kept read, the 1-based number (in
  /// FASTQ order) of the first read that hit it, sorted; entry k-1 = reads sampled when k
  /// distinct hairpins had been seen.
  std::vector<std::uint64_t> complexity;
};

class Quantifier {
 public:
  /// `rna_types` (may be null: reads without a hairpin hit are "unknown") classifies the rest;
  /// `clades` (may be null: qc_contamination.tsv has no rows) gives the contamination counts.
  Quantifier(const Reference& ref, const HairpinIndex& index, const AssignOptions& options,
             const RnaTypeClassifier* rna_types = nullptr, const CladeTable* clades = nullptr);

  /// Aligns and assigns one sample's reads. Deterministic for any thread count.
  MappingQc add_sample(const SampleInfo& info, const CollapsedReads& reads);

  /// counts.tsv: feature (mature name) x sample, fractional where reads reach several names.
  std::string counts_tsv() const;
  /// The mature counts in memory: features = mature names, samples = sample names (values of counts.tsv).
  io::LabeledMatrix mature_matrix() const;
  /// The hairpin counts in memory (values of hairpin_counts.tsv).
  io::LabeledMatrix hairpin_matrix() const;
  /// counts.tsv and hairpin_counts.tsv as tables: feature, then one real column per sample.
  io::ResultTable counts_table() const;
  io::ResultTable hairpin_counts_table() const;
  /// hairpin_counts.tsv: hairpin x sample; a read hitting j hairpins counts 1/j to each.
  std::string hairpin_counts_tsv() const;
  /// isomirs.gff3: mirGFF3 1.2, one row per (sequence, mature name), Expression per sample.
  std::string isomirs_gff3(const std::string& database, const std::string& tool_version) const;
  /// The miRTrace QC tables: qc_status.tsv, qc_length.tsv, qc_phred.tsv, qc_rnatype.tsv,
  /// qc_complexity.tsv, qc_contamination.tsv (rows named in the first column, one column per
  /// sample, as miRTrace's TSV files).
  std::vector<io::NamedTable> qc_tables() const;
  /// qc_complexity.tsv (miRTrace's mirtrace-stats-mirna-complexity.tsv layout).
  io::ResultTable complexity_table() const;
  /// miRTrace's warning flags of sample `s` (name -> raised), with the numbers behind them.
  nlohmann::json qc_flags(std::size_t s) const;
  /// qc.json: one record per sample.
  nlohmann::json qc_json() const;
  /// MultiQC custom content files: file name -> JSON.
  std::vector<std::pair<std::string, nlohmann::json>> multiqc() const;

  std::size_t samples() const { return samples_.size(); }
  /// Spike-ins (may be null; must outlive the quantifier; set before the first sample): an
  /// unique sequence equal to one is counted for it and neither aligned nor RNA-typed.
  void set_spike_ins(const SpikeIns* spike_ins) { spike_ins_ = spike_ins; }
  /// spikeins.tsv: first column `feature` (spike-in names, FASTA order), one integer column per sample.
  io::ResultTable spike_ins_table() const;
  io::LabeledMatrix spike_ins_matrix() const;

 private:
  struct IsoRow {
    std::uint32_t hairpin = 0;
    int offset = 0;
    std::uint32_t hits = 0;
    std::vector<std::pair<std::uint32_t, double>> expression;  ///< (sample, count), sparse
  };
  const Reference* ref_;
  const HairpinIndex* index_;
  AssignOptions options_;
  const RnaTypeClassifier* rna_types_ = nullptr;
  const SpikeIns* spike_ins_ = nullptr;
  std::vector<std::vector<double>> spike_;     ///< [sample][spike-in]
  const CladeTable* clades_ = nullptr;
  std::vector<SampleInfo> samples_;
  std::vector<ReadQc> read_qc_;
  std::vector<MappingQc> map_qc_;
  std::vector<std::vector<double>> mature_;   ///< [sample][mature]
  std::vector<std::vector<double>> hairpin_;  ///< [sample][hairpin]
  std::unordered_map<std::string, IsoRow> iso_;  ///< key: sequence + '\t' + mature index
};

}  // namespace lscmir::quant
