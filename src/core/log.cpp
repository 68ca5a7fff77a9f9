// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/core/log.hpp"

namespace lscmir::core {

void Logger::write(LogLevel level, std::string_view context, std::string_view message) {
  if (level < level_) return;
  static constexpr char kTag[] = {'D', 'I', 'W', 'E'};
  std::lock_guard<std::mutex> lock(mutex_);
  (*sink_) << '[' << kTag[static_cast<int>(level)] << "::" << context << "] " << message << '\n';
  sink_->flush();
}

void Logger::warn(std::string_view context, std::string_view message) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    warnings_.push_back(std::string(context) + ": " + std::string(message));
  }
  write(LogLevel::kWarning, context, message);
}

std::vector<std::string> Logger::warnings() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return warnings_;
}

}  // namespace lscmir::core
