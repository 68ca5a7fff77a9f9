// SPDX-License-Identifier: GPL-3.0-or-later
// Seed-site scan: TargetScan 7's sample suite row for row, hand-made sites, and a brute-force
// re-implementation of targetscan_70.pl's gapped pattern search and subset dropping on random alignments.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "lscmir/core/error.hpp"
#include "lscmir/targets/scan.hpp"

namespace lscmir::targets {
namespace {

const std::string kDir = std::string(LSCMIR_SOURCE_DIR) + "/tests/data/targets/";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> fields(const std::string& line) {
  std::vector<std::string> f;
  std::string cur;
  for (char c : line) {
    if (c == '\t') {
      f.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  f.push_back(cur);
  return f;
}

std::string scan_text(const std::vector<Family>& fams, const UtrSet& utrs, int threads, SiteTypeSet types = {}) {
  const SeedIndex index(fams, types);
  const auto sites = scan_utrs(utrs, index, ScanOptions{}, threads);
  return format_sites(utrs, sites, index, threads);
}

TEST(TargetScanSample, SitesEqualTargetScan70OutputRowForRow) {
  const auto fams = read_families(kDir + "miR_Family_info_sample.txt");
  const auto utrs = read_utrs(kDir + "UTR_Sequences_sample.txt", "9606");
  const auto got = lines_of(scan_text(fams, utrs, 2));
  const auto want = lines_of(slurp(kDir + "targetscan_70_output.txt"));
  ASSERT_EQ(want.size(), 214u);
  ASSERT_EQ(got.size(), want.size());
  std::size_t full_equal = 0;
  for (std::size_t i = 0; i < want.size(); ++i) {
    const auto g = fields(got[i]), w = fields(want[i]);
    ASSERT_EQ(g.size(), 14u) << got[i];
    ASSERT_EQ(w.size(), 14u) << want[i];
    // The acceptance columns: gene, family, species, UTR_start, UTR_end, Site_type; and Group_num.
    for (int c : {0, 1, 2, 5, 6, 8, 7}) EXPECT_EQ(g[c], w[c]) << "row " << i + 1 << " column " << w[c] << ": " << got[i];
    full_equal += got[i] == want[i];
  }
  // Every column (MSA coordinates, group type and species lists, ORF_overlap) matches as well.
  EXPECT_EQ(full_equal, want.size());
}

TEST(TargetScanSample, SameOutputForOneAndTwoThreads) {
  const auto fams = read_families(kDir + "miR_Family_info_sample.txt");
  const auto utrs = read_utrs(kDir + "UTR_Sequences_sample.txt", "9606");
  EXPECT_EQ(scan_text(fams, utrs, 1), scan_text(fams, utrs, 2));
}

// let-7 seed (nt 2-8 GAGGUAG): 7mer-m8 site CUACCUC, 8mer CUACCUCA, 7mer-1a UACCUCA, 6mer UACCUC.
Family let7() { return Family{"let-7", "GAGGUAG", {"9606"}, {}}; }

UtrSet one_utr(const std::string& seq) {
  UtrSet s;
  s.genes.push_back({"G", 1, {{"9606", seq}}});
  return s;
}

std::vector<std::tuple<SiteType, std::uint32_t, std::uint32_t>> sites_of(const std::string& seq, SiteTypeSet types = {}) {
  const std::vector<Family> fams{let7()};
  const SeedIndex index(fams, types);
  const UtrSet u = one_utr(seq);
  std::vector<std::tuple<SiteType, std::uint32_t, std::uint32_t>> out;
  for (const auto& s : scan_gene(u.genes[0], index, ScanOptions{}).sites) out.emplace_back(s.type, s.utr_start, s.utr_end());
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return std::get<1>(a) < std::get<1>(b); });
  return out;
}

const std::string kPad = "GGGGGGGGGGGGGGGGGGGG";  // 20 nt, past the 14-nt shadow

TEST(Scan, SiteTypesAndCoordinates) {
  using T = SiteType;
  // 8mer at UTR 21-28.
  auto s = sites_of(kPad + "CUACCUCA" + kPad);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0], std::make_tuple(T::k8mer1a, 21u, 28u));
  s = sites_of(kPad + "CUACCUCG" + kPad);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0], std::make_tuple(T::k7mer_m8, 21u, 27u));
  s = sites_of(kPad + "GUACCUCA" + kPad);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0], std::make_tuple(T::k7mer1a, 22u, 28u));
  s = sites_of(kPad + "GUACCUCG" + kPad);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0], std::make_tuple(T::k6mer, 22u, 27u));
  // DNA letters and lowercase are read as RNA.
  s = sites_of(kPad + "ctacctca" + kPad);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(std::get<0>(s[0]), T::k8mer1a);
  // Within the first 14 nt (ribosome shadow): nothing.
  EXPECT_TRUE(sites_of("GCUACCUCAGGGGGGGGGG").empty());
  // Offset-6mer (nt 3-8: CUACCU) only when asked for, and not inside a 7mer-m8.
  SiteTypeSet all = parse_site_types("all");
  s = sites_of(kPad + "CUACCUG" + kPad, all);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0], std::make_tuple(T::kOffset6mer, 21u, 26u));
  EXPECT_TRUE(sites_of(kPad + "CUACCUG" + kPad).empty());
  s = sites_of(kPad + "CUACCUCG" + kPad, all);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(std::get<0>(s[0]), T::k7mer_m8);
  // Without 8mers the 8mer's 7mers are reported, as targetscan_70.pl does with 8mers switched off.
  s = sites_of(kPad + "CUACCUCA" + kPad, parse_site_types("7mer-m8,7mer-1a,6mer"));
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0], std::make_tuple(T::k7mer_m8, 21u, 27u));
  EXPECT_EQ(s[1], std::make_tuple(T::k7mer1a, 22u, 28u));
}

