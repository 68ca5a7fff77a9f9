# SPDX-License-Identifier: GPL-3.0-or-later
# Reference whole process of the `lscmir survival` benchmark (contract: bench/README.md,
# "survival"): the per-feature loop an R user would script with the survival package.
#
#   Rscript bench/survival/r_loop.R EXPRESSION CLINICAL ID TIME EVENT OUT_TSV
#
# For every feature x (a row of EXPRESSION, columns matched to CLINICAL by ID):
#   fit <- coxph(Surv(time, event) ~ x)                  # ties = "efron" (the default)
#   survdiff(Surv(time, event) ~ x > median(x))          # log-rank, high = above the median
# and writes one TSV row: feature, coef, se, z, P.Wald (2 * pnorm(-|z|)), P.LRT (from
# fit$loglik), P.score (fit$score), C (concordance(fit)$concordance), n.high, chisq and
# P.logrank (survdiff).  Numbers are written with %.17g.  The input has no missing values
# (gen_data.R), so there is no NA handling beyond what coxph/survdiff do themselves.
suppressPackageStartupMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 6L) stop("usage: r_loop.R EXPRESSION CLINICAL ID TIME EVENT OUT_TSV")
expr_path <- args[1L]
clin_path <- args[2L]
id_col <- args[3L]
time_col <- args[4L]
event_col <- args[5L]
out_path <- args[6L]

header <- strsplit(readLines(expr_path, n = 1L), "\t", fixed = TRUE)[[1]]
expr <- read.delim(expr_path, check.names = FALSE, quote = "", comment.char = "",
                   colClasses = c("character", rep("numeric", length(header) - 1L)))
clin <- read.delim(clin_path, check.names = FALSE, quote = "", comment.char = "",
                   stringsAsFactors = FALSE)
row <- match(header[-1L], clin[[id_col]])
if (anyNA(row)) stop("expression columns without a clinical row: ", sum(is.na(row)))
time <- as.numeric(clin[[time_col]][row])
event <- as.numeric(clin[[event_col]][row])
features <- expr[[1L]]
m <- as.matrix(expr[, -1L])
nf <- length(features)

res <- matrix(NA_real_, nf, 10L, dimnames = list(NULL, c(
  "coef", "se", "z", "P.Wald", "P.LRT", "P.score", "C", "n.high", "chisq", "P.logrank")))
for (i in seq_len(nf)) {
  x <- m[i, ]
  fit <- coxph(Surv(time, event) ~ x, ties = "efron")
  b <- unname(fit$coefficients[1L])
  se <- sqrt(fit$var[1L, 1L])
  z <- b / se
  lrt <- 2 * (fit$loglik[2L] - fit$loglik[1L])
  conc <- concordance(fit)$concordance
  high <- x > median(x)
  sd <- survdiff(Surv(time, event) ~ high)
  res[i, ] <- c(b, se, z, 2 * pnorm(abs(z), lower.tail = FALSE),
                pchisq(lrt, 1L, lower.tail = FALSE), pchisq(fit$score, 1L, lower.tail = FALSE),
                conc, sum(high), sd$chisq, pchisq(sd$chisq, 1L, lower.tail = FALSE))
}

body <- sprintf("%.17g", res)
dim(body) <- dim(res)
con <- file(out_path, "w")
writeLines(paste(c("feature", colnames(res)), collapse = "\t"), con)
writeLines(paste(features, apply(body, 1L, paste, collapse = "\t"), sep = "\t"), con)
close(con)
