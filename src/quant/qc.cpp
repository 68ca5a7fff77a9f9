// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/quant/qc.hpp"

#include <algorithm>

#include "lscmir/core/error.hpp"
#include "lscmir/io/table.hpp"
#include "detail/bases.hpp"

namespace lscmir::quant {

namespace {
constexpr int kMinOkLength = 18;       // miRTrace: shorter inserts are LENGTH_SHORTER_THAN_18
constexpr int kBadPhred = 20;          // a base below phred 20 is bad
constexpr int kArtifactWindow = 18;    // miRTrace's artifact window

using detail::base_code;

/// 2-bit packed k-mers of `s` (k <= 32); windows holding a non-ACGT base are skipped.
template <typename F>
void for_each_kmer(std::string_view s, int k, F&& f) {
  std::uint64_t w = 0;
  const std::uint64_t mask = k >= 32 ? ~std::uint64_t{0} : (std::uint64_t{1} << (2 * k)) - 1;
  int valid = 0;
  for (char ch : s) {
    const int c = base_code(ch);
    if (c < 0) {
      valid = 0;
      w = 0;
      continue;
    }
    w = ((w << 2) | static_cast<std::uint64_t>(c)) & mask;
    if (++valid >= k) f(w);
  }
}
}  // namespace

int mirtrace_insert_length(std::string_view read, std::string_view adapter, bool& detected) {
  detected = false;
  const auto n = static_cast<int>(read.size());
  if (adapter.empty()) return n;
  const std::size_t at = read.rfind(adapter);
  if (at != std::string_view::npos) {
    detected = true;
    return static_cast<int>(at);
  }
  for (std::size_t p = std::min(adapter.size() - 1, read.size()); p >= 1; --p)
    if (read.substr(read.size() - p) == adapter.substr(0, p)) return n - static_cast<int>(p);
  return n;
}

bool mirtrace_complex_enough(std::string_view s) {
  const auto n = static_cast<int>(s.size());
  const int max_run_extra = n / 2, max_same = static_cast<int>(n * 0.9);
  int counts[5] = {0, 0, 0, 0, 0};
  int extra = 0;
  char prev = 0;
  for (char c : s) {
    extra = c == prev ? extra + 1 : 0;  // bases repeating the one before
    if (extra > max_run_extra) return false;
    ++counts[base_code(c) + 1];
    prev = c;
  }
  for (int b = 1; b < 5; ++b)
    if (counts[b] > max_same) return false;
  return true;
}

QcStatus mirtrace_status(std::string_view seq, std::string_view qual, std::string_view adapter, int& insert_length,
                         std::array<std::uint64_t, 43>* phred) {
  const std::size_t n = std::min<std::size_t>(seq.size(), kQcReadCap);
  seq = seq.substr(0, n);
  int bad = 0;
  if (phred != nullptr) {
    for (std::size_t i = 0; i < n; ++i) {
      const int q = static_cast<int>(qual[i]) - 33;
      bad += q < kBadPhred;
      ++(*phred)[static_cast<std::size_t>(std::clamp(q, 0, kQcMaxPhred))];
    }
  } else {
    for (std::size_t i = 0; i < n; ++i) bad += (static_cast<int>(qual[i]) - 33) < kBadPhred;
  }
  insert_length = static_cast<int>(n);
  if (n > 0 && 2 * bad > static_cast<int>(n)) return QcStatus::kLowPhred;
  bool detected = false;
  insert_length = mirtrace_insert_length(seq, adapter, detected);
  const std::string_view insert = seq.substr(0, static_cast<std::size_t>(insert_length));
  for (char c : insert)
    if (base_code(c) < 0) return QcStatus::kLowPhred;  // miRTrace counts invalid bases with the low-quality reads
  if (!mirtrace_complex_enough(insert)) return QcStatus::kLowComplexity;
  if (insert_length < kMinOkLength) return QcStatus::kShort;
  return detected ? QcStatus::kOk : QcStatus::kAdapterNotDetected;
}

RnaTypeClassifier::~RnaTypeClassifier() = default;

RnaTypeClassifier::RnaTypeClassifier(const std::string& rrna, const std::string& trna, const std::string& artifacts, int min_read_length) {
  auto load = [&](const std::string& path) -> std::unique_ptr<Set> {
    if (path.empty()) return nullptr;
    auto set = std::make_unique<Set>();
    for (auto& e : parse_fasta(io::read_text_file(path), path)) {
      Hairpin h;
      h.name = std::move(e.name);
      h.sequence = std::move(e.sequence);
      set->ref.hairpins.push_back(std::move(h));
    }
    set->index = std::make_unique<HairpinIndex>(set->ref, min_read_length, 1);
    return set;
  };
  rrna_ = load(rrna);
  trna_ = load(trna);
  if (!artifacts.empty())
    for (const auto& e : parse_fasta(io::read_text_file(artifacts), artifacts))
      for_each_kmer(e.sequence, kArtifactWindow, [&](std::uint64_t w) { artifact_kmers_.insert(w); });
}

RnaType RnaTypeClassifier::classify(std::string_view insert) const {
  thread_local std::vector<Hit> hits;
  if (rrna_) {
    rrna_->index->align(insert, hits);
    if (!hits.empty()) return RnaType::kRRna;
  }
  if (trna_) {
    trna_->index->align(insert, hits);
    if (!hits.empty()) return RnaType::kTRna;
  }
  if (!artifact_kmers_.empty()) {
    bool found = false;
    for_each_kmer(insert, kArtifactWindow, [&](std::uint64_t w) { found = found || artifact_kmers_.count(w) > 0; });
    if (found) return RnaType::kArtifact;
  }
  return RnaType::kUnknown;
}

namespace {
/// 2-bit packing of an ACGT string of <= 32 nt; false for any other character.
bool pack(std::string_view s, std::uint64_t& w) {
  w = 0;
  for (char ch : s) {
    const int c = base_code(ch);
    if (c < 0) return false;
    w = (w << 2) | static_cast<std::uint64_t>(c);
  }
  return true;
}
}  // namespace

CladeTable::CladeTable(const std::string& path) {
  const io::Table t = io::read_table(path);
  const std::size_t cc = t.require_column("clade"), cp = t.require_column("prefix");
  t.require_column("family");
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    const std::string& clade = t.rows[r][cc];
    const std::string& prefix = t.rows[r][cp];
    if (clade.empty()) throw core::InputError(t.path, t.line_numbers[r], "empty clade name");
    std::uint64_t w = 0;
    if (prefix.size() != kCladePrefixLength || !pack(prefix, w))
      throw core::InputError(t.path, t.line_numbers[r], "prefix \"" + prefix + "\": expected 20 nucleotides of A, C, G, T");
    auto it = std::find(clades_.begin(), clades_.end(), clade);
    if (it == clades_.end()) it = clades_.insert(clades_.end(), clade);
    const int index = static_cast<int>(it - clades_.begin());
    const auto [at, added] = prefix_clade_.emplace(w, index);
    if (!added && at->second != index)
      throw core::InputError(t.path, t.line_numbers[r], "prefix " + prefix + " is in clade " + clades_[static_cast<std::size_t>(at->second)] +
                             " and in clade " + clade, "miRTrace's clade-specific prefixes belong to one clade each");
  }
  if (clades_.empty()) throw core::InputError(t.path, 0, "the clade table lists no prefixes");
}

int CladeTable::find(std::string_view insert) const {
  std::uint64_t w = 0;
  if (insert.size() < kCladePrefixLength || !pack(insert.substr(0, kCladePrefixLength), w)) return -1;
  const auto it = prefix_clade_.find(w);
  return it == prefix_clade_.end() ? -1 : it->second;
}

}  // namespace lscmir::quant
