// SPDX-License-Identifier: GPL-3.0-or-later
// qPCR Ct data: reading long tables, wide matrices and instrument exports (QuantStudio / ViiA7 /
// 7900HT SDS), and summarizing replicate wells into one Ct per assay and sample.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace lscmir::qpcr {

enum class CtFormat { kAuto, kLong, kWide, kQuantStudio };

/// Parses "auto", "long", "wide", "quantstudio"; false when unknown.
bool parse_ct_format(const std::string& text, CtFormat& out);
std::string to_string(CtFormat f);

/// Column names of the long format (the defaults are `sample`, `target`, `ct`; an optional `well`
/// column is checked for conflicting duplicates and an optional `omit` column marks failed wells).
struct LongColumns {
  std::string sample = "sample";
  std::string target = "target";
  std::string ct = "ct";
};

/// One well (or one cell of a wide matrix).
struct Well {
  std::string sample;
  std::string target;
  double ct = 0.0;            ///< the Ct when `amplified`
  bool amplified = false;     ///< false: "Undetermined" or empty Ct cell
  bool omitted = false;       ///< failed well (Omit = true): excluded, neither detected nor not detected
  std::size_t line = 0;       ///< 1-based file line
};

struct CtFile {
  std::string path;
  std::string sha256;
  std::uintmax_t bytes = 0;
  CtFormat format = CtFormat::kLong;  ///< the format actually read
  std::vector<Well> wells;
  std::size_t skipped_ntc = 0;        ///< no-template-control wells (Task = NTC) that were skipped
  std::size_t skipped_empty = 0;      ///< instrument wells without sample and target names
};

/// Reads a Ct file. Ct cells: a number, "Undetermined" (any case) or empty (= not amplified).
/// @throws core::InputError naming the file and line: missing columns, text in a Ct cell, a
///         negative or non-finite Ct, a well position listed twice with different sample or target
///         names, no wells at all, an instrument export without a results table.
CtFile read_ct(const std::string& path, CtFormat format, const LongColumns& columns = {});

/// State of one assay in one sample after replicate wells are combined.
enum class CallState : std::uint8_t {
  kDetected,    ///< at least one usable well amplified with Ct <= ct_max
  kUndetected,  ///< usable wells exist, none amplified at or below ct_max
  kFailed,      ///< wells exist but every one was omitted (failed)
  kMissing,     ///< no well for this assay and sample
};
const char* to_string(CallState s);

/// Assay x sample summary. Samples are in the order given to summarize(); assays sorted bytewise.
struct CtMatrix {
  std::vector<std::string> assays;
  std::vector<std::string> samples;
  // Column-major by sample: index = assay + n_assays * sample.
  std::vector<double> ct;             ///< mean Ct of the detected wells; NaN unless kDetected
  std::vector<double> sd;             ///< SD of the detected wells (n-1); NaN with fewer than two
  std::vector<int> wells;             ///< usable (not omitted) wells
  std::vector<int> detected_wells;    ///< usable wells with Ct <= ct_max
  std::vector<CallState> state;

  std::size_t n_assays() const { return assays.size(); }
  std::size_t n_samples() const { return samples.size(); }
  std::size_t at(std::size_t assay, std::size_t sample) const { return assay + assays.size() * sample; }
};

/// Combines the wells of each (assay, sample) over all files (e.g. one export per plate). A well counts as detected when it amplified with
/// Ct <= ct_max; the assay is detected in the sample when at least one usable well is, and its Ct
/// is the mean of the detected wells.
/// @throws core::InputError when a well names a sample that is not in `samples` (naming up to five
///         and the file line of the first) or a sample of `samples` has no well in any file.
CtMatrix summarize(const std::vector<CtFile>& files, const std::vector<std::string>& samples, double ct_max);

}  // namespace lscmir::qpcr
