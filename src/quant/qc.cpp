// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/quant/qc.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

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

namespace {
/// Read characters -> 0..3 for A, C, G, T (upper case, as the reads are by then), 4 otherwise.
struct CodeTable {
  std::uint8_t code[256];
  CodeTable() {
    for (int i = 0; i < 256; ++i) code[i] = 4;
    code[static_cast<unsigned char>('A')] = 0;
    code[static_cast<unsigned char>('C')] = 1;
    code[static_cast<unsigned char>('G')] = 2;
    code[static_cast<unsigned char>('T')] = 3;
  }
};
/// Quality characters (phred+33) -> the clamped score 0..42.
struct PhredTable {
  std::uint8_t score[256];
  PhredTable() {
    // as (int)(char)c - 33: bytes above 127 are negative chars, so score 0
    for (int i = 0; i < 256; ++i)
      score[i] = static_cast<std::uint8_t>(std::clamp(static_cast<int>(static_cast<signed char>(i)) - 33, 0, kQcMaxPhred));
  }
};
const CodeTable kCodes;
const PhredTable kPhred;
}  // namespace

namespace {
// Byte-parallel helpers (SWAR) on 8 read characters at a time, little-endian loads.
constexpr bool kLittle = std::endian::native == std::endian::little;
constexpr std::uint64_t kLow7 = 0x7f7f7f7f7f7f7f7fULL, kHigh = 0x8080808080808080ULL, kOnes = 0x0101010101010101ULL;
/// 0x80 in every byte of x that is zero (exact: no false positives).
inline std::uint64_t zero_bytes(std::uint64_t x) { return ~(((x & kLow7) + kLow7) | x) & kHigh; }
/// The first `n` (0..8) bytes set.
inline std::uint64_t first_bytes(int n) { return n >= 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * n)) - 1; }
inline std::uint64_t load8(const unsigned char* p) {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}
/// A read's first <= 64 characters, zero-padded so that 8-byte loads never leave the buffer.
struct Padded {
  unsigned char b[64 + 16] = {};
  explicit Padded(std::string_view s) { std::memcpy(b, s.data(), s.size()); }
};
}  // namespace

int mirtrace_insert_length(std::string_view read, std::string_view adapter, bool& detected) {
  detected = false;
  const auto n = static_cast<int>(read.size());
  if (adapter.empty()) return n;
  const auto k = static_cast<int>(adapter.size());
  if (kLittle && k <= 8 && n <= 64) {
    // Fast path (miRTrace's 8-nt adapter prefix, reads capped at 50 nt): one 8-byte compare per
    // position, from the right, so the rightmost occurrence is the first found.
    const Padded r(read);
    std::uint64_t a = 0;
    std::memcpy(&a, adapter.data(), static_cast<std::size_t>(k));
    const std::uint64_t m = first_bytes(k);
    for (int pos = n - k; pos >= 0; --pos)
      if ((load8(r.b + pos) & m) == a) {
        detected = true;
        return pos;
      }
    // the longest proper adapter prefix that ends the read
    for (int p = std::min(k - 1, n); p >= 1; --p) {
      const std::uint64_t mp = first_bytes(p);
      if ((load8(r.b + (n - p)) & mp) == (a & mp)) return n - p;
    }
    return n;
  }
  const std::size_t at = read.rfind(adapter);
  if (at != std::string_view::npos) {
    detected = true;
    return static_cast<int>(at);
  }
  for (std::size_t p = std::min(adapter.size() - 1, read.size()); p >= 1; --p)
    if (read.substr(read.size() - p) == adapter.substr(0, p)) return n - static_cast<int>(p);
  return n;
}

