// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/io/output.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "detail/file.hpp"
#include "lscmir/core/error.hpp"
#include "lscmir/core/sha256.hpp"

namespace lscmir::io {
namespace fs = std::filesystem;
namespace {

std::string errno_text(int err) { return std::strerror(err); }

/// A temporary name next to `path`: hidden, and unique per process and call.
std::string temp_name_for(const fs::path& path) {
  static std::atomic<unsigned> counter{0};
  const fs::path dir = path.parent_path();
  // Built with += only: GCC 12 warns falsely (-Wrestrict) about "literal" + std::string at -O2.
  std::string name = ".";
  name += path.filename().string();
  name += ".tmp.";
  name += std::to_string(::getpid());
  name += '.';
  name += std::to_string(counter.fetch_add(1));
  return (dir.empty() ? fs::path(name) : dir / name).string();
}

bool write_all(int fd, std::string_view content) {
  const char* p = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

void prepare_output_dir(const std::string& dir, const std::vector<std::string>& outputs, bool force) {
  if (dir.empty()) throw core::UsageError("the output folder (--out) must not be empty");
  std::error_code ec;
  const fs::path root(dir);
  if (fs::exists(root, ec) && !fs::is_directory(root, ec))
    throw core::UsageError("output folder " + dir + " exists and is not a folder (--out)");
  fs::create_directories(root, ec);
  // A folder that cannot be made (no permission, a read-only or full file system, a file in the
  // path) is a write failure, not bad input: exit 3 like any other output that cannot be written.
  if (ec) throw core::OutputError(dir, "cannot create the output folder (--out): " + ec.message());

  remove_stale_temporaries(dir);
  if (force) return;
  std::vector<std::string> existing;
  for (const auto& name : outputs) {
    std::error_code e;
    if (fs::exists(root / name, e)) existing.push_back(name);
  }
  if (existing.empty()) return;
  std::string list;
  for (std::size_t k = 0; k < existing.size() && k < 5; ++k) list += (k ? ", " : "") + existing[k];
  if (existing.size() > 5) list += " and " + std::to_string(existing.size() - 5) + " more";
  throw core::UsageError("output folder " + dir + " already contains " + list +
                         "; use --force to overwrite, or choose another --out");
}

namespace {

/// Writes `content` to a fresh temporary beside `path` and fsyncs it; returns the temporary's name.
/// @throws core::OutputError (naming `path`), with the temporary removed.
std::string write_temporary(const std::string& path, std::string_view content) {
  const std::string temp = temp_name_for(fs::path(path));
  track_temporary(temp);
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) {
    const int err = errno;
    untrack_temporary(temp);
    throw core::OutputError(path, "cannot create output file: " + errno_text(err));
  }
  int err = 0;
  if (!write_all(fd, content)) err = errno;
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err != 0) {
    ::unlink(temp.c_str());
    untrack_temporary(temp);
    throw core::OutputError(path, "cannot write output file: " + errno_text(err));
  }
  return temp;
}

/// Renames a finished temporary over `path`. @throws core::OutputError, with the temporary removed.
void install_temporary(const std::string& temp, const std::string& path) {
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    untrack_temporary(temp);
    throw core::OutputError(path, "cannot write output file: " + errno_text(err));
  }
  untrack_temporary(temp);
}

/// Makes the renames in `dir` durable; a failure here loses nothing already visible, so it is ignored.
void sync_dir(const fs::path& target) {
  const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
}

}  // namespace

void write_file_atomic(const std::string& path, std::string_view content) {
  install_temporary(write_temporary(path, content), path);
  sync_dir(fs::path(path));
}

StagedFiles::StagedFiles(std::string dir) : dir_(std::move(dir)) {}

StagedFiles::~StagedFiles() {
  for (const auto& f : files_) {
    ::unlink(f.temp.c_str());
    untrack_temporary(f.temp);
  }
}

void StagedFiles::add(const std::string& name, std::string_view content) {
  const std::string path = (fs::path(dir_) / name).string();
  files_.push_back({name, path, write_temporary(path, content)});
}

std::vector<std::string> StagedFiles::commit() {
  std::vector<std::string> names;
  names.reserve(files_.size());
  std::vector<Staged> left = std::move(files_);
  files_.clear();
  for (std::size_t i = 0; i < left.size(); ++i) {
    try {
      install_temporary(left[i].temp, left[i].path);
    } catch (...) {
      for (std::size_t k = i + 1; k < left.size(); ++k) {
        ::unlink(left[k].temp.c_str());
        untrack_temporary(left[k].temp);
      }
      throw;
    }
    names.push_back(left[i].name);
  }
  for (const auto& f : left) sync_dir(fs::path(f.path));
  return names;
}

