// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/targets/scan.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <numeric>

#include "lscmir/core/parallel.hpp"

namespace lscmir::targets {

SeedIndex::SeedIndex(const std::vector<Family>& families, const SiteTypeSet& types) : families_(&families), types_(types) {
  constexpr std::uint32_t kCodes = 1u << 12;
  std::vector<std::uint32_t> core(families.size()), off(families.size());
  m8_.resize(families.size());
  m2_.resize(families.size());
  core_off_.assign(kCodes + 1, 0);
  off_off_.assign(kCodes + 1, 0);
  for (std::size_t f = 0; f < families.size(); ++f) {
    // seed[i] is miRNA nt i+2; the UTR reads the complement in reverse, so the UTR 6-mer across from
    // nt 2-7 is comp(nt7) ... comp(nt2) and the one across from nt 3-8 is comp(nt8) ... comp(nt3).
    const std::string& s = families[f].seed;
    auto comp = [&](std::size_t i) { return static_cast<std::uint32_t>(3 - nt_code(s[i])); };
    std::uint32_t c = 0, o = 0;
    for (std::size_t i = 0; i < 6; ++i) {
      c = (c << 2) | comp(5 - i);
      o = (o << 2) | comp(6 - i);
    }
    core[f] = c;
    off[f] = o;
    m8_[f] = static_cast<std::uint8_t>(comp(6));
    m2_[f] = static_cast<std::uint8_t>(comp(0));
    ++core_off_[c + 1];
    ++off_off_[o + 1];
  }
  for (std::uint32_t i = 0; i < kCodes; ++i) {
    core_off_[i + 1] += core_off_[i];
    off_off_[i + 1] += off_off_[i];
  }
  core_fam_.resize(families.size());
  off_fam_.resize(families.size());
  std::vector<std::uint32_t> fill_c(core_off_.begin(), core_off_.end() - 1), fill_o(off_off_.begin(), off_off_.end() - 1);
  for (std::uint32_t f = 0; f < families.size(); ++f) {
    core_fam_[fill_c[core[f]]++] = f;
    off_fam_[fill_o[off[f]]++] = f;
    for (const auto& sp : families[f].species) {
      auto& a = active_[sp];
      a.resize(families.size(), 0);
      a[f] = 1;
    }
  }
}

const std::uint8_t* SeedIndex::active(const std::string& species) const {
  const auto it = active_.find(species);
  return it == active_.end() ? nullptr : it->second.data();
}

namespace {

constexpr std::uint8_t kA = 0;

/// A UTR prepared as targetscan_70.pl does: T -> U (either case, to uppercase U), the first 14
/// nucleotides masked to N; then its letters (non-gap characters) with their alignment positions.
struct Letters {
  std::string prepared;               // the alignment after T->U and masking (case kept)
  std::vector<std::uint8_t> code;     // per letter: 0-3, or 4 for N and anything else
  std::vector<std::uint32_t> msa_pos; // per letter: 0-based alignment column
};

void prepare(const std::string& seq, int mask, Letters& out) {
  out.prepared = seq;
  for (char& c : out.prepared)
    if (c == 'T' || c == 't') c = 'U';
  int masked = 0;
  for (char& c : out.prepared) {
    if (masked >= mask) break;
    switch (c) {
      case 'A': case 'C': case 'G': case 'U': case 'a': case 'c': case 'g': case 'u':
        c = 'N';
        ++masked;
        break;
      default: break;
    }
  }
  out.code.clear();
  out.msa_pos.clear();
  out.code.reserve(out.prepared.size());
  out.msa_pos.reserve(out.prepared.size());
  for (std::size_t i = 0; i < out.prepared.size(); ++i) {
    const char c = out.prepared[i];
    if (c == '-') continue;
    out.code.push_back(nt_code(c));
    out.msa_pos.push_back(static_cast<std::uint32_t>(i));
  }
}

bool has_lowercase(const std::string& s, std::size_t from, std::size_t count) {
  if (from >= s.size()) return false;
  const std::size_t end = std::min(s.size(), from + count);
  for (std::size_t i = from; i < end; ++i)
    if (s[i] >= 'a' && s[i] <= 'z') return true;
  return false;
}

/// Sort key reproducing Perl's byte order of "species::MSA_start::MSA_end".
struct SiteKey {
  std::uint32_t species_rank;
  std::array<char, 24> rest;  // "start::end", zero padded (a prefix sorts first, as in a string compare)
};

SiteKey make_key(std::uint32_t rank, std::uint32_t start, std::uint32_t end) {
  SiteKey k{rank, {}};
  char* p = k.rest.data();
  const int n = std::snprintf(p, k.rest.size(), "%u::%u", start, end);
  std::fill(p + std::min<int>(n, 24), p + 24, '\0');
  return k;
}

bool key_less(const SiteKey& a, const SiteKey& b) {
  if (a.species_rank != b.species_rank) return a.species_rank < b.species_rank;
  return std::memcmp(a.rest.data(), b.rest.data(), a.rest.size()) < 0;
}

/// targetscan_70.pl's pairing test for two sites of different species (alignment coordinates).
bool overlaps(const Site& a, const Site& b) {
  constexpr std::int64_t kRequiredOverlap = 2;
  const std::int64_t s1 = a.msa_start, e1 = a.msa_end, s2 = b.msa_start, e2 = b.msa_end;
  if (s1 == s2 || e1 == e2) return true;
  if (s1 > s2 && s1 <= e2) return e2 - s1 + 1 >= kRequiredOverlap;
  if (e1 >= s2 && e1 < e2) return e1 - s2 + 1 >= kRequiredOverlap;
  return (s1 > s2 && e1 < e2) || (s2 > s1 && e2 < e1);
}

/// Numbers the groups of one gene-family run in place and puts the run in output order.
void group_family(std::vector<Site>& run, const std::vector<std::uint32_t>& species_rank, std::uint32_t& counter,
                  std::vector<SiteKey>& keys, std::vector<std::uint32_t>& order, std::vector<Site>& scratch) {
  const std::size_t m = run.size();
  keys.resize(m);
  order.resize(m);
  for (std::size_t i = 0; i < m; ++i) keys[i] = make_key(species_rank[run[i].species], run[i].msa_start, run[i].msa_end);
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return key_less(keys[a], keys[b]); });
  scratch.resize(m);
  for (std::size_t i = 0; i < m; ++i) scratch[i] = run[order[i]];
  for (auto& s : scratch) s.group = 0;
  bool multi = false;
  for (std::size_t i = 1; i < m && !multi; ++i) multi = scratch[i].species != scratch[0].species;
  if (multi) {
    // All ordered pairs in sorted order; a pair joins an existing group or opens one, never merges two.
    for (std::size_t i = 0; i < m; ++i)
      for (std::size_t j = 0; j < m; ++j) {
        Site& a = scratch[i];
        Site& b = scratch[j];
        if (a.species == b.species || !overlaps(a, b)) continue;
        if (a.group && b.group) continue;
        if (a.group) b.group = a.group;
        else if (b.group) a.group = b.group;
        else a.group = b.group = ++counter;
      }
  }
  for (auto& s : scratch)
    if (!s.group) s.group = ++counter;
  std::stable_sort(scratch.begin(), scratch.end(), [](const Site& a, const Site& b) { return a.group < b.group; });
  run.swap(scratch);
}

}  // namespace

