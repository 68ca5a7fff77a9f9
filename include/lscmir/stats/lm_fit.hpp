// SPDX-License-Identifier: GPL-3.0-or-later
// Gene-wise linear models (limma's lmFit) and contrasts (contrasts.fit).
#pragma once

#include <vector>

#include <Eigen/Dense>

#include "lscmir/stats/design.hpp"

namespace lscmir::stats {

/// Per-feature least-squares fits. Rows are features, columns the model's reported coefficients.
struct LmFit {
  Eigen::MatrixXd coefficients;    ///< features x q; NaN where not estimable
  Eigen::MatrixXd stdev_unscaled;  ///< features x q; sqrt(diag((X'WX)^-1))
  Eigen::VectorXd sigma;           ///< residual standard deviation; NaN when df = 0
  Eigen::VectorXd df_residual;     ///< observations - rank
  Eigen::VectorXd amean;           ///< mean of the finite values of each feature (unweighted)
  Eigen::MatrixXd cov_unscaled;    ///< q x q: unweighted (X'X)^-1 block of the reported columns
};

/// Fits y (features x samples) on the model. `weights` (same shape as y) may be null. Values
/// that are NaN, and observations with weight <= 0 or NaN, are left out of that feature's fit.
/// Without weights and NaNs one factorization serves every feature; otherwise each feature is
/// fitted on its own, in parallel over features (results do not depend on `threads`).
/// When `fitted` is non-null it receives the fitted values (features x samples) of the full model.
/// When `contrasts` (q x k) and `exact` are non-null, `exact` receives the contrasts c'b with their
/// exact unscaled standard errors sqrt(c' (X'WX)^-1 c) from each feature's own weighted fit (the
/// answer does not depend on how the design is parametrized); a contrast that needs a
/// non-estimable coefficient of a feature is NaN there. cov_unscaled of `exact` is c'(X'X)^-1 c.
LmFit lm_fit(const Eigen::MatrixXd& y, const LinearModel& model, const Eigen::MatrixXd* weights, int threads,
             Eigen::MatrixXd* fitted = nullptr, const Eigen::MatrixXd* contrasts = nullptr, LmFit* exact = nullptr);

/// Contrasts of the coefficients (limma's contrasts.fit): contrasts is q x k. The standard error
/// of a contrast combines the feature's stdev_unscaled with the correlation of the unweighted
/// design (as limma does). A contrast touching a non-estimable coefficient is NaN.
LmFit contrasts_fit(const LmFit& fit, const Eigen::MatrixXd& contrasts);

}  // namespace lscmir::stats
