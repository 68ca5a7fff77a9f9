// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/targets/scan.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <numeric>

#include "lscmir/core/error.hpp"
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
static_assert(sizeof(Site) == 24, "Site is kept at 24 bytes: tens of millions are held at once");

/// A UTR prepared as targetscan_70.pl does: T -> U (either case, to uppercase U), the first 14
/// nucleotides masked to N; then its letters (non-gap characters) with their alignment positions.
struct Letters {
  std::string prepared;               // the alignment after T->U and masking (case kept)
  std::vector<std::uint8_t> code;     // per letter: 0-3, or 4 for N and anything else
  std::vector<std::uint32_t> msa_pos; // per letter: 0-based alignment column
  bool any_lower = false;             // lowercase (ORF-overlapping) characters present
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
  out.any_lower = false;
  for (std::size_t i = 0; i < out.prepared.size(); ++i) {
    const char c = out.prepared[i];
    out.any_lower = out.any_lower || (c >= 'a' && c <= 'z');
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

/// A decimal number's bytes (optionally followed by ':'), big-endian in a u64 and zero padded, so
/// comparing the integers compares the strings byte by byte (a prefix sorts first).
std::uint64_t pack_decimal(std::uint32_t x, bool colon) {
  char buf[12];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + x % 10);
    x /= 10;
  } while (x);
  std::uint64_t v = 0;
  int used = 0;
  for (int i = n - 1; i >= 0; --i, ++used) v = (v << 8) | static_cast<unsigned char>(buf[i]);
  if (colon) {
    v = (v << 8) | static_cast<unsigned char>(':');
    ++used;
  }
  return v << (8 * (8 - used));
}

/// Sort key reproducing Perl's byte order of the keys "species::MSA_start::MSA_end": species by the
/// order of "species:", then "start:", then "end" (positions below 10^7, checked by the caller).
struct SiteKey {
  std::uint64_t species, start, end;
  std::uint32_t index;
  bool operator<(const SiteKey& o) const {
    if (species != o.species) return species < o.species;
    if (start != o.start) return start < o.start;
    if (end != o.end) return end < o.end;
    return index < o.index;
  }
};

/// targetscan_70.pl's pairing test for two sites of different species (alignment coordinates).
bool overlaps(const Site& a, const Site& b) {
  constexpr std::int64_t kRequiredOverlap = 2;
  const std::int64_t s1 = a.msa_start, e1 = a.msa_end, s2 = b.msa_start, e2 = b.msa_end;
  if (s1 == s2 || e1 == e2) return true;
  if (s1 > s2 && s1 <= e2) return e2 - s1 + 1 >= kRequiredOverlap;
  if (e1 >= s2 && e1 < e2) return e1 - s2 + 1 >= kRequiredOverlap;
  return (s1 > s2 && e1 < e2) || (s2 > s1 && e2 < e1);
}

}  // namespace

/// Per-thread buffers, reused across genes.
struct ScanWorkspace {
  Letters letters;
  std::vector<Site> found, scratch;
  std::vector<std::uint32_t> fam_count;
  std::vector<SiteKey> keys;
};

