// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/quant/qc.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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
/// The first `n` (0..8) bytes set.
inline std::uint64_t first_bytes(int n) { return n >= 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * n)) - 1; }
inline std::uint64_t load8(const unsigned char* p) {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}
/// A read's first <= 64 characters, zero-padded so that 8- and 16-byte loads never leave the buffer.
/// The loads read at most 16 bytes past the read's end, and only bytes before it decide anything.
struct Padded {
  alignas(16) unsigned char b[64 + 32];
  explicit Padded(std::string_view s) {
    std::memcpy(b, s.data(), s.size());
    std::memset(b + s.size(), 0, 32);
  }
};

/// The rightmost position at which the whole adapter (its first k <= 8 bytes `a`, mask `m`)
/// starts in a padded read of n characters, -1 if none.
int rightmost_adapter(const Padded& r, int n, std::string_view adapter, std::uint64_t a, std::uint64_t m) {
  const auto k = static_cast<int>(adapter.size());
#if defined(__SSE2__)
  // Candidates: positions whose first two characters are the adapter's (bit p of `cand`), found
  // 16 at a time; each is then checked whole, from the right.
  if (k >= 2 && n >= k) {
    const __m128i c0 = _mm_set1_epi8(adapter[0]), c1 = _mm_set1_epi8(adapter[1]);
    std::uint64_t cand = 0;
    for (int off = 0; off <= n - k; off += 16) {
      const __m128i x = _mm_load_si128(reinterpret_cast<const __m128i*>(r.b + off));
      const __m128i y = _mm_loadu_si128(reinterpret_cast<const __m128i*>(r.b + off + 1));
      cand |= static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(x, c0), _mm_cmpeq_epi8(y, c1)))))
              << off;
    }
    const int last = n - k;  // the rightmost position a whole adapter fits at
    if (last < 63) cand &= (std::uint64_t{2} << last) - 1;
    while (cand != 0) {
      const int pos = 63 - std::countl_zero(cand);
      if ((load8(r.b + pos) & m) == a) return pos;
      cand &= ~(std::uint64_t{1} << pos);
    }
    return -1;
  }
#endif
  for (int pos = n - k; pos >= 0; --pos)
    if ((load8(r.b + pos) & m) == a) return pos;
  return -1;
}

/// miRTrace's rule on a read already padded (n <= 64, kLittle, 1 <= k <= 8).
int insert_length_padded(const Padded& r, int n, std::string_view adapter, bool& detected) {
  const auto k = static_cast<int>(adapter.size());
  std::uint64_t a = 0;
  std::memcpy(&a, adapter.data(), static_cast<std::size_t>(k));
  const std::uint64_t m = first_bytes(k);
  const int whole = rightmost_adapter(r, n, adapter, a, m);
  if (whole >= 0) {
    detected = true;
    return whole;
  }
  // the longest proper adapter prefix that ends the read
  for (int p = std::min(k - 1, n); p >= 1; --p) {
    const std::uint64_t mp = first_bytes(p);
    if ((load8(r.b + (n - p)) & mp) == (a & mp)) return n - p;
  }
  return n;
}
}  // namespace

int mirtrace_insert_length(std::string_view read, std::string_view adapter, bool& detected) {
  detected = false;
  const auto n = static_cast<int>(read.size());
  if (adapter.empty()) return n;
  const auto k = static_cast<int>(adapter.size());
  if (kLittle && k <= 8 && n <= 64) {
    // Fast path (miRTrace's 8-nt adapter prefix, reads capped at 50 nt): one 8-byte compare per
    // position, from the right, so the rightmost occurrence is the first found.
    return insert_length_padded(Padded(read), n, adapter, detected);
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
InsertScan scan_result(int n, const int counts[5], int max_extra) {
  const int max_run_extra = n / 2, max_same = static_cast<int>(n * 0.9);
  InsertScan r;
  r.invalid = counts[4] > 0;
  r.complex_enough = max_extra <= max_run_extra && counts[0] <= max_same && counts[1] <= max_same && counts[2] <= max_same &&
                     counts[3] <= max_same;
  return r;
}

/// The one-pass scan, a character at a time.
InsertScan scan_scalar(std::string_view s) {
  int counts[5] = {0, 0, 0, 0, 0};
  int max_extra = 0, extra = 0;
  unsigned char prev = 0;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    extra = c == prev ? extra + 1 : 0;  // bases repeating the one before
    max_extra = std::max(max_extra, extra);
    ++counts[kCodes.code[c]];
    prev = c;
  }
  return scan_result(static_cast<int>(s.size()), counts, max_extra);
}

#if defined(__SSE2__)
inline int sum_bytes(__m128i v) {
  const __m128i s = _mm_sad_epu8(v, _mm_setzero_si128());
  return _mm_cvtsi128_si32(s) + _mm_cvtsi128_si32(_mm_unpackhi_epi64(s, s));
}
constexpr bool kSimd = true;
/// scan_insert on the first `n` (<= 64) characters of a padded read, 16 at a time: base counts as
/// byte sums of equal-byte masks, the longest run of repeats as the longest run of set bits in
/// "character i equals character i + 1".
InsertScan scan_padded(const Padded& p, int n) {
  const __m128i lane = _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  __m128i a = _mm_setzero_si128(), c = a, g = a, t = a;
  std::uint64_t repeats = 0;  // bit i: s[i] == s[i + 1], i + 1 < n
  for (int off = 0; off < n; off += 16) {
    const __m128i x = _mm_load_si128(reinterpret_cast<const __m128i*>(p.b + off));
    const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p.b + off + 1));
    const __m128i at = _mm_add_epi8(lane, _mm_set1_epi8(static_cast<char>(off)));
    const __m128i valid = _mm_cmplt_epi8(at, _mm_set1_epi8(static_cast<char>(n)));
    a = _mm_sub_epi8(a, _mm_and_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('A')), valid));
    c = _mm_sub_epi8(c, _mm_and_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('C')), valid));
    g = _mm_sub_epi8(g, _mm_and_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('G')), valid));
    t = _mm_sub_epi8(t, _mm_and_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('T')), valid));
    const __m128i valid_next = _mm_cmplt_epi8(at, _mm_set1_epi8(static_cast<char>(n - 1)));
    const auto eq = static_cast<unsigned>(_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(x, next), valid_next)));
    repeats |= static_cast<std::uint64_t>(eq) << off;
  }
  int counts[5] = {sum_bytes(a), sum_bytes(c), sum_bytes(g), sum_bytes(t), 0};
  counts[4] = n - counts[0] - counts[1] - counts[2] - counts[3];
  int max_extra = 0;
  for (; repeats != 0; repeats &= repeats >> 1) ++max_extra;
  return scan_result(n, counts, max_extra);
}
#else
constexpr bool kSimd = false;
InsertScan scan_padded(const Padded& p, int n) { return scan_scalar({reinterpret_cast<const char*>(p.b), static_cast<std::size_t>(n)}); }
#endif

