// SPDX-License-Identifier: GPL-3.0-or-later
// Random 3'UTRs for the `lscmir targets` benchmark: N records of L nt, FASTA, one line per record.
// Base composition of human 3'UTRs (AU-rich: A 0.28, C 0.21, G 0.21, U 0.30); own SplitMix64, so
// the file is byte-identical for a seed on any platform.
// Usage: gen_utrs --out FILE [--n 30000] [--length 2000] [--seed 20261129]
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

std::uint64_t g_state = 0;

std::uint64_t next() {
  std::uint64_t z = (g_state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

}  // namespace

int main(int argc, char** argv) {
  std::string out;
  long n = 30000, length = 2000;
  std::uint64_t seed = 20261129;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--out")) out = argv[i + 1];
    else if (!std::strcmp(argv[i], "--n")) n = std::atol(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--length")) length = std::atol(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--seed")) seed = std::strtoull(argv[i + 1], nullptr, 10);
    else {
      std::fprintf(stderr, "gen_utrs: unknown option %s\n", argv[i]);
      return 2;
    }
  }
  if (out.empty() || n <= 0 || length <= 0) {
    std::fprintf(stderr, "usage: gen_utrs --out FILE [--n 30000] [--length 2000] [--seed S]\n");
    return 2;
  }
  g_state = seed;
  std::FILE* f = std::fopen(out.c_str(), "wb");
  if (!f) {
    std::perror(out.c_str());
    return 1;
  }
  std::string line;
  for (long r = 0; r < n; ++r) {
    line = ">UTR" + std::to_string(r + 1) + "\n";
    for (long i = 0; i < length; ++i) {
      // Cumulative thresholds of A 0.28, C 0.21, G 0.21, U 0.30 on 2^24.
      const std::uint64_t u = next() >> 40;
      line += u < 4697620 ? 'A' : u < 8220835 ? 'C' : u < 11744051 ? 'G' : 'U';
    }
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), f);
  }
  return std::fclose(f) == 0 ? 0 : 1;
}
