# SPDX-License-Identifier: GPL-3.0-or-later
# The reference of bench/score/run.sh: what a glmnet user scripts for `lscmir score fit`, as one
# Rscript process (read the files, cv.glmnet with fixed fold ids, write the same tables).
#   Rscript bench/score/cv_glmnet.R EXPRESSION CLINICAL FOLDID ALPHA OUTDIR
suppressMessages({ library(glmnet); library(survival) })
a <- commandArgs(trailingOnly = TRUE)
e <- read.delim(a[1], check.names = FALSE, stringsAsFactors = FALSE)
clin <- read.delim(a[2], check.names = FALSE, stringsAsFactors = FALSE)
f <- read.delim(a[3], check.names = FALSE, stringsAsFactors = FALSE)
alpha <- as.numeric(a[4]); out <- a[5]
x <- t(as.matrix(e[, -1])); colnames(x) <- e[[1]]
clin <- clin[match(rownames(x), clin$patient), ]
keep <- !is.na(clin$OS_months) & clin$OS_months > 0 & !is.na(clin$OS_event)
x <- x[keep, ]; clin <- clin[keep, ]
y <- Surv(clin$OS_months, clin$OS_event)
foldid <- f$fold[match(rownames(x), f$patient)]
cv <- cv.glmnet(x, y, family = "cox", alpha = alpha, foldid = foldid)
fmt <- function(v) trimws(formatC(v, digits = 17, format = "g"))
wt <- function(df, name) write.table(df, file.path(out, name), sep = "\t", quote = FALSE, row.names = FALSE)
dir.create(out, showWarnings = FALSE, recursive = TRUE)
fit <- cv$glmnet.fit
wt(data.frame(lambda = fmt(fit$lambda), df = fit$df, dev.ratio = fmt(fit$dev.ratio)), "path.tsv")
wt(data.frame(lambda = fmt(cv$lambda), cvm = fmt(cv$cvm), cvsd = fmt(cv$cvsd)), "cv.tsv")
wt(data.frame(name = c("lambda.min", "lambda.1se"), value = fmt(c(cv$lambda.min, cv$lambda.1se))), "lambdas.tsv")
b <- as.matrix(coef(cv, s = "lambda.min"))[, 1]
wt(data.frame(feature = names(b)[b != 0], coef = fmt(b[b != 0])), "weights.tsv")
