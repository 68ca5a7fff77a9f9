// SPDX-License-Identifier: GPL-3.0-or-later
// Private: whole-file reading (plain or gzip) and line splitting for the targets readers.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace lscmir::targets::detail {

/// io::read_text_file (gzip inflated) without a leading UTF-8 BOM.
/// @throws core::InputError when the file cannot be opened or is a truncated / corrupt gzip stream.
std::string read_text(const std::string& path);

/// Calls fn(line, line_number) for every line (without '\n' and a trailing '\r'); the last line may
/// lack a newline.
template <typename Fn>
void for_each_line(std::string_view text, Fn&& fn) {
  std::size_t pos = 0, number = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    fn(line, ++number);
    pos = nl + 1;
  }
}

/// Splits on `sep` keeping empty fields.
std::vector<std::string_view> split(std::string_view line, char sep);

/// True when the line has only blanks.
bool is_blank(std::string_view line);

/// Leading/trailing blanks removed.
std::string_view trim(std::string_view s);

/// "abc" -> "\"abc\"" shortened to 60 characters, for messages.
std::string quote(std::string_view s);

}  // namespace lscmir::targets::detail
