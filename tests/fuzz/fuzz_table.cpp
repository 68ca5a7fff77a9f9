// SPDX-License-Identifier: GPL-3.0-or-later
// io::parse_table (TSV and CSV tables: targets, clinical, categories, ...) on the fuzz input.
#include "fuzz_common.hpp"
#include "lscmir/io/table.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lscmir;
  const std::string_view text = fuzz::as_text(data, size);
  for (const char delimiter : {'\t', ','}) {
    fuzz::expect_input_errors_only([&] {
      const io::Table t = io::parse_table(text, "fuzz.tsv", delimiter);
      for (const auto& row : t.rows)
        if (row.size() != t.header.size()) std::abort();  // documented: every row has header.size() cells
      if (t.rows.size() != t.line_numbers.size()) std::abort();
    });
  }
  return 0;
}
