// SPDX-License-Identifier: GPL-3.0-or-later
// study::read_study_config (a study's CONFIG.toml) on the fuzz input, written as a file.
#include "fuzz_common.hpp"
#include "lscmir/study/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lscmir;
  const std::string path = fuzz::write_input(fuzz::as_text(data, size), "study.toml");
  fuzz::expect_input_errors_only([&] { (void)study::read_study_config(path); });
  return 0;
}
