// SPDX-License-Identifier: GPL-3.0-or-later
// isomiR description as mirGFF3 1.2 defines it (https://github.com/miRTop/mirGFF3): the read's
// position against its mature arm, non-templated 3' additions and substitutions by read position.
#pragma once

#include <string>
#include <string_view>

#include "lscmir/quant/reference.hpp"

namespace lscmir::quant {

/// A read aligned at `offset` on a hairpin, compared with one mature arm of that hairpin.
struct IsomirCall {
  int iso_5p = 0;      ///< read start - arm start (negative: the read starts upstream)
  int iso_3p = 0;      ///< templated read end - arm end (positive: the read extends downstream)
  int add_3p = 0;      ///< trailing nucleotides that differ from the hairpin (non-templated)
  std::string variant; ///< mirGFF3 Variant attribute ("NA" for the reference miRNA)
  std::string cigar;   ///< mirGFF3 Cigar: run lengths of M, a mismatch written as the read base
  bool is_reference() const { return variant == "NA"; }
};

/// Classifies `read` aligned at `offset` on `hairpin` against `arm`. Mismatches at the very end of
/// the read are non-templated additions (iso_add3p:N); the others are substitutions named by their
/// 1-based read position: 2-7 iso_snv_seed, 8 iso_snv_central_offset, 9-12 iso_snv_central,
/// 13-17 iso_snv_central_supp, else iso_snv. iso_5p:-N means N extra 5' nucleotides, iso_5p:+N
/// N missing; iso_3p:+N N extra templated 3' nucleotides, iso_3p:-N N missing.
IsomirCall classify_isomir(std::string_view read, const std::string& hairpin, int offset, const Arm& arm);

/// mirtop's UID: the MINTplates "license plate" of the sequence with prefix "iso" (Loher et al.
/// 2017, Sci Rep 7:41184): "iso-<length>-" then the sequence in 5-nt blocks, each written as a
/// number in base 32, the last block (1-4 nt) numbered after all shorter blocks.
std::string mintplate_uid(std::string_view sequence);

}  // namespace lscmir::quant
