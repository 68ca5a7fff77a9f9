// SPDX-License-Identifier: GPL-3.0-or-later
// Reading Ct files and combining replicate wells.
#include "lscmir/qpcr/ct.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <sstream>
#include <string_view>
#include <unordered_map>

#include "lscmir/core/error.hpp"
#include "lscmir/core/sha256.hpp"
#include "lscmir/io/number.hpp"
#include "lscmir/io/table.hpp"

namespace lscmir::qpcr {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw core::InputError(path, 0, "cannot open the Ct file", "check the path and permissions");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw core::InputError(path, 0, "cannot read the Ct file");
  std::string text = ss.str();
  if (text.size() >= 2 && static_cast<unsigned char>(text[0]) == 0x1f && static_cast<unsigned char>(text[1]) == 0x8b)
    throw core::InputError(path, 0, "gzip-compressed Ct files are not supported", "decompress it first (gunzip -k)");
  return text;
}

/// Parses a Ct cell into `w`: a number, "Undetermined" or empty.
void parse_ct_cell(std::string_view cell, Well& w, const std::string& path) {
  const std::string_view t = trim(cell);
  if (t.empty() || lower(t) == "undetermined") {
    w.amplified = false;
    return;
  }
  double v = 0.0;
  if (!io::parse_finite(t, v))
    throw core::InputError(path, w.line, "Ct cell " + quoted(t) + " is neither a number nor Undetermined",
                           "write Undetermined (or leave the cell empty) for wells that did not amplify; "
                           "use '.' as the decimal mark");
  if (v < 0) throw core::InputError(path, w.line, "Ct " + std::string(t) + " is negative; a Ct is a cycle number >= 0");
  w.ct = v;
  w.amplified = true;
}

bool parse_bool_cell(std::string_view cell, std::size_t line, const std::string& path, const std::string& column) {
  const std::string t = lower(trim(cell));
  if (t.empty() || t == "false" || t == "0" || t == "no") return false;
  if (t == "true" || t == "1" || t == "yes") return true;
  throw core::InputError(path, line, "column " + quoted(column) + " has " + quoted(cell) + "; expected true or false");
}

/// Index of the first header column whose lower-cased name is one of `names`, or npos.
std::size_t find_any(const io::Table& t, std::initializer_list<std::string_view> names) {
  for (std::size_t k = 0; k < t.header.size(); ++k) {
    const std::string h = lower(trim(t.header[k]));
    for (auto n : names)
      if (h == n) return k;
  }
  return io::Table::npos;
}

/// Wells of a long table or an instrument results table, with column indices already found.
struct WellColumns {
  std::size_t sample = io::Table::npos, target = io::Table::npos, ct = io::Table::npos;
  std::size_t well = io::Table::npos, plate = io::Table::npos, omit = io::Table::npos, task = io::Table::npos;
};

void read_wells(const io::Table& t, const WellColumns& c, CtFile& out) {
  // (plate, well) -> index into out.wells, to catch a well listed twice
  std::map<std::pair<std::string, std::string>, std::size_t> seen;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    const auto& row = t.rows[r];
    Well w;
    w.line = t.line_numbers[r];
    w.sample = std::string(trim(row[c.sample]));
    w.target = std::string(trim(row[c.target]));
    if (w.sample.empty() && w.target.empty()) {
      ++out.skipped_empty;
      continue;
    }
    if (w.sample.empty()) throw core::InputError(t.path, w.line, "a well of assay " + quoted(w.target) + " has no sample name");
    if (w.target.empty()) throw core::InputError(t.path, w.line, "a well of sample " + quoted(w.sample) + " has no target name");
    if (c.task != io::Table::npos && lower(trim(row[c.task])) == "ntc") {
      ++out.skipped_ntc;
      continue;
    }
    parse_ct_cell(row[c.ct], w, t.path);
    if (c.omit != io::Table::npos) w.omitted = parse_bool_cell(row[c.omit], w.line, t.path, t.header[c.omit]);
    if (c.well != io::Table::npos) {
      const std::string pos(trim(row[c.well]));
      if (!pos.empty()) {
        const std::string plate = c.plate != io::Table::npos ? std::string(trim(row[c.plate])) : std::string();
        const auto [it, fresh] = seen.emplace(std::make_pair(plate, pos), out.wells.size());
        if (!fresh) {
          const Well& first = out.wells[it->second];
          const std::string where = "well " + pos + (plate.empty() ? "" : " of plate " + plate);
          if (first.sample != w.sample || first.target != w.target)
            throw core::InputError(t.path, w.line,
                                   where + " is listed twice with different contents: sample " + quoted(first.sample) +
                                       ", target " + quoted(first.target) + " at line " + std::to_string(first.line) +
                                       ", sample " + quoted(w.sample) + ", target " + quoted(w.target) + " here",
                                   "each well position must appear once per plate; add a plate column when the "
                                   "table joins several plates");
          throw core::InputError(t.path, w.line, where + " is listed twice (first at line " + std::to_string(first.line) + ")",
                                 "remove the duplicated row");
        }
      }
    }
    out.wells.push_back(std::move(w));
  }
}

