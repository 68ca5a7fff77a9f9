# SPDX-License-Identifier: GPL-3.0-or-later
# Reference whole process of the Fine-Gray benchmark (bench/README.md, "Fine-Gray"): the loop an
# R user would write with cmprsk, one crr(ftime, fstatus, cov1 = x, failcode = 1) per feature
# (crr's defaults), writing feature coef se z P (P = 2 pnorm(-|z|)) with %.17g.
#
#   Rscript bench/finegray/r_loop.R EXPRESSION CLINICAL OUT_TSV
suppressPackageStartupMessages(library(cmprsk))
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 3L) stop("usage: r_loop.R EXPRESSION CLINICAL OUT_TSV")
header <- strsplit(readLines(args[1L], n = 1L), "\t", fixed = TRUE)[[1]]
expr <- read.delim(args[1L], check.names = FALSE, quote = "", colClasses = c("character", rep("numeric", length(header) - 1L)))
clin <- read.delim(args[2L], stringsAsFactors = FALSE)
row <- match(header[-1L], clin$patient)
ftime <- clin$time[row]; fstatus <- clin$status[row]
m <- as.matrix(expr[, -1L])
res <- t(vapply(seq_len(nrow(m)), function(i) {
  fit <- crr(ftime, fstatus, cov1 = cbind(x = m[i, ]), failcode = 1)
  co <- fit$coef[1]; se <- sqrt(fit$var[1, 1])
  c(co, se, co / se, 2 * pnorm(-abs(co / se)))
}, numeric(4)))
out <- data.frame(feature = expr[[1L]], coef = sprintf("%.17g", res[, 1]), se = sprintf("%.17g", res[, 2]),
                  z = sprintf("%.17g", res[, 3]), P = sprintf("%.17g", res[, 4]))
write.table(out, args[3L], sep = "\t", quote = FALSE, row.names = FALSE)
