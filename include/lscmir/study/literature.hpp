// SPDX-License-Identifier: GPL-3.0-or-later
// Literature context for candidates: the bundled table data/literature/lsc_mirna_literature.tsv
// (published LSC / HSC / progenitor miRNA findings, data/literature/README.md) matched to a
// candidate's name and compared with the study's own contrasts. Context only, never in a score.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lscmir::study {

struct LiteratureRow {
  std::string mirna, contrast, species, reference, finding;
  int direction = 0;  ///< +1 up, -1 down (the first population of `contrast` is higher / lower)
};

struct Literature {
  std::string source;  ///< the file, or "bundled v<version>"
  std::vector<LiteratureRow> rows;
};

/// The table compiled into the binary (data/literature/lsc_mirna_literature.tsv of the build).
Literature bundled_literature();
/// Reads a table of the same columns (mirna direction contrast species reference finding).
/// @throws core::InputError (file, line): a missing column, direction not up / down, an empty mirna or contrast.
Literature read_literature(const std::string& path);
Literature parse_literature(std::string_view text, const std::string& name);

/// The name key of the matching rule: lower case, no species prefix (`hsa-`), `mir-` for both
/// `miR-` and precursor `mir-`, no arm (`-3p`, `-5p`, `*`) and no precursor copy number
/// (`mir-29a-1` -> `mir-29a`; `mir-126` keeps its number).
std::string literature_key(const std::string& name);
/// True when `feature` is the row's miRNA: equal keys, or the row's key ends in a digit and the
/// feature's key is it plus one letter (row `miR-99` covers `miR-99a`, `miR-99b`; row `miR-125a`
/// does not cover `miR-125b`).
bool literature_matches(const std::string& feature, const std::string& row_mirna);

/// The study's evidence on the contrasts a row can speak to, per role pair (0 LSC-HSC, 1 LSC-LPC,
/// 2 HSC-LPC): logFC (first minus second) and adj.P.Val; NaN where the study has none.
struct StudyContrasts {
  double logfc[3], adj_p[3];
};

/// The verdict of the study on a candidate: `summary` is agrees (some rows agree, none
/// disagrees), disagrees, mixed, or silent (no row, or no row the study tests at adj.P.Val <
/// fdr); `detail` lists every matching row as "miR-99 HSC-LPC up: agrees (DOI:...)", joined by " | ".
struct LiteratureVerdict {
  std::string summary, detail;
};
/// A row's contrast is read as roles (LSC, HSC, LPC, either order); a row about other populations
/// (`LSC-nonLSC`) is "not compared". A tested row agrees when the study's adj.P.Val < fdr and the
/// sign of its logFC is the row's direction, disagrees when the sign is the opposite, and is "not
/// significant" otherwise.
LiteratureVerdict literature_verdict(const Literature& lit, const std::string& feature, const StudyContrasts& study, double fdr);

}  // namespace lscmir::study
