// SPDX-License-Identifier: GPL-3.0-or-later
// lscmir report: the self-contained HTML report of a run folder.
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common.hpp"
#include "lscmir/core/error.hpp"
#include "lscmir/io/output.hpp"
#include "lscmir/report/report.hpp"
#include "lscmir/study/run_folder.hpp"

namespace lscmir::app {

int cmd_report(const std::vector<std::string>& argv, core::Logger& log) {
  std::string dir, out, title = "lscmir study report";
  bool force = false, quiet = false;
  CLI::App app("Self-contained HTML report (opens offline) of a run folder", "lscmir report");
  app.add_option("dir", dir, "Run folder (written by lscmir run, or by the single commands)")->required();
  app.add_option("--out", out, "Report file (default DIR/report.html)");
  app.add_option("--title", title, "Title shown at the top")->capture_default_str();
  app.add_flag("--force", force, "Overwrite an existing report");
  app.add_flag("--quiet", quiet, "Only warnings and errors on stderr");
  const int parsed = parse_or_exit(app, argv);
  if (parsed >= 0) return parsed;
  return guarded("report", log, [&] {
    if (quiet) log.set_level(core::LogLevel::kWarning);
    const std::filesystem::path target = out.empty() ? std::filesystem::path(dir) / "report.html" : std::filesystem::path(out);
    if (std::filesystem::exists(target) && !force)
      throw core::UsageError(target.string() + " exists; use --force to overwrite it");
    report::ReportSummary s;
    const std::string html = report::build_report(study::read_run(dir), title, &s);
    io::write_file_atomic(target.string(), html);
    log.info("report", fmt::format("{}: {} charts, {} tables, sections {}; {:.1f} MiB", target.string(), s.charts, s.tables,
                                   fmt::format("{}", fmt::join(s.sections, ", ")), static_cast<double>(html.size()) / 1048576.0));
    return kExitOk;
  });
}

}  // namespace lscmir::app
