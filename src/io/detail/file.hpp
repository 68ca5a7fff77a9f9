// SPDX-License-Identifier: GPL-3.0-or-later
// Private: reading a whole input file into memory in one go.
#pragma once

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "lscmir/core/error.hpp"

namespace lscmir::io::detail {

class FileBytes;
inline FileBytes read_file_bytes(const std::string& path);

/// A file's bytes: a read-only mapping of a regular file (no copy, no zero-filled buffer), or
/// for pipes and process substitution a buffer read to the end.
class FileBytes {
 public:
  FileBytes() = default;
  FileBytes(const FileBytes&) = delete;
  FileBytes& operator=(const FileBytes&) = delete;
  FileBytes(FileBytes&& o) noexcept
      : buffer_(std::move(o.buffer_)), map_(std::exchange(o.map_, nullptr)), size_(std::exchange(o.size_, 0)) {}
  FileBytes& operator=(FileBytes&&) = delete;
  ~FileBytes() {
    if (map_) ::munmap(map_, size_);
  }
  std::string_view view() const {
    return {map_ ? static_cast<const char*>(map_) : buffer_.get(), size_};
  }
  const char* data() const { return view().data(); }
  std::size_t size() const { return size_; }

 private:
  friend FileBytes read_file_bytes(const std::string& path);
  std::unique_ptr<char[]> buffer_;
  void* map_ = nullptr;
  std::size_t size_ = 0;
};

/// Closes a POSIX file descriptor on scope exit.
class FdGuard {
 public:
  explicit FdGuard(int fd) : fd_(fd) {}
  FdGuard(const FdGuard&) = delete;
  FdGuard& operator=(const FdGuard&) = delete;
  ~FdGuard() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

/// Reads all of `path`: maps a regular file; reads pipes and process substitution to the end.
/// The file must not be truncated by another process while the result is alive (SIGBUS).
/// @throws core::InputError (line 0) when the file cannot be opened or read, or is a directory.
inline FileBytes read_file_bytes(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    throw core::InputError(path, 0, std::string("cannot open file: ") + std::strerror(err),
                           err == ENOENT ? "check the path; relative paths are taken from the working directory"
                                         : std::string());
  }
  FdGuard guard(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw core::InputError(path, 0, std::string("cannot stat file: ") + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) throw core::InputError(path, 0, "is a directory, expected a file");

  FileBytes out;
  if (S_ISREG(st.st_mode) && st.st_size > 0) {
    const auto size = static_cast<std::size_t>(st.st_size);
    void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (map != MAP_FAILED) {
      ::madvise(map, size, MADV_SEQUENTIAL);
      out.map_ = map;
      out.size_ = size;
      return out;
    }
  }
  std::size_t capacity = S_ISREG(st.st_mode) ? static_cast<std::size_t>(st.st_size) + 1 : std::size_t{1} << 16;
  out.buffer_ = std::make_unique_for_overwrite<char[]>(capacity);
  for (;;) {
    if (out.size_ == capacity) {
      const std::size_t grown = capacity * 2;
      auto bigger = std::make_unique_for_overwrite<char[]>(grown);
      std::memcpy(bigger.get(), out.buffer_.get(), out.size_);
      out.buffer_ = std::move(bigger);
      capacity = grown;
    }
    const ssize_t n = ::read(fd, out.buffer_.get() + out.size_, capacity - out.size_);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      throw core::InputError(path, 0, std::string("cannot read file: ") + std::strerror(errno));
    }
    out.size_ += static_cast<std::size_t>(n);
  }
  return out;
}

/// True when the bytes start with the gzip magic number.
inline bool looks_gzipped(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

}  // namespace lscmir::io::detail
