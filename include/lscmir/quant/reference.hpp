// SPDX-License-Identifier: GPL-3.0-or-later
// miRBase reference: hairpins, mature arms placed on them, and a k-mer index of the hairpins for
// mismatch alignment of short reads (best stratum, all hits, forward strand).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lscmir::quant {

/// A mature miRNA placed on a hairpin: [start, end) in 0-based hairpin coordinates.
struct Arm {
  std::uint32_t mature = 0;  ///< index into Reference::mature_names
  int start = 0;
  int end = 0;
};

struct Hairpin {
  std::string name;       ///< e.g. hsa-let-7a-1
  std::string accession;  ///< e.g. MI0000060 (may be empty)
  std::string sequence;   ///< DNA alphabet (U read as T), upper case
  std::vector<Arm> arms;
};

struct Reference {
  std::vector<Hairpin> hairpins;
  std::vector<std::string> mature_names;  ///< unique, in mature FASTA order
  std::vector<std::string> mature_sequences;
  std::size_t unplaced_matures = 0;       ///< mature names found in no hairpin
};

/// Options for reading the reference.
struct ReferenceOptions {
  std::string species;  ///< keep only names starting with "<species>-" (empty = all)
};

/// A FASTA entry: name (first word of the header), rest of the header, sequence.
struct FastaEntry {
  std::string name, description, sequence;
};
/// Parses FASTA text (io::parse_fasta, names unique), checks the alphabet (letters, '-', '*') and
/// writes the sequence as upper-case DNA (U read as T, other letters as N).
/// @throws core::InputError (file, line) for text before the first header, an empty name, a
///         duplicate name, an empty sequence or a character outside the alphabet.
std::vector<FastaEntry> parse_fasta(std::string_view text, const std::string& path);

/// Reads hairpin and mature FASTA (plain or gzip) and places every mature sequence on the hairpins
/// that contain it exactly. With a miRBase GFF3, a mature is placed only on hairpins it
/// `Derives_from` (matures the GFF3 does not list fall back to the sequence search).
/// @throws core::InputError for malformed files, core::UsageError when no hairpin remains.
Reference load_reference(const std::string& hairpin_fasta, const std::string& mature_fasta, const std::string& gff3,
                         const ReferenceOptions& options);

/// One alignment of a read to a hairpin.
struct Hit {
  std::uint32_t hairpin = 0;
  int offset = 0;       ///< 0-based start on the hairpin
  int mismatches = 0;
};

/// Index of every k-mer of every hairpin (CSR over 4^k codes), for reads of at least
/// `min_read_length` nucleotides with at most `max_mismatches` mismatches: by the pigeonhole
/// principle one of max_mismatches + 1 disjoint read segments matches exactly, and each segment
/// holds at least k nucleotides.
class HairpinIndex {
 public:
  /// @throws core::UsageError when min_read_length / (max_mismatches + 1) < 4.
  HairpinIndex(const Reference& ref, int min_read_length, int max_mismatches);
  /// Every hit with the fewest mismatches (<= max_mismatches), read fully inside the hairpin,
  /// sorted by (hairpin, offset). Thread-safe (const).
  void align(std::string_view read, std::vector<Hit>& hits) const;
  int k() const { return k_; }

 private:
  const Reference* ref_;
  int k_;
  int max_mismatches_;
  std::vector<std::uint32_t> starts_;  ///< 4^k + 1 offsets into positions_
  std::vector<std::uint64_t> positions_;  ///< hairpin << 32 | offset
};

}  // namespace lscmir::quant
