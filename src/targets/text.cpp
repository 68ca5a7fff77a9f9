// SPDX-License-Identifier: GPL-3.0-or-later
#include "detail/text.hpp"

#include "lscmir/core/error.hpp"
#include "lscmir/io/table.hpp"

namespace lscmir::targets::detail {

std::string read_text(const std::string& path) {
  std::string s = io::read_text_file(path);
  if (s.size() >= 3 && s.compare(0, 3, "\xEF\xBB\xBF") == 0) s.erase(0, 3);
  return s;
}

std::vector<std::string_view> split(std::string_view line, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t p = line.find(sep, start);
    if (p == std::string_view::npos) {
      out.push_back(line.substr(start));
      return out;
    }
    out.push_back(line.substr(start, p - start));
    start = p + 1;
  }
}

bool is_blank(std::string_view line) {
  for (char c : line)
    if (c != ' ' && c != '\t' && c != '\r') return false;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string quote(std::string_view s) {
  std::string out(1, '"');
  if (s.size() > 60) return out.append(s.substr(0, 57)).append("...\"");
  return out.append(s).append(1, '"');
}

}  // namespace lscmir::targets::detail
