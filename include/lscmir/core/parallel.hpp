// SPDX-License-Identifier: GPL-3.0-or-later
// One threading model: a parallel-for over indices; callers write results by index, so output is
// the same for any thread count.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace lscmir::core {

/// Resolves a user's thread count: 0 means all hardware threads; never less than 1.
int resolve_threads(int requested);

/// Calls body(begin, end) on contiguous chunks of [0, n) using up to `threads` threads.
/// The first exception thrown by any chunk is rethrown after all threads joined.
/// Threads: body must only write to per-index state.
template <typename Body>
void parallel_for_chunks(std::size_t n, int threads, Body&& body) {
  if (n == 0) return;
  const std::size_t t = std::min<std::size_t>(static_cast<std::size_t>(std::max(threads, 1)), n);
  if (t <= 1) {
    body(std::size_t{0}, n);
    return;
  }
  std::exception_ptr first;
  std::mutex m;
  std::vector<std::thread> pool;
  pool.reserve(t);
  const std::size_t chunk = (n + t - 1) / t;
  for (std::size_t k = 0; k < t; ++k) {
    const std::size_t b = k * chunk;
    const std::size_t e = std::min(n, b + chunk);
    if (b >= e) break;
    pool.emplace_back([&, b, e] {
      try {
        body(b, e);
      } catch (...) {
        std::lock_guard<std::mutex> lock(m);
        if (!first) first = std::current_exception();
      }
    });
  }
  for (auto& th : pool) th.join();
  if (first) std::rethrow_exception(first);
}

/// Calls body(i) for every i in [0, n).
template <typename Body>
void parallel_for(std::size_t n, int threads, Body&& body) {
  parallel_for_chunks(n, threads, [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) body(i);
  });
}

/// Calls body(i) for every i in [0, n), the threads taking the next index as they finish one
/// (for a few tasks of unequal length, where contiguous chunks would leave a thread idle).
/// Threads: body must only write to per-index state, so the result is the same for any count.
template <typename Body>
void parallel_for_dynamic(std::size_t n, int threads, Body&& body) {
  if (n == 0) return;
  const std::size_t t = std::min<std::size_t>(static_cast<std::size_t>(std::max(threads, 1)), n);
  std::atomic<std::size_t> next{0};
  parallel_for_chunks(t, static_cast<int>(t), [&](std::size_t, std::size_t) {
    for (std::size_t i = next.fetch_add(1); i < n; i = next.fetch_add(1)) body(i);
  });
}

}  // namespace lscmir::core
