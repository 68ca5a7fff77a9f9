# SPDX-License-Identifier: GPL-3.0-or-later
# Reference for the blocked-voom benchmark (bench/README.md): the limma user's recipe for a
# patient block (voom, duplicateCorrelation, voom with block and correlation,
# duplicateCorrelation again, lmFit with block and correlation), whole process.
#
#   Rscript bench/de/limma_block.R COUNTS SAMPLES OUTDIR A B
suppressPackageStartupMessages({ library(limma); library(edgeR); library(statmod) })
a <- commandArgs(trailingOnly = TRUE)
invisible(Sys.setlocale("LC_COLLATE", "C"))
hdr <- strsplit(readLines(a[1], n = 1L), "\t", fixed = TRUE)[[1]]
x <- read.delim(a[1], check.names = FALSE, colClasses = c("character", rep("numeric", length(hdr) - 1L)))
counts <- as.matrix(x[, -1]); rownames(counts) <- x[[1]]
s <- read.delim(a[2], check.names = FALSE, stringsAsFactors = FALSE)
s <- s[match(colnames(counts), s$sample), ]
s$population <- relevel(factor(s$population), ref = a[5])
design <- model.matrix(~ population, data = s)
y <- calcNormFactors(DGEList(counts), method = "TMM")
v <- voom(y, design)
dc <- duplicateCorrelation(v, design, block = s$patient)
v <- voom(y, design, block = s$patient, correlation = dc$consensus.correlation)
dc <- duplicateCorrelation(v, design, block = s$patient)
fit <- eBayes(lmFit(v, design, block = s$patient, correlation = dc$consensus.correlation))
tt <- topTable(fit, coef = paste0("population", a[4]), number = Inf, sort.by = "P", confint = TRUE)
dir.create(a[3], showWarnings = FALSE, recursive = TRUE)
write.table(data.frame(feature = rownames(tt), tt[, c("logFC", "CI.L", "CI.R", "AveExpr", "t", "P.Value", "adj.P.Val", "B")],
                       check.names = FALSE),
            file.path(a[3], paste0("de_", a[4], "_vs_", a[5], ".tsv")), sep = "\t", quote = FALSE, row.names = FALSE)
writeLines(sprintf("%.17g", dc$consensus.correlation), file.path(a[3], "consensus_correlation.txt"))