TEST(Scan, GapsAreSkippedAndCoordinatesKeepBoth) {
  const std::vector<Family> fams{let7()};
  const SeedIndex index(fams, SiteTypeSet{});
  const UtrSet u = one_utr(kPad + "CU--ACC-UCA" + kPad);
  const auto s = scan_gene(u.genes[0], index, ScanOptions{}).sites;
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].type, SiteType::k8mer1a);
  EXPECT_EQ(s[0].msa_start, 21u);
  EXPECT_EQ(s[0].msa_end, 31u);
  EXPECT_EQ(s[0].utr_start, 21u);
  EXPECT_EQ(s[0].utr_end(), 28u);
}

TEST(Scan, FamiliesOnlySearchedInTheirSpecies) {
  const std::vector<Family> fams{Family{"let-7", "GAGGUAG", {"10090"}, {}}};
  const SeedIndex index(fams, SiteTypeSet{});
  const UtrSet u = one_utr(kPad + "CUACCUCA" + kPad);
  EXPECT_TRUE(scan_gene(u.genes[0], index, ScanOptions{}).sites.empty());
}

// ---- brute force: targetscan_70.pl's method, restated -----------------------------------------
// For each site type, every start where the pattern's letters follow with only '-' between them;
// then the subset rules (8mer drops its 7mer-m8, 7mer-1a and 6mer; 7mers drop their 6mer).
using Key = std::tuple<std::uint32_t, std::uint32_t>;  // MSA start, end (1-based)

std::map<Key, SiteType> brute_force(std::string seq, const std::string& seed) {
  for (char& c : seq)
    if (c == 'T' || c == 't') c = 'U';
  int masked = 0;
  for (char& c : seq)
    if (masked < 14 && std::string("ACGUacgu").find(c) != std::string::npos) {
      c = 'N';
      ++masked;
    }
  for (char& c : seq) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto comp = [](char c) { return c == 'A' ? 'U' : c == 'U' ? 'A' : c == 'G' ? 'C' : 'G'; };
  std::string m8;  // reverse complement of nt 2-8
  for (auto it = seed.rbegin(); it != seed.rend(); ++it) m8 += comp(*it);
  const std::string six = m8.substr(1);
  const std::map<SiteType, std::string> pat = {
      {SiteType::k7mer1a, six + "A"}, {SiteType::k7mer_m8, m8}, {SiteType::k8mer1a, m8 + "A"}, {SiteType::k6mer, six}};
  std::map<Key, SiteType> found;
  std::map<Key, std::string> span;
  for (const auto& [type, p] : pat)
    for (std::size_t s = 0; s < seq.size(); ++s) {
      std::size_t i = s, k = 0;
      while (k < p.size() && i < seq.size()) {
        if (seq[i] == p[k]) {
          ++k;
          ++i;
          if (k < p.size())
            while (i < seq.size() && seq[i] == '-') ++i;
        } else {
          break;
        }
      }
      if (k == p.size()) {
        const Key key{static_cast<std::uint32_t>(s + 1), static_cast<std::uint32_t>(i)};
        found[key] = type;
        span[key] = seq.substr(s, i - s);
      }
    }
  // Offsets of the 2nd, 3rd and second-to-last letters within a gapped span.
  auto letter_pos = [](const std::string& sp) {
    std::vector<std::uint32_t> v;
    for (std::size_t i = 0; i < sp.size(); ++i)
      if (sp[i] != '-') v.push_back(static_cast<std::uint32_t>(i));
    return v;
  };
  std::map<Key, SiteType> kept = found;
  for (const auto& [key, type] : found) {
    const auto lp = letter_pos(span[key]);
    const std::uint32_t s = std::get<0>(key), e = std::get<1>(key);
    const std::uint32_t s1 = s + lp[1], e1 = e - (lp.back() - lp[lp.size() - 2]);
    if (type == SiteType::k7mer1a) kept.erase({s, e1});
    if (type == SiteType::k7mer_m8) kept.erase({s1, e});
    if (type == SiteType::k8mer1a) {
      kept.erase({s, e1});
      kept.erase({s1, e});
      kept.erase({s1, e1});
    }
  }
  return kept;
}

