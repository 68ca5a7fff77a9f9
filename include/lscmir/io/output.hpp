// SPDX-License-Identifier: GPL-3.0-or-later
// Output side: atomic files, output folders, number formatting, checksums.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lscmir/core/run_info.hpp"
#include "lscmir/io/number.hpp"
#include "lscmir/io/result_table.hpp"

namespace lscmir::io {

/// Creates `dir` (and parents) if needed. When !force and any of `outputs` (file names inside
/// dir) already exists, throws core::UsageError naming it and suggesting --force.
/// Also throws core::UsageError when `dir` is empty, is an existing file, or cannot be created.
void prepare_output_dir(const std::string& dir, const std::vector<std::string>& outputs, bool force);

/// Writes `content` to `path` through a temporary file in the same folder and a rename, so a crash
/// never leaves a half-written file: the temporary (".NAME.tmp.PID.N" in the same folder) is
/// fsync'ed before the rename and removed when anything fails.
/// @throws core::InputError (naming `path`) when the file cannot be written.
void write_file_atomic(const std::string& path, std::string_view content);

/// Writes every table to DIR/<file> as TSV (to_tsv), each atomically (write_file_atomic); all
/// texts are made before the first file is written. Returns the file names written, in order.
/// @throws core::OutputError when a file cannot be written.
std::vector<std::string> write_tables(const std::string& dir, const std::vector<NamedTable>& tables);

/// Checksum record of an input file (reads it in 1 MiB pieces).
/// @throws core::InputError when the file cannot be opened or read.
core::InputRecord checksum_file(const std::string& role, const std::string& path);

}  // namespace lscmir::io
