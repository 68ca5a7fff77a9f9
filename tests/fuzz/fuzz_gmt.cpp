// SPDX-License-Identifier: GPL-3.0-or-later
// io::read_gmt (gene sets) on the fuzz input, written as a file (plain or gzip by its bytes).
#include "fuzz_common.hpp"
#include "lscmir/io/gmt.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lscmir;
  const std::string path = fuzz::write_input(fuzz::as_text(data, size), "sets.gmt");
  fuzz::expect_input_errors_only([&] {
    for (const auto& s : io::read_gmt(path))
      if (s.name.empty()) std::abort();  // documented: an empty set name is an error
  });
  return 0;
}
