// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/core/memory.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>

namespace lscmir::core {

void prefer_huge_pages(void* data, std::size_t bytes) noexcept {
#ifdef MADV_HUGEPAGE
  constexpr std::size_t kMinBytes = std::size_t{4} << 20;
  if (data == nullptr || bytes < kMinBytes) return;
  const long page_size = ::sysconf(_SC_PAGESIZE);
  if (page_size <= 0) return;
  const auto page = static_cast<std::uintptr_t>(page_size);
  const auto begin = (reinterpret_cast<std::uintptr_t>(data) + page - 1) / page * page;
  const auto end = (reinterpret_cast<std::uintptr_t>(data) + bytes) / page * page;
  if (end > begin) (void)::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
  (void)data;
  (void)bytes;
#endif
}

}  // namespace lscmir::core
