// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/core/run_info.hpp"

#include <sys/resource.h>

#include <chrono>
#include <ctime>

namespace lscmir::core {

const char* version() { return LSCMIR_VERSION_STRING; }

std::string json_text(const nlohmann::json& j) {
  std::string text = j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  text += '\n';
  return text;
}

nlohmann::json to_json(const RunInfo& info) {
  nlohmann::json j;
  j["program"] = "lscmir";
  j["version"] = version();
  j["command"] = info.command;
  j["argv"] = info.argv;
  nlohmann::json inputs = nlohmann::json::array();
  for (const auto& in : info.inputs)
    inputs.push_back({{"role", in.role}, {"path", in.path}, {"sha256", in.sha256}, {"bytes", in.bytes}});
  j["inputs"] = inputs;
  j["parameters"] = info.parameters;
  j["seed"] = info.seed ? nlohmann::json(*info.seed) : nlohmann::json(nullptr);
  j["start_time"] = info.start_time;
  j["end_time"] = info.end_time;
  j["wall_seconds"] = info.wall_seconds;
  j["cpu_seconds"] = info.cpu_seconds;
  j["peak_rss_kib"] = info.peak_rss_kib;
  j["warnings"] = info.warnings;
  j["outputs"] = info.outputs;
  return j;
}

std::string utc_now_iso8601() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

double process_cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  const auto tv = [](const timeval& v) { return static_cast<double>(v.tv_sec) + static_cast<double>(v.tv_usec) * 1e-6; };
  return tv(ru.ru_utime) + tv(ru.ru_stime);
}

std::int64_t process_peak_rss_kib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<std::int64_t>(ru.ru_maxrss);
}

}  // namespace lscmir::core
