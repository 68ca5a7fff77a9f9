// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/io/output.hpp"

#include <fcntl.h>
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
  if (ec) throw core::UsageError("cannot create output folder " + dir + " (--out): " + ec.message());

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

void write_file_atomic(const std::string& path, std::string_view content) {
  const fs::path target(path);
  const std::string temp = temp_name_for(target);
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) throw core::OutputError(path, "cannot create output file: " + errno_text(errno));
  int err = 0;
  if (!write_all(fd, content)) err = errno;
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err == 0 && ::rename(temp.c_str(), path.c_str()) != 0) err = errno;
  if (err != 0) {
    ::unlink(temp.c_str());
    throw core::OutputError(path, "cannot write output file: " + errno_text(err));
  }
  // Make the rename itself durable; a failure here loses nothing already visible, so it is ignored.
  const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
}

std::vector<std::string> write_tables(const std::string& dir, const std::vector<NamedTable>& tables) {
  std::vector<std::string> texts;
  texts.reserve(tables.size());
  for (const auto& t : tables) texts.push_back(to_tsv(t.table));
  std::vector<std::string> names;
  for (std::size_t i = 0; i < tables.size(); ++i) {
    write_file_atomic((fs::path(dir) / tables[i].file).string(), texts[i]);
    names.push_back(tables[i].file);
  }
  return names;
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
