// SPDX-License-Identifier: GPL-3.0-or-later
// Shared by the quant unit tests: a three-hairpin miRBase 22 excerpt and a temporary-file helper.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "lscmir/quant/reference.hpp"

namespace lscmir::quant::test {

namespace fs = std::filesystem;

inline fs::path temp_file(const std::string& name, const std::string& content) {
  // One name per process: ctest runs the test cases as parallel processes, which must not share files.
  const fs::path p = fs::temp_directory_path() / ("lscmir_quant_test_" + std::to_string(::getpid()) + "_" + name);
  std::ofstream(p, std::ios::binary) << content;
  return p;
}

// hsa-let-7a-1 and hsa-let-7a-2 from miRBase 22 share let-7a-5p; hsa-mir-21 is unrelated.
inline const std::string kHairpins =
    ">hsa-let-7a-1 MI0000060\nUGGGAUGAGGUAGUAGGUUGUAUAGUUUUAGGGUCACACCCACCACUGGGAGAUAACUAUACAAUCUACUGUCUUUCCUA\n"
    ">hsa-let-7a-2 MI0000061\nAGGUUGAGGUAGUAGGUUGUAUAGUUUAGAAUUACAUCAAGGGAGAUAACUGUACAGCCUCCUAGCUUUCCU\n"
    ">hsa-mir-21 MI0000077\nUGUCGGGUAGCUUAUCAGACUGAUGUUGACUGUUGAAUCUCAUGGCAACACCAGUCGAUGGGCUGUCUGACA\n";
inline const std::string kMatures =
    ">hsa-let-7a-5p MIMAT0000062\nUGAGGUAGUAGGUUGUAUAGUU\n"
    ">hsa-let-7a-3p MIMAT0004481\nCUAUACAAUCUACUGUCUUUC\n"
    ">hsa-miR-21-5p MIMAT0000076\nUAGCUUAUCAGACUGAUGUUGA\n"
    ">hsa-miR-21-3p MIMAT0004494\nCAACACCAGUCGAUGGGCUGU\n";

inline Reference load() {
  return load_reference(temp_file("hp.fa", kHairpins).string(), temp_file("mat.fa", kMatures).string(), "", {});
}

}  // namespace lscmir::quant::test
