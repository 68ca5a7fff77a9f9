// SPDX-License-Identifier: GPL-3.0-or-later
// Plain lists of names, one per line (miRNA lists, gene universes).
#pragma once

#include <string>
#include <vector>

namespace lscmir::io {

/// Reads one name per line: the first tab-separated field, spaces around it trimmed; '#' comment
/// lines, blank lines, CR line ends and a UTF-8 BOM are ignored. Order and repeats are kept.
/// @param path  the file
/// @param what  what the names are, for the message when there are none ("miRNA names", "genes")
/// @returns the names in file order
/// @throws core::InputError naming `path`: cannot open, read error, or no name at all.
/// Threads: safe to call from several threads.
std::vector<std::string> read_name_list(const std::string& path, const std::string& what);

}  // namespace lscmir::io
