// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/targets/enrich.hpp"

#include "lscmir/io/result_table.hpp"

#include <algorithm>
#include <bit>
#include <unordered_map>
#include <unordered_set>

#include "lscmir/core/error.hpp"
#include "lscmir/core/parallel.hpp"
#include "lscmir/io/output.hpp"
#include "lscmir/io/table.hpp"
#include "lscmir/stats/p_adjust.hpp"
#include "lscmir/targets/hypergeometric.hpp"

namespace lscmir::targets {

std::string id_type_hint(const std::string& set_gene, const std::string& target_gene) {
  const auto numeric = [](const std::string& id) {
    return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (numeric(set_gene) && !target_gene.empty() && !numeric(target_gene))
    return "the gene sets look like Entrez ids and the targets like symbols; use a GMT of gene symbols";
  if (!numeric(set_gene) && numeric(target_gene))
    return "the gene sets look like symbols and the targets like Entrez ids; use a GMT of Entrez ids";
  if (set_gene.rfind("ENSG", 0) == 0 && target_gene.rfind("ENSG", 0) != 0)
    return "the gene sets look like Ensembl gene ids and the targets do not; use a GMT of the targets' id type";
  return "the gene sets and the targets table must use the same gene ids";
}

TargetTable make_target_table(std::vector<std::pair<std::string, std::string>> pairs, std::string path) {
  TargetTable t;
  t.path = std::move(path);
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  for (const auto& [m, g] : pairs) {
    if (t.mirnas.empty() || t.mirnas.back() != m) t.mirnas.push_back(m);
    t.genes.push_back(g);
  }
  std::sort(t.genes.begin(), t.genes.end());
  t.genes.erase(std::unique(t.genes.begin(), t.genes.end()), t.genes.end());
  t.targets.resize(t.mirnas.size());
  std::size_t mi = 0;
  for (const auto& [m, g] : pairs) {
    while (t.mirnas[mi] != m) ++mi;
    t.targets[mi].push_back(
        static_cast<std::uint32_t>(std::lower_bound(t.genes.begin(), t.genes.end(), g) - t.genes.begin()));
  }
  for (auto& v : t.targets) std::sort(v.begin(), v.end());
  return t;
}

TargetTable read_target_table(const std::string& path) {
  const io::Table tab = io::read_table(path);
  const std::size_t cm = tab.require_column("mirna"), cg = tab.require_column("gene");
  std::vector<std::pair<std::string, std::string>> pairs;
  pairs.reserve(tab.rows.size());
  for (std::size_t r = 0; r < tab.rows.size(); ++r) {
    const auto& row = tab.rows[r];
    if (row[cm].empty() || row[cg].empty())
      throw core::InputError(path, tab.line_numbers[r], std::string("empty ") + (row[cm].empty() ? "mirna" : "gene") + " cell");
    pairs.emplace_back(row[cm], row[cg]);
  }
  return make_target_table(std::move(pairs), path);
}

namespace {

__extension__ using U128 = unsigned __int128;

/// SplitMix64 (Steele, Lea, Flood 2014): a counter-based stream, one per (seed, permutation).
struct SplitMix {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, bound) without modulo bias (Lemire 2019).
  std::uint64_t below(std::uint64_t bound) {
    U128 m = static_cast<U128>(next()) * bound;
    auto low = static_cast<std::uint64_t>(m);
    if (low < bound) {
      const std::uint64_t threshold = (0 - bound) % bound;
      while (low < threshold) {
        m = static_cast<U128>(next()) * bound;
        low = static_cast<std::uint64_t>(m);
      }
    }
    return static_cast<std::uint64_t>(m >> 64);
  }
};

std::uint64_t stream_start(std::uint64_t seed, std::uint64_t permutation) {
  SplitMix a{seed};
  SplitMix b{a.next() ^ (permutation * 0xD1B54A32D192ED03ULL)};
  return b.next();
}

using Bits = std::vector<std::uint64_t>;

/// The first gene of the first non-empty set among `sets` (those of one file when `file` is given).
std::string example_gene(const std::vector<GeneSet>& sets, const std::string* file = nullptr) {
  for (const auto& s : sets)
    if (!s.genes.empty() && (!file || s.file == *file)) return s.genes.front();
  return {};
}

/// Why no gene set shares a gene with the targets: an example id of each side and a guess at the id type.
std::string no_shared_gene_message(const TargetTable& table, const std::vector<GeneSet>& sets, bool user_universe) {
  const std::string example_set = example_gene(sets);
  std::string msg = "no gene of these gene sets is in the targets table " + table.path;
  if (user_universe) msg += " and the universe";
  msg += " (" + std::to_string(table.genes.size()) + " target genes";
  if (!table.genes.empty()) msg += ", e.g. \"" + core::cell_for_message(table.genes.front()) + "\"";
  msg += "; gene set ids";
  if (!example_set.empty()) msg += " e.g. \"" + core::cell_for_message(example_set) + "\"";
  msg += ")";
  msg += ": " + id_type_hint(example_set, table.genes.empty() ? std::string() : table.genes.front());
  return msg;
}

std::size_t and_count(const std::uint64_t* a, const std::uint64_t* b, std::size_t words) {
  std::size_t n = 0;
  for (std::size_t w = 0; w < words; ++w) n += static_cast<std::size_t>(std::popcount(a[w] & b[w]));
  return n;
}

}  // namespace

EnrichResult enrich(const TargetTable& table, const std::vector<std::string>& mirnas, const std::vector<GeneSet>& sets,
                    const std::vector<std::string>* universe, const EnrichOptions& options) {
  if (sets.empty()) throw core::UsageError("no gene sets given");
  EnrichResult res;
  // Chosen miRNAs, as table indices.
  std::vector<std::uint32_t> chosen;
  std::vector<std::string> missing;
  for (const auto& m : mirnas) {
    const auto it = std::lower_bound(table.mirnas.begin(), table.mirnas.end(), m);
    if (it == table.mirnas.end() || *it != m) {
      missing.push_back(m);
      continue;
    }
    const auto idx = static_cast<std::uint32_t>(it - table.mirnas.begin());
    if (std::find(chosen.begin(), chosen.end(), idx) == chosen.end()) {
      chosen.push_back(idx);
      res.mirnas.push_back(m);
    }
  }
  if (!missing.empty()) {
    std::string list;
    for (std::size_t i = 0; i < missing.size() && i < 5; ++i) list.append(i ? ", \"" : "\"").append(missing[i]).append("\"");
    if (missing.size() > 5) list += ", ...";
    throw core::UsageError(std::to_string(missing.size()) + " chosen miRNA(s) are not in the targets table " + table.path + ": " +
                           list + " (names must match its mirna column exactly)");
  }
  if (chosen.empty()) throw core::UsageError("no miRNAs chosen");

  // Universe: table genes that are in at least one set (and in the user's universe).
  std::unordered_set<std::string_view> in_sets, user;
  for (const auto& s : sets)
    for (const auto& g : s.genes) in_sets.insert(g);
  if (universe)
    for (const auto& g : *universe) user.insert(g);
  std::vector<std::int64_t> uidx(table.genes.size(), -1);
  std::unordered_map<std::string_view, std::uint32_t> gene_to_u;
  std::size_t U = 0;
  for (std::size_t g = 0; g < table.genes.size(); ++g) {
    if (!in_sets.count(table.genes[g]) || (universe && !user.count(table.genes[g]))) continue;
    gene_to_u.emplace(table.genes[g], static_cast<std::uint32_t>(U));
    uidx[g] = static_cast<std::int64_t>(U++);
  }
  res.universe = U;
  if (U == 0) throw core::InputError(sets.front().file, 0, no_shared_gene_message(table, sets, universe != nullptr));
  // Sets with no gene in the universe cannot be tested: they are reported, never tested, and never enter BH.
  std::vector<const GeneSet*> tested;
  for (const auto& s : sets) {
    const bool any = std::any_of(s.genes.begin(), s.genes.end(), [&](const std::string& g) { return gene_to_u.count(g) > 0; });
    if (any)
      tested.push_back(&s);
    else
      res.dropped.push_back(s.name);
  }
  // A whole GMT file without a shared gene is most likely of another id type: say which file.
  std::vector<std::string> files;
  for (const auto& s : sets)
    if (std::find(files.begin(), files.end(), s.file) == files.end()) files.push_back(s.file);
  for (const auto& f : files) {
    const bool any = std::any_of(tested.begin(), tested.end(), [&](const GeneSet* g) { return g->file == f; });
    if (!any)
      res.unmatched_files.push_back(f + " (gene ids e.g. \"" + core::cell_for_message(example_gene(sets, &f)) + "\": " +
                                    id_type_hint(example_gene(sets, &f), table.genes.empty() ? std::string() : table.genes.front()) + ")");
  }
  const std::size_t words = (U + 63) / 64;
  auto set_bit = [](std::uint64_t* b, std::size_t i) { b[i / 64] |= std::uint64_t{1} << (i % 64); };

  Bits mir_bits(table.mirnas.size() * words, 0);
  for (std::size_t m = 0; m < table.mirnas.size(); ++m)
    for (std::uint32_t g : table.targets[m])
      if (uidx[g] >= 0) set_bit(&mir_bits[m * words], static_cast<std::size_t>(uidx[g]));
  Bits set_bits(tested.size() * words, 0);
  for (std::size_t s = 0; s < tested.size(); ++s)
    for (const auto& g : tested[s]->genes) {
      const auto it = gene_to_u.find(g);
      if (it != gene_to_u.end()) set_bit(&set_bits[s * words], it->second);
    }
  Bits selected(words, 0);
  for (std::uint32_t m : chosen)
    for (std::size_t w = 0; w < words; ++w) selected[w] |= mir_bits[m * words + w];
  std::size_t n_sel = 0;
  for (auto w : selected) n_sel += static_cast<std::size_t>(std::popcount(w));
  res.selected = n_sel;

  res.rows.resize(tested.size());
  std::vector<double> p(tested.size());
  for (std::size_t s = 0; s < tested.size(); ++s) {
    EnrichRow& r = res.rows[s];
    r.gene_set = tested[s]->name;
    r.size = and_count(&set_bits[s * words], &set_bits[s * words], words);
    r.overlap = and_count(&set_bits[s * words], selected.data(), words);
    r.expected = U == 0 ? 0.0 : static_cast<double>(r.size) * static_cast<double>(n_sel) / static_cast<double>(U);
    r.p = phyper_upper(static_cast<double>(r.overlap), static_cast<double>(r.size), static_cast<double>(U - r.size),
                       static_cast<double>(n_sel));
    p[s] = r.p;
  }
  const std::vector<double> fdr = stats::p_adjust_bh(p);
  for (std::size_t s = 0; s < tested.size(); ++s) res.rows[s].fdr = fdr[s];

  if (options.method == EnrichMethod::kEmpirical) {
    const std::size_t N = options.permutations, M = table.mirnas.size(), k = chosen.size();
    const std::size_t S = tested.size();
    const int threads = std::max(1, options.threads);
    const std::size_t chunks = std::min<std::size_t>(N, static_cast<std::size_t>(threads) * 4);
    std::vector<std::vector<std::size_t>> counts(chunks, std::vector<std::size_t>(S, 0));
    core::parallel_for(chunks, threads, [&](std::size_t c) {
      const std::size_t b = N * c / chunks, e = N * (c + 1) / chunks;
      std::vector<std::uint32_t> pool(M);
      for (std::size_t i = 0; i < M; ++i) pool[i] = static_cast<std::uint32_t>(i);
      std::vector<std::size_t> swaps(k);
      Bits rnd(words);
      auto& cnt = counts[c];
      for (std::size_t perm = b; perm < e; ++perm) {
        SplitMix rng{stream_start(options.seed, perm)};
        // Partial Fisher-Yates: k distinct miRNAs; the swaps are undone so `pool` is the identity again.
        for (std::size_t i = 0; i < k; ++i) {
          const std::size_t j = i + static_cast<std::size_t>(rng.below(M - i));
          std::swap(pool[i], pool[j]);
          swaps[i] = j;
        }
        std::fill(rnd.begin(), rnd.end(), 0);
        for (std::size_t i = 0; i < k; ++i) {
          const std::uint64_t* mb = &mir_bits[pool[i] * words];
          for (std::size_t w = 0; w < words; ++w) rnd[w] |= mb[w];
        }
        for (std::size_t i = k; i-- > 0;) std::swap(pool[i], pool[swaps[i]]);
        for (std::size_t s = 0; s < S; ++s)
          if (and_count(&set_bits[s * words], rnd.data(), words) >= res.rows[s].overlap) ++cnt[s];
        core::progress_add(options.progress);
      }
    });
    std::vector<double> pe(S);
    for (std::size_t s = 0; s < S; ++s) {
      std::size_t total = 0;
      for (const auto& c : counts) total += c[s];
      pe[s] = static_cast<double>(1 + total) / static_cast<double>(1 + N);
      res.rows[s].p_empirical = pe[s];
    }
    const std::vector<double> fe = stats::p_adjust_bh(pe);
    for (std::size_t s = 0; s < S; ++s) res.rows[s].fdr_empirical = fe[s];
  }
  return res;
}

io::ResultTable enrichment_table(const EnrichResult& result, bool empirical) {
  const std::size_t n = result.rows.size();
  std::vector<std::string> name(n);
  std::vector<std::int64_t> size(n), overlap(n);
  std::vector<double> expected(n), p(n), fdr(n), pe(n), fe(n);
  for (std::size_t i = 0; i < n; ++i) {
    const EnrichRow& r = result.rows[i];
    name[i] = r.gene_set;
    size[i] = static_cast<std::int64_t>(r.size);
    overlap[i] = static_cast<std::int64_t>(r.overlap);
    expected[i] = r.expected;
    p[i] = r.p;
    fdr[i] = r.fdr;
    pe[i] = r.p_empirical;
    fe[i] = r.fdr_empirical;
  }
  io::ResultTable t;
  t.add_text("gene_set", std::move(name)).add_integer("size", std::move(size)).add_integer("overlap", std::move(overlap));
  t.add_real("expected", std::move(expected)).add_real("P", std::move(p)).add_real("FDR", std::move(fdr));
  if (empirical) t.add_real("P.empirical", std::move(pe)).add_real("FDR.empirical", std::move(fe));
  return t;
}

std::string format_enrichment(const EnrichResult& result, bool empirical) { return io::to_tsv(enrichment_table(result, empirical)); }

}  // namespace lscmir::targets
