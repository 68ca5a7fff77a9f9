// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/quant/isomir.hpp"

#include <set>

#include "lscmir/core/error.hpp"

namespace lscmir::quant {

IsomirCall classify_isomir(std::string_view read, const std::string& hairpin, int offset, const Arm& arm) {
  IsomirCall c;
  const int n = static_cast<int>(read.size());
  auto differs = [&](int i) {
    const char r = read[static_cast<std::size_t>(i)];
    return r != hairpin[static_cast<std::size_t>(offset + i)] || r == 'N';
  };
  // Trailing mismatches are non-templated additions (at most 3, and never the whole read).
  while (c.add_3p < 3 && c.add_3p < n - 1 && differs(n - 1 - c.add_3p)) ++c.add_3p;
  const int templated_end = offset + n - c.add_3p;
  c.iso_5p = offset - arm.start;
  c.iso_3p = templated_end - arm.end;
  std::set<std::string> parts;  // mirtop lists each class once
  std::string cigar;
  int run = 0;
  auto flush = [&] {
    if (run > 1) cigar += std::to_string(run);
    if (run > 0) cigar += 'M';
    run = 0;
  };
  for (int i = 0; i < n; ++i) {
    if (!differs(i)) {
      ++run;
      continue;
    }
    flush();
    cigar += read[static_cast<std::size_t>(i)];
    if (i >= n - c.add_3p) continue;
    const int pos = i + 1;
    if (pos >= 2 && pos <= 7) parts.insert("iso_snv_seed");
    else if (pos == 8) parts.insert("iso_snv_central_offset");
    else if (pos >= 9 && pos <= 12) parts.insert("iso_snv_central");
    else if (pos >= 13 && pos <= 17) parts.insert("iso_snv_central_supp");
    else parts.insert("iso_snv");
  }
  flush();
  c.cigar = cigar;
  std::string v;
  auto add = [&](const std::string& s) { v += (v.empty() ? "" : ",") + s; };
  for (const auto& p : parts) add(p);
  if (c.add_3p > 0) add("iso_add3p:" + std::to_string(c.add_3p));
  if (c.iso_5p != 0) add(std::string("iso_5p:") + (c.iso_5p < 0 ? "-" : "+") + std::to_string(std::abs(c.iso_5p)));
  if (c.iso_3p != 0) add(std::string("iso_3p:") + (c.iso_3p < 0 ? "-" : "+") + std::to_string(std::abs(c.iso_3p)));
  c.variant = v.empty() ? "NA" : v;
  return c;
}

namespace {
constexpr const char* kPlateDigits = "BD0EF1HI2JK3LM4NO5PQ6RS7UV8WX9YZ";

void append_base32(std::string& out, unsigned value, bool pad_two) {
  std::string d;
  do {
    d.insert(d.begin(), kPlateDigits[value % 32]);
    value /= 32;
  } while (value > 0);
  if (pad_two && d.size() < 2) d.insert(d.begin(), kPlateDigits[0]);
  out += d;
}
}  // namespace

std::string mintplate_uid(std::string_view sequence) {
  std::string out = "iso-" + std::to_string(sequence.size()) + "-";
  for (std::size_t b = 0; b < sequence.size(); b += 5) {
    const std::size_t len = std::min<std::size_t>(5, sequence.size() - b);
    unsigned index = 0;
    for (std::size_t i = 0; i < len; ++i) {
      unsigned code = 0;
      switch (sequence[b + i]) {
        case 'A': code = 0; break;
        case 'C': code = 1; break;
        case 'G': code = 2; break;
        case 'T': case 'U': code = 3; break;
        default: throw core::InternalError("mintplate_uid: sequence with a base other than A, C, G, T");
      }
      index = index * 4 + code;
    }
    if (len == 5) {
      append_base32(out, index, true);
    } else {
      unsigned offset = 0;  // blocks of 1..len-1 nt come first
      for (std::size_t l = 1; l < len; ++l) offset += 1u << (2 * l);
      append_base32(out, offset + index, false);
    }
  }
  return out;
}

}  // namespace lscmir::quant
