// SPDX-License-Identifier: GPL-3.0-or-later
// Generator of the large simulated `lscmir de` benchmark input (bench/README.md, "de-large").
//
//   lscmir_bench_gen_de --out DIR [--features 50000] [--samples 2000] [--seed 20240601] [--threads N]
//
// Writes DIR/counts.tsv (feature x sample integer counts), DIR/samples.tsv (sample, population,
// batch, age) and DIR/truth.tsv (feature, base mean, dispersion, true log2 fold changes).
// The analysis is the unpaired design ~ population + batch + age: 5 columns (intercept,
// populationB, batchb2, batchb3, age).
//
// Model, per feature g and sample j (counts are negative binomial, drawn as gamma-Poisson):
//   abundance   m_g  = exp(N(log 100, 2.0^2))            log-normal spread of miRNA abundance:
//                                                        a few features take percents of a library
//   dispersion  phi_g = (0.05 + 0.5 / sqrt(m_g)) * exp(N(0, 0.3^2))   larger at low counts
//   library     L_j  = exp(N(0, 0.35^2))                 relative library size
//   mean        mu_gj = m_g L_j 2^(b_pop,g [B] + b_batch,g + b_age,g (age_j - 50) / 10)
//   count       y_gj ~ Poisson(Gamma(shape 1 / phi_g, scale mu_gj phi_g))
// 10% of features differ between populations (|log2FC| ~ N(1, 0.3^2), random sign), every
// feature has batch shifts N(0, 0.2^2) (log2) for b2 and b3, and 5% have an age trend of
// N(0, 0.15^2) log2 per decade.
//
// Random numbers: xoshiro256** seeded per feature with splitmix64(seed, feature), and our own
// normal / gamma / Poisson samplers, so the files are byte-identical for a given seed on any
// platform and with any --threads.
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <numbers>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// xoshiro256** (Blackman and Vigna 2018) with the samplers the model needs.
class Rng {
 public:
  Rng(std::uint64_t seed, std::uint64_t stream) {
    std::uint64_t x = seed ^ (stream * 0xd1342543de82ef95ULL);
    for (auto& w : s_) w = splitmix64(x);
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// Uniform on (0, 1): 53 random bits, never 0.
  double uniform() { return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53; }

  /// Standard normal, Marsaglia polar method (the spare value is kept).
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u = 0, v = 0, s = 0;
    do {
      u = 2.0 * uniform() - 1.0;
      v = 2.0 * uniform() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double f = std::sqrt(-2.0 * std::log(s) / s);
    spare_ = v * f;
    has_spare_ = true;
    return u * f;
  }

  /// Gamma(shape, 1), Marsaglia and Tsang (2000); shape < 1 by the U^(1/shape) boost.
  double gamma(double shape) {
    if (shape < 1.0) return gamma(shape + 1.0) * std::pow(uniform(), 1.0 / shape);
    const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
    for (;;) {
      double x = 0, v = 0;
      do {
        x = normal();
        v = 1.0 + c * x;
      } while (v <= 0.0);
      v = v * v * v;
      const double u = uniform();
      if (u < 1.0 - 0.0331 * x * x * x * x) return d * v;
      if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
    }
  }

  /// Poisson(mu): inversion by multiplication below 10, else PTRS (Hoermann 1993).
  std::int64_t poisson(double mu) {
    if (mu <= 0.0) return 0;
    if (mu < 10.0) {
      const double limit = std::exp(-mu);
      double p = uniform();
      std::int64_t k = 0;
      while (p > limit) {
        p *= uniform();
        ++k;
      }
      return k;
    }
    const double slam = std::sqrt(mu), loglam = std::log(mu);
    const double b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
    const double invalpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2.0);
    for (;;) {
      const double u = uniform() - 0.5, v = uniform();
      const double us = 0.5 - std::fabs(u);
      const double k = std::floor((2.0 * a / us + b) * u + mu + 0.43);
      if (us >= 0.07 && v <= vr) return static_cast<std::int64_t>(k);
      if (k < 0.0 || (us < 0.013 && v > us)) continue;
      if (std::log(v) + std::log(invalpha) - std::log(a / (us * us) + b) <= -mu + k * loglam - std::lgamma(k + 1.0))
        return static_cast<std::int64_t>(k);
    }
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::array<std::uint64_t, 4> s_{};
  double spare_ = 0.0;
  bool has_spare_ = false;
};

struct Options {
  std::string out;
  long features = 50000, samples = 2000, threads = 0;
  std::uint64_t seed = 20240601;
};

struct Sample {
  int population = 0, batch = 0;  // population A/B, batch b1/b2/b3
  double age = 0, lib = 1;
};

struct Feature {
  double base = 0, phi = 0, lfc_pop = 0, lfc_b2 = 0, lfc_b3 = 0, lfc_age = 0;
};

void append_int(std::string& s, std::int64_t v) {
  std::array<char, 24> buf{};
  const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  s.append(buf.data(), r.ptr);
}

void append_double(std::string& s, double v) {
  std::array<char, 32> buf{};
  const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  s.append(buf.data(), r.ptr);
}

std::string feature_name(long g) {
  std::array<char, 32> buf{};
  std::snprintf(buf.data(), buf.size(), "sim-mir-%05ld", g + 1);
  return buf.data();
}

Feature draw_feature(std::uint64_t seed, long g) {
  Rng rng(seed, 2 * static_cast<std::uint64_t>(g) + 1);
  Feature f;
  f.base = std::exp(std::log(100.0) + 2.0 * rng.normal());
  f.phi = (0.05 + 0.5 / std::sqrt(f.base)) * std::exp(0.3 * rng.normal());
  if (rng.uniform() < 0.10) f.lfc_pop = (rng.uniform() < 0.5 ? -1.0 : 1.0) * (1.0 + 0.3 * rng.normal());
  f.lfc_b2 = 0.2 * rng.normal();
  f.lfc_b3 = 0.2 * rng.normal();
  if (rng.uniform() < 0.05) f.lfc_age = 0.15 * rng.normal();
  return f;
}

/// One row of counts.tsv; the row's own stream keeps it independent of thread scheduling.
void write_row(std::string& s, std::uint64_t seed, long g, const std::vector<Sample>& samples, const Feature& f) {
  Rng rng(seed, 2 * static_cast<std::uint64_t>(g) + 2);
  s += feature_name(g);
  const double shape = 1.0 / f.phi;
  for (const Sample& sm : samples) {
    double lfc = sm.batch == 1 ? f.lfc_b2 : sm.batch == 2 ? f.lfc_b3 : 0.0;
    if (sm.population == 1) lfc += f.lfc_pop;
    lfc += f.lfc_age * (sm.age - 50.0) / 10.0;
    const double mu = f.base * sm.lib * std::exp2(lfc);
    s.push_back('\t');
    append_int(s, rng.poisson(rng.gamma(shape) * mu * f.phi));
  }
  s.push_back('\n');
}

bool parse_long(std::string_view text, long& v) {
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  return r.ec == std::errc() && r.ptr == text.data() + text.size();
}

int usage() {
  std::cerr << "usage: lscmir_bench_gen_de --out DIR [--features N] [--samples N] [--seed S] [--threads N]\n";
  return 2;
}

bool write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f.write(text.data(), static_cast<std::streamsize>(text.size()));
  return static_cast<bool>(f);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view key = argv[i];
    if (i + 1 >= argc) return usage();
    const std::string_view val = argv[++i];
    long n = 0;
    if (key == "--out") o.out = val;
    else if (key == "--features" && parse_long(val, n) && n > 0) o.features = n;
    else if (key == "--samples" && parse_long(val, n) && n >= 8) o.samples = n;
    else if (key == "--seed" && parse_long(val, n) && n >= 0) o.seed = static_cast<std::uint64_t>(n);
    else if (key == "--threads" && parse_long(val, n) && n >= 0) o.threads = n;
    else return usage();
  }
  if (o.out.empty()) return usage();
  const std::filesystem::path dir(o.out);
  std::filesystem::create_directories(dir);
  const unsigned hw = std::max(1U, std::thread::hardware_concurrency());
  const long threads = o.threads > 0 ? o.threads : static_cast<long>(hw);

  // Samples: populations alternate (balanced), batches 40/35/25 %, ages uniform on 20-80.
  Rng srng(o.seed, 0);
  std::vector<Sample> samples(static_cast<std::size_t>(o.samples));
  std::string sheet = "sample\tpopulation\tbatch\tage\n";
  std::string header = "feature";
  for (std::size_t j = 0; j < samples.size(); ++j) {
    Sample& sm = samples[j];
    sm.population = static_cast<int>(j % 2);
    const double u = srng.uniform();
    sm.batch = u < 0.40 ? 0 : u < 0.75 ? 1 : 2;
    sm.age = std::round(200.0 + 600.0 * srng.uniform()) / 10.0;
    sm.lib = std::exp(0.35 * srng.normal());
    std::array<char, 32> name{};
    std::snprintf(name.data(), name.size(), "S%05zu", j + 1);
    header += '\t';
    header += name.data();
    sheet += name.data();
    sheet += sm.population == 0 ? "\tA" : "\tB";
    sheet += sm.batch == 0 ? "\tb1\t" : sm.batch == 1 ? "\tb2\t" : "\tb3\t";
    append_double(sheet, sm.age);
    sheet += '\n';
  }
  header += '\n';

  std::vector<Feature> features(static_cast<std::size_t>(o.features));
  std::string truth = "feature\tbase_mean\tdispersion\tlog2fc_B_vs_A\tlog2fc_b2\tlog2fc_b3\tlog2fc_age_per_decade\n";
  for (long g = 0; g < o.features; ++g) {
    const Feature f = draw_feature(o.seed, g);
    features[static_cast<std::size_t>(g)] = f;
    truth += feature_name(g);
    for (double v : {f.base, f.phi, f.lfc_pop, f.lfc_b2, f.lfc_b3, f.lfc_age}) {
      truth += '\t';
      append_double(truth, v);
    }
    truth += '\n';
  }
  if (!write_text(dir / "samples.tsv", sheet) || !write_text(dir / "truth.tsv", truth)) {
    std::cerr << "lscmir_bench_gen_de: cannot write to " << o.out << "\n";
    return 1;
  }

  // Counts: blocks of rows generated in parallel, written in order.
  std::ofstream out(dir / "counts.tsv", std::ios::binary);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  constexpr long kBlock = 64;
  const long n_blocks = (o.features + kBlock - 1) / kBlock;
  std::vector<std::string> text(static_cast<std::size_t>(threads));
  for (long first = 0; first < n_blocks; first += threads) {
    std::vector<std::thread> pool;
    for (long t = 0; t < threads && first + t < n_blocks; ++t) {
      pool.emplace_back([&, t] {
        std::string& s = text[static_cast<std::size_t>(t)];
        s.clear();
        const long g0 = (first + t) * kBlock, g1 = std::min(o.features, g0 + kBlock);
        for (long g = g0; g < g1; ++g) write_row(s, o.seed, g, samples, features[static_cast<std::size_t>(g)]);
      });
    }
    for (auto& th : pool) th.join();
    for (std::size_t t = 0; t < pool.size(); ++t) out.write(text[t].data(), static_cast<std::streamsize>(text[t].size()));
  }
  out.close();
  if (!out) {
    std::cerr << "lscmir_bench_gen_de: error writing " << (dir / "counts.tsv").string() << "\n";
    return 1;
  }
  return 0;
}