GeneSites scan_gene(const UtrGene& gene, const SeedIndex& index, const ScanOptions& options) {
  const SiteTypeSet& types = index.types();
  GeneSites out;
  std::vector<Site> found;
  Letters L;
  for (std::uint32_t sp = 0; sp < gene.utrs.size(); ++sp) {
    const std::uint8_t* active = index.active(gene.utrs[sp].species);
    if (!active) continue;
    prepare(gene.utrs[sp].sequence, options.mask_5prime, L);
    const std::size_t n = L.code.size();
    if (n < 6) continue;
    auto emit = [&](std::uint32_t f, std::size_t first, SiteType type) {
      const std::size_t len = static_cast<std::size_t>(site_type_length(type));
      Site s;
      s.family = f;
      s.species = sp;
      s.type = type;
      s.msa_start = L.msa_pos[first] + 1;
      s.msa_end = L.msa_pos[first + len - 1] + 1;
      s.utr_start = static_cast<std::uint32_t>(first + 1);
      // targetscan_70.pl compares the alignment with its uppercase copy from 0-based offset MSA_start
      // (one column right of the site) over the site's span; kept for identical ORF_overlap flags.
      s.orf_overlap = has_lowercase(L.prepared, s.msa_start, s.msa_end - s.msa_start + 1);
      found.push_back(s);
    };
    std::uint32_t code = 0;
    std::size_t valid = 0;  // consecutive valid letters ending at i
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint8_t c = L.code[i];
      if (c > 3) {
        valid = 0;
        continue;
      }
      code = ((code << 2) | c) & 0xFFFu;
      if (++valid < 6) continue;
      const std::size_t k = i - 5;  // first letter of the 6-mer
      for (const std::uint32_t* it = index.core_begin(code); it != index.core_end(code); ++it) {
        const std::uint32_t f = *it;
        if (!active[f]) continue;
        const bool left = k > 0 && L.code[k - 1] == index.m8_code(f);
        const bool right = k + 6 < n && L.code[k + 6] == kA;
        // The widest match wins: targetscan_70.pl drops 6mers and 7mers contained in reported longer sites.
        const bool e8 = left && right && types.m8mer;
        if (e8) {
          emit(f, k - 1, SiteType::k8mer1a);
          continue;
        }
        const bool e7m8 = left && types.m7mer_m8;
        const bool e7a1 = right && types.m7mer_1a;
        if (e7m8) emit(f, k - 1, SiteType::k7mer_m8);
        if (e7a1) emit(f, k, SiteType::k7mer1a);
        if (!e7m8 && !e7a1 && types.m6mer) emit(f, k, SiteType::k6mer);
      }
      if (types.offset6mer) {
        for (const std::uint32_t* it = index.offset_begin(code); it != index.offset_end(code); ++it) {
          const std::uint32_t f = *it;
          if (!active[f]) continue;
          const bool m2 = k + 6 < n && L.code[k + 6] == index.m2_code(f);
          const bool covered = m2 && (types.m7mer_m8 || (types.m8mer && k + 7 < n && L.code[k + 7] == kA));
          if (!covered) emit(f, k, SiteType::kOffset6mer);
        }
      }
    }
  }
  if (found.empty()) return out;
  // Species ranks by the byte order of "species:" (the key prefix before "::").
  std::vector<std::uint32_t> rank(gene.utrs.size());
  {
    std::vector<std::uint32_t> ord(gene.utrs.size());
    std::iota(ord.begin(), ord.end(), 0u);
    std::sort(ord.begin(), ord.end(), [&](std::uint32_t a, std::uint32_t b) {
      return gene.utrs[a].species + ':' < gene.utrs[b].species + ':';
    });
    for (std::uint32_t r = 0; r < ord.size(); ++r) rank[ord[r]] = r;
  }
  std::stable_sort(found.begin(), found.end(), [](const Site& a, const Site& b) { return a.family < b.family; });
  std::uint32_t counter = 0;
  std::vector<Site> run, scratch;
  std::vector<SiteKey> keys;
  std::vector<std::uint32_t> order;
  out.sites.reserve(found.size());
  for (std::size_t b = 0; b < found.size();) {
    std::size_t e = b;
    while (e < found.size() && found[e].family == found[b].family) ++e;
    run.assign(found.begin() + static_cast<std::ptrdiff_t>(b), found.begin() + static_cast<std::ptrdiff_t>(e));
    group_family(run, rank, counter, keys, order, scratch);
    out.sites.insert(out.sites.end(), run.begin(), run.end());
    b = e;
  }
  out.n_groups = counter;
  return out;
}

std::vector<GeneSites> scan_utrs(const UtrSet& utrs, const SeedIndex& index, const ScanOptions& options, int threads) {
  std::vector<GeneSites> out(utrs.genes.size());
  core::parallel_for(utrs.genes.size(), threads, [&](std::size_t g) { out[g] = scan_gene(utrs.genes[g], index, options); });
  std::uint64_t offset = 0;
  for (auto& g : out) {
    g.group_offset = offset;
    offset += g.n_groups;
  }
  return out;
}

}  // namespace lscmir::targets
