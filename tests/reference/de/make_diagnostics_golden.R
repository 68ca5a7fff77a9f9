#!/usr/bin/env Rscript
# Golden for the diagnostics `lscmir de` writes (issue 13), tests/reference/de/diag_unbal_voom/:
# voom_trend.tsv from voom(save.plot = TRUE) (voom.xy: the points; the trend column is
# approxfun(voom.line, rule = 2) at each point, as voom evaluates its lowess curve) and
# pvalue_histogram.tsv: P.Value counts in [0, 0.05), ..., [0.95, 1] per contrast.
#
#   Rscript tests/reference/de/make_diagnostics_golden.R      (from the repository root)
source("tests/reference/gen/common.R")
COUNTS <- "tests/data/unbalanced/counts.tsv"; SAMPLES <- "tests/data/unbalanced/samples.tsv"
Y <- read_matrix_tsv(COUNTS)
s <- read_samples_tsv(SAMPLES); s <- s[match(colnames(Y), s$sample), ]
s$population <- factor(s$population, levels = sort(unique(s$population)))
s$patient <- factor(s$patient)
y <- calcNormFactors(DGEList(Y), method = "TMM")
design <- model.matrix(~ patient + population, data = s)
v <- voom(y, design, save.plot = TRUE)
keep <- rowSums(Y) > 0
f <- approxfun(v$voom.line, rule = 2, ties = list("ordered", mean))
dir <- "tests/reference/de/diag_unbal_voom"
unlink(dir, recursive = TRUE); dir.create(dir, recursive = TRUE)
writeLines(paste("--counts", COUNTS, "--samples", SAMPLES, "--contrast LSC-HSC --method voom --norm TMM"), file.path(dir, "args.txt"))
write_golden(data.frame(feature = rownames(Y)[keep], mean_log_count = v$voom.xy$x, sqrt_sd = v$voom.xy$y, trend = f(v$voom.xy$x)),
             file.path(dir, "voom_trend.tsv"))
tt <- topTable(eBayes(lmFit(v, design)), coef = "populationLSC", number = Inf, sort.by = "none", confint = TRUE)
write_golden(data.frame(feature = rownames(tt), tt[, c("logFC", "CI.L", "CI.R", "AveExpr", "t", "P.Value", "adj.P.Val", "B")],
                        check.names = FALSE), file.path(dir, "de_LSC_vs_HSC.tsv"))
br <- seq(0, 1, by = 0.05)
cnt <- as.vector(table(cut(tt$P.Value, br, right = FALSE, include.lowest = TRUE)))
write_golden(data.frame(contrast = "LSC-HSC", bin_lower = br[-21], bin_upper = br[-1], count = cnt), file.path(dir, "pvalue_histogram.tsv"))
