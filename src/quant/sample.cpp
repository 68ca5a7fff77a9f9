// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/quant/sample.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <cstring>
#include <filesystem>

#include "lscmir/core/error.hpp"
#include "lscmir/quant/fastq.hpp"
#include "lscmir/quant/qc.hpp"

namespace lscmir::quant {

namespace {

/// Upper-case ACGT, anything else N.
struct BaseTable {
  char map[256];
  BaseTable() {
    for (int i = 0; i < 256; ++i) map[i] = 'N';
    for (const char* p = "ACGT"; *p != 0; ++p) {
      map[static_cast<unsigned char>(*p)] = *p;
      map[static_cast<unsigned char>(std::tolower(*p))] = *p;
    }
    map[static_cast<unsigned char>('U')] = 'T';
    map[static_cast<unsigned char>('u')] = 'T';
  }
};
const BaseTable kBases;

/// Sequence -> reads, open addressing with linear probing over a power-of-two slot array that
/// holds each key's hash: most lookups touch one compact slot and one key (std::unordered_map
/// walks a node chain after a division by a prime, which dominated the profile).
class CountMap {
 public:
  struct Entry {
    std::string key;
    std::uint64_t count;
    std::uint64_t first;  // 1-based number of the first read with this key (miRTrace's complexity curve)
  };
  CountMap() { slots_.assign(kInitial, Slot{}); }
  /// Adds n reads to key's entry (made if new); returns the entry's index.
  std::uint32_t add(std::string_view key, std::uint64_t n, std::uint64_t first) {
    const std::uint64_t h = hash(key);
    std::size_t i = static_cast<std::size_t>(h) & (slots_.size() - 1);
    for (;; i = (i + 1) & (slots_.size() - 1)) {
      Slot& s = slots_[i];
      if (s.index == 0) break;
      if (s.hash == h && entries_[s.index - 1].key == key) {
        add_to(s.index - 1, n, first);
        return s.index - 1;
      }
    }
    entries_.push_back({std::string(key), n, first});
    slots_[i] = {h, static_cast<std::uint32_t>(entries_.size())};
    if (entries_.size() * 2 > slots_.size()) grow();
    return static_cast<std::uint32_t>(entries_.size() - 1);
  }
  void add_to(std::uint32_t index, std::uint64_t n, std::uint64_t first) {
    Entry& e = entries_[index];
    e.count += n;
    e.first = std::min(e.first, first);
  }
  std::vector<Entry>& entries() { return entries_; }
  std::size_t size() const { return entries_.size(); }

 private:
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t index = 0;  // 1-based into entries_, 0 = empty
  };
  static constexpr std::size_t kInitial = 1 << 12;
  static std::uint64_t hash(std::string_view s) {
    // FNV-1a over 8-byte words, then a murmur-style finalizer.
    std::uint64_t h = 0xcbf29ce484222325ULL ^ s.size();
    std::size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
      std::uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      h = (h ^ w) * 0x100000001b3ULL;
      h ^= h >> 29;
    }
    for (; i < s.size(); ++i) h = (h ^ static_cast<unsigned char>(s[i])) * 0x100000001b3ULL;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
  }
  void grow() {
    std::vector<Slot> bigger(slots_.size() * 2);
    for (const Slot& s : slots_) {
      if (s.index == 0) continue;
      std::size_t i = static_cast<std::size_t>(s.hash) & (bigger.size() - 1);
      while (bigger[i].index != 0) i = (i + 1) & (bigger.size() - 1);
      bigger[i] = s;
    }
    slots_.swap(bigger);
  }
  std::vector<Slot> slots_;
  std::vector<Entry> entries_;
};

inline void count(CountMap& m, std::string_view key, std::uint64_t record) { m.add(key, 1, record); }

