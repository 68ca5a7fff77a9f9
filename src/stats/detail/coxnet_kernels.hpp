// SPDX-License-Identifier: GPL-3.0-or-later
// Internal: the vector kernels of the coxnet coordinate descent (dot, axpy, fused axpy + dot),
// AVX-512 / AVX2 + FMA where the CPU has them, chosen once at run time, else Eigen.
#pragma once

#include <Eigen/Dense>

namespace lscmir::stats::detail {

struct CoxnetKernels {
  double (*dot)(const double* a, const double* b, Eigen::Index n);
  /// y += alpha * x
  void (*axpy)(double* y, double alpha, const double* x, Eigen::Index n);
  /// wr -= del * wx; returns wr' x (the updated wr): the axpy of one coordinate update fused with
  /// the dot product of the next, one pass over wr instead of two.
  double (*axpy_dot)(double* wr, double del, const double* wx, const double* x, Eigen::Index n);
};

/// The fastest kernels this CPU runs (the results differ only in rounding).
const CoxnetKernels& coxnet_kernels();

}  // namespace lscmir::stats::detail
