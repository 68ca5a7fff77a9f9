// SPDX-License-Identifier: GPL-3.0-or-later
// Logging on stderr with a level and a context: "[I::de] message".
#pragma once

#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace lscmir::core {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3, kQuiet = 4 };

/// A logger writing to one stream. Thread-safe. Warnings are also kept, for run_info.json.
class Logger {
 public:
  explicit Logger(std::ostream& sink, LogLevel level = LogLevel::kInfo) : sink_(&sink), level_(level) {}
  void set_level(LogLevel level) { level_ = level; }
  LogLevel level() const { return level_; }

  void debug(std::string_view context, std::string_view message) { write(LogLevel::kDebug, context, message); }
  void info(std::string_view context, std::string_view message) { write(LogLevel::kInfo, context, message); }
  /// Warnings are printed (unless quiet) and always recorded.
  void warn(std::string_view context, std::string_view message);
  void error(std::string_view context, std::string_view message) { write(LogLevel::kError, context, message); }

  /// Every warning so far, as "context: message".
  std::vector<std::string> warnings() const;

 private:
  void write(LogLevel level, std::string_view context, std::string_view message);
  std::ostream* sink_;
  LogLevel level_;
  mutable std::mutex mutex_;
  std::vector<std::string> warnings_;
};

}  // namespace lscmir::core