/// Bytes [0, n) of p, n >= 8, as words: the full words, then the last 8 bytes (overlapping).
inline std::uint64_t word_at(const char* p) {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}
inline bool same_bytes(const char* a, const char* b, std::size_t n) {
  std::uint64_t diff = word_at(a + n - 8) ^ word_at(b + n - 8);
  for (std::size_t i = 0; i + 8 < n; i += 8) diff |= word_at(a + i) ^ word_at(b + i);
  return diff == 0;
}
/// Slot index of a key of 8..64 bytes: the top bits of a sum of independent word products.
inline std::uint64_t memo_hash(const char* p, std::size_t n) {
  static constexpr std::uint64_t k[9] = {0x9E3779B97F4A7C15ULL, 0xC2B2AE3D27D4EB4FULL, 0x165667B19E3779F9ULL,
                                         0xD6E8FEB86659FD93ULL, 0xFF51AFD7ED558CCDULL, 0xC4CEB9FE1A85EC53ULL,
                                         0x94D049BB133111EBULL, 0xBF58476D1CE4E5B9ULL, 0x8CB92BA72F3D8DD7ULL};
  std::uint64_t h = (n + 1) * 0xA0761D6478BD642FULL + word_at(p + n - 8) * k[8];
  for (std::size_t i = 0, j = 0; i + 8 < n; i += 8, ++j) h += word_at(p + i) * k[j];
  return h;
}

/// A direct-mapped memo of keys of 8..64 bytes, per worker and sample: small-RNA libraries repeat
/// the same reads, and the same quality strings, millions of times, and what a read's sequence
/// (or its qualities) decides need not be worked out again. A slot holds the last key that mapped
/// to it. It switches itself off when fewer than a quarter of its first 2^16 lookups hit (reads or
/// qualities that hardly repeat), so that it costs next to nothing there. Results never depend on it.
/// 2^bits slots of 128 bytes, sized to the file (memo_bits): a small file gets a small memo.
template <class Value>
class Memo {
 public:
  struct alignas(64) Slot {
    std::uint8_t length = 0;  // 0: empty
    char key[64];
    Value value;
  };
  void resize(unsigned bits) {
    bits_ = bits;
    slots_.assign(std::size_t{1} << bits, Slot{});
  }
  static bool fits(std::size_t n) { return n >= 8 && n <= 64; }
  bool on() const { return on_; }
  /// The slot a key (that fits) maps to, its cache lines requested.
  Slot* find(const char* key, std::size_t n) {
    Slot* s = &slots_[static_cast<std::size_t>(memo_hash(key, n) >> (64 - bits_))];
    __builtin_prefetch(s);
    __builtin_prefetch(reinterpret_cast<const char*>(s) + 64);
    return s;
  }
  /// Whether the slot holds this key (counted for the switch-off trial).
  bool holds(const Slot& s, const char* key, std::size_t n) {
    const bool hit = s.length == n && same_bytes(s.key, key, n);
    if (lookups_ < kTrial) {
      hits_ += hit ? 1 : 0;
      if (++lookups_ == kTrial && hits_ * 4 < kTrial) on_ = false;
    }
    return hit;
  }
  static void install(Slot& s, const char* key, std::size_t n, const Value& v) {
    s.length = static_cast<std::uint8_t>(n);
    std::memcpy(s.key, key, n);
    s.value = v;
  }
  std::vector<Slot>& slots() { return slots_; }

 private:
  static constexpr std::uint64_t kTrial = 1 << 16;
  unsigned bits_ = 0;
  std::vector<Slot> slots_;
  std::uint64_t lookups_ = 0, hits_ = 0;
  bool on_ = true;
};

/// What a read's sequence decides: its fate in the counting (and the count entry it adds to), the
/// counting insert length, and miRTrace's status and insert length once the phred test has passed;
/// and, in the memo, the reads carrying it not yet added to the count entry.
struct ReadOutcome {
  enum Fate : std::uint8_t { kTooShort, kTooLong, kWithN, kNoUmi, kCounted };
  Fate fate = kTooShort;
  bool adapter_found = false;
  QcStatus qc_status = QcStatus::kOk;
  std::uint16_t length = 0, qc_length = 0;
  std::uint32_t entry = 0;
  std::uint64_t pending = 0;
};

