# SPDX-License-Identifier: GPL-3.0-or-later
# Checks that `lscmir survival --split median` and bench/survival/r_loop.R computed the same
# analysis, so the benchmark times the same work.
#
#   Rscript bench/survival/compare.R LSCMIR_DIR R_TSV [--tol 1e-6]
#
# Rows are matched by feature (LSCMIR_DIR/cox.tsv and logrank.tsv against R_TSV).  For coef,
# se, P.Wald, P.LRT, P.score, C and chisq (the contract) and, for information, z and
# P.logrank, prints the maximum relative difference |a - b| / max(|a|, |b|) and the feature
# where it occurs; only exact zeros in both count as equal (no floor: small P-values are
# compared relatively too).  n.high must be
# equal and every Cox status "ok".  Prints one line "agree max_rel=... tol=..." or
# "DISAGREE ..." and exits 1 when a contract column exceeds the tolerance, a feature is
# missing, NA patterns differ, n.high differs or a status is not ok.
args <- commandArgs(trailingOnly = TRUE)
tol <- 1e-6
if (length(k <- which(args == "--tol"))) {
  tol <- as.numeric(args[k + 1L])
  args <- args[-c(k, k + 1L)]
}
if (length(args) != 2L) stop("usage: compare.R LSCMIR_DIR R_TSV [--tol X]")

read_tsv <- function(path) {
  x <- read.delim(path, check.names = FALSE, stringsAsFactors = FALSE, quote = "",
                  comment.char = "", na.strings = c("NA", "NaN"))
  rownames(x) <- x[[1]]
  x
}
cox <- read_tsv(file.path(args[1L], "cox.tsv"))
lr <- read_tsv(file.path(args[1L], "logrank.tsv"))
r <- read_tsv(args[2L])

bad <- character(0)
if (!setequal(rownames(cox), rownames(r)) || !setequal(rownames(lr), rownames(r)) ||
    anyDuplicated(rownames(cox)) || anyDuplicated(rownames(r))) {
  cat("DISAGREE: feature sets differ\n")
  quit(status = 1L)
}
r <- r[rownames(cox), , drop = FALSE]
lr <- lr[rownames(cox), , drop = FALSE]
l <- data.frame(coef = cox$coef, se = cox$se, z = cox$z, P.Wald = cox$P.Wald, P.LRT = cox$P.LRT,
                P.score = cox$P.score, C = cox$C, n.high = lr$n.high, chisq = lr$chisq,
                P.logrank = lr$P.logrank, row.names = rownames(cox))

# max relative difference and where; Inf when the NA patterns differ
rel_diff <- function(a, b) {
  if (!identical(is.na(a), is.na(b))) return(list(d = Inf, at = "NA pattern"))
  den <- pmax(abs(a), abs(b))
  d <- ifelse(is.na(a) | den == 0, 0, abs(a - b) / den)
  k <- which.max(d)
  list(d = d[k], at = rownames(l)[k])
}

contract <- c("coef", "se", "P.Wald", "P.LRT", "P.score", "C", "chisq")
info_cols <- c("z", "P.logrank")
worst <- 0
parts <- character(0)
for (cn in c(contract, info_cols)) {
  rd <- rel_diff(l[[cn]], r[[cn]])
  parts <- c(parts, sprintf("%s %.2g (%s)", cn, rd$d, rd$at))
  if (cn %in% contract) {
    worst <- max(worst, rd$d)
    if (!(rd$d <= tol)) bad <- c(bad, sprintf("%s: max relative difference %.3g > %.3g at %s", cn, rd$d, tol, rd$at))
  }
}
if (!identical(as.numeric(l$n.high), as.numeric(r$n.high))) bad <- c(bad, "n.high differs")
if (any(cox$status != "ok")) bad <- c(bad, sprintf("%d Cox fits with status != ok", sum(cox$status != "ok")))
cat(sprintf("%d features; max relative difference: %s\n", nrow(l), paste(parts, collapse = ", ")))
cat(sprintf("smallest P.Wald %.3g (lscmir) / %.3g (R); features with P.Wald < 0.05: %d / %d\n",
            min(l$P.Wald), min(r$P.Wald), sum(l$P.Wald < 0.05), sum(r$P.Wald < 0.05)))
if (length(bad)) {
  cat(sprintf("DISAGREE max_rel=%.3g tol=%.3g\n", worst, tol))
  cat(paste0("  ", bad, "\n"), sep = "")
  quit(status = 1L)
}
cat(sprintf("agree max_rel=%.2g tol=%.2g\n", worst, tol))
