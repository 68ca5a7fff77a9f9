// SPDX-License-Identifier: GPL-3.0-or-later
// GMT gene-set files.
#include "lscmir/io/gmt.hpp"

#include <string_view>
#include <unordered_set>

#include "detail/text.hpp"
#include "lscmir/core/error.hpp"
#include "lscmir/io/table.hpp"

namespace lscmir::io {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_blank(std::string_view line) { return line.find_first_not_of(" \t\r") == std::string_view::npos; }

}  // namespace

std::vector<GeneSet> read_gmt(const std::string& path) {
  const std::string content = read_text_file(path);
  std::string_view text = content;
  detail::strip_bom(text);
  std::vector<GeneSet> sets;
  std::vector<std::string_view> f;
  std::size_t pos = 0, number = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (is_blank(line) || line.front() == '#') continue;
    f.clear();
    for (std::size_t start = 0;;) {
      const std::size_t tab = line.find('\t', start);
      f.push_back(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
      if (tab == std::string_view::npos) break;
      start = tab + 1;
    }
    if (f.size() < 2)
      throw core::InputError(path, number, "expected a gene set line: name<TAB>description<TAB>genes..., found no tab");
    GeneSet s;
    s.name = std::string(trim(f[0]));
    if (s.name.empty()) throw core::InputError(path, number, "empty gene set name");
    s.description = std::string(trim(f[1]));
    s.file = path;
    s.line = number;
    std::unordered_set<std::string_view> seen;
    for (std::size_t i = 2; i < f.size(); ++i) {
      const std::string_view g = trim(f[i]);
      if (g.empty()) continue;
      if (!seen.insert(g).second) {
        ++s.duplicates;
        continue;
      }
      s.genes.emplace_back(g);
    }
    sets.push_back(std::move(s));
  }
  if (sets.empty()) throw core::InputError(path, 0, "no gene sets found (expected GMT lines: name<TAB>description<TAB>genes)");
  return sets;
}

}  // namespace lscmir::io