/// Quality strings seen, and how many reads carried them since their phred scores were last added.
struct QualityTally {
  std::uint64_t reads = 0;
  bool low_phred = false;
};

/// The per-read context of one sample.
struct ReadRules {
  const AdapterFinder* finder = nullptr;
  const TrimOptions* o = nullptr;
  int umi_length = 0, adapter_length = 0;
};

struct Worker {
  CountMap counts;  // insert, or insert + '#' + UMI
  ReadQc qc;
  PhredLanes phred;  // folded into qc.phred when the sample is done
  std::string buf;
  std::string key;
  using ReadMemo = Memo<ReadOutcome>;
  using QualityMemo = Memo<QualityTally>;
  ReadMemo reads;
  QualityMemo qualities;
  ReadRules rules;
  /// Records are taken in batches: the memo slots of the whole batch are requested first, so that
  /// their cache misses overlap.
  static constexpr std::size_t kBatch = 16;
  struct Queued {
    std::string_view seq, qual;
    std::uint64_t record;
    ReadMemo::Slot* read_slot;
    QualityMemo::Slot* quality_slot;
  };
  std::array<Queued, kBatch> batch;
  std::size_t queued = 0;

  /// Queues a record; its views must stay valid until end_chunk().
  void take(const FastqRecord& r) {
    Queued& q = batch[queued++];
    q.seq = r.sequence;
    q.qual = r.quality.substr(0, std::min<std::size_t>(r.sequence.size(), kQcReadCap));
    q.record = r.number;
    q.read_slot = reads.on() && ReadMemo::fits(q.seq.size()) ? reads.find(q.seq.data(), q.seq.size()) : nullptr;
    q.quality_slot = rules.o->qc && qualities.on() && QualityMemo::fits(q.qual.size()) ? qualities.find(q.qual.data(), q.qual.size()) : nullptr;
    if (queued == kBatch) end_chunk();
  }
  /// Processes the queued records (at the end of each chunk, and of each batch).
  void end_chunk() {
    for (std::size_t i = 0; i < queued; ++i) process(batch[i]);
    queued = 0;
  }

  void process(const Queued& q) {
    ++qc.reads;
    const bool low_phred = rules.o->qc && phred_of(q.qual, q.quality_slot);
    if (q.read_slot != nullptr) {
      ReadMemo::Slot& s = *q.read_slot;
      if (!reads.holds(s, q.seq.data(), q.seq.size())) {
        flush(s);
        ReadMemo::install(s, q.seq.data(), q.seq.size(), decide(q.seq, q.record));
      }
      tally(s.value, low_phred, q.seq.size());
      ++s.value.pending;
      return;
    }
    ReadOutcome r = decide(q.seq, q.record);
    tally(r, low_phred, q.seq.size());
    r.pending = 1;
    add_pending(r);
  }

  /// Works out what the sequence decides. A new insert's count entry is made with 0 reads and this
  /// record as its first read; the reads are added from the outcome's pending count.
  ReadOutcome decide(std::string_view raw, std::uint64_t record) {
    const TrimOptions& o = *rules.o;
    ReadOutcome r;
    buf.resize(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) buf[i] = kBases.map[static_cast<unsigned char>(raw[i])];
    if (o.qc) {
      int len = 0;
      const std::string_view capped(buf.data(), std::min<std::size_t>(buf.size(), kQcReadCap));
      r.qc_status = mirtrace_status_after_phred(capped, o.qc_adapter, len);
      r.qc_length = static_cast<std::uint16_t>(len);
    }
    const int n = static_cast<int>(buf.size());
    const int at = rules.finder != nullptr ? rules.finder->find(buf) : -1;
    const int len = at >= 0 ? at : n;
    r.adapter_found = at >= 0;
    r.length = static_cast<std::uint16_t>(len);
    if (len < o.min_length) return r;
    r.fate = ReadOutcome::kTooLong;
    if (len > o.max_length) return r;
    const std::string_view insert(buf.data(), static_cast<std::size_t>(len));
    r.fate = ReadOutcome::kWithN;
    if (insert.find('N') != std::string_view::npos) return r;
    if (rules.umi_length > 0) {
      r.fate = ReadOutcome::kNoUmi;
      if (at < 0 || at + rules.adapter_length + rules.umi_length > n) return r;
      key.assign(insert);
      key.push_back('#');
      key.append(buf, static_cast<std::size_t>(at + rules.adapter_length), static_cast<std::size_t>(rules.umi_length));
      r.entry = counts.add(key, 0, record);
    } else {
      r.entry = counts.add(insert, 0, record);
    }
    r.fate = ReadOutcome::kCounted;
    return r;
  }

