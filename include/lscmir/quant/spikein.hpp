// SPDX-License-Identifier: GPL-3.0-or-later
// Spike-in calibrator oligos of `lscmir quant --spike-ins`: a trimmed read is a spike-in read
// when it equals one spike-in sequence exactly (docs/cli.md, "Spike-ins").
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace lscmir::quant {

/// Spike-in sequences in FASTA order, upper-case DNA (U read as T).
struct SpikeIns {
  std::string path;
  std::vector<std::string> names, sequences;
  /// The index of the spike-in whose sequence equals `insert` exactly, or -1.
  int find(std::string_view insert) const {
    const auto it = by_sequence_.find(insert);
    return it == by_sequence_.end() ? -1 : static_cast<int>(it->second);
  }
  /// Adds one spike-in; false when its sequence is already present (`first` is then its index).
  bool add(std::string name, std::string sequence, std::uint32_t& first);

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::uint32_t, Hash, std::equal_to<>> by_sequence_;
};

/// Parses spike-in FASTA text (`path` names it in errors).
/// @throws core::InputError (file, line) for a malformed FASTA file (io::parse_fasta), no entry,
///         an empty sequence, a character other than A, C, G, T, U (any case), a duplicate name
///         or two spike-ins with the same sequence.
SpikeIns parse_spike_ins(std::string_view text, const std::string& path);

/// Reads a spike-in FASTA file (plain or gzip). @throws core::InputError as parse_spike_ins.
SpikeIns read_spike_ins(const std::string& path);

}  // namespace lscmir::quant
