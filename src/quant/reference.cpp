// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/quant/reference.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "detail/bases.hpp"
#include "lscmir/core/error.hpp"
#include "lscmir/io/fasta.hpp"
#include "lscmir/io/table.hpp"

namespace lscmir::quant {

namespace {

std::string to_dna(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    char u = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (u == 'U') u = 'T';
    if (u != 'A' && u != 'C' && u != 'G' && u != 'T') u = 'N';
    out.push_back(u);
  }
  return out;
}

std::string species_of(const std::string& name) {
  const auto p = name.find('-');
  return p == std::string::npos ? std::string() : name.substr(0, p);
}

bool keep_species(const std::string& name, const std::string& species) {
  return species.empty() || name.rfind(species + "-", 0) == 0;
}

/// miRBase GFF3: mature name -> names and accessions of the hairpins it derives from.
std::unordered_map<std::string, std::set<std::string>> read_gff3_parents(const std::string& path) {
  const std::string text = io::read_text_file(path);
  std::unordered_map<std::string, std::string> id_to_name;
  std::vector<std::pair<std::string, std::string>> derives;  // mature name, parent ID
  std::size_t pos = 0, line_no = 0;
  while (pos < text.size()) {
    const std::size_t nl = text.find('\n', pos);
    std::string_view line(text.data() + pos, (nl == std::string::npos ? text.size() : nl) - pos);
    pos = nl == std::string::npos ? text.size() : nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    std::vector<std::string_view> f;
    std::size_t b = 0;
    for (;;) {
      const std::size_t t = line.find('\t', b);
      f.push_back(line.substr(b, t == std::string_view::npos ? std::string_view::npos : t - b));
      if (t == std::string_view::npos) break;
      b = t + 1;
    }
    if (f.size() != 9)
      throw core::InputError(path, line_no, "expected 9 tab-separated GFF3 columns, found " + std::to_string(f.size()));
    std::map<std::string, std::string, std::less<>> attr;
    std::size_t a = 0;
    const std::string_view at = f[8];
    while (a < at.size()) {
      const std::size_t sc = at.find(';', a);
      const std::string_view kv = at.substr(a, sc == std::string_view::npos ? std::string_view::npos : sc - a);
      a = sc == std::string_view::npos ? at.size() : sc + 1;
      const std::size_t eq = kv.find('=');
      if (eq != std::string_view::npos) attr[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
    }
    if (f[2] == "miRNA_primary_transcript") {
      if (attr.count("ID") && attr.count("Name")) id_to_name[attr["ID"]] = attr["Name"];
    } else if (f[2] == "miRNA") {
      if (!attr.count("Name") || !attr.count("Derives_from"))
        throw core::InputError(path, line_no, "a miRNA feature needs Name= and Derives_from= attributes");
      derives.emplace_back(attr["Name"], attr["Derives_from"]);
    }
  }
  std::unordered_map<std::string, std::set<std::string>> out;
  for (const auto& [mature, parent] : derives) {
    out[mature].insert(parent);
    const auto it = id_to_name.find(parent);
    if (it != id_to_name.end()) out[mature].insert(it->second);
  }
  return out;
}

}  // namespace

std::vector<FastaEntry> parse_fasta(std::string_view text, const std::string& path) {
  io::FastaOptions options;
  options.unique_names = true;
  std::vector<FastaEntry> out;
  for (auto& r : io::parse_fasta(text, path, options)) {
    if (r.sequence.empty()) throw core::InputError(path, r.line, "FASTA entry \"" + r.name + "\" has no sequence");
    for (std::size_t i = 0; i < r.sequence.size(); ++i) {
      const char c = r.sequence[i];
      if (!std::isalpha(static_cast<unsigned char>(c)) && c != '-' && c != '*')
        throw core::InputError(path, r.line_of(i), std::string("unexpected character '") + c + "' in a FASTA sequence");
    }
    out.push_back({std::move(r.name), std::move(r.description), to_dna(r.sequence)});
  }
  return out;
}

Reference load_reference(const std::string& hairpin_fasta, const std::string& mature_fasta, const std::string& gff3,
                         const ReferenceOptions& options) {
  Reference ref;
  for (auto& e : parse_fasta(io::read_text_file(hairpin_fasta), hairpin_fasta)) {
    if (!keep_species(e.name, options.species)) continue;
    Hairpin h;
    h.name = std::move(e.name);
    h.accession = e.description.substr(0, e.description.find(' '));
    h.sequence = std::move(e.sequence);
    ref.hairpins.push_back(std::move(h));
  }
  if (ref.hairpins.empty())
    throw core::UsageError("no hairpin in " + hairpin_fasta + (options.species.empty() ? "" : " for --species " + options.species));
  std::unordered_map<std::string, std::set<std::string>> parents;
  if (!gff3.empty()) parents = read_gff3_parents(gff3);

  std::unordered_map<std::string, std::vector<std::uint32_t>> by_species;
  std::unordered_map<std::string, std::uint32_t> by_name;
  for (std::uint32_t h = 0; h < ref.hairpins.size(); ++h) {
    by_species[species_of(ref.hairpins[h].name)].push_back(h);
    by_name[ref.hairpins[h].name] = h;
    if (!ref.hairpins[h].accession.empty()) by_name[ref.hairpins[h].accession] = h;
  }
  // Every 12-mer of every hairpin, for placing matures without a GFF3.
  constexpr std::size_t kSeedLength = 12;
  std::unordered_map<std::string_view, std::vector<std::pair<std::uint32_t, std::size_t>>> seeds;
  {
    for (std::uint32_t h = 0; h < ref.hairpins.size(); ++h) {
      const std::string& hs = ref.hairpins[h].sequence;
      for (std::size_t p = 0; p + kSeedLength <= hs.size(); ++p) seeds[std::string_view(hs).substr(p, kSeedLength)].emplace_back(h, p);
    }
  }
  for (auto& e : parse_fasta(io::read_text_file(mature_fasta), mature_fasta)) {
    if (!keep_species(e.name, options.species)) continue;
    const auto m = static_cast<std::uint32_t>(ref.mature_names.size());
    std::vector<std::uint32_t> candidates;
    const auto pit = parents.find(e.name);
    if (pit != parents.end()) {
      std::set<std::uint32_t> c;
      for (const auto& p : pit->second) {
        const auto it = by_name.find(p);
        if (it != by_name.end()) c.insert(it->second);
      }
      candidates.assign(c.begin(), c.end());
    } else if (e.sequence.size() < kSeedLength) {
      const auto it = by_species.find(species_of(e.name));
      if (it != by_species.end()) candidates = it->second;
    }
    bool placed = false;
    auto place = [&](std::uint32_t h, std::size_t p) {
      ref.hairpins[h].arms.push_back({m, static_cast<int>(p), static_cast<int>(p + e.sequence.size())});
      placed = true;
    };
    if (pit == parents.end() && e.sequence.size() >= kSeedLength) {
      // Seeded search: hairpins of the species holding the mature's first 12 nt.
      const auto sit = seeds.find(std::string_view(e.sequence).substr(0, kSeedLength));
      if (sit != seeds.end())
        for (const auto& [h, p] : sit->second)
          if (species_of(ref.hairpins[h].name) == species_of(e.name) &&
              ref.hairpins[h].sequence.compare(p, e.sequence.size(), e.sequence) == 0)
            place(h, p);
    } else {
      for (std::uint32_t h : candidates) {
        const std::string& hs = ref.hairpins[h].sequence;
        for (std::size_t p = hs.find(e.sequence); p != std::string::npos; p = hs.find(e.sequence, p + 1)) place(h, p);
      }
    }
    if (!placed) ++ref.unplaced_matures;
    ref.mature_names.push_back(std::move(e.name));
    ref.mature_sequences.push_back(std::move(e.sequence));
  }
  for (auto& h : ref.hairpins)
    std::sort(h.arms.begin(), h.arms.end(), [](const Arm& a, const Arm& b) { return a.start < b.start; });
  return ref;
}

namespace {
using detail::base_code;
/// 2-bit code of s[0..k), or -1 when it holds anything but ACGT.
inline std::int64_t kmer_code(const char* s, int k) {
  std::int64_t code = 0;
  for (int i = 0; i < k; ++i) {
    const int b = base_code(s[i]);
    if (b < 0) return -1;
    code = (code << 2) | b;
  }
  return code;
}
}  // namespace

HairpinIndex::HairpinIndex(const Reference& ref, int min_read_length, int max_mismatches)
    : ref_(&ref), max_mismatches_(max_mismatches) {
  k_ = std::min(10, min_read_length / (max_mismatches + 1));
  if (k_ < 4)
    throw core::UsageError("--mismatches " + std::to_string(max_mismatches) + " is too many for --min-length " +
                           std::to_string(min_read_length) + ": each of the mismatches + 1 read segments needs 4 nt");
  const std::size_t buckets = std::size_t{1} << (2 * k_);
  starts_.assign(buckets + 1, 0);
  for (int pass = 0; pass < 2; ++pass) {
    std::vector<std::uint32_t> fill;
    if (pass == 1) {
      for (std::size_t b = 0; b < buckets; ++b) starts_[b + 1] += starts_[b];
      positions_.resize(starts_[buckets]);
      fill.assign(starts_.begin(), starts_.end() - 1);
    }
    for (std::uint32_t h = 0; h < ref.hairpins.size(); ++h) {
      const std::string& s = ref.hairpins[h].sequence;
      for (std::size_t i = 0; i + static_cast<std::size_t>(k_) <= s.size(); ++i) {
        const std::int64_t c = kmer_code(s.data() + i, k_);
        if (c < 0) continue;
        if (pass == 0) ++starts_[static_cast<std::size_t>(c) + 1];
        else positions_[fill[static_cast<std::size_t>(c)]++] = (std::uint64_t{h} << 32) | i;
      }
    }
  }
}

void HairpinIndex::align(std::string_view read, std::vector<Hit>& hits) const {
  hits.clear();
  const int n = static_cast<int>(read.size());
  if (n < k_) return;
  const int segments = max_mismatches_ + 1;
  // Candidate (hairpin, offset) pairs from the exact seed of each segment.
  thread_local std::vector<std::uint64_t> cand;
  cand.clear();
  for (int s = 0; s < segments; ++s) {
    const int at = s * n / segments;
    const std::int64_t c = kmer_code(read.data() + at, k_);
    if (c < 0) continue;
    for (std::uint32_t p = starts_[static_cast<std::size_t>(c)]; p < starts_[static_cast<std::size_t>(c) + 1]; ++p) {
      const std::uint64_t pos = positions_[p];
      const auto off = static_cast<std::int64_t>(pos & 0xffffffffu) - at;
      if (off < 0) continue;
      cand.push_back((pos & ~std::uint64_t{0xffffffffu}) | static_cast<std::uint64_t>(off));
    }
  }
  std::sort(cand.begin(), cand.end());
  cand.erase(std::unique(cand.begin(), cand.end()), cand.end());
  int best = max_mismatches_;
  for (std::uint64_t c : cand) {
    const auto h = static_cast<std::uint32_t>(c >> 32);
    const auto off = static_cast<int>(c & 0xffffffffu);
    const std::string& hs = ref_->hairpins[h].sequence;
    if (off + n > static_cast<int>(hs.size())) continue;
    int mm = 0;
    for (int i = 0; i < n && mm <= best; ++i) mm += (read[static_cast<std::size_t>(i)] != hs[static_cast<std::size_t>(off + i)] ||
                                                      read[static_cast<std::size_t>(i)] == 'N');
    if (mm > best) continue;
    if (mm < best) {
      hits.clear();
      best = mm;
    }
    hits.push_back({h, off, mm});
  }
}

}  // namespace lscmir::quant