TEST(Scan, AgreesWithBruteForceOnRandomGappedUtrs) {
  std::mt19937 rng(7);
  const std::string seeds[] = {"GAGGUAG", "GGAAUGU", "ACCCUGU", "AAGGUGC", "ACAGUAC", "UUCAAAU", "GGGGUGG"};
  std::vector<Family> fams;
  for (const auto& s : seeds) fams.push_back(Family{"f" + s, s, {"9606"}, {}});
  std::sort(fams.begin(), fams.end(), [](const Family& a, const Family& b) { return a.id < b.id; });
  const SeedIndex index(fams, SiteTypeSet{});
  std::size_t total = 0;
  for (int rep = 0; rep < 200; ++rep) {
    std::string seq;
    const int n = 50 + static_cast<int>(rng() % 400);
    for (int i = 0; i < n; ++i) {
      const auto r = rng() % 20;
      seq += r < 3 ? '-' : r == 3 ? 'N' : "ACGU"[rng() % 4];
      if (rng() % 40 == 0) {  // plant a seed match, possibly gapped
        const auto& f = fams[rng() % fams.size()];
        std::string m;
        for (auto it = f.seed.rbegin(); it != f.seed.rend(); ++it) m += *it == 'A' ? 'U' : *it == 'U' ? 'A' : *it == 'G' ? 'C' : 'G';
        m += 'A';
        for (char c : m) {
          seq += c;
          if (rng() % 6 == 0) seq += "--";
        }
      }
    }
    UtrSet u = one_utr(seq);
    const auto got = scan_gene(u.genes[0], index, ScanOptions{}).sites;
    std::map<std::pair<std::uint32_t, Key>, SiteType> g;
    for (const auto& s : got) g[{s.family, {s.msa_start, s.msa_end}}] = s.type;
    std::map<std::pair<std::uint32_t, Key>, SiteType> w;
    for (std::uint32_t f = 0; f < fams.size(); ++f)
      for (const auto& [k, t] : brute_force(seq, fams[f].seed)) w[{f, k}] = t;
    ASSERT_EQ(g, w) << seq;
    ASSERT_EQ(got.size(), g.size());
    total += got.size();
  }
  EXPECT_GT(total, 500u);
}

TEST(Families, FastaGroupsBySeed) {
  const std::string path = ::testing::TempDir() + "/mature.fa";
  std::ofstream(path) << ">hsa-let-7a-5p MIMAT0000062\nUGAGGUAGUAGGUUGUAUAGUU\n>hsa-let-7b-5p\nUGAGGUAGUAGGUUGUGUGGUU\n"
                         ">hsa-miR-1-3p\nUGGAAUGUAAAGAAGUAUGUAU\n";
  const auto f = read_mature_fasta(path, "9606");
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].id, "hsa-let-7a-5p/7b-5p");
  EXPECT_EQ(f[0].members, (std::vector<std::string>{"hsa-let-7a-5p", "hsa-let-7b-5p"}));
  EXPECT_EQ(f[0].seed, "GAGGUAG");
  EXPECT_EQ(f[1].seed, "GGAAUGU");
  EXPECT_EQ(f[1].species, std::vector<std::string>{"9606"});
}

TEST(Families, MalformedInputNamesTheLine) {
  const std::string path = ::testing::TempDir() + "/fam.txt";
  std::ofstream(path) << "let-7\tGAGGUAG\t9606\nmiR-1\tGGAAUG\t9606\n";
  try {
    read_families(path);
    FAIL();
  } catch (const core::InputError& e) {
    EXPECT_EQ(e.line(), 2u);
  }
}

}  // namespace
}  // namespace lscmir::targets
