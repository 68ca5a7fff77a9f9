// SPDX-License-Identifier: GPL-3.0-or-later
// qPCR Ct files: qpcr::read_ct in auto, long, wide and QuantStudio mode, then qpcr::summarize.
#include <algorithm>
#include <cmath>

#include "fuzz_common.hpp"
#include "lscmir/qpcr/ct.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lscmir;
  const std::string path = fuzz::write_input(fuzz::as_text(data, size), "plate.txt");
  for (const auto format : {qpcr::CtFormat::kAuto, qpcr::CtFormat::kLong, qpcr::CtFormat::kWide,
                            qpcr::CtFormat::kQuantStudio}) {
    fuzz::expect_input_errors_only([&] {
      const qpcr::CtFile f = qpcr::read_ct(path, format);
      std::vector<std::string> samples;
      for (const auto& w : f.wells) {
        if (w.amplified && (!std::isfinite(w.ct) || w.ct < 0)) std::abort();  // documented
        if (std::find(samples.begin(), samples.end(), w.sample) == samples.end()) samples.push_back(w.sample);
      }
      (void)qpcr::summarize({f}, samples, 35.0);
    });
  }
  return 0;
}