void read_long(const std::string& path, const std::string& text, const LongColumns& names, CtFile& out) {
  const io::Table t = io::parse_table(text, path, io::delimiter_for_path(path));
  WellColumns c;
  c.sample = t.require_column(names.sample);
  c.target = t.require_column(names.target);
  c.ct = t.require_column(names.ct);
  c.well = find_any(t, {"well", "well position"});
  c.plate = find_any(t, {"plate"});
  c.omit = find_any(t, {"omit"});
  c.task = find_any(t, {"task"});
  read_wells(t, c, out);
}

void read_wide(const std::string& path, const std::string& text, CtFile& out) {
  const io::Table t = io::parse_table(text, path, io::delimiter_for_path(path));
  if (t.header.size() < 2)
    throw core::InputError(path, 1, "a wide Ct matrix needs an assay column and at least one sample column");
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    const std::string target(trim(t.rows[r][0]));
    if (target.empty()) throw core::InputError(path, t.line_numbers[r], "the assay name (first column) is empty");
    for (std::size_t k = 1; k < t.header.size(); ++k) {
      Well w;
      w.line = t.line_numbers[r];
      w.sample = std::string(trim(t.header[k]));
      w.target = target;
      parse_ct_cell(t.rows[r][k], w, path);
      out.wells.push_back(std::move(w));
    }
  }
}

bool is_ct_header(const std::string& h) {
  // QuantStudio 6/7 write "Cт" with a Cyrillic te (UTF-8 D1 82) in some versions.
  return h == "ct" || h == "c\xd1\x82";
}

/// Instrument export: optional `* key = value` header lines and sections; the results table is
/// the one after `[Results]` when present, else the first line naming a sample and a target column.
void read_instrument(const std::string& path, const std::string& text, CtFile& out) {
  std::vector<std::string_view> lines;
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    lines.push_back(std::string_view(text).substr(pos, nl - pos));
    pos = nl + 1;
  }
  std::size_t start = lines.size();
  bool results_section = false;
  for (std::size_t i = 0; i < lines.size(); ++i)
    if (lower(trim(lines[i])) == "[results]") {
      start = i + 1;
      results_section = true;
      break;
    }
  auto names_columns = [](std::string_view line) {
    const std::string l = lower(line);
    return l.find("sample name") != std::string::npos &&
           (l.find("target name") != std::string::npos || l.find("detector") != std::string::npos);
  };
  if (!results_section) start = 0;
  while (start < lines.size() && (trim(lines[start]).empty() || !names_columns(lines[start]))) {
    if (results_section && !trim(lines[start]).empty())
      throw core::InputError(path, start + 1, "the [Results] section does not start with a header naming Sample Name and Target Name (or Detector)");
    ++start;
  }
  if (start >= lines.size())
    throw core::InputError(path, 0, "no results table found in the instrument export",
                           "expected a [Results] section or a header line with Sample Name, Target Name (or Detector) and CT");
  std::size_t end = start + 1;
  while (end < lines.size() && !trim(lines[end]).empty() && trim(lines[end]).front() != '[') ++end;
  const char delim = lines[start].find('\t') != std::string_view::npos ? '\t' : ',';
  // Keep file line numbers: every line before the table becomes an (ignored) blank line. No
  // comment lines: the 7900HT names its well column "#".
  std::string table_text(start, '\n');
  for (std::size_t i = start; i < end; ++i) {
    table_text.append(lines[i]);
    table_text.push_back('\n');
  }
  const io::Table t = io::parse_table(table_text, path, delim, /*allow_comments=*/false);
  WellColumns c;
  c.sample = find_any(t, {"sample name"});
  c.target = find_any(t, {"target name", "detector", "detector name"});
  for (std::size_t k = 0; k < t.header.size() && c.ct == io::Table::npos; ++k)
    if (is_ct_header(lower(trim(t.header[k])))) c.ct = k;
  const std::size_t header_line = start + 1;
  if (c.ct == io::Table::npos)
    throw core::InputError(path, header_line, "the results table has no CT (or Ct) column");
  if (c.sample == io::Table::npos || c.target == io::Table::npos)
    throw core::InputError(path, header_line, "the results table needs Sample Name and Target Name (or Detector) columns");
  c.well = find_any(t, {"well position"});
  if (c.well == io::Table::npos) c.well = find_any(t, {"well"});
  c.plate = find_any(t, {"plate", "barcode"});
  c.omit = find_any(t, {"omit"});
  c.task = find_any(t, {"task"});
  read_wells(t, c, out);
}

