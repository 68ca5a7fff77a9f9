// SPDX-License-Identifier: GPL-3.0-or-later
// Seed-site scan with TargetScan 7's definitions and site grouping across aligned species.
//
// One index of every family's 6-nt seed core (miRNA nt 2-7) over 4^6 codes; each UTR is read once
// in "letter space" (alignment gaps removed), and every core hit is extended to 7mer-m8 / 7mer-1a /
// 8mer-1a, so a site is reported once, with the widest type, as targetscan_70.pl does after it drops
// sites contained in longer ones. Sites of one gene and family in different species are grouped when
// their alignment spans overlap (same start or end, or >= 2 positions), in targetscan_70.pl's order,
// so Group_num values equal TargetScan's.
#pragma once

#include "lscmir/core/progress.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "lscmir/targets/seed.hpp"
#include "lscmir/targets/utr.hpp"

namespace lscmir::targets {

/// Looks up families by the 6-mer a UTR carries. Built once for all UTRs; read-only, thread-safe.
class SeedIndex {
 public:
  SeedIndex(const std::vector<Family>& families, const SiteTypeSet& types);
  const std::vector<Family>& families() const { return *families_; }
  const SiteTypeSet& types() const { return types_; }

  /// Families whose seed core (nt 2-7) pairs with the UTR 6-mer `code` (2 bits per nt, first nt high).
  const std::uint32_t* core_begin(std::uint32_t code) const { return core_fam_.data() + core_off_[code]; }
  const std::uint32_t* core_end(std::uint32_t code) const { return core_fam_.data() + core_off_[code + 1]; }
  /// Families whose nt 3-8 pair with the UTR 6-mer `code` (offset-6mer).
  const std::uint32_t* offset_begin(std::uint32_t code) const { return off_fam_.data() + off_off_[code]; }
  const std::uint32_t* offset_end(std::uint32_t code) const { return off_fam_.data() + off_off_[code + 1]; }
  /// UTR nucleotide code across from miRNA nt 8 and nt 2, per family.
  std::uint8_t m8_code(std::uint32_t family) const { return m8_[family]; }
  std::uint8_t m2_code(std::uint32_t family) const { return m2_[family]; }
  /// Per family, 1 when it is annotated in `species` (searched there); nullptr when no family is.
  const std::uint8_t* active(const std::string& species) const;

 private:
  const std::vector<Family>* families_;
  SiteTypeSet types_;
  std::vector<std::uint32_t> core_off_, core_fam_, off_off_, off_fam_;
  std::vector<std::uint8_t> m8_, m2_;
  std::map<std::string, std::vector<std::uint8_t>> active_;
};

/// One site, in TargetScan's coordinates (1-based, inclusive).
struct Site {
  std::uint32_t family = 0;     ///< index into the families
  std::uint32_t msa_start = 0;  ///< alignment coordinates (gaps counted)
  std::uint32_t msa_end = 0;
  std::uint32_t utr_start = 0;  ///< UTR coordinates (gaps not counted); end = start + length - 1
  std::uint32_t group = 0;      ///< group number within the gene (1-based); global = + offset
  std::uint16_t species = 0;    ///< index into the gene's utrs (at most 65,535 species per gene)
  SiteType type = SiteType::k6mer;
  bool orf_overlap = false;     ///< TargetScan's ORF_overlap flag (lowercase sequence)
  std::uint32_t utr_end() const { return utr_start + static_cast<std::uint32_t>(site_type_length(type)) - 1; }
};

/// The sites of one gene, in targetscan_70.pl's output order: families by id, then group number,
/// then "species::MSA_start::MSA_end" in byte order within a group.
struct GeneSites {
  std::vector<Site> sites;
  std::uint32_t n_groups = 0;
  std::uint64_t group_offset = 0;  ///< groups of all earlier genes (TargetScan numbers across genes)
};

struct ScanOptions {
  /// Nucleotides masked at the UTR start (ribosome shadow); targetscan_70.pl uses 14.
  int mask_5prime = 14;
};

/// Finds the sites of one gene. A family is searched only in the species it is annotated in.
/// Threads: pure function of its inputs.
GeneSites scan_gene(const UtrGene& gene, const SeedIndex& index, const ScanOptions& options);

/// Scans every gene with `threads` workers and numbers groups across genes in file order.
/// Output is identical for any thread count.
/// `progress` (optional) counts the genes scanned.
std::vector<GeneSites> scan_utrs(const UtrSet& utrs, const SeedIndex& index, const ScanOptions& options, int threads,
                                 core::Progress* progress = nullptr);

/// sites.tsv: targetscan_70.pl's 14 columns and header, row for row.
std::string sites_header();
/// Appends the sites.tsv rows of genes [begin, end) to `out`. Threads: const inputs, own `out`.
void append_sites(const UtrSet& utrs, const std::vector<GeneSites>& sites, const SeedIndex& index, std::size_t begin,
                  std::size_t end, std::string& out);
/// The whole sites.tsv text (header and every gene), formatted with `threads` workers.
std::string format_sites(const UtrSet& utrs, const std::vector<GeneSites>& sites, const SeedIndex& index, int threads);

/// targets.tsv: per-gene site counts of one species (the reference, usually 9606) for every family
/// (or, with `per_member`, every member miRNA of a family), columns
/// `mirna gene n_8mer n_7mer_m8 n_7mer_1a n_6mer [n_offset_6mer] total` (offset column when that
/// type is reported). Rows by gene (file order), then family id, then member; only pairs with at
/// least one site.
std::string targets_header(const SeedIndex& index);
/// Appends the targets.tsv rows of genes [begin, end); returns the number of rows appended.
std::size_t append_targets(const UtrSet& utrs, const std::vector<GeneSites>& sites, const SeedIndex& index,
                           const std::string& species, bool per_member, std::size_t begin, std::size_t end, std::string& out);
/// The whole targets.tsv text; `rows` returns the row count.
std::string format_targets(const UtrSet& utrs, const std::vector<GeneSites>& sites, const SeedIndex& index,
                           const std::string& species, bool per_member, std::size_t* rows = nullptr);

}  // namespace lscmir::targets