  /// Adds one read with this outcome to the QC tallies (its count goes to the outcome's pending).
  void tally(const ReadOutcome& r, bool low_phred, std::size_t read_length) {
    if (rules.o->qc) {
      const QcStatus st = low_phred ? QcStatus::kLowPhred : r.qc_status;
      const std::size_t len = low_phred ? std::min<std::size_t>(read_length, kQcReadCap) : r.qc_length;
      ++qc.mirtrace_status[static_cast<std::size_t>(st)];
      if (qc.mirtrace_length.size() <= len) qc.mirtrace_length.resize(len + 1, 0);
      ++qc.mirtrace_length[len];
    }
    if (r.adapter_found) ++qc.adapter_found;
    if (qc.length_histogram.size() <= r.length) qc.length_histogram.resize(std::size_t{r.length} + 1, 0);
    ++qc.length_histogram[r.length];
  }
  /// Adds an outcome's pending reads to their fate (the count entry, or a drop counter).
  void add_pending(ReadOutcome& r) {
    switch (r.fate) {
      case ReadOutcome::kTooShort: qc.too_short += r.pending; break;
      case ReadOutcome::kTooLong: qc.too_long += r.pending; break;
      case ReadOutcome::kWithN: qc.with_n += r.pending; break;
      case ReadOutcome::kNoUmi: qc.no_umi += r.pending; break;
      case ReadOutcome::kCounted: counts.add_to(r.entry, r.pending, UINT64_MAX); break;
    }
    r.pending = 0;
  }
  void flush(ReadMemo::Slot& s) {
    if (s.length > 0) add_pending(s.value);
  }

  /// The phred test of a read's first (<= 50) qualities, their scores tallied (added to the lanes
  /// once per distinct quality string while it stays in the memo).
  bool phred_of(std::string_view q, QualityMemo::Slot* slot) {
    if (slot == nullptr) {
      add_phred(phred, q, 1);
      return mirtrace_low_phred(q, q.size());
    }
    QualityMemo::Slot& s = *slot;
    if (!qualities.holds(s, q.data(), q.size())) {
      flush(s);
      QualityMemo::install(s, q.data(), q.size(), {0, mirtrace_low_phred(q, q.size())});
    }
    ++s.value.reads;
    return s.value.low_phred;
  }
  void flush(QualityMemo::Slot& s) {
    if (s.length > 0 && s.value.reads > 0) add_phred(phred, std::string_view(s.key, s.length), s.value.reads);
    s.value.reads = 0;
  }
  /// Adds what the memos still hold (the sample is done).
  void finish() {
    for (auto& s : reads.slots()) flush(s);
    for (auto& s : qualities.slots()) flush(s);
  }
};

/// log2 of the read memo's slots: about one per 16 reads the file may hold (gzip: ~25 bytes a
/// read, plain text: ~100), from 2^10 to 2^16 (8 MiB), so that many small samples do not each
/// clear a large table.
unsigned memo_bits(const std::string& path, bool gzipped) {
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(path, ec);
  if (ec) return 16;
  const std::uintmax_t reads = bytes / (gzipped ? 25 : 100);
  unsigned bits = 10;
  while (bits < 16 && (std::uintmax_t{16} << bits) < reads) ++bits;
  return bits;
}