bool looks_instrument(const std::string& text) {
  std::size_t pos = 0;
  for (int i = 0; i < 200 && pos < text.size(); ++i) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    const std::string_view line = trim(std::string_view(text).substr(pos, nl - pos));
    if (lower(line) == "[results]" || line.rfind("* ", 0) == 0) return true;
    const std::string l = lower(line);  // 7900HT SDS: free header lines, then the results header
    if (i > 0 && l.find("sample name") != std::string::npos &&
        (l.find("target name") != std::string::npos || l.find("detector") != std::string::npos))
      return true;
    pos = nl + 1;
  }
  return false;
}

}  // namespace

bool parse_ct_format(const std::string& text, CtFormat& out) {
  if (text == "auto") out = CtFormat::kAuto;
  else if (text == "long") out = CtFormat::kLong;
  else if (text == "wide") out = CtFormat::kWide;
  else if (text == "quantstudio") out = CtFormat::kQuantStudio;
  else return false;
  return true;
}

std::string to_string(CtFormat f) {
  switch (f) {
    case CtFormat::kAuto: return "auto";
    case CtFormat::kLong: return "long";
    case CtFormat::kWide: return "wide";
    case CtFormat::kQuantStudio: return "quantstudio";
  }
  return "?";
}

const char* to_string(CallState s) {
  switch (s) {
    case CallState::kDetected: return "detected";
    case CallState::kUndetected: return "undetected";
    case CallState::kFailed: return "failed";
    case CallState::kMissing: return "missing";
  }
  return "?";
}

CtFile read_ct(const std::string& path, CtFormat format, const LongColumns& columns) {
  CtFile out;
  out.path = path;
  const std::string text = slurp(path);
  out.bytes = text.size();
  core::Sha256 hash;
  hash.update(text);
  out.sha256 = hash.hex_digest();
  if (format == CtFormat::kAuto) {
    if (looks_instrument(text)) {
      format = CtFormat::kQuantStudio;
    } else {
      const std::size_t nl = text.find('\n');
      const io::Table head = io::parse_table(nl == std::string::npos ? text : text.substr(0, nl + 1), path,
                                             io::delimiter_for_path(path));
      const bool is_long = head.find_column(columns.sample) != io::Table::npos &&
                           head.find_column(columns.target) != io::Table::npos &&
                           head.find_column(columns.ct) != io::Table::npos;
      format = is_long ? CtFormat::kLong : CtFormat::kWide;
    }
  }
  out.format = format;
  switch (format) {
    case CtFormat::kLong: read_long(path, text, columns, out); break;
    case CtFormat::kWide: read_wide(path, text, out); break;
    case CtFormat::kQuantStudio: read_instrument(path, text, out); break;
    case CtFormat::kAuto: break;
  }
  if (out.wells.empty()) throw core::InputError(path, 0, "the Ct file has no wells", "expected one row per well (or assay)");
  return out;
}