InsertScan scan_insert(std::string_view s) {
  if (kSimd && s.size() <= 64) return scan_padded(Padded(s), static_cast<int>(s.size()));
  return scan_scalar(s);
}

/// The status once the phred majority test has passed.
QcStatus status_after_phred(std::string_view seq, std::string_view adapter, int& insert_length) {
  bool detected = false;
  InsertScan scan;
  if (kLittle && adapter.size() <= 8 && seq.size() <= 64) {
    // one padded copy of the read for both the adapter search and the insert scan
    const Padded p(seq);
    const auto n = static_cast<int>(seq.size());
    insert_length = adapter.empty() ? n : insert_length_padded(p, n, adapter, detected);
    scan = scan_padded(p, insert_length);
  } else {
    insert_length = mirtrace_insert_length(seq, adapter, detected);
    scan = scan_insert(seq.substr(0, static_cast<std::size_t>(insert_length)));
  }
  if (scan.invalid) return QcStatus::kLowPhred;  // miRTrace counts invalid bases with the low-quality reads
  if (!scan.complex_enough) return QcStatus::kLowComplexity;
  if (insert_length < kMinOkLength) return QcStatus::kShort;
  return detected ? QcStatus::kOk : QcStatus::kAdapterNotDetected;
}

/// Bases of the first `n` qualities below phred 20 (phred+33; bytes above 127 count as phred 0).
int bad_bases(std::string_view qual, std::size_t n) {
  int bad = 0;
  std::size_t i = 0;
#if defined(__SSE2__)
  // signed byte compare: bytes above 127 are negative, so below the threshold, as in kPhred
  const __m128i threshold = _mm_set1_epi8(static_cast<char>(33 + kBadPhred));
  __m128i acc = _mm_setzero_si128();
  for (; i + 16 <= n; i += 16)
    acc = _mm_sub_epi8(acc, _mm_cmplt_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(qual.data() + i)), threshold));
  bad = sum_bytes(acc);
#endif
  for (; i < n; ++i) bad += kPhred.score[static_cast<unsigned char>(qual[i])] < static_cast<unsigned>(kBadPhred);
  return bad;
}

/// The status of a read already capped at kQcReadCap: the phred majority test, then the rest.
QcStatus status_of_capped(std::string_view seq, std::string_view qual, std::string_view adapter, int& insert_length) {
  const auto n = static_cast<int>(seq.size());
  insert_length = n;
  if (mirtrace_low_phred(qual, seq.size())) return QcStatus::kLowPhred;
  return status_after_phred(seq, adapter, insert_length);
}
}  // namespace

bool mirtrace_complex_enough(std::string_view s) {
  // Lower-case or other letters count as no nucleotide here, as in the one-pass scan.
  return scan_insert(s).complex_enough;
}

void PhredLanes::add_to(std::array<std::uint64_t, kQcMaxPhred + 1>& histogram) const {
  for (std::size_t lane = 0; lane < 4; ++lane)
    for (std::size_t b = 0; b < 256; ++b) histogram[kPhred.score[b]] += counts[lane * 256 + b];
}

QcStatus mirtrace_status(std::string_view seq, std::string_view qual, std::string_view adapter, int& insert_length,
                         std::array<std::uint64_t, 43>* phred) {
  const std::size_t n = std::min<std::size_t>(seq.size(), kQcReadCap);
  seq = seq.substr(0, n);
  if (phred != nullptr)
    for (std::size_t i = 0; i < n; ++i) ++(*phred)[kPhred.score[static_cast<unsigned char>(qual[i])]];
  return status_of_capped(seq, qual, adapter, insert_length);
}

bool mirtrace_low_phred(std::string_view quality, std::size_t n) { return n > 0 && 2 * bad_bases(quality, n) > static_cast<int>(n); }

QcStatus mirtrace_status_after_phred(std::string_view capped_sequence, std::string_view adapter, int& insert_length) {
  insert_length = static_cast<int>(capped_sequence.size());
  return status_after_phred(capped_sequence, adapter, insert_length);
}

void add_phred(PhredLanes& phred, std::string_view quality, std::uint64_t times) {
  // Lanes by position (runs of one quality do not serialize on one counter), indexed by the
  // quality byte itself: the clamping to 0..42 is done once, in add_to.
  const auto* q = reinterpret_cast<const unsigned char*>(quality.data());
  for (std::size_t i = 0; i < quality.size(); ++i) phred.counts[(i & 3) * 256 + q[i]] += times;
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
