// SPDX-License-Identifier: GPL-3.0-or-later
// The vector kernels of the coxnet coordinate descent (src/stats/coxnet.cpp).
#include "detail/coxnet_kernels.hpp"

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#include <immintrin.h>
#define LSCMIR_COXNET_AVX2 1
#endif

namespace lscmir::stats::detail {
namespace {

// The coordinate updates are dot products and axpys of length n, nearly all the time of a path.
// They run with AVX2 + FMA where the CPU has them (chosen once at run time; the build targets
// plain x86-64), else through Eigen. The two differ only in rounding.
double dot_plain(const double* a, const double* b, Eigen::Index n) {
  return Eigen::Map<const Eigen::VectorXd>(a, n).dot(Eigen::Map<const Eigen::VectorXd>(b, n));
}
void axpy_plain(double* y, double alpha, const double* x, Eigen::Index n) {
  Eigen::Map<Eigen::VectorXd>(y, n).noalias() += alpha * Eigen::Map<const Eigen::VectorXd>(x, n);
}
#ifdef LSCMIR_COXNET_AVX2
__attribute__((target("avx2,fma"))) double dot_avx2(const double* a, const double* b, Eigen::Index n) {
  // Four accumulators: the FMA latency, not the loads, would otherwise bound the loop.
  __m256d s0 = _mm256_setzero_pd(), s1 = _mm256_setzero_pd(), s2 = _mm256_setzero_pd(), s3 = _mm256_setzero_pd();
  Eigen::Index i = 0;
  for (; i + 16 <= n; i += 16) {
    s0 = _mm256_fmadd_pd(_mm256_loadu_pd(a + i), _mm256_loadu_pd(b + i), s0);
    s1 = _mm256_fmadd_pd(_mm256_loadu_pd(a + i + 4), _mm256_loadu_pd(b + i + 4), s1);
    s2 = _mm256_fmadd_pd(_mm256_loadu_pd(a + i + 8), _mm256_loadu_pd(b + i + 8), s2);
    s3 = _mm256_fmadd_pd(_mm256_loadu_pd(a + i + 12), _mm256_loadu_pd(b + i + 12), s3);
  }
  for (; i + 4 <= n; i += 4) s0 = _mm256_fmadd_pd(_mm256_loadu_pd(a + i), _mm256_loadu_pd(b + i), s0);
  s0 = _mm256_add_pd(_mm256_add_pd(s0, s1), _mm256_add_pd(s2, s3));
  const __m128d h = _mm_add_pd(_mm256_castpd256_pd128(s0), _mm256_extractf128_pd(s0, 1));
  double s = _mm_cvtsd_f64(_mm_add_sd(h, _mm_unpackhi_pd(h, h)));
  for (; i < n; ++i) s += a[i] * b[i];
  return s;
}
__attribute__((target("avx2,fma"))) void axpy_avx2(double* y, double alpha, const double* x, Eigen::Index n) {
  const __m256d al = _mm256_set1_pd(alpha);
  Eigen::Index i = 0;
  for (; i + 4 <= n; i += 4) _mm256_storeu_pd(y + i, _mm256_fmadd_pd(al, _mm256_loadu_pd(x + i), _mm256_loadu_pd(y + i)));
  for (; i < n; ++i) y[i] += alpha * x[i];
}
#endif

double axpy_dot_plain(double* wr, double del, const double* wx, const double* x, Eigen::Index n) {
  double s = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    wr[i] -= del * wx[i];
    s += wr[i] * x[i];
  }
  return s;
}
#ifdef LSCMIR_COXNET_AVX2
__attribute__((target("avx2,fma"))) double axpy_dot_avx2(double* wr, double del, const double* wx, const double* x,
                                                         Eigen::Index n) {
  const __m256d d = _mm256_set1_pd(del);
  __m256d s0 = _mm256_setzero_pd(), s1 = _mm256_setzero_pd();
  Eigen::Index i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256d r0 = _mm256_fnmadd_pd(d, _mm256_loadu_pd(wx + i), _mm256_loadu_pd(wr + i));
    const __m256d r1 = _mm256_fnmadd_pd(d, _mm256_loadu_pd(wx + i + 4), _mm256_loadu_pd(wr + i + 4));
    _mm256_storeu_pd(wr + i, r0);
    _mm256_storeu_pd(wr + i + 4, r1);
    s0 = _mm256_fmadd_pd(r0, _mm256_loadu_pd(x + i), s0);
    s1 = _mm256_fmadd_pd(r1, _mm256_loadu_pd(x + i + 4), s1);
  }
  for (; i + 4 <= n; i += 4) {
    const __m256d r0 = _mm256_fnmadd_pd(d, _mm256_loadu_pd(wx + i), _mm256_loadu_pd(wr + i));
    _mm256_storeu_pd(wr + i, r0);
    s0 = _mm256_fmadd_pd(r0, _mm256_loadu_pd(x + i), s0);
  }
  s0 = _mm256_add_pd(s0, s1);
  const __m128d h = _mm_add_pd(_mm256_castpd256_pd128(s0), _mm256_extractf128_pd(s0, 1));
  double s = _mm_cvtsd_f64(_mm_add_sd(h, _mm_unpackhi_pd(h, h)));
  for (; i < n; ++i) {
    wr[i] -= del * wx[i];
    s += wr[i] * x[i];
  }
  return s;
}
// AVX-512: eight lanes, a scalar tail.
__attribute__((target("avx512f"))) double hsum512(__m512d v) {
  alignas(64) double lane[8];
  _mm512_store_pd(lane, v);
  return ((lane[0] + lane[4]) + (lane[1] + lane[5])) + ((lane[2] + lane[6]) + (lane[3] + lane[7]));
}
__attribute__((target("avx512f"))) double dot_avx512(const double* a, const double* b, Eigen::Index n) {
  __m512d s0 = _mm512_setzero_pd(), s1 = _mm512_setzero_pd();
  Eigen::Index i = 0;
  for (; i + 16 <= n; i += 16) {
    s0 = _mm512_fmadd_pd(_mm512_loadu_pd(a + i), _mm512_loadu_pd(b + i), s0);
    s1 = _mm512_fmadd_pd(_mm512_loadu_pd(a + i + 8), _mm512_loadu_pd(b + i + 8), s1);
  }
  for (; i + 8 <= n; i += 8) s0 = _mm512_fmadd_pd(_mm512_loadu_pd(a + i), _mm512_loadu_pd(b + i), s0);
  double s = hsum512(_mm512_add_pd(s0, s1));
  for (; i < n; ++i) s += a[i] * b[i];
  return s;
}
__attribute__((target("avx512f"))) void axpy_avx512(double* y, double alpha, const double* x, Eigen::Index n) {
  const __m512d al = _mm512_set1_pd(alpha);
  Eigen::Index i = 0;
  for (; i + 8 <= n; i += 8) _mm512_storeu_pd(y + i, _mm512_fmadd_pd(al, _mm512_loadu_pd(x + i), _mm512_loadu_pd(y + i)));
  for (; i < n; ++i) y[i] += alpha * x[i];
}
__attribute__((target("avx512f"))) double axpy_dot_avx512(double* wr, double del, const double* wx, const double* x,
                                                           Eigen::Index n) {
  const __m512d d = _mm512_set1_pd(del);
  __m512d s0 = _mm512_setzero_pd(), s1 = _mm512_setzero_pd();
  Eigen::Index i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512d r0 = _mm512_fnmadd_pd(d, _mm512_loadu_pd(wx + i), _mm512_loadu_pd(wr + i));
    const __m512d r1 = _mm512_fnmadd_pd(d, _mm512_loadu_pd(wx + i + 8), _mm512_loadu_pd(wr + i + 8));
    _mm512_storeu_pd(wr + i, r0);
    _mm512_storeu_pd(wr + i + 8, r1);
    s0 = _mm512_fmadd_pd(r0, _mm512_loadu_pd(x + i), s0);
    s1 = _mm512_fmadd_pd(r1, _mm512_loadu_pd(x + i + 8), s1);
  }
  for (; i + 8 <= n; i += 8) {
    const __m512d r0 = _mm512_fnmadd_pd(d, _mm512_loadu_pd(wx + i), _mm512_loadu_pd(wr + i));
    _mm512_storeu_pd(wr + i, r0);
    s0 = _mm512_fmadd_pd(r0, _mm512_loadu_pd(x + i), s0);
  }
  double s = hsum512(_mm512_add_pd(s0, s1));
  for (; i < n; ++i) {
    wr[i] -= del * wx[i];
    s += wr[i] * x[i];
  }
  return s;
}
#endif

CoxnetKernels choose() {
  CoxnetKernels k{dot_plain, axpy_plain, axpy_dot_plain};
#ifdef LSCMIR_COXNET_AVX2
  if (__builtin_cpu_supports("avx512f")) {
    k = {dot_avx512, axpy_avx512, axpy_dot_avx512};
  } else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    k = {dot_avx2, axpy_avx2, axpy_dot_avx2};
  }
#endif
  return k;
}

}  // namespace

const CoxnetKernels& coxnet_kernels() {
  static const CoxnetKernels k = choose();
  return k;
}

}  // namespace lscmir::stats::detail
