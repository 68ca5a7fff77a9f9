// SPDX-License-Identifier: GPL-3.0-or-later
// StreamedOutput: a temporary file beside the output, renamed when complete.
#include "lscmir/io/streamed_output.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "lscmir/core/error.hpp"
#include "lscmir/io/output.hpp"

namespace lscmir::io {

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
  file_ = std::fopen(tmp_.c_str(), "wb");
  if (!file_) {
    const int err = errno;
    untrack_temporary(tmp_);
    throw core::OutputError(path, std::string("cannot write: ") + std::strerror(err));
  }
}

StreamedOutput::~StreamedOutput() {
  if (file_) std::fclose(file_);
  if (!committed_) std::remove(tmp_.c_str());
  untrack_temporary(tmp_);
}

void StreamedOutput::write(std::string_view text) {
  if (!file_) throw core::OutputError(path_, "write after commit");
  if (!text.empty() && std::fwrite(text.data(), 1, text.size(), file_) != text.size())
    throw core::OutputError(path_, std::string("write failed: ") + std::strerror(errno));
}

void StreamedOutput::commit() {
  if (!file_) throw core::OutputError(path_, "committed twice");
  const bool ok = std::fflush(file_) == 0 && ::fsync(::fileno(file_)) == 0;
  const int err = errno;
  const int rc = std::fclose(file_);
  file_ = nullptr;
  if (!ok || rc != 0) throw core::OutputError(path_, std::string("write failed: ") + std::strerror(ok ? errno : err));
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0)
    throw core::OutputError(path_, std::string("write failed: ") + std::strerror(errno));
  committed_ = true;
}

}  // namespace lscmir::io
