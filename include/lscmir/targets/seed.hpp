// SPDX-License-Identifier: GPL-3.0-or-later
// miRNA seed families and TargetScan's site types (Lewis 2005, Grimson 2007, Agarwal 2015).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lscmir::targets {

/// Site types. The numeric values are TargetScan 7's internal site ids (targetscan_70.pl), which
/// decide the order of names in a group type ("7mer-1a+6mer"); offset-6mer is lscmir's extension.
enum class SiteType : std::uint8_t {
  k7mer1a = 1,     ///< seed match nt 2-7 + an A across from miRNA position 1
  k7mer_m8 = 2,    ///< seed match nt 2-8
  k8mer1a = 3,     ///< seed match nt 2-8 + an A across from position 1
  k6mer = 6,       ///< seed match nt 2-7
  kOffset6mer = 7  ///< seed match nt 3-8 (Friedman 2009); not part of targetscan_70.pl
};

/// TargetScan's printed name: "8mer-1a", "7mer-m8", "7mer-1a", "6mer", "offset-6mer".
const char* site_type_name(SiteType type);
/// Nucleotides covered by the site (8, 7, 7, 6, 6).
int site_type_length(SiteType type);

/// Which site types to report. The default is targetscan_70.pl's: all but offset-6mer.
struct SiteTypeSet {
  bool m8mer = true;
  bool m7mer_m8 = true;
  bool m7mer_1a = true;
  bool m6mer = true;
  bool offset6mer = false;
  bool has(SiteType type) const;
};

/// Parses a comma list of site type names ("8mer,7mer-m8,7mer-1a,6mer,offset-6mer"; "8mer-1a",
/// "7mer-A1" and "all" are accepted too).
/// @throws core::UsageError naming the unknown entry.
SiteTypeSet parse_site_types(std::string_view list);

/// A seed family: miRNAs sharing nucleotides 2-8.
struct Family {
  std::string id;                    ///< TargetScan's family name, or for FASTA input the members joined
                                     ///< by '/' with the first one's prefix dropped ("hsa-let-7a-5p/7b-5p")
  std::string seed;                  ///< 7 nt (miRNA nt 2-8), uppercase RNA (U)
  std::vector<std::string> species;  ///< species in which the family is annotated (TargetScan ids)
  std::vector<std::string> members;  ///< mature miRNA names (FASTA input; TargetScan's mirbase_id)
};

/// Reads a TargetScan miRNA family file: either the 3-column format of targetscan_70.pl (family,
/// seed nt 2-8, ';'-separated species ids; no header) or the downloadable miR_Family_Info.txt
/// (header with "miR family"/"miR_family", "Seed+m8"/"seed_m8", "Species ID"/"species_id"; one row per
/// family member and species, merged here by family). Sorted by id (byte order, as TargetScan).
/// @throws core::InputError (file, line) for a wrong field count, a seed that is not 7 nt of
///         ACGU/T, an empty family id, or one family given two different seeds.
std::vector<Family> read_families(const std::string& path);

/// Reads mature miRNAs (FASTA) and groups them into seed families (identical nt 2-8). A family's id
/// is its sorted members' names joined by '/', each after the first without the prefix it shares
/// with the first up to a '-'; every family is annotated in `species`.
/// @throws core::InputError for a record without a name, a duplicate name, a sequence shorter than
///         8 nt or with characters other than ACGUT (record's header line), or no records.
std::vector<Family> read_mature_fasta(const std::string& path, const std::string& species);

/// Groups (name, mature sequence) pairs (sequences of at least 8 valid nt) into seed families.
std::vector<Family> families_from_mature(const std::vector<std::pair<std::string, std::string>>& mature,
                                         const std::string& species);

/// The 2-bit code of an RNA/DNA letter (A0 C1 G2 U/T3, either case), or 4 for anything else.
inline std::uint8_t nt_code(char c) {
  switch (c) {
    case 'A': case 'a': return 0;
    case 'C': case 'c': return 1;
    case 'G': case 'g': return 2;
    case 'U': case 'u': case 'T': case 't': return 3;
    default: return 4;
  }
}

}  // namespace lscmir::targets
