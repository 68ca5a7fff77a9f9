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

/// Creates `dir` (and parents) if needed and removes stale temporaries in it
/// (remove_stale_temporaries). When !force and any of `outputs` (file names inside
/// dir) already exists, throws core::UsageError naming it and suggesting --force.
/// Also throws core::UsageError when `dir` is empty or is an existing file, and core::OutputError
/// when it cannot be created (no permission, a read-only or full file system).
void prepare_output_dir(const std::string& dir, const std::vector<std::string>& outputs, bool force);

/// Writes `content` to `path` through a temporary file in the same folder and a rename, so a crash
/// never leaves a half-written file: the temporary (".NAME.tmp.PID.N" in the same folder) is
/// fsync'ed before the rename and removed when anything fails.
/// @throws core::OutputError (naming `path`) when the file cannot be written.
void write_file_atomic(const std::string& path, std::string_view content);

/// A set of files replaced together: add() writes each to its own fsync'ed temporary beside its
/// target (the targets are untouched), commit() renames them all into place in order. So a full
/// disk or a failing write leaves every earlier file as it was; a kill -9 leaves each target either
/// old or new and complete (and at most hidden temporaries, which remove_stale_temporaries clears).
/// Temporaries not committed are removed by the destructor.
class StagedFiles {
 public:
  explicit StagedFiles(std::string dir);
  StagedFiles(const StagedFiles&) = delete;
  StagedFiles& operator=(const StagedFiles&) = delete;
  ~StagedFiles();
  /// Stages DIR/name (name may hold existing subfolders). @throws core::OutputError.
  void add(const std::string& name, std::string_view content);
  /// Renames every staged file into place, in order; returns their names.
  /// @throws core::OutputError when a rename fails (the rest stay unwritten).
  std::vector<std::string> commit();

 private:
  struct Staged {
    std::string name, path, temp;
  };
  std::string dir_;
  std::vector<Staged> files_;
};

/// Removes DIR/name if it exists: an output of an earlier run that this run does not write (another
/// variant of it), once this run's outputs are in place. @throws core::OutputError when it exists
/// and cannot be removed.
void remove_output(const std::string& dir, const std::string& name);

/// Removes the temporaries of write_file_atomic / StagedFiles in `dir` (not its subfolders) whose
/// writing process no longer exists (a kill -9 mid-write). Returns how many were removed.
std::size_t remove_stale_temporaries(const std::string& dir);

/// The temporaries this process has open (write_file_atomic, StagedFiles, StreamedOutput) are
/// tracked so that an interrupt removes them: track_temporary before a temporary is created,
/// untrack_temporary once it is renamed into place or removed. Up to 256 at once, paths up to
/// 1023 bytes; others are left to remove_stale_temporaries of a later run. Both are thread-safe
/// and lock-free (the signal handler reads the same slots).
void track_temporary(const std::string& path) noexcept;
void untrack_temporary(const std::string& path) noexcept;

/// Installs handlers for SIGINT (Ctrl-C), SIGTERM and SIGHUP that remove every tracked temporary
/// and then end the process by the same signal (so the exit status still says which). Outputs
/// already renamed into place stay; no output is left half-written (docs/cli.md). Called once by
/// the command-line tool's main().
void install_interrupt_cleanup();

/// Stages every table as DIR/<file> in TSV (to_tsv) in `staged`; all texts are made first.
void stage_tables(StagedFiles& staged, const std::vector<NamedTable>& tables);

/// Writes every table to DIR/<file> as TSV (to_tsv): all texts are made and staged (StagedFiles)
/// before the first file is replaced. Returns the file names written, in order.
/// @throws core::OutputError when a file cannot be written (no file is then replaced).
std::vector<std::string> write_tables(const std::string& dir, const std::vector<NamedTable>& tables);

/// Checksum record of an input file (reads it in 1 MiB pieces).
/// @throws core::InputError when the file cannot be opened or read.
core::InputRecord checksum_file(const std::string& role, const std::string& path);

}  // namespace lscmir::io
