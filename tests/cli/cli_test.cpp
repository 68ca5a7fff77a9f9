// SPDX-License-Identifier: GPL-3.0-or-later
// Golden CLI cases: runs the built `lscmir` binary on every row of tests/cli/cases.tsv (from the
// repository root) and checks the exit code, a stderr substring, and that a failed run leaves
// nothing behind in its output folder. See tests/cli/README.md for the file format.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#ifndef LSCMIR_SOURCE_DIR
#error "LSCMIR_SOURCE_DIR must be defined (the repository root)"
#endif
#ifndef LSCMIR_BINARY
#error "LSCMIR_BINARY must be defined (path of the lscmir executable)"
#endif

namespace {

namespace fs = std::filesystem;

constexpr const char* kCasesFile = LSCMIR_SOURCE_DIR "/tests/cli/cases.tsv";
constexpr int kTimeoutSeconds = 120;

struct Case {
  std::string name;
  std::string args;
  int exit_code = 0;
  std::string stderr_contains;  // empty: not checked
  std::size_t line = 0;         // in cases.tsv
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name << " (cases.tsv line " << c.line << ")"; }

/// Splits on spaces; "double quotes" group words (the quotes are removed).
std::vector<std::string> split_args(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  bool in_quotes = false, have = false;
  for (const char c : s) {
    if (c == '"') {
      in_quotes = !in_quotes;
      have = true;
    } else if (c == ' ' && !in_quotes) {
      if (have) out.push_back(cur);
      cur.clear();
      have = false;
    } else {
      cur += c;
      have = true;
    }
  }
  if (have) out.push_back(cur);
  return out;
}

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) return out;
    start = tab + 1;
  }
}

struct Loaded {
  std::vector<Case> cases;
  std::string error;  // why the file could not be used
};

Loaded load_cases() {
  Loaded l;
  std::ifstream in(kCasesFile);
  if (!in) {
    l.error = std::string("cannot open ") + kCasesFile;
    return l;
  }
  std::string line;
  std::size_t n = 0;
  bool header_seen = false;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    const auto f = split_tabs(line);
    if (!header_seen) {
      header_seen = true;
      if (f != std::vector<std::string>{"name", "args", "exit_code", "stderr_contains"}) {
        l.error = "cases.tsv line " + std::to_string(n) + ": expected the header name, args, exit_code, stderr_contains";
        return l;
      }
      continue;
    }
    if (f.size() != 4) {
      l.error = "cases.tsv line " + std::to_string(n) + ": expected 4 tab-separated fields, found " + std::to_string(f.size());
      return l;
    }
    Case c;
    c.name = f[0];
    c.args = f[1];
    char* end = nullptr;
    c.exit_code = static_cast<int>(std::strtol(f[2].c_str(), &end, 10));
    if (f[2].empty() || *end != '\0') {
      l.error = "cases.tsv line " + std::to_string(n) + ": exit_code must be an integer";
      return l;
    }
    c.stderr_contains = f[3] == "-" ? std::string() : f[3];
    c.line = n;
    l.cases.push_back(std::move(c));
  }
  return l;
}

const Loaded& loaded() {
  static const Loaded l = load_cases();
  return l;
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Result {
  int exit_code = -1;  // negative: killed by that signal
  bool timed_out = false;
  std::string out, err;
};

/// Runs the binary with `args` in the repository root, capturing stdout and stderr in `tmp`.
Result run(const std::vector<std::string>& args, const fs::path& tmp) {
  const std::string out_file = (tmp / "stdout.txt").string(), err_file = (tmp / "stderr.txt").string();
  std::vector<std::string> argv_s = {LSCMIR_BINARY};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);

  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    const int o = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int e = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (o < 0 || e < 0 || ::chdir(LSCMIR_SOURCE_DIR) != 0 || ::dup2(o, 1) < 0 || ::dup2(e, 2) < 0) ::_exit(126);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  Result r;
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(kTimeoutSeconds);
  for (;;) {
    const pid_t w = ::waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (w < 0 && errno != EINTR) throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      r.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  r.out = read_all(out_file);
  r.err = read_all(err_file);
  return r;
}

/// Every path under `dir` (relative), or empty when `dir` does not exist.
std::vector<std::string> leftovers(const fs::path& dir) {
  std::vector<std::string> found;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return found;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) found.push_back(fs::relative(e.path(), dir).string());
  std::sort(found.begin(), found.end());
  return found;
}