namespace {

constexpr std::size_t kTrackedSlots = 256, kTrackedPathMax = 1024;
// Slot states: 0 free, 1 being filled or emptied, 2 holds a live temporary's path.
char g_tracked_paths[kTrackedSlots][kTrackedPathMax];
std::atomic<int> g_tracked_state[kTrackedSlots];

extern "C" void remove_tracked_and_reraise(int sig) {
  // Async-signal-safe only: atomic loads, unlink, raise (SA_RESETHAND restored the default action).
  const int saved = errno;
  for (std::size_t i = 0; i < kTrackedSlots; ++i)
    if (g_tracked_state[i].load(std::memory_order_acquire) == 2) ::unlink(g_tracked_paths[i]);
  errno = saved;
  ::raise(sig);
}

}  // namespace

void track_temporary(const std::string& path) noexcept {
  if (path.size() >= kTrackedPathMax) return;
  for (std::size_t i = 0; i < kTrackedSlots; ++i) {
    int expected = 0;
    if (g_tracked_state[i].compare_exchange_strong(expected, 1, std::memory_order_acquire)) {
      std::memcpy(g_tracked_paths[i], path.c_str(), path.size() + 1);
      g_tracked_state[i].store(2, std::memory_order_release);
      return;
    }
  }
}

void untrack_temporary(const std::string& path) noexcept {
  for (std::size_t i = 0; i < kTrackedSlots; ++i) {
    if (g_tracked_state[i].load(std::memory_order_acquire) != 2 || std::strcmp(g_tracked_paths[i], path.c_str()) != 0) continue;
    int expected = 2;
    if (g_tracked_state[i].compare_exchange_strong(expected, 1, std::memory_order_acquire)) {
      g_tracked_state[i].store(0, std::memory_order_release);
      return;
    }
  }
}

void install_interrupt_cleanup() {
  struct sigaction sa {};
  sa.sa_handler = remove_tracked_and_reraise;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND;
  for (const int sig : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(sig, &sa, nullptr);
}

void remove_output(const std::string& dir, const std::string& name) {
  const std::string path = (std::filesystem::path(dir) / name).string();
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) throw core::OutputError(path, std::string("cannot remove: ") + std::strerror(errno));
}

std::size_t remove_stale_temporaries(const std::string& dir) {
  std::size_t removed = 0;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    // .NAME.tmp.PID.N, as temp_name_for makes them
    if (name.size() < 2 || name[0] != '.') continue;
    const std::size_t dot_n = name.rfind('.');
    if (dot_n == std::string::npos || dot_n == 0) continue;
    const std::size_t dot_pid = name.rfind('.', dot_n - 1);
    if (dot_pid == std::string::npos || dot_pid < 4 || name.compare(dot_pid - 4, 4, ".tmp") != 0) continue;
    long pid = 0;
    const char* b = name.data() + dot_pid + 1;
    const char* e = name.data() + dot_n;
    const auto [ptr, perr] = std::from_chars(b, e, pid);
    if (perr != std::errc() || ptr != e || pid <= 0) continue;
    if (pid == static_cast<long>(::getpid())) continue;
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;  // its writer may still be running
    std::error_code rec;
    if (it->is_regular_file(rec) && fs::remove(it->path(), rec)) ++removed;
  }
  return removed;
}

void stage_tables(StagedFiles& staged, const std::vector<NamedTable>& tables) {
  std::vector<std::string> texts;
  texts.reserve(tables.size());
  for (const auto& t : tables) texts.push_back(to_tsv(t.table));
  for (std::size_t i = 0; i < tables.size(); ++i) staged.add(tables[i].file, texts[i]);
}

std::vector<std::string> write_tables(const std::string& dir, const std::vector<NamedTable>& tables) {
  StagedFiles staged(dir);
  stage_tables(staged, tables);
  return staged.commit();
}

core::InputRecord checksum_file(const std::string& role, const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw core::InputError(path, 0, "cannot open file: " + errno_text(errno));
  detail::FdGuard guard(fd);
  core::Sha256 hash;
  std::uintmax_t total = 0;
  std::vector<char> buf(std::size_t{1} << 20);
  for (;;) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      throw core::InputError(path, 0, "cannot read file: " + errno_text(errno));
    }
    hash.update(buf.data(), static_cast<std::size_t>(n));
    total += static_cast<std::uintmax_t>(n);
  }
  return core::InputRecord{role, path, hash.hex_digest(), total};
}

}  // namespace lscmir::io
