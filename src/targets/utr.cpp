// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/targets/utr.hpp"

#include <algorithm>

#include "detail/text.hpp"
#include "lscmir/core/error.hpp"
#include "lscmir/io/fasta.hpp"

namespace lscmir::targets {

namespace {

bool sequence_char_ok(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '.';
}

void check_sequence(const std::string& path, std::size_t line, const std::string& gene, std::string_view seq) {
  for (std::size_t i = 0; i < seq.size(); ++i)
    if (!sequence_char_ok(seq[i]))
      throw core::InputError(path, line,
                             "UTR of \"" + gene + "\": expected nucleotide letters or '-' gaps, found '" + std::string(1, seq[i]) +
                                 "' at position " + std::to_string(i + 1));
}

std::size_t count_letters(std::string_view s) {
  return s.size() - static_cast<std::size_t>(std::count(s.begin(), s.end(), '-'));
}

UtrSet utrs_from_fasta(const std::string& path, const std::string& text, const std::string& species) {
  UtrSet set;
  set.path = path;
  for (auto& r : io::parse_fasta(text, path)) {
    for (std::size_t k = 0; k < r.sequence_lines.size(); ++k) {
      const auto [offset, line] = r.sequence_lines[k];
      const std::size_t end = k + 1 < r.sequence_lines.size() ? r.sequence_lines[k + 1].first : r.sequence.size();
      check_sequence(path, line, r.name, std::string_view(r.sequence).substr(offset, end - offset));
    }
    set.genes.push_back({std::move(r.name), r.line, {{species, std::move(r.sequence)}}});
  }
  for (const auto& g : set.genes) set.nucleotides += count_letters(g.utrs.front().sequence);
  return set;
}

}  // namespace

UtrSet read_utrs(const std::string& path, const std::string& species) {
  const std::string text = detail::read_text(path);
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) throw core::InputError(path, 0, "empty file; expected UTR sequences (TargetScan table or FASTA)");
  if (text[first] == '>') return utrs_from_fasta(path, text, species);

  UtrSet set;
  set.path = path;
  std::size_t c_gene = 0, c_species = 1, c_seq = 2, n_fields = 3;
  bool first_line = true;
  detail::for_each_line(text, [&](std::string_view line, std::size_t number) {
    if (detail::is_blank(line)) return;
    const auto f = detail::split(line, '\t');
    if (first_line) {
      first_line = false;
      // The download's header form: "Refseq ID  Gene ID  Gene Symbol  Species ID  UTR sequence".
      auto sp = std::find_if(f.begin(), f.end(), [](std::string_view h) { return detail::trim(h) == "Species ID"; });
      auto sq = std::find_if(f.begin(), f.end(), [](std::string_view h) { return detail::trim(h) == "UTR sequence"; });
      if (sp != f.end() && sq != f.end()) {
        c_species = static_cast<std::size_t>(sp - f.begin());
        c_seq = static_cast<std::size_t>(sq - f.begin());
        n_fields = f.size();
        return;
      }
    }
    if (f.size() != n_fields)
      throw core::InputError(path, number,
                             "expected " + std::to_string(n_fields) + " tab-separated fields (gene, species id, aligned UTR), found " +
                                 std::to_string(f.size()));
    const std::string_view sp = detail::trim(f[c_species]);
    if (sp.empty() || sp == "0") return;  // consensus rows, skipped as targetscan_70.pl does
    const std::string gene(detail::trim(f[c_gene]));
    if (gene.empty()) throw core::InputError(path, number, "empty gene id");
    const std::string_view seq = detail::trim(f[c_seq]);
    check_sequence(path, number, gene, seq);
    if (set.genes.empty() || set.genes.back().gene != gene) set.genes.push_back({gene, number, {}});
    UtrGene& g = set.genes.back();
    for (const auto& u : g.utrs)
      if (u.species == sp)
        throw core::InputError(path, number, "gene \"" + core::cell_for_message(gene) + "\" has a second UTR for species " + core::cell_for_message(sp) +
                                                 " (the gene starts on line " + std::to_string(g.line) + ")");
    g.utrs.push_back({std::string(sp), std::string(seq)});
    set.nucleotides += count_letters(seq);
  });
  if (set.genes.empty()) throw core::InputError(path, 0, "no UTR sequences found");
  return set;
}

}  // namespace lscmir::targets
