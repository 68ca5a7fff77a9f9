// SPDX-License-Identifier: GPL-3.0-or-later
// One sample, FASTQ to collapsed inserts: adapter trimming, UMI de-duplication, length filter,
// collapsing of identical sequences. A reader thread inflates, workers parse, trim and count.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "lscmir/quant/adapter.hpp"

namespace lscmir::quant {

struct TrimOptions {
  AdapterSpec adapter;        ///< empty sequence: reads are taken as they are
  double max_error_rate = 0.1;
  int min_overlap = 3;
  int umi_length = -1;        ///< -1: the adapter's own UMI length
  int min_length = 16;
  int max_length = 30;
  int threads = 1;
  bool qc = true;              ///< miRTrace QC status, length and phred histograms (ReadQc::mirtrace_*)
  std::string qc_adapter;      ///< adapter for the QC rule (miRTrace's: its first 8 nt)
};

/// Per-sample read accounting (every read ends in exactly one of the fate counters:
/// too_short + too_long + with_n + no_umi + umi_duplicates + kept == reads).
struct ReadQc {
  std::uint64_t reads = 0;
  std::uint64_t adapter_found = 0;
  std::uint64_t too_short = 0;
  std::uint64_t too_long = 0;
  std::uint64_t with_n = 0;          ///< inserts with an N (dropped, as cutadapt --max-n 0)
  std::uint64_t no_umi = 0;          ///< adapter found but no complete UMI after it
  std::uint64_t umi_duplicates = 0;  ///< reads sharing insert and UMI with an earlier read
  std::uint64_t kept = 0;            ///< reads passed on to alignment
  std::uint64_t unique_sequences = 0;
  std::vector<std::uint64_t> length_histogram;  ///< insert length (after trimming) -> reads, all reads
  // miRTrace QC (TrimOptions::qc): reads per QcStatus, insert length by miRTrace's adapter rule,
  // bases per phred score 0..42 (first 50 nt of every read, phred+33).
  std::array<std::uint64_t, 5> mirtrace_status{};
  std::vector<std::uint64_t> mirtrace_length;
  std::array<std::uint64_t, 43> phred{};
};

struct CollapsedReads {
  std::vector<std::pair<std::string, std::uint64_t>> sequences;  ///< sorted by sequence
  std::vector<std::uint64_t> first_read;  ///< per sequence: 1-based number of its first read in the FASTQ
  ReadQc qc;
};

/// Reads `path` once. `progress(records)` is called from the reader thread about every 2 s.
/// @throws core::InputError for malformed or truncated FASTQ (file, line, record).
CollapsedReads collapse_fastq(const std::string& path, const TrimOptions& options,
                              const std::function<void(std::uint64_t)>& progress = {});

/// The sequences of the first `max_records` records, for adapter detection.
std::vector<std::string> first_sequences(const std::string& path, std::size_t max_records);

}  // namespace lscmir::quant
