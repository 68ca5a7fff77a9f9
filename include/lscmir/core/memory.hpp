// SPDX-License-Identifier: GPL-3.0-or-later
// Memory hints for the large matrices of a study (features x samples, hundreds of MB each).
#pragma once

#include <cstddef>

namespace lscmir::core {

/// Asks the kernel to back the pages of [data, data + bytes) with transparent huge pages
/// (madvise MADV_HUGEPAGE), for a buffer that has just been allocated and not yet written.
/// A fresh allocation of hundreds of MB is otherwise faulted in and cleared 4 KiB at a time on
/// first touch, which cost a third of the CPU of a 50,000 x 2,000 `lscmir de` run. Only the
/// whole pages inside the range are advised; buffers under 4 MiB are left alone. A hint only:
/// nothing changes where huge pages are off, and no error is reported.
void prefer_huge_pages(void* data, std::size_t bytes) noexcept;

/// The same for a freshly resized matrix or vector (anything with data() and size()).
template <typename M>
void prefer_huge_pages(M& m) noexcept {
  prefer_huge_pages(static_cast<void*>(m.data()), sizeof(*m.data()) * static_cast<std::size_t>(m.size()));
}

}  // namespace lscmir::core
