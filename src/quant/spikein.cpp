// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/quant/spikein.hpp"

#include <cctype>

#include "lscmir/core/error.hpp"
#include "lscmir/io/fasta.hpp"
#include "lscmir/io/table.hpp"

namespace lscmir::quant {

bool SpikeIns::add(std::string name, std::string sequence, std::uint32_t& first) {
  const auto index = static_cast<std::uint32_t>(names.size());
  const auto [it, fresh] = by_sequence_.try_emplace(sequence, index);
  if (!fresh) {
    first = it->second;
    return false;
  }
  names.push_back(std::move(name));
  sequences.push_back(std::move(sequence));
  return true;
}

SpikeIns parse_spike_ins(std::string_view text, const std::string& path) {
  io::FastaOptions options;
  options.unique_names = true;
  options.noun = "spike-in name";
  SpikeIns out;
  out.path = path;
  std::vector<std::size_t> lines;
  for (auto& r : io::parse_fasta(text, path, options)) {
    if (r.sequence.empty()) throw core::InputError(path, r.line, "spike-in \"" + r.name + "\" has no sequence");
    std::string seq = r.sequence;
    for (std::size_t i = 0; i < seq.size(); ++i) {
      const char c = static_cast<char>(std::toupper(static_cast<unsigned char>(seq[i])));
      if (c != 'A' && c != 'C' && c != 'G' && c != 'T' && c != 'U')
        throw core::InputError(path, r.line_of(i), std::string("unexpected character '") + seq[i] + "' in spike-in \"" + r.name + "\"",
                               "spike-ins are matched exactly, so their sequences hold only A, C, G, T or U");
      seq[i] = c == 'U' ? 'T' : c;
    }
    std::uint32_t first = 0;
    if (!out.add(r.name, std::move(seq), first))
      throw core::InputError(path, r.line,
                             "spike-in \"" + r.name + "\" has the same sequence as \"" + out.names[first] + "\" (line " +
                                 std::to_string(lines[first]) + ")",
                             "each spike-in needs its own sequence, or its reads could not be told apart");
    lines.push_back(r.line);
  }
  if (out.names.empty()) throw core::InputError(path, 0, "no spike-in sequence", "expected FASTA records: >name, then the sequence");
  return out;
}

SpikeIns read_spike_ins(const std::string& path) { return parse_spike_ins(io::read_text_file(path), path); }

}  // namespace lscmir::quant