/// A bounded queue of chunks between the reader and the workers.
class ChunkQueue {
 public:
  explicit ChunkQueue(std::size_t capacity) : capacity_(capacity) {}
  /// Returns false when the queue was aborted (a worker failed): the reader stops.
  bool push(FastqChunk&& c) {
    std::unique_lock<std::mutex> lock(m_);
    not_full_.wait(lock, [&] { return q_.size() < capacity_ || closed_; });
    if (closed_) return false;
    q_.push_back(std::move(c));
    not_empty_.notify_one();
    return true;
  }
  std::optional<FastqChunk> pop() {
    std::unique_lock<std::mutex> lock(m_);
    not_empty_.wait(lock, [&] { return !q_.empty() || closed_ || done_; });
    if (q_.empty()) return std::nullopt;
    FastqChunk c = std::move(q_.front());
    q_.pop_front();
    not_full_.notify_one();
    return c;
  }
  void finish() {  // no more chunks
    std::lock_guard<std::mutex> lock(m_);
    done_ = true;
    not_empty_.notify_all();
  }
  void abort() {  // an error: everyone stops
    std::lock_guard<std::mutex> lock(m_);
    closed_ = true;
    q_.clear();
    not_empty_.notify_all();
    not_full_.notify_all();
  }

 private:
  std::size_t capacity_;
  std::deque<FastqChunk> q_;
  std::mutex m_;
  std::condition_variable not_empty_, not_full_;
  bool done_ = false, closed_ = false;
};

}  // namespace

