// SPDX-License-Identifier: GPL-3.0-or-later
// In-process timing of the seed-site scan (the engine of `lscmir targets`, without file output):
// reads the miRNAs and UTRs, builds the seed index, scans every UTR (sites, grouping) and prints
// one line per thread count: threads, wall seconds, CPU seconds (all threads), Mnt/s, sites, and a checksum of the sites so runs
// with different thread counts can be compared.
// Usage: lscmir_bench_scan MIRNAS.fa UTRS.fa [threads...]
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "lscmir/targets/scan.hpp"

int main(int argc, char** argv) {
  using namespace lscmir::targets;
  if (argc < 3) {
    std::fprintf(stderr, "usage: lscmir_bench_scan MIRNAS.fa UTRS.fa [threads...]\n");
    return 2;
  }
  const auto fams = read_mature_fasta(argv[1], "9606");
  const auto t0 = std::chrono::steady_clock::now();
  const UtrSet utrs = read_utrs(argv[2], "9606");
  const double read_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("families\t%zu\tgenes\t%zu\tMnt\t%.3f\tread_s\t%.3f\n", fams.size(), utrs.genes.size(),
              static_cast<double>(utrs.nucleotides) / 1e6, read_s);
  std::vector<int> threads;
  for (int i = 3; i < argc; ++i) threads.push_back(std::atoi(argv[i]));
  if (threads.empty()) threads = {1, 2};
  auto cpu = [] {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
  };
  for (int t : threads) {
    const double c0 = cpu();
    const auto a = std::chrono::steady_clock::now();
    const SeedIndex index(fams, SiteTypeSet{});
    const auto sites = scan_utrs(utrs, index, ScanOptions{}, t);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count();
    const double c = cpu() - c0;
    std::size_t n = 0;
    std::uint64_t sum = 0;
    for (const auto& g : sites)
      for (const auto& x : g.sites) {
        ++n;
        sum = sum * 1000003 + x.family * 31 + x.msa_start * 7 + (g.group_offset + x.group) + static_cast<unsigned>(x.type);
      }
    std::printf("threads\t%d\tscan_s\t%.3f\tcpu_s\t%.3f\tMnt_per_s\t%.1f\tsites\t%zu\tchecksum\t%016llx\n", t, s, c,
                static_cast<double>(utrs.nucleotides) / 1e6 / s, n, static_cast<unsigned long long>(sum));
  }
  return 0;
}
