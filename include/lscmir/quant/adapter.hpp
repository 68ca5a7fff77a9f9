// SPDX-License-Identifier: GPL-3.0-or-later
// 3' adapter trimming (cutadapt's 3' adapter rule without indels), presets and detection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lscmir::quant {

/// A 3' adapter and the UMI that follows it (QIAseq: insert, adapter, 12-nt UMI).
struct AdapterSpec {
  std::string name;      ///< preset name or "custom"
  std::string sequence;  ///< upper-case DNA
  int umi_length = 0;    ///< nucleotides of UMI right after the adapter (0 = none)
};

/// The presets: truseq (Illumina TruSeq small RNA), neb (NEBNext small RNA), qiaseq (QIAseq
/// miRNA, 12-nt UMI), illumina-old (Illumina small RNA v1.0/v1.5, ATCTCGTATGCC).
const std::vector<AdapterSpec>& adapter_presets();

/// Resolves a preset name or a literal sequence (ACGT, U read as T) into a spec.
/// @throws core::UsageError naming `flag` for anything else.
AdapterSpec parse_adapter(const std::string& text, const std::string& flag);

/// Finds a 3' adapter as cutadapt does for `-a ADAPTER -e RATE -O MIN_OVERLAP` on reads without
/// indels: the leftmost position i where read[i..] matches the adapter's prefix over
/// overlap = min(|adapter|, |read| - i) >= min_overlap nucleotides with at most
/// floor(rate * overlap) mismatches (N counts as a mismatch). The adapter may run past the read end.
class AdapterFinder {
 public:
  AdapterFinder(std::string adapter, double max_error_rate = 0.1, int min_overlap = 3);
  /// Start of the adapter in `read`, or -1 when it is absent.
  int find(std::string_view read) const;
  const std::string& adapter() const { return adapter_; }

 private:
  std::string adapter_;
  std::string padded_adapter_;   ///< adapter_ + 16 NUL bytes, for 8-byte loads
  std::vector<int> max_errors_;  ///< by overlap length
  int min_overlap_;
};

/// The result of --adapter auto on the first reads of a file.
struct AdapterDetection {
  AdapterSpec spec;            ///< the chosen adapter (empty sequence when none was found)
  std::uint64_t reads = 0;     ///< reads examined
  std::uint64_t support = 0;   ///< reads holding the chosen adapter's first 10 nt
  std::vector<std::pair<std::string, std::uint64_t>> preset_support;  ///< per preset
  bool de_novo = false;        ///< true when no preset was found and the adapter was assembled
};

/// Picks the adapter of a library from its reads: the preset whose first 10 nt occur in the most
/// reads, when at least `min_fraction` of the reads hold it; otherwise the adapter is assembled
/// from the most frequent 10-mer at read positions >= 15, extended 3' by the majority base.
AdapterDetection detect_adapter(const std::vector<std::string>& reads, double min_fraction = 0.05);

}  // namespace lscmir::quant