CollapsedReads collapse_fastq(const std::string& path, const TrimOptions& o, const std::function<void(std::uint64_t)>& progress) {
  std::optional<AdapterFinder> finder;
  if (!o.adapter.sequence.empty()) finder.emplace(o.adapter.sequence, o.max_error_rate, o.min_overlap);
  const int umi_length = o.umi_length >= 0 ? o.umi_length : o.adapter.umi_length;
  const int adapter_length = static_cast<int>(o.adapter.sequence.size());
  const AdapterFinder* f = finder ? &*finder : nullptr;

  FastqChunker chunker(path);
  const int threads = std::max(1, o.threads);
  // The reader (inflate with ISA-L) takes a small share of the work, so it runs beside N workers.
  const int n_workers = threads;
  std::vector<Worker> workers(static_cast<std::size_t>(n_workers));
  const unsigned bits = memo_bits(path, chunker.gzipped());
  for (Worker& w : workers) {
    w.reads.resize(bits);
    w.qualities.resize(bits - 2);
    w.rules = {f, &o, umi_length, adapter_length};
  }
  // the caller throttles (core::Progress): each chunk only reports its count
  auto maybe_progress = [&] {
    if (progress) progress(chunker.records_so_far());
  };

  if (threads == 1) {
    FastqChunk chunk;
    Worker& w = workers[0];
    while (chunker.next(chunk)) {
      parse_chunk(chunk, path, [&](const FastqRecord& r) { w.take(r); });
      w.end_chunk();
      maybe_progress();
    }
  } else {
    ChunkQueue queue(static_cast<std::size_t>(2 * n_workers + 1));
    std::mutex err_m;
    std::exception_ptr first_error;
    std::uint64_t first_error_record = UINT64_MAX;
    auto record_error = [&](std::exception_ptr e, std::uint64_t record) {
      std::lock_guard<std::mutex> lock(err_m);
      if (record < first_error_record) {  // the earliest problem in the file is the one reported
        first_error = std::move(e);
        first_error_record = record;
      }
    };
    std::vector<std::thread> pool;
    for (int t = 0; t < n_workers; ++t) {
      pool.emplace_back([&, t] {
        Worker& w = workers[static_cast<std::size_t>(t)];
        while (auto chunk = queue.pop()) {
          try {
            parse_chunk(*chunk, path, [&](const FastqRecord& r) { w.take(r); });
            w.end_chunk();
          } catch (...) {
            record_error(std::current_exception(), chunk->first_record);
            queue.abort();
            return;
          }
        }
      });
    }
    try {
      FastqChunk chunk;
      while (chunker.next(chunk)) {
        if (!queue.push(std::move(chunk))) break;
        chunk = FastqChunk{};
        maybe_progress();
      }
    } catch (...) {
      record_error(std::current_exception(), chunker.records_so_far() + 1);
    }
    queue.finish();
    for (auto& th : pool) th.join();
    if (first_error) std::rethrow_exception(first_error);
  }

  // Merge the workers (sums, so the result does not depend on how chunks were shared).
  CollapsedReads out;
  ReadQc& qc = out.qc;
  for (Worker& w : workers) w.finish();
  CountMap merged = std::move(workers[0].counts);
  for (std::size_t t = 0; t < workers.size(); ++t) {
    workers[t].phred.add_to(workers[t].qc.phred);
    const ReadQc& q = workers[t].qc;
    qc.reads += q.reads;
    qc.adapter_found += q.adapter_found;
    qc.too_short += q.too_short;
    qc.too_long += q.too_long;
    qc.with_n += q.with_n;
    qc.no_umi += q.no_umi;
    if (qc.length_histogram.size() < q.length_histogram.size()) qc.length_histogram.resize(q.length_histogram.size(), 0);
    for (std::size_t i = 0; i < q.length_histogram.size(); ++i) qc.length_histogram[i] += q.length_histogram[i];
    if (qc.mirtrace_length.size() < q.mirtrace_length.size()) qc.mirtrace_length.resize(q.mirtrace_length.size(), 0);
    for (std::size_t i = 0; i < q.mirtrace_length.size(); ++i) qc.mirtrace_length[i] += q.mirtrace_length[i];
    for (std::size_t i = 0; i < q.mirtrace_status.size(); ++i) qc.mirtrace_status[i] += q.mirtrace_status[i];
    for (std::size_t i = 0; i < q.phred.size(); ++i) qc.phred[i] += q.phred[i];
    if (t > 0)
      for (auto& e : workers[t].counts.entries()) merged.add(e.key, e.count, e.first);
    workers[t].counts = {};
  }
  std::uint64_t kept_reads = 0;
  if (umi_length > 0) {
    CountMap by_insert;
    for (const auto& e : merged.entries()) {
      kept_reads += e.count;
      count(by_insert, std::string_view(e.key).substr(0, e.key.rfind('#')), e.first);
    }
    std::uint64_t molecules = 0;
    for (const auto& e : by_insert.entries()) molecules += e.count;
    qc.umi_duplicates = kept_reads - molecules;
    merged = std::move(by_insert);
  }
  std::sort(merged.entries().begin(), merged.entries().end(), [](const auto& a, const auto& b) { return a.key < b.key; });
  out.sequences.reserve(merged.size());
  out.first_read.reserve(merged.size());
  for (auto& e : merged.entries()) {
    out.sequences.emplace_back(std::move(e.key), e.count);
    out.first_read.push_back(e.first);
  }
  for (const auto& s : out.sequences) qc.kept += s.second;
  qc.unique_sequences = out.sequences.size();
  return out;
}

std::vector<std::string> first_sequences(const std::string& path, std::size_t max_records) {
  std::vector<std::string> out;
  FastqChunker chunker(path, std::size_t{1} << 20);
  FastqChunk chunk;
  while (out.size() < max_records && chunker.next(chunk)) {
    parse_chunk(chunk, path, [&](const FastqRecord& r) {
      if (out.size() >= max_records) return;
      std::string s(r.sequence);
      for (char& c : s) c = kBases.map[static_cast<unsigned char>(c)];
      out.push_back(std::move(s));
    });
  }
  return out;
}

}  // namespace lscmir::quant
