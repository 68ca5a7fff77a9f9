// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/core/error.hpp"

#include <utility>

namespace lscmir::core {
namespace {
std::string format_input_error(const std::string& file, std::size_t line, const std::string& problem,
                               const std::string& hint) {
  std::string out = file.empty() ? std::string("input") : file;
  if (line > 0) out += ", line " + std::to_string(line);
  out += ": " + problem;
  if (!hint.empty()) out += " (possible solution: " + hint + ")";
  return out;
}
}  // namespace

InputError::InputError(std::string file, std::size_t line, std::string problem, std::string hint)
    : Error(format_input_error(file, line, problem, hint)),
      file_(std::move(file)),
      line_(line),
      problem_(std::move(problem)),
      hint_(std::move(hint)) {}

namespace {
// Built with += only: GCC 12 warns falsely (-Wrestrict) about std::string + "literal" at -O2.
std::string format_output_error(const std::string& file, const std::string& problem) {
  std::string out = file;
  out += ": ";
  out += problem;
  return out;
}
}  // namespace

OutputError::OutputError(std::string file, std::string problem)
    : Error(format_output_error(file, problem)), file_(std::move(file)), problem_(std::move(problem)) {}

void ensure(bool condition, const char* what) {
  if (!condition) throw InternalError(std::string("internal error: ") + what);
}

}  // namespace lscmir::core
