// SPDX-License-Identifier: GPL-3.0-or-later
// Shared by the libFuzzer harnesses (tests/fuzz, scripts/fuzz.sh, docs/testing.md): the fuzz input
// as a file for the readers that take a path, and the rule for exceptions. A documented input
// error (core::InputError, including io::GzipError, and core::UsageError) is the reader doing its
// job; any other exception is a finding, reported by aborting so libFuzzer saves the input.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <string>
#include <string_view>

#include "lscmir/core/error.hpp"

namespace lscmir::fuzz {

/// A per-process scratch folder (libFuzzer's -jobs/-fork run one process per job).
inline const std::string& scratch_dir() {
  static const std::string dir = [] {
    const char* tmp = std::getenv("TMPDIR");
    std::string d = std::string(tmp && *tmp ? tmp : "/tmp") + "/lscmir_fuzz_" + std::to_string(::getpid());
    std::string cmd = "mkdir -p '" + d + "'";
    if (std::system(cmd.c_str()) != 0) std::abort();
    return d;
  }();
  return dir;
}

/// Writes `bytes` to <scratch>/<file_name> and returns the path.
inline std::string write_input(std::string_view bytes, const std::string& file_name) {
  const std::string path = scratch_dir() + "/" + file_name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) std::abort();
  return path;
}

/// Runs `f`; returns normally for the documented input errors, aborts for anything else.
template <typename F>
void expect_input_errors_only(F&& f) {
  try {
    f();
  } catch (const core::InputError&) {
  } catch (const core::UsageError&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lscmir fuzz finding: undocumented exception: %s\n", e.what());
    std::abort();
  } catch (...) {
    std::fprintf(stderr, "lscmir fuzz finding: non-std exception\n");
    std::abort();
  }
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace lscmir::fuzz
