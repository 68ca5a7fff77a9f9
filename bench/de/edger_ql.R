#!/usr/bin/env Rscript
# edgeR 3.40 legacy QL, whole process, for bench/de/run_ql.sh:
#   Rscript edger_ql.R COUNTS SAMPLES OUTDIR A B
# filterByExpr(y, design), TMM, estimateDisp, glmQLFit, glmQLFTest(coef = populationA), topTags.
suppressPackageStartupMessages(library(edgeR))
a <- commandArgs(trailingOnly = TRUE)
x <- read.delim(a[1], check.names = FALSE, row.names = 1)
s <- read.delim(a[2], check.names = FALSE, stringsAsFactors = FALSE)
s <- s[match(colnames(x), s$sample), ]
population <- relevel(factor(s$population), ref = a[5]); patient <- factor(s$patient)
d <- model.matrix(~ patient + population)
y <- DGEList(as.matrix(x)); keep <- filterByExpr(y, d)
y <- calcNormFactors(y[keep, , keep.lib.sizes = FALSE])
y <- estimateDisp(y, d)
fit <- glmQLFit(y, d)
tt <- topTags(glmQLFTest(fit, coef = paste0("population", a[4])), n = Inf)$table
dir.create(a[3], showWarnings = FALSE, recursive = TRUE)
write.table(data.frame(feature = rownames(tt), tt[, c("logFC", "logCPM", "F", "PValue", "FDR")]),
            file.path(a[3], paste0("de_", a[4], "_vs_", a[5], ".tsv")), sep = "\t", quote = FALSE, row.names = FALSE)
writeLines(sprintf("%.17g", y$common.dispersion), file.path(a[3], "common_dispersion.txt"))
