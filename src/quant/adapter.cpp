// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/quant/adapter.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <unordered_map>

#include "detail/bases.hpp"
#include "lscmir/core/error.hpp"

namespace lscmir::quant {

const std::vector<AdapterSpec>& adapter_presets() {
  static const std::vector<AdapterSpec> kPresets = {
      {"truseq", "TGGAATTCTCGGGTGCCAAGG", 0},
      {"neb", "AGATCGGAAGAGCACACGTCT", 0},
      {"qiaseq", "AACTGTAGGCACCATCAAT", 12},
      {"illumina-old", "ATCTCGTATGCC", 0},
  };
  return kPresets;
}

AdapterSpec parse_adapter(const std::string& text, const std::string& flag) {
  for (const auto& p : adapter_presets())
    if (p.name == text) return p;
  std::string seq;
  for (char c : text) {
    char u = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (u == 'U') u = 'T';
    if (u != 'A' && u != 'C' && u != 'G' && u != 'T') {
      std::string names;
      for (const auto& p : adapter_presets()) names += ", " + p.name;
      throw core::UsageError(flag + " \"" + text + "\": expected a preset (auto" + names + ") or an adapter sequence of A, C, G, T");
    }
    seq.push_back(u);
  }
  if (seq.size() < 6) throw core::UsageError(flag + " \"" + text + "\": an adapter sequence needs at least 6 nucleotides");
  return {"custom", seq, 0};
}

AdapterFinder::AdapterFinder(std::string adapter, double max_error_rate, int min_overlap)
    : adapter_(std::move(adapter)), min_overlap_(std::max(1, min_overlap)) {
  padded_adapter_ = adapter_ + std::string(16, '\0');
  max_errors_.resize(adapter_.size() + 1);
  for (std::size_t k = 0; k <= adapter_.size(); ++k)
    max_errors_[k] = static_cast<int>(std::floor(max_error_rate * static_cast<double>(k) + 1e-9));
}

namespace {
inline std::uint64_t load8(const char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
/// Number of differing bytes among the low `bytes` bytes of a ^ b.
inline int differing_bytes(std::uint64_t x, int bytes) {
  x |= x >> 4;
  x |= x >> 2;
  x |= x >> 1;
  x &= 0x0101010101010101ULL;
  if (bytes < 8) x &= (std::uint64_t{1} << (8 * bytes)) - 1;
  return static_cast<int>((x * 0x0101010101010101ULL) >> 56);  // sum of the 0/1 bytes, no popcnt needed
}
}  // namespace

int AdapterFinder::find(std::string_view read) const {
  const int n = static_cast<int>(read.size());
  const int a = static_cast<int>(adapter_.size());
  // Compare 8 nucleotides at a time; both sides are padded so that loads never leave the buffers.
  thread_local std::string padded;
  padded.assign(read);
  padded.append(16, '\0');
  const char* r = padded.data();
  const char* ad = padded_adapter_.data();
  for (int i = 0; i + min_overlap_ <= n; ++i) {
    const int overlap = std::min(a, n - i);
    const int allowed = max_errors_[static_cast<std::size_t>(overlap)];
    int errors = 0;
    for (int w = 0; w < overlap && errors <= allowed; w += 8)
      errors += differing_bytes(load8(r + i + w) ^ load8(ad + w), std::min(8, overlap - w));
    if (errors <= allowed) return i;
  }
  return -1;
}

namespace {
constexpr int kDetectK = 10;
using detail::base_code;
}  // namespace

AdapterDetection detect_adapter(const std::vector<std::string>& reads, double min_fraction) {
  AdapterDetection d;
  d.reads = reads.size();
  std::size_t best = 0;
  for (std::size_t p = 0; p < adapter_presets().size(); ++p) {
    const std::string probe = adapter_presets()[p].sequence.substr(0, kDetectK);
    std::uint64_t n = 0;
    for (const auto& r : reads)
      if (r.find(probe) != std::string::npos) ++n;
    d.preset_support.emplace_back(adapter_presets()[p].name, n);
    if (n > d.preset_support[best].second) best = p;
  }
  const double need = std::max(1.0, min_fraction * static_cast<double>(reads.size()));
  if (!reads.empty() && static_cast<double>(d.preset_support[best].second) >= need) {
    d.spec = adapter_presets()[best];
    d.support = d.preset_support[best].second;
    return d;
  }
  // De novo: small RNA inserts are ~22 nt, so the adapter dominates read positions >= 15.
  // Per 10-mer: reads seen, and the sum of its positions.
  std::unordered_map<std::uint32_t, std::pair<std::uint64_t, std::uint64_t>> counts;
  for (const auto& r : reads) {
    for (std::size_t i = 15; i + kDetectK <= r.size(); ++i) {
      std::uint32_t code = 0;
      bool ok = true;
      for (int j = 0; j < kDetectK && ok; ++j) {
        const int b = base_code(r[i + static_cast<std::size_t>(j)]);
        ok = b >= 0;
        code = (code << 2) | static_cast<std::uint32_t>(std::max(b, 0));
      }
      if (ok) {
        auto& c = counts[code];
        ++c.first;
        c.second += i;
      }
    }
  }
  std::uint64_t max_n = 0;
  for (const auto& [code, c] : counts) max_n = std::max(max_n, c.first);
  if (static_cast<double>(max_n) < need) return d;  // nothing stands out: no adapter
  // Every 10-mer inside the adapter is about as frequent; its start is the one found leftmost.
  std::uint32_t top = 0;
  std::uint64_t top_n = 0;
  double top_pos = 1e300;
  for (const auto& [code, c] : counts) {
    if (static_cast<double>(c.first) < 0.9 * static_cast<double>(max_n)) continue;
    const double mean_pos = static_cast<double>(c.second) / static_cast<double>(c.first);
    if (mean_pos < top_pos || (mean_pos == top_pos && code < top)) top = code, top_n = c.first, top_pos = mean_pos;
  }
  std::string seq(kDetectK, 'A');
  for (int j = kDetectK - 1; j >= 0; --j) {
    seq[static_cast<std::size_t>(j)] = "ACGT"[top & 3u];
    top >>= 2;
  }
  // Low-complexity winners (poly-A tails, N runs) are not adapters.
  std::array<int, 4> comp{};
  for (char c : seq) ++comp[static_cast<std::size_t>(base_code(c))];
  if (*std::max_element(comp.begin(), comp.end()) >= kDetectK - 2) return d;
  // Extend 3' while one base follows the current sequence in >= 70% of the reads holding it.
  while (seq.size() < 24) {
    std::array<std::uint64_t, 4> next{};
    std::uint64_t holding = 0;
    for (const auto& r : reads) {
      const std::size_t p = r.find(seq, 15);
      if (p == std::string::npos || p + seq.size() >= r.size()) continue;
      const int b = base_code(r[p + seq.size()]);
      if (b < 0) continue;
      ++holding;
      ++next[static_cast<std::size_t>(b)];
    }
    const auto it = std::max_element(next.begin(), next.end());
    if (holding < 10 || static_cast<double>(*it) < 0.7 * static_cast<double>(holding)) break;
    seq.push_back("ACGT"[it - next.begin()]);
  }
  d.spec = {"de-novo", seq, 0};
  d.support = top_n;
  d.de_novo = true;
  return d;
}

}  // namespace lscmir::quant
