// SPDX-License-Identifier: GPL-3.0-or-later
// Typed errors. The library throws these; only app/ turns them into messages and exit codes.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace lscmir::core {

/// Base of every lscmir error.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Malformed or inconsistent user input. `line` is 1-based; 0 means "the file as a whole".
class InputError : public Error {
 public:
  /// @param file     path as the user gave it (may be empty for in-memory data)
  /// @param line     1-based line number, 0 when not tied to a line
  /// @param problem  what was found / what was expected, one sentence
  /// @param hint     optional suggestion ("possible solution: ...")
  InputError(std::string file, std::size_t line, std::string problem, std::string hint = {});
  const std::string& file() const noexcept { return file_; }
  std::size_t line() const noexcept { return line_; }
  const std::string& problem() const noexcept { return problem_; }
  const std::string& hint() const noexcept { return hint_; }

 private:
  std::string file_;
  std::size_t line_;
  std::string problem_;
  std::string hint_;
};

/// An output could not be written (disk full, no permission, a folder in the way): not the
/// user's input at fault, so it has its own message and exit code.
class OutputError : public Error {
 public:
  /// @param file     the output path
  /// @param problem  what failed, one sentence (the system's reason included)
  OutputError(std::string file, std::string problem);
  const std::string& file() const noexcept { return file_; }
  const std::string& problem() const noexcept { return problem_; }

 private:
  std::string file_;
  std::string problem_;
};

/// A user's cell or name as it may appear in a message: control bytes and bytes >= 0x7f that are not
/// part of valid UTF-8 written as \xNN, and anything past `max_chars` bytes cut with "..." (so a 5 MB
/// cell never lands on one line of stderr).
std::string cell_for_message(std::string_view cell, std::size_t max_chars = 80);

/// Invalid command line or option combination.
class UsageError : public Error {
 public:
  using Error::Error;
};

/// A numerical procedure failed for the whole analysis (per-feature failures are statuses, not this).
class NumericalError : public Error {
 public:
  using Error::Error;
};

/// A bug: an invariant of lscmir itself was violated.
class InternalError : public Error {
 public:
  using Error::Error;
};

/// Throws InternalError with `what` when `condition` is false.
void ensure(bool condition, const char* what);

}  // namespace lscmir::core
