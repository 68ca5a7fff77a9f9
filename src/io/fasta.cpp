// SPDX-License-Identifier: GPL-3.0-or-later
// FASTA layout: '>' headers, sequence lines, blank lines ignored.
#include "lscmir/io/fasta.hpp"

#include <algorithm>
#include <unordered_map>

#include "detail/text.hpp"
#include "lscmir/core/error.hpp"
#include "lscmir/io/table.hpp"

namespace lscmir::io {
namespace {

bool is_blank_char(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank_char(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank_char(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

std::size_t FastaRecord::line_of(std::size_t offset) const {
  const auto it = std::upper_bound(sequence_lines.begin(), sequence_lines.end(), offset,
                                   [](std::size_t o, const std::pair<std::size_t, std::size_t>& p) { return o < p.first; });
  return it == sequence_lines.begin() ? line : std::prev(it)->second;
}

std::vector<FastaRecord> parse_fasta(std::string_view text, const std::string& name, const FastaOptions& options) {
  detail::strip_bom(text);
  std::vector<FastaRecord> out;
  std::unordered_map<std::string, std::size_t> seen;
  std::size_t pos = 0, line_no = 0;
  while (pos < text.size()) {
    const std::size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, (nl == std::string_view::npos ? text.size() : nl) - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (trim(line).empty()) continue;
    if (line.front() == '>') {
      std::string_view h = line.substr(1);
      while (!h.empty() && (h.front() == ' ' || h.front() == '\t')) h.remove_prefix(1);
      const std::size_t sp = h.find_first_of(" \t");
      FastaRecord r;
      r.name = std::string(h.substr(0, sp));
      if (sp != std::string_view::npos) r.description = std::string(h.substr(sp + 1));
      r.line = line_no;
      if (r.name.empty()) throw core::InputError(name, line_no, "FASTA header without a name");
      if (options.unique_names) {
        const auto [it, fresh] = seen.emplace(r.name, line_no);
        if (!fresh)
          throw core::InputError(name, line_no, "duplicate " + options.noun + " \"" + r.name + "\" (first on line " +
                                                    std::to_string(it->second) + ")");
      }
      out.push_back(std::move(r));
      continue;
    }
    if (out.empty())
      throw core::InputError(name, line_no, "expected a FASTA header line starting with '>', found a sequence line before the first header");
    FastaRecord& r = out.back();
    r.sequence_lines.emplace_back(r.sequence.size(), line_no);
    r.sequence.append(trim(line));
  }
  if (out.empty()) throw core::InputError(name, 0, "no FASTA records ('>name' lines) found");
  return out;
}

std::vector<FastaRecord> read_fasta(const std::string& path, const FastaOptions& options) {
  return parse_fasta(read_text_file(path), path, options);
}

}  // namespace lscmir::io
