// SPDX-License-Identifier: GPL-3.0-or-later
// io::read_sample_sheet on the fuzz input (written as a .tsv file; the reader takes a path).
#include "fuzz_common.hpp"
#include "lscmir/io/sample_sheet.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lscmir;
  const std::string path = fuzz::write_input(fuzz::as_text(data, size), "samples.tsv");
  fuzz::expect_input_errors_only([&] {
    const io::SampleSheet s = io::read_sample_sheet(path);
    for (const auto& col : s.cells)
      if (col.size() != s.samples.size()) std::abort();
    (void)s.column("population");
  });
  return 0;
}
