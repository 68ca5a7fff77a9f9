# SPDX-License-Identifier: GPL-3.0-or-later
# bench/score/run.sh: max relative difference of lscmir's tables to cv.glmnet's, by position.
#   Rscript bench/score/compare.R LSCMIR_DIR R_DIR   (prints "file column maxrel"; exit 1 over tolerance)
a <- commandArgs(trailingOnly = TRUE)
bad <- FALSE
for (spec in list(c("path.tsv", "lambda", "1e-4"), c("path.tsv", "dev.ratio", "1e-4"), c("cv.tsv", "cvm", "1e-4"),
                  c("lambdas.tsv", "value", "1e-4"), c("weights.tsv", "coef", "1e-3"))) {
  g <- read.delim(file.path(a[1], spec[1])); w <- read.delim(file.path(a[2], spec[1]))
  if (nrow(g) != nrow(w)) { cat(spec[1], "rows differ:", nrow(g), nrow(w), "\n"); bad <- TRUE; next }
  if (spec[1] == "weights.tsv" && !identical(as.character(g$feature), as.character(w$feature))) { cat("weights: features differ\n"); bad <- TRUE }
  d <- max(abs(g[[spec[2]]] - w[[spec[2]]]) / pmax(abs(w[[spec[2]]]), 1e-300))
  cat(sprintf("%s\t%s\t%.3g\n", spec[1], spec[2], d))
  if (d > as.numeric(spec[3])) bad <- TRUE
}
if (bad) quit(status = 1)
