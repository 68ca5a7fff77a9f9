// SPDX-License-Identifier: GPL-3.0-or-later
// Gene sets in GMT format (MSigDB): name, description, genes; tab-separated, one set a line.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace lscmir::io {

struct GeneSet {
  std::string name;
  std::string description;
  std::vector<std::string> genes;  ///< unique, in file order
  std::string file;
  std::size_t line = 0;
  std::size_t duplicates = 0;      ///< repeated genes dropped from this set
};

/// Reads a GMT file, plain or gzip. Accepted quirks: no newline after the last line, CRLF, a
/// UTF-8 BOM, blank lines and '#' comment lines, blanks around fields, empty gene fields (trailing
/// tabs), a gene repeated in a set (kept once, counted in `duplicates`), a set with no genes
/// (kept, size 0). Repeated set names are the caller's to judge (`file` and `line` say where).
/// @throws core::InputError (file, line) for a line without a description field, an empty set name,
///         or no sets at all.
std::vector<GeneSet> read_gmt(const std::string& path);

}  // namespace lscmir::io
