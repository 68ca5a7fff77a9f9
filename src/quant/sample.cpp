// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/quant/sample.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <cstring>

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
  void add(std::string_view key, std::uint64_t n, std::uint64_t first) {
    const std::uint64_t h = hash(key);
    std::size_t i = static_cast<std::size_t>(h) & (slots_.size() - 1);
    for (;; i = (i + 1) & (slots_.size() - 1)) {
      Slot& s = slots_[i];
      if (s.index == 0) break;
      if (s.hash == h && entries_[s.index - 1].key == key) {
        Entry& e = entries_[s.index - 1];
        e.count += n;
        e.first = std::min(e.first, first);
        return;
      }
    }
    entries_.push_back({std::string(key), n, first});
    slots_[i] = {h, static_cast<std::uint32_t>(entries_.size())};
    if (entries_.size() * 2 > slots_.size()) grow();
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

struct Worker {
  CountMap counts;  // insert, or insert + '#' + UMI
  ReadQc qc;
  PhredLanes phred;  // folded into qc.phred when the sample is done
  std::string buf;
  std::string key;

  void process(std::string_view raw, std::string_view quality, std::uint64_t record, const AdapterFinder* finder, const TrimOptions& o,
               int umi_length, int adapter_length) {
    ++qc.reads;
    buf.resize(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) buf[i] = kBases.map[static_cast<unsigned char>(raw[i])];
    if (o.qc) mirtrace(quality, o.qc_adapter);
    const int n = static_cast<int>(buf.size());
    const int at = finder != nullptr ? finder->find(buf) : -1;
    const int len = at >= 0 ? at : n;
    if (at >= 0) ++qc.adapter_found;
    if (qc.length_histogram.size() <= static_cast<std::size_t>(len)) qc.length_histogram.resize(static_cast<std::size_t>(len) + 1, 0);
    ++qc.length_histogram[static_cast<std::size_t>(len)];
    if (len < o.min_length) {
      ++qc.too_short;
      return;
    }
    if (len > o.max_length) {
      ++qc.too_long;
      return;
    }
    const std::string_view insert(buf.data(), static_cast<std::size_t>(len));
    if (insert.find('N') != std::string_view::npos) {
      ++qc.with_n;
      return;
    }
    if (umi_length > 0) {
      if (at < 0 || at + adapter_length + umi_length > n) {
        ++qc.no_umi;
        return;
      }
      key.assign(insert);
      key.push_back('#');
      key.append(buf, static_cast<std::size_t>(at + adapter_length), static_cast<std::size_t>(umi_length));
      count(counts, key, record);
    } else {
      count(counts, insert, record);
    }
  }

  void mirtrace(std::string_view quality, std::string_view adapter) {
    int len = 0;
    const QcStatus st = mirtrace_status(buf, quality, adapter, len, phred);
    ++qc.mirtrace_status[static_cast<std::size_t>(st)];
    if (qc.mirtrace_length.size() <= static_cast<std::size_t>(len)) qc.mirtrace_length.resize(static_cast<std::size_t>(len) + 1, 0);
    ++qc.mirtrace_length[static_cast<std::size_t>(len)];
  }
};

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
  // the caller throttles (core::Progress): each chunk only reports its count
  auto maybe_progress = [&] {
    if (progress) progress(chunker.records_so_far());
  };

  if (threads == 1) {
    FastqChunk chunk;
    Worker& w = workers[0];
    while (chunker.next(chunk)) {
      parse_chunk(chunk, path, [&](const FastqRecord& r) { w.process(r.sequence, r.quality, r.number, f, o, umi_length, adapter_length); });
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
            parse_chunk(*chunk, path, [&](const FastqRecord& r) { w.process(r.sequence, r.quality, r.number, f, o, umi_length, adapter_length); });
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
