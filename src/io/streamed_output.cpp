// SPDX-License-Identifier: GPL-3.0-or-later
// StreamedOutput: a temporary file beside the output, renamed when complete; direct I/O where allowed.
#include "lscmir/io/streamed_output.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "lscmir/core/error.hpp"
#include "lscmir/io/output.hpp"

namespace lscmir::io {

namespace {

constexpr std::size_t kBlock = 4096;                   // alignment of direct I/O (any device's logical block)
constexpr std::size_t kBuffer = std::size_t{16} << 20;  // staging buffer, a multiple of kBlock

std::string write_failed(int err) { return std::string("write failed: ") + std::strerror(err); }

}  // namespace

void StreamedOutput::FreeDeleter::operator()(char* p) const noexcept { std::free(p); }

StreamedOutput::StreamedOutput(const std::string& path) : path_(path) {
  const std::filesystem::path p(path);
  // Built with += only: GCC 12 warns falsely (-Wrestrict) about "literal" + std::string at -O2.
  std::string name = ".";
  name += p.filename().string();
  name += ".tmp.";
  name += std::to_string(::getpid());
  name += ".s";
  tmp_ = (p.parent_path() / name).string();
  track_temporary(tmp_);
  constexpr int flags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC;
#ifdef O_DIRECT
  void* mem = nullptr;
  if (::posix_memalign(&mem, kBlock, kBuffer) == 0) {
    buffer_.reset(static_cast<char*>(mem));
    fd_ = ::open(tmp_.c_str(), flags | O_DIRECT, 0666);
    direct_ = fd_ >= 0;
  }
#endif
  if (fd_ < 0) fd_ = ::open(tmp_.c_str(), flags, 0666);
  if (fd_ < 0) {
    const int err = errno;
    untrack_temporary(tmp_);
    throw core::OutputError(path, std::string("cannot write: ") + std::strerror(err));
  }
}

StreamedOutput::~StreamedOutput() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) std::remove(tmp_.c_str());
  untrack_temporary(tmp_);
}

bool StreamedOutput::write_all(const char* data, std::size_t n) {
  while (n > 0) {
    const ::ssize_t k = ::write(fd_, data, std::min<std::size_t>(n, std::size_t{1} << 30));
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) {
      if (k == 0) errno = ENOSPC;
      return false;
    }
    data += k;
    n -= static_cast<std::size_t>(k);
  }
  return true;
}

void StreamedOutput::fall_back_to_buffered() {
#ifdef O_DIRECT
  const int fl = ::fcntl(fd_, F_GETFL);
  if (fl < 0 || ::fcntl(fd_, F_SETFL, fl & ~O_DIRECT) != 0) throw core::OutputError(path_, write_failed(errno));
#endif
  direct_ = false;
}

void StreamedOutput::flush_buffer(bool tail) {
  const std::size_t whole = fill_ / kBlock * kBlock;
  const std::size_t n = tail ? (fill_ + kBlock - 1) / kBlock * kBlock : whole;
  if (n == 0) return;
  if (n > fill_) std::memset(buffer_.get() + fill_, 0, n - fill_);  // padding, cut by commit()
  const ::off_t at = ::lseek(fd_, 0, SEEK_CUR);
  if (!write_all(buffer_.get(), n)) {
    if (errno != EINVAL) throw core::OutputError(path_, write_failed(errno));
    // The file system takes no direct writes after all: rewind what this call wrote and write the
    // same bytes (without the padding) buffered, as everything after them.
    if (at < 0 || ::lseek(fd_, at, SEEK_SET) != at) throw core::OutputError(path_, write_failed(errno));
    fall_back_to_buffered();
    if (!write_all(buffer_.get(), std::min(n, fill_))) throw core::OutputError(path_, write_failed(errno));
  }
  const std::size_t done = std::min(n, fill_);
  std::memmove(buffer_.get(), buffer_.get() + done, fill_ - done);
  fill_ -= done;
}

void StreamedOutput::write(std::string_view text) {
  if (fd_ < 0) throw core::OutputError(path_, "write after commit");
  size_ += text.size();
  while (direct_ && !text.empty()) {
    const std::size_t k = std::min(text.size(), kBuffer - fill_);
    std::memcpy(buffer_.get() + fill_, text.data(), k);
    fill_ += k;
    text.remove_prefix(k);
    if (fill_ == kBuffer) flush_buffer(false);
  }
  if (!direct_ && fill_ > 0) {  // bytes staged before a fall-back
    if (!write_all(buffer_.get(), fill_)) throw core::OutputError(path_, write_failed(errno));
    fill_ = 0;
  }
  if (!direct_ && !write_all(text.data(), text.size())) throw core::OutputError(path_, write_failed(errno));
}

void StreamedOutput::commit() {
  if (fd_ < 0) throw core::OutputError(path_, "committed twice");
  bool ok = true;
  int err = 0;
  try {
    if (direct_) {
      flush_buffer(true);
      if (::ftruncate(fd_, static_cast<::off_t>(size_)) != 0) throw core::OutputError(path_, write_failed(errno));
    }
  } catch (const core::OutputError&) {
    ::close(fd_);
    fd_ = -1;
    throw;
  }
  if (::fsync(fd_) != 0) {
    ok = false;
    err = errno;
  }
  const int rc = ::close(fd_);
  fd_ = -1;
  if (!ok || rc != 0) throw core::OutputError(path_, write_failed(ok ? errno : err));
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0) throw core::OutputError(path_, write_failed(errno));
  committed_ = true;
}

}  // namespace lscmir::io