class TempFolder {
 public:
  TempFolder() {
    std::string pattern = (fs::temp_directory_path() / "lscmir-cli-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  ~TempFolder() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

class CliCase : public ::testing::TestWithParam<Case> {};

TEST_P(CliCase, Runs) {
  const Case& c = GetParam();
  const TempFolder tmp;
  const fs::path out = tmp.path() / "out";  // not created: lscmir must create it
  std::vector<std::string> args = split_args(c.args);
  for (auto& a : args)
    for (std::size_t pos; (pos = a.find("{out}")) != std::string::npos;) a.replace(pos, 5, out.string());

  const Result r = run(args, tmp.path());
  SCOPED_TRACE("cases.tsv line " + std::to_string(c.line) + ": lscmir " + c.args);
  ASSERT_FALSE(r.timed_out) << "no exit after " << kTimeoutSeconds << " s";
  EXPECT_EQ(r.exit_code, c.exit_code) << "stderr:\n" << r.err << "stdout:\n" << r.out;
  if (!c.stderr_contains.empty()) {
    EXPECT_NE(r.err.find(c.stderr_contains), std::string::npos)
        << "stderr lacks \"" << c.stderr_contains << "\"; stderr was:\n"
        << r.err;
  }
  if (r.exit_code != 0) {
    // A failed run must not leave partial outputs (nor temporaries) behind.
    const auto left = leftovers(out);
    std::string list;
    for (const auto& f : left) list += "  " + f + "\n";
    EXPECT_TRUE(left.empty()) << "a failed run left files in its output folder:\n" << list;
    if (c.exit_code == 2 && r.exit_code == 2) {
      EXPECT_NE(r.err.find("error: "), std::string::npos) << "an input error must say 'error: '; stderr:\n" << r.err;
    }
  }
}

std::string test_name(const ::testing::TestParamInfo<Case>& info) {
  std::string s;
  for (const char ch : info.param.name) s += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
  return s.empty() ? "case_line_" + std::to_string(info.param.line) : s;
}

INSTANTIATE_TEST_SUITE_P(Cases, CliCase, ::testing::ValuesIn(loaded().cases), test_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(CliCase);

TEST(CliCasesFile, LoadsWithUniqueNames) {
  ASSERT_TRUE(loaded().error.empty()) << loaded().error;
  ASSERT_FALSE(loaded().cases.empty());
  std::set<std::string> names;
  for (const auto& c : loaded().cases) {
    EXPECT_TRUE(names.insert(test_name({c, 0})).second) << "duplicate case name " << c.name;
    EXPECT_GE(c.exit_code, 0);
    EXPECT_LE(c.exit_code, 2);
  }
}

/// Every bad-input file, and every awkward-but-valid one, is exercised by at least one case.
TEST(CliCasesFile, EveryMalformedAndAwkwardFileHasACase) {
  for (const char* folder : {"tests/data/malformed", "tests/data/awkward"}) {
    const fs::path dir = fs::path(LSCMIR_SOURCE_DIR) / folder;
    ASSERT_TRUE(fs::is_directory(dir)) << dir;
    std::size_t files = 0;
    for (const auto& e : fs::directory_iterator(dir)) {
      const std::string name = e.path().filename().string();
      if (name == "README.md" || name.starts_with('.')) continue;  // docs, .gitattributes
      ++files;
      const std::string rel = std::string(folder) + "/" + name;
      const bool used = std::any_of(loaded().cases.begin(), loaded().cases.end(), [&](const Case& c) {
        const auto args = split_args(c.args);
        return std::find(args.begin(), args.end(), rel) != args.end();
      });
      EXPECT_TRUE(used) << rel << " is not used by any case in tests/cli/cases.tsv";
    }
    EXPECT_GT(files, 0u) << dir;
  }
}

TEST(CliHarness, SplitArgs) {
  EXPECT_EQ(split_args("de  --counts a.tsv"), (std::vector<std::string>{"de", "--counts", "a.tsv"}));
  EXPECT_EQ(split_args("--design \"~ patient + population\" x"),
            (std::vector<std::string>{"--design", "~ patient + population", "x"}));
  EXPECT_EQ(split_args("\"\""), (std::vector<std::string>{""}));
}

}  // namespace