namespace {

/// One pass over the insert: whether it holds a non-ACGT base, and miRTrace's complexity test.
struct InsertScan {
  bool invalid = false, complex_enough = true;
};
InsertScan scan_insert(std::string_view s) {
  const auto n = static_cast<int>(s.size());
  const int max_run_extra = n / 2, max_same = static_cast<int>(n * 0.9);
  int counts[5] = {0, 0, 0, 0, 0};
  int max_extra = 0;
  if (kLittle && n <= 64) {
    // Byte-parallel: base counts by popcount of equal-byte masks; the longest run of repeats as
    // the longest run of set bits in "character i equals character i + 1".
    const Padded p(s);
    std::uint64_t repeats = 0;  // bit i: s[i] == s[i + 1], i + 1 < n
    for (int off = 0; off < n; off += 8) {
      const std::uint64_t x = load8(p.b + off);
      const std::uint64_t valid = first_bytes(n - off) & kHigh;
      counts[0] += std::popcount(zero_bytes(x ^ (kOnes * 'A')) & valid);
      counts[1] += std::popcount(zero_bytes(x ^ (kOnes * 'C')) & valid);
      counts[2] += std::popcount(zero_bytes(x ^ (kOnes * 'G')) & valid);
      counts[3] += std::popcount(zero_bytes(x ^ (kOnes * 'T')) & valid);
      const std::uint64_t eq = zero_bytes(x ^ load8(p.b + off + 1)) & (first_bytes(n - 1 - off) & kHigh);
      repeats |= (((eq >> 7) * 0x0102040810204080ULL) >> 56) << off;
    }
    counts[4] = n - counts[0] - counts[1] - counts[2] - counts[3];
    for (; repeats != 0; repeats &= repeats >> 1) ++max_extra;
  } else {
    int extra = 0;
    unsigned char prev = 0;
    for (char ch : s) {
      const auto c = static_cast<unsigned char>(ch);
      extra = c == prev ? extra + 1 : 0;  // bases repeating the one before
      max_extra = std::max(max_extra, extra);
      ++counts[kCodes.code[c]];
      prev = c;
    }
  }
  InsertScan r;
  r.invalid = counts[4] > 0;
  r.complex_enough = max_extra <= max_run_extra && counts[0] <= max_same && counts[1] <= max_same && counts[2] <= max_same &&
                     counts[3] <= max_same;
  return r;
}

/// The status once the phred majority test has passed.
QcStatus status_after_phred(std::string_view seq, std::string_view adapter, int& insert_length) {
  bool detected = false;
  insert_length = mirtrace_insert_length(seq, adapter, detected);
  const InsertScan scan = scan_insert(seq.substr(0, static_cast<std::size_t>(insert_length)));
  if (scan.invalid) return QcStatus::kLowPhred;  // miRTrace counts invalid bases with the low-quality reads
  if (!scan.complex_enough) return QcStatus::kLowComplexity;
  if (insert_length < kMinOkLength) return QcStatus::kShort;
  return detected ? QcStatus::kOk : QcStatus::kAdapterNotDetected;
}
}  // namespace

bool mirtrace_complex_enough(std::string_view s) {
  // Lower-case or other letters count as no nucleotide here, as in the one-pass scan.
  return scan_insert(s).complex_enough;
}

void PhredLanes::add_to(std::array<std::uint64_t, kQcMaxPhred + 1>& histogram) const {
  for (std::size_t lane = 0; lane < 4; ++lane)
    for (std::size_t q = 0; q <= static_cast<std::size_t>(kQcMaxPhred); ++q) histogram[q] += counts[lane * 64 + q];
}

QcStatus mirtrace_status(std::string_view seq, std::string_view qual, std::string_view adapter, int& insert_length, PhredLanes& phred) {
  const std::size_t n = std::min<std::size_t>(seq.size(), kQcReadCap);
  seq = seq.substr(0, n);
  int bad = 0;
  // Four lanes by position: runs of one quality (most reads) do not serialize on one counter.
  std::uint64_t* lanes = phred.counts.data();
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned q = kPhred.score[static_cast<unsigned char>(qual[i])];
    bad += q < static_cast<unsigned>(kBadPhred);
    ++lanes[(i & 3) * 64 + q];
  }
  insert_length = static_cast<int>(n);
  if (n > 0 && 2 * bad > static_cast<int>(n)) return QcStatus::kLowPhred;
  return status_after_phred(seq, adapter, insert_length);
}

QcStatus mirtrace_status(std::string_view seq, std::string_view qual, std::string_view adapter, int& insert_length,
                         std::array<std::uint64_t, 43>* phred) {
  const std::size_t n = std::min<std::size_t>(seq.size(), kQcReadCap);
  seq = seq.substr(0, n);
  int bad = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned q = kPhred.score[static_cast<unsigned char>(qual[i])];
    bad += q < static_cast<unsigned>(kBadPhred);
    if (phred != nullptr) ++(*phred)[q];
  }
  insert_length = static_cast<int>(n);
  if (n > 0 && 2 * bad > static_cast<int>(n)) return QcStatus::kLowPhred;
  return status_after_phred(seq, adapter, insert_length);
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
