// SPDX-License-Identifier: GPL-3.0-or-later
// miRTrace-level QC of small RNA-seq reads (Kang et al., Genome Biol 2018; miRTrace manual):
// per-read QC status with miRTrace's thresholds, and RNA types of the kept inserts.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "lscmir/quant/reference.hpp"

namespace lscmir::quant {

/// miRTrace's QC status rows, in its order and with its spelling (LOW_COMLPEXITY included).
enum class QcStatus { kLowPhred = 0, kLowComplexity, kShort, kAdapterNotDetected, kOk };
inline constexpr std::array<const char*, 5> kQcStatusNames = {"LOW_PHRED", "LOW_COMLPEXITY", "LENGTH_SHORTER_THAN_18",
                                                               "ADAPTER_NOT_DETECTED", "ADAPTER_REMOVED_LENGTH_OK"};
inline constexpr int kQcReadCap = 50;   ///< miRTrace looks at the first 50 nt of a read
inline constexpr int kQcMaxPhred = 42;  ///< phred scores are clamped to 0..42
inline constexpr std::size_t kQcAdapterPrefix = 8;  ///< miRTrace matches the first 8 nt of the adapter

/// miRTrace's adapter rule: the rightmost exact occurrence of the whole adapter, else the longest
/// adapter prefix that ends the read. Returns the insert length; `detected` is true only when the
/// whole adapter was found.
int mirtrace_insert_length(std::string_view read, std::string_view adapter, bool& detected);

/// miRTrace's complexity test: false when one nucleotide makes up more than 90% of the insert
/// (count > floor(0.9 n)) or a run of one nucleotide is longer than floor(n / 2) + 1.
bool mirtrace_complex_enough(std::string_view insert);

/// The miRTrace status of one read (upper-case sequence, phred+33 qualities): more than half of
/// the (first 50) bases below phred 20, or a non-ACGT base in the insert -> LOW_PHRED; then the
/// complexity test; then insert < 18 nt; then whether the whole adapter was seen.
/// `insert_length` is set to the length miRTrace's length histogram counts. When `phred` is given,
/// the (clamped) phred scores of the first 50 bases are added to it in the same pass.
QcStatus mirtrace_status(std::string_view sequence, std::string_view quality, std::string_view adapter, int& insert_length,
                         std::array<std::uint64_t, 43>* phred = nullptr);

/// Quality-byte counts of the first 50 bases of many reads in four lanes (base position mod 4), so
/// that runs of one quality do not serialize on one counter; add_to folds them, clamped to phred
/// 0..42, into a histogram.
struct PhredLanes {
  std::array<std::uint64_t, 4 * 256> counts{};
  void add_to(std::array<std::uint64_t, kQcMaxPhred + 1>& histogram) const;
};

/// The two halves of mirtrace_status, for callers that reuse them across reads that repeat
/// (quant's per-worker memo): whether more than half of the first `n` qualities are below phred
/// 20 (n = the read's length capped at kQcReadCap), and the status and insert length of a read
/// (capped at kQcReadCap) that passed that test, a function of its sequence alone.
/// mirtrace_status(s, q, a, len) == (low_phred(q, n) ? kLowPhred with len = n : status_after_phred(s, a, len)).
bool mirtrace_low_phred(std::string_view quality, std::size_t n);
QcStatus mirtrace_status_after_phred(std::string_view capped_sequence, std::string_view adapter, int& insert_length);

/// Adds the first quality.size() (<= kQcReadCap) quality bytes `times` times to `phred` (byte i in
/// lane i mod 4).
void add_phred(PhredLanes& phred, std::string_view quality, std::uint64_t times);

/// RNA type rows of qc_rnatype.tsv, in their order.
enum class RnaType { kMiRna = 0, kRRna, kTRna, kArtifact, kUnknown };
inline constexpr std::array<const char*, 5> kRnaTypeNames = {"miRNA", "rRNA", "tRNA", "artifact", "unknown"};

/// Reference sets for the non-miRNA RNA types. rRNA and tRNA: the insert lies inside a reference
/// sequence with at most one mismatch (no indels; exact and one-mismatch hits count alike).
/// Artifacts: one 18-nt window of the insert occurs exactly in an artifact sequence.
class RnaTypeClassifier {
 public:
  /// Empty paths: that class is not searched. @throws core::InputError (file, line) for a
  /// malformed FASTA file (quant::parse_fasta).
  RnaTypeClassifier(const std::string& rrna_fasta, const std::string& trna_fasta, const std::string& artifact_fasta,
                    int min_read_length);
  ~RnaTypeClassifier();
  RnaTypeClassifier(const RnaTypeClassifier&) = delete;
  RnaTypeClassifier& operator=(const RnaTypeClassifier&) = delete;
  /// The type of an insert that hit no hairpin: rRNA, tRNA, artifact or unknown. Thread-safe.
  RnaType classify(std::string_view insert) const;

 private:
  struct Set {
    Reference ref;
    std::unique_ptr<HairpinIndex> index;
  };
  std::unique_ptr<Set> rrna_, trna_;
  std::unordered_set<std::uint64_t> artifact_kmers_;
};

/// miRTrace's contamination reference: the first 20 nt of the mature miRBase sequences of each
/// clade's clade-specific miRNA families (data/mirtrace/clade_prefixes.tsv). A read counts for a
/// clade when the first 20 nt of its insert equal one of that clade's prefixes (exact match).
inline constexpr std::size_t kCladePrefixLength = 20;

class CladeTable {
 public:
  /// Reads a TSV with columns clade, family, mirbase_ids, prefix (20 nt of A, C, G, T; a prefix
  /// in one clade only). Clades keep the order of their first row.
  /// @throws core::InputError (file, line) for a missing column, a bad prefix or a prefix of two clades.
  explicit CladeTable(const std::string& path);
  const std::vector<std::string>& clades() const { return clades_; }
  /// The index in clades() of the clade holding the first 20 nt of `insert`, or -1 (also for inserts
  /// shorter than 20 nt). Thread-safe.
  int find(std::string_view insert) const;

 private:
  std::vector<std::string> clades_;
  std::unordered_map<std::uint64_t, int> prefix_clade_;
};

}  // namespace lscmir::quant
