// SPDX-License-Identifier: GPL-3.0-or-later
// 3'UTR inputs: TargetScan's aligned UTR table (gene, species, gapped sequence) or FASTA.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace lscmir::targets {

/// One species' (aligned) UTR of a gene, as given ('-' are alignment gaps; lowercase marks ORF
/// overlap in TargetScan's files).
struct UtrSequence {
  std::string species;
  std::string sequence;
};

/// A gene: one UTR per species (one for FASTA input). `line` is where its first record starts.
struct UtrGene {
  std::string gene;
  std::size_t line = 0;
  std::vector<UtrSequence> utrs;
};

struct UtrSet {
  std::string path;
  std::vector<UtrGene> genes;  ///< in file order; a gene id that reappears later starts a new entry
  std::size_t nucleotides = 0; ///< non-gap characters over all sequences
};

/// Reads UTRs. FASTA when the first non-blank character is '>' (header word = gene id, every record
/// gets `species`); otherwise TargetScan's tab-separated UTR_Sequences table: gene, species id,
/// sequence (3 fields, no header), or the download's header form whose columns include "Species ID"
/// and "UTR sequence" (gene = first column). As targetscan_70.pl: adjacent lines of one gene form
/// its alignment, lines with an empty or "0" species (consensus rows) are skipped, CR is ignored.
/// @throws core::InputError (file, line): wrong field count, empty gene id, a species twice in one
///         gene, characters other than letters, '-' and '.' in a sequence, no sequences at all.
UtrSet read_utrs(const std::string& path, const std::string& species);

}  // namespace lscmir::targets
