// SPDX-License-Identifier: GPL-3.0-or-later
// lscmir: one dispatch table; `lscmir help <cmd>` equals `lscmir <cmd> --help`.
#include <iostream>
#include <string>
#include <vector>

#include "common.hpp"
#include "lscmir/core/log.hpp"
#include "lscmir/core/run_info.hpp"
#include "lscmir/io/output.hpp"

namespace {

void print_usage(std::ostream& os) {
  os << "lscmir " << lscmir::core::version()
     << ": microRNA analysis of leukemic stem cell studies\n\n"
        "Usage: lscmir <command> [options]\n       lscmir help <command>\n\nCommands:\n";
  for (const auto& c : lscmir::app::commands()) os << "  " << c.name << std::string(14 - std::string(c.name).size(), ' ') << c.summary << '\n';
  os << "\nOptions:\n  --help, -h    this message\n  --version     print the version\n";
}

}  // namespace

int main(int argc, char** argv) {
  // Ctrl-C / SIGTERM / SIGHUP: remove this process's hidden temporaries before ending (docs/cli.md).
  lscmir::io::install_interrupt_cleanup();
  std::vector<std::string> args(argv, argv + argc);
  if (args.size() < 2) {
    print_usage(std::cerr);
    return lscmir::app::kExitUsage;
  }
  std::string cmd = args[1];
  if (cmd == "--help" || cmd == "-h") {
    print_usage(std::cout);
    return 0;
  }
  if (cmd == "--version" || cmd == "version") {
    std::cout << "lscmir " << lscmir::core::version() << '\n';
    return 0;
  }
  std::vector<std::string> sub;
  if (cmd == "help") {
    if (args.size() < 3) {
      print_usage(std::cout);
      return 0;
    }
    cmd = args[2];
    sub = {"lscmir " + cmd, "--help"};
  } else {
    sub.push_back("lscmir " + cmd);
    sub.insert(sub.end(), args.begin() + 2, args.end());
  }
  for (const auto& c : lscmir::app::commands()) {
    if (cmd == c.name) {
      lscmir::core::Logger log(std::cerr);
      return c.run(sub, log);
    }
  }
  std::cerr << "lscmir: error: unknown command '" << cmd << "'\n\n";
  print_usage(std::cerr);
  return lscmir::app::kExitUsage;
}