namespace {

/// Numbers the groups of one gene-family run (sites of one family, any species) and puts the run in
/// output order, in place: all ordered pairs of sites of different species in key order join or
/// open a group (never merging two), then ungrouped sites get their own numbers in key order, and
/// the run is ordered by group number (stable, so key order within a group).
void group_family(Site* run, std::size_t m, const std::vector<std::uint64_t>& species_key, std::uint32_t& counter,
                  ScanWorkspace& ws) {
  if (m == 1) {
    run[0].group = ++counter;
    return;
  }
  auto& keys = ws.keys;
  keys.resize(m);
  bool multi = false;
  for (std::size_t i = 0; i < m; ++i) {
    keys[i] = SiteKey{species_key[run[i].species], pack_decimal(run[i].msa_start, true), pack_decimal(run[i].msa_end, false),
                      static_cast<std::uint32_t>(i)};
    multi = multi || run[i].species != run[0].species;
  }
  std::sort(keys.begin(), keys.end());
  ws.scratch.assign(run, run + m);
  for (std::size_t i = 0; i < m; ++i) {
    run[i] = ws.scratch[keys[i].index];
    run[i].group = 0;
  }
  if (multi) {
    for (std::size_t i = 0; i < m; ++i)
      for (std::size_t j = 0; j < m; ++j) {
        Site& x = run[i];
        Site& y = run[j];
        if (x.species == y.species || (x.group && y.group) || !overlaps(x, y)) continue;
        if (x.group) y.group = x.group;
        else if (y.group) x.group = y.group;
        else x.group = y.group = ++counter;
      }
  }
  for (std::size_t i = 0; i < m; ++i)
    if (!run[i].group) run[i].group = ++counter;
  if (multi) std::stable_sort(run, run + m, [](const Site& x, const Site& y) { return x.group < y.group; });
}

constexpr std::uint32_t kMaxColumns = 9999999;  // keys pack "start:" into 8 bytes

GeneSites scan_gene_ws(const UtrGene& gene, const SeedIndex& index, const ScanOptions& options, ScanWorkspace& ws) {
  const SiteTypeSet& types = index.types();
  GeneSites out;
  std::vector<Site>& found = ws.found;
  found.clear();
  Letters& L = ws.letters;
  if (gene.utrs.size() > 65535)
    throw core::InputError("", 0, "gene \"" + core::cell_for_message(gene.gene) + "\" has more than 65,535 species");
  for (std::uint32_t sp = 0; sp < gene.utrs.size(); ++sp) {
    const std::uint8_t* active = index.active(gene.utrs[sp].species);
    if (!active) continue;
    if (gene.utrs[sp].sequence.size() > kMaxColumns)
      throw core::InputError("", 0, "the UTR of \"" + core::cell_for_message(gene.gene) + "\" is longer than 9,999,999 columns");
    prepare(gene.utrs[sp].sequence, options.mask_5prime, L);
    const std::size_t n = L.code.size();
    if (n < 6) continue;
    auto emit = [&](std::uint32_t f, std::size_t first, SiteType type) {
      const std::size_t len = static_cast<std::size_t>(site_type_length(type));
      Site s;
      s.family = f;
      s.species = static_cast<std::uint16_t>(sp);
      s.type = type;
      s.msa_start = L.msa_pos[first] + 1;
      s.msa_end = L.msa_pos[first + len - 1] + 1;
      s.utr_start = static_cast<std::uint32_t>(first + 1);
      // targetscan_70.pl compares the alignment with its uppercase copy from 0-based offset MSA_start
      // (one column right of the site) over the site's span; kept for identical ORF_overlap flags.
      s.orf_overlap = L.any_lower && has_lowercase(L.prepared, s.msa_start, s.msa_end - s.msa_start + 1);
      found.push_back(s);
    };
    const std::uint8_t* code = L.code.data();
    std::uint32_t word = 0;
    std::size_t valid = 0;  // consecutive valid letters ending at i
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint8_t c = code[i];
      if (c > 3) {
        valid = 0;
        continue;
      }
      word = ((word << 2) | c) & 0xFFFu;
      if (++valid < 6) continue;
      const std::size_t k = i - 5;  // first letter of the 6-mer
      for (const std::uint32_t* it = index.core_begin(word); it != index.core_end(word); ++it) {
        const std::uint32_t f = *it;
        if (!active[f]) continue;
        const bool left = k > 0 && code[k - 1] == index.m8_code(f);
        const bool right = k + 6 < n && code[k + 6] == kA;
        // The widest match wins: targetscan_70.pl drops 6mers and 7mers contained in reported longer sites.
        if (left && right && types.m8mer) {
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
        for (const std::uint32_t* it = index.offset_begin(word); it != index.offset_end(word); ++it) {
          const std::uint32_t f = *it;
          if (!active[f]) continue;
          const bool m2 = k + 6 < n && code[k + 6] == index.m2_code(f);
          const bool covered = m2 && (types.m7mer_m8 || (types.m8mer && k + 7 < n && code[k + 7] == kA));
          if (!covered) emit(f, k, SiteType::kOffset6mer);
        }
      }
    }
  }
  if (found.empty()) return out;
  // Species keys: the byte order of "species:" (what precedes "::" in TargetScan's site keys).
  std::vector<std::uint64_t> species_key(gene.utrs.size());
  {
    std::vector<std::uint32_t> ord(gene.utrs.size());
    std::iota(ord.begin(), ord.end(), 0u);
    std::sort(ord.begin(), ord.end(), [&](std::uint32_t a, std::uint32_t b) {
      return gene.utrs[a].species + ':' < gene.utrs[b].species + ':';
    });
    for (std::uint32_t r = 0; r < ord.size(); ++r) species_key[ord[r]] = r;
  }
  // Bucket by family (families are sorted by id), keeping scan order within a family.
  const std::size_t nf = index.families().size();
  auto& cnt = ws.fam_count;
  if (cnt.size() != nf + 1) cnt.assign(nf + 1, 0);
  for (const Site& s : found) ++cnt[s.family];
  std::uint32_t pos = 0;
  for (std::size_t f = 0; f < nf; ++f) {  // a linear pass beats sorting the ~1,000 families hit per gene
    const std::uint32_t c = cnt[f];
    cnt[f] = pos;
    pos += c;
  }
  // Bucket straight into the output, then group each family's run in place.
  out.sites.resize(found.size());
  for (const Site& s : found) out.sites[cnt[s.family]++] = s;
  std::fill(cnt.begin(), cnt.end(), 0u);
  std::uint32_t counter = 0;
  auto& v = out.sites;
  for (std::size_t b = 0; b < v.size();) {
    std::size_t e = b + 1;
    while (e < v.size() && v[e].family == v[b].family) ++e;
    group_family(v.data() + b, e - b, species_key, counter, ws);
    b = e;
  }
  out.n_groups = counter;
  return out;
}

}  // namespace

GeneSites scan_gene(const UtrGene& gene, const SeedIndex& index, const ScanOptions& options) {
  ScanWorkspace ws;
  return scan_gene_ws(gene, index, options, ws);
}

std::vector<GeneSites> scan_utrs(const UtrSet& utrs, const SeedIndex& index, const ScanOptions& options, int threads,
                                 core::Progress* progress) {
  std::vector<GeneSites> out(utrs.genes.size());
  // Many small chunks balance uneven genes; each chunk reuses one workspace.
  const std::size_t n = utrs.genes.size();
  const std::size_t chunks = std::min<std::size_t>(n, static_cast<std::size_t>(std::max(threads, 1)) * 16);
  core::parallel_for(chunks, threads, [&](std::size_t c) {
    ScanWorkspace ws;
    for (std::size_t g = n * c / chunks; g < n * (c + 1) / chunks; ++g) {
      out[g] = scan_gene_ws(utrs.genes[g], index, options, ws);
      core::progress_add(progress);
    }
  });
  std::uint64_t offset = 0;
  for (auto& g : out) {
    g.group_offset = offset;
    offset += g.n_groups;
  }
  return out;
}

}  // namespace lscmir::targets
