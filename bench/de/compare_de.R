# SPDX-License-Identifier: GPL-3.0-or-later
# Checks that `lscmir de` and bench/de/limma_de.R computed the same analysis, so the
# benchmark times the same work.
#
#   Rscript bench/de/compare_de.R LSCMIR_DIR R_DIR TAG [TAG ...] [--tol 1e-6]
#
# TAG is the file tag of a contrast (A_vs_B -> de_A_vs_B.tsv).  Rows are matched by feature.
# For logFC, t, P.Value and B (the contract) and, for information, CI.L, CI.R, AveExpr,
# adj.P.Val and the norm factors, prints the maximum relative difference
# |a - b| / max(|a|, |b|); values with both |a| and |b| below 1e-12 count as equal (0).
# Also prints the fraction of the 100 top features (by P.Value) that both tables share.
# Prints one line "agree max_rel=... tol=..." or "DISAGREE ..." and exits 1 when a contract
# column exceeds the tolerance, a feature is missing, or NA patterns differ.
args <- commandArgs(trailingOnly = TRUE)
tol <- 1e-6
if (length(k <- which(args == "--tol"))) {
  tol <- as.numeric(args[k + 1L])
  args <- args[-c(k, k + 1L)]
}
if (length(args) < 3L) stop("usage: compare_de.R LSCMIR_DIR R_DIR TAG [TAG ...] [--tol X]")
dir_l <- args[1L]
dir_r <- args[2L]
tags <- args[-(1:2)]

read_tsv <- function(path) {
  x <- read.delim(path, check.names = FALSE, stringsAsFactors = FALSE, quote = "",
                  comment.char = "", na.strings = c("NA", "NaN"))
  rownames(x) <- x[[1]]
  x
}

rel_diff <- function(a, b) {
  if (!identical(is.na(a), is.na(b))) return(Inf)
  ok <- !is.na(a)
  a <- a[ok]
  b <- b[ok]
  den <- pmax(abs(a), abs(b))
  d <- ifelse(den < 1e-12, 0, abs(a - b) / den)
  if (length(d)) max(d) else 0
}

contract <- c("logFC", "t", "P.Value", "B")
info_cols <- c("CI.L", "CI.R", "AveExpr", "adj.P.Val")
worst <- 0
bad <- character(0)
for (tag in tags) {
  f <- paste0("de_", tag, ".tsv")
  l <- read_tsv(file.path(dir_l, f))
  r <- read_tsv(file.path(dir_r, f))
  if (!setequal(rownames(l), rownames(r)) || anyDuplicated(rownames(l))) {
    bad <- c(bad, sprintf("%s: feature sets differ", f))
    next
  }
  top_l <- head(rownames(l)[order(l$P.Value)], 100L)
  top_r <- head(rownames(r)[order(r$P.Value)], 100L)
  r <- r[rownames(l), , drop = FALSE]
  parts <- character(0)
  for (cn in c(contract, info_cols)) {
    d <- rel_diff(l[[cn]], r[[cn]])
    parts <- c(parts, sprintf("%s %.2g", cn, d))
    if (cn %in% contract) {
      worst <- max(worst, d)
      if (!(d <= tol)) bad <- c(bad, sprintf("%s: %s max relative difference %.3g > %.3g", f, cn, d, tol))
    }
  }
  cat(sprintf("%s (%d features): %s; top-100 overlap %d%%\n", f, nrow(l),
              paste(parts, collapse = ", "), length(intersect(top_l, top_r))))
}
nl <- file.path(dir_l, "norm_factors.tsv")
nr <- file.path(dir_r, "norm_factors.tsv")
if (file.exists(nl) && file.exists(nr)) {
  l <- read_tsv(nl)
  r <- read_tsv(nr)[rownames(l), , drop = FALSE]
  cat(sprintf("norm_factors.tsv: lib.size %.2g, norm.factors %.2g\n",
              rel_diff(l$lib.size, r$lib.size), rel_diff(l$norm.factors, r$norm.factors)))
}
if (length(bad)) {
  cat(sprintf("DISAGREE max_rel=%.3g tol=%.3g\n", worst, tol))
  cat(paste0("  ", bad, "\n"), sep = "")
  quit(status = 1L)
}
cat(sprintf("agree max_rel=%.3g tol=%.3g\n", worst, tol))
