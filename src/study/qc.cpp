// SPDX-License-Identifier: GPL-3.0-or-later
#include "lscmir/study/qc.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace lscmir::study {

Pca pca_top_variable(const Eigen::MatrixXd& y, int top) {
  Pca out;
  const Eigen::Index n = y.cols();
  out.pc1.assign(static_cast<std::size_t>(n), 0.0);
  out.pc2.assign(static_cast<std::size_t>(n), 0.0);
  if (n < 3) return out;
  std::vector<std::pair<double, Eigen::Index>> var;
  for (Eigen::Index g = 0; g < y.rows(); ++g) {
    if (!y.row(g).allFinite()) continue;
    const double mean = y.row(g).mean();
    const double v = (y.row(g).array() - mean).square().sum() / static_cast<double>(n - 1);
    if (v > 0) var.emplace_back(v, g);
  }
  std::stable_sort(var.begin(), var.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  const auto k = static_cast<Eigen::Index>(std::min<std::size_t>(var.size(), static_cast<std::size_t>(std::max(top, 2))));
  if (k < 2) return out;
  Eigen::MatrixXd x(n, k);  // samples x features, centred
  for (Eigen::Index j = 0; j < k; ++j) {
    const auto g = var[static_cast<std::size_t>(j)].second;
    x.col(j) = y.row(g).transpose().array() - y.row(g).mean();
  }
  const Eigen::JacobiSVD<Eigen::MatrixXd> svd(x, Eigen::ComputeThinU | Eigen::ComputeThinV);
  const Eigen::VectorXd s = svd.singularValues();
  const double total = s.squaredNorm();
  for (int c = 0; c < 2 && c < s.size(); ++c) {
    Eigen::Index arg = 0;
    svd.matrixV().col(c).cwiseAbs().maxCoeff(&arg);
    const double sign = svd.matrixV()(arg, c) < 0 ? -1.0 : 1.0;
    auto& pc = c == 0 ? out.pc1 : out.pc2;
    for (Eigen::Index i = 0; i < n; ++i) pc[static_cast<std::size_t>(i)] = sign * svd.matrixU()(i, c) * s(c);
    (c == 0 ? out.var1 : out.var2) = total > 0 ? s(c) * s(c) / total : 0.0;
  }
  out.features_used = static_cast<int>(k);
  return out;
}

}  // namespace lscmir::study
