// SPDX-License-Identifier: GPL-3.0-or-later
// Test helpers: a fresh temporary folder removed at scope exit, and capturing a thrown error.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "lscmir/core/error.hpp"

namespace lscmir::test {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "lscmir-io-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  /// Writes `content` byte for byte to `name` inside the folder; returns the full path.
  std::string write(const std::string& name, std::string_view content) const {
    const auto p = path_ / name;
    std::ofstream out(p, std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!out) throw std::runtime_error("cannot write " + p.string());
    return p.string();
  }

 private:
  std::filesystem::path path_;
};

/// The whole content of a file.
inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// Runs f and returns the core::InputError it throws; records a test failure when it throws
/// nothing or something else.
template <typename F>
core::InputError capture_input_error(F&& f) {
  try {
    f();
  } catch (const core::InputError& e) {
    return e;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected core::InputError, got: " << e.what();
    return core::InputError("", 0, "wrong exception type");
  }
  ADD_FAILURE() << "expected core::InputError, nothing was thrown";
  return core::InputError("", 0, "no exception");
}

}  // namespace lscmir::test
