// SPDX-License-Identifier: GPL-3.0-or-later
#include <unordered_set>

#include "detail/text.hpp"
#include "lscmir/core/error.hpp"
#include "lscmir/targets/enrich.hpp"

namespace lscmir::targets {

std::vector<GeneSet> read_gmt(const std::string& path) {
  const std::string text = detail::read_text(path);
  std::vector<GeneSet> sets;
  detail::for_each_line(text, [&](std::string_view line, std::size_t number) {
    if (detail::is_blank(line) || line.front() == '#') return;
    const auto f = detail::split(line, '\t');
    if (f.size() < 2)
      throw core::InputError(path, number, "expected a gene set line: name<TAB>description<TAB>genes..., found no tab");
    GeneSet s;
    s.name = std::string(detail::trim(f[0]));
    if (s.name.empty()) throw core::InputError(path, number, "empty gene set name");
    s.description = std::string(detail::trim(f[1]));
    s.file = path;
    s.line = number;
    std::unordered_set<std::string_view> seen;
    for (std::size_t i = 2; i < f.size(); ++i) {
      const std::string_view g = detail::trim(f[i]);
      if (g.empty()) continue;
      if (!seen.insert(g).second) {
        ++s.duplicates;
        continue;
      }
      s.genes.emplace_back(g);
    }
    sets.push_back(std::move(s));
  });
  if (sets.empty()) throw core::InputError(path, 0, "no gene sets found (expected GMT lines: name<TAB>description<TAB>genes)");
  return sets;
}

}  // namespace lscmir::targets
