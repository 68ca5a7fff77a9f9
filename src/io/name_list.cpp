// SPDX-License-Identifier: GPL-3.0-or-later
// read_name_list: one name per line.
#include "lscmir/io/name_list.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "lscmir/core/error.hpp"

namespace lscmir::io {

std::vector<std::string> read_name_list(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw core::InputError(path, 0, std::string("cannot open file: ") + std::strerror(errno));
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (out.empty() && line.size() >= 3 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);
    line = line.substr(0, line.find('\t'));
    while (!line.empty() && line.back() == ' ') line.pop_back();
    while (!line.empty() && line.front() == ' ') line.erase(0, 1);
    if (line.empty() || line[0] == '#') continue;
    out.push_back(line);
  }
  if (in.bad()) throw core::InputError(path, 0, "read error");
  if (out.empty()) throw core::InputError(path, 0, "no " + what + " found (expected one per line)");
  return out;
}

}  // namespace lscmir::io
