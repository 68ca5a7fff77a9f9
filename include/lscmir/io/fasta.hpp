// SPDX-License-Identifier: GPL-3.0-or-later
// The one FASTA reader: miRBase hairpins and matures (quant), mature miRNAs and UTRs (targets).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lscmir::io {

/// One FASTA record. The reader checks the layout only; the alphabet (and U -> T, species
/// filters, minimum lengths) is the caller's.
struct FastaRecord {
  std::string name;         ///< first word of the header (after '>' and leading blanks)
  std::string description;  ///< the rest of the header after the blank that ends the name, verbatim
  std::string sequence;     ///< the sequence lines joined, each without its line end and surrounding blanks
  std::size_t line = 0;     ///< 1-based file line of the header
  /// (offset in `sequence`, file line) where each sequence line starts, for error messages.
  std::vector<std::pair<std::size_t, std::size_t>> sequence_lines;

  /// 1-based file line holding sequence character `offset` (the header line when there is none).
  std::size_t line_of(std::size_t offset) const;
};

struct FastaOptions {
  /// Names must be unique: a repeat throws "duplicate <noun> "x" (first on line N)".
  bool unique_names = false;
  std::string noun = "FASTA name";
};

/// Parses FASTA text already in memory; `name` is used in error messages. Accepted: a UTF-8 BOM,
/// CRLF, blank lines anywhere, a last line without a newline, records with no sequence lines.
/// @throws core::InputError (file, line) for a sequence line before the first header ("expected a
///         FASTA header line starting with '>'"), a header without a name, a repeated name (with
///         unique_names), or no record at all.
std::vector<FastaRecord> parse_fasta(std::string_view text, const std::string& name, const FastaOptions& options = {});

/// Reads a FASTA file, plain or gzip (io::read_text_file). @throws core::InputError as parse_fasta
/// and when the file cannot be read.
std::vector<FastaRecord> read_fasta(const std::string& path, const FastaOptions& options = {});

}  // namespace lscmir::io