CtMatrix summarize(const std::vector<CtFile>& files, const std::vector<std::string>& samples, double ct_max) {
  CtMatrix m;
  m.samples = samples;
  std::unordered_map<std::string, std::size_t> sample_index;
  for (std::size_t j = 0; j < samples.size(); ++j) sample_index.emplace(samples[j], j);
  std::map<std::string, std::size_t> assay_index;
  for (const CtFile& file : files) {
    std::vector<std::string> unknown;
    std::size_t first_unknown_line = 0;
    for (const Well& w : file.wells) {
      if (!sample_index.count(w.sample)) {
        if (unknown.empty()) first_unknown_line = w.line;
        if (std::find(unknown.begin(), unknown.end(), w.sample) == unknown.end()) unknown.push_back(w.sample);
        continue;
      }
      assay_index.emplace(w.target, 0);
    }
    if (!unknown.empty()) {
      std::string list;
      for (std::size_t i = 0; i < std::min<std::size_t>(5, unknown.size()); ++i) list += (i ? ", " : "") + quoted(unknown[i]);
      if (unknown.size() > 5) list += ", ...";
      throw core::InputError(file.path, first_unknown_line,
                             std::to_string(unknown.size()) + " sample name(s) of the Ct file are not in the sample sheet: " + list,
                             "add them to the sample sheet, or remove their wells");
    }
  }
  m.assays.reserve(assay_index.size());
  for (auto& [name, idx] : assay_index) {
    idx = m.assays.size();
    m.assays.push_back(name);
  }
  const std::size_t na = m.assays.size(), ns = samples.size();
  std::vector<double> sum(na * ns, 0.0), sumsq(na * ns, 0.0);
  std::vector<int> all_wells(na * ns, 0);
  m.wells.assign(na * ns, 0);
  m.detected_wells.assign(na * ns, 0);
  auto usable_detected = [ct_max](const Well& w) { return !w.omitted && w.amplified && w.ct <= ct_max; };
  // Two passes (mean, then squared deviations) keep the SD accurate for Ct values near 30.
  for (const CtFile& file : files)
    for (const Well& w : file.wells) {
      const std::size_t i = m.at(assay_index.at(w.target), sample_index.at(w.sample));
      ++all_wells[i];
      if (w.omitted) continue;
      ++m.wells[i];
      if (usable_detected(w)) {
        ++m.detected_wells[i];
        sum[i] += w.ct;
      }
    }
  m.ct.assign(na * ns, std::numeric_limits<double>::quiet_NaN());
  m.sd.assign(na * ns, std::numeric_limits<double>::quiet_NaN());
  m.state.assign(na * ns, CallState::kMissing);
  for (std::size_t i = 0; i < na * ns; ++i)
    if (m.detected_wells[i] > 0) m.ct[i] = sum[i] / m.detected_wells[i];
  for (const CtFile& file : files)
    for (const Well& w : file.wells) {
      if (!usable_detected(w)) continue;
      const std::size_t i = m.at(assay_index.at(w.target), sample_index.at(w.sample));
      const double d = w.ct - m.ct[i];
      sumsq[i] += d * d;
    }
  std::vector<bool> sample_seen(ns, false);
  for (std::size_t i = 0; i < na * ns; ++i) {
    if (all_wells[i] > 0) sample_seen[i / na] = true;
    if (m.detected_wells[i] > 0) m.state[i] = CallState::kDetected;
    else if (m.wells[i] > 0) m.state[i] = CallState::kUndetected;
    else if (all_wells[i] > 0) m.state[i] = CallState::kFailed;
    if (m.detected_wells[i] > 1) m.sd[i] = std::sqrt(sumsq[i] / (m.detected_wells[i] - 1));
  }
  for (std::size_t j = 0; j < ns; ++j)
    if (!sample_seen[j])
      throw core::InputError(files.size() == 1 ? files[0].path : files[0].path + " (and the other Ct files)", 0,
                             "sample " + quoted(samples[j]) + " of the sample sheet has no well in the Ct data",
                             "remove it from the sample sheet, or check its spelling in both files");
  return m;
}

}  // namespace lscmir::qpcr
