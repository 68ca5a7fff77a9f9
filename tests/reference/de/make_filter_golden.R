#!/usr/bin/env Rscript
# Goldens for `lscmir de --filter` (issue 13), tests/reference/de/filter_*/ (R 4.2, edgeR 3.40,
# limma 3.54).
#
#   Rscript tests/reference/de/make_filter_golden.R      (from the repository root)
#
# y <- DGEList(counts); keep <- filterByExpr(y, design) (defaults: min.count 10,
# min.total.count 15, large.n 10, min.prop 0.7); y <- y[keep, , keep.lib.sizes = FALSE];
# calcNormFactors(y, "TMM"), then the analysis of the case on the kept rows. filter_kept.txt holds
# sum(keep), compared with run_info.json's filter_kept.
source("tests/reference/gen/common.R")
suppressPackageStartupMessages(library(statmod))

tt_full <- function(eb, coef) {
  tt <- topTable(eb, coef = coef, number = Inf, sort.by = "none", confint = TRUE)
  data.frame(feature = rownames(tt), tt[, c("logFC", "CI.L", "CI.R", "AveExpr", "t", "P.Value", "adj.P.Val", "B")],
             check.names = FALSE)
}
tag_of <- function(k) sub("-", "_vs_", k, fixed = TRUE)
write_case <- function(name, args, tables, y, kept, consensus = NULL) {
  dir <- file.path("tests/reference/de", name)
  unlink(dir, recursive = TRUE)
  dir.create(dir, recursive = TRUE)
  writeLines(args, file.path(dir, "args.txt"))
  writeLines(as.character(kept), file.path(dir, "filter_kept.txt"))
  if (!is.null(consensus)) writeLines(sprintf("%.17g", consensus), file.path(dir, "consensus_correlation.txt"))
  write_golden(data.frame(sample = rownames(y$samples), lib.size = y$samples$lib.size, norm.factors = y$samples$norm.factors),
               file.path(dir, "norm_factors.tsv"))
  for (tag in names(tables)) write_golden(tables[[tag]], file.path(dir, paste0("de_", tag, ".tsv")))
  cat(name, ": kept", kept, "of", nrow(y$counts) + 0, "\n")
}
prep <- function(path, cols) {
  s <- read_samples_tsv(path)
  s <- s[match(cols, s$sample), ]
  s$population <- factor(s$population, levels = sort(unique(s$population)))
  s$patient <- factor(s$patient)
  s
}
# Exact contrasts: each contrast refitted as a coefficient (population relevelled).
exact_tables <- function(fit_of, s, form, contrasts) {
  out <- list()
  for (k in contrasts) {
    ab <- strsplit(k, "-", fixed = TRUE)[[1]]
    s2 <- s; s2$population <- relevel(s2$population, ref = ab[2])
    out[[tag_of(k)]] <- tt_full(eBayes(fit_of(model.matrix(form, data = s2))), paste0("population", ab[1]))
  }
  out
}
filtered <- function(Y, design) {
  y <- DGEList(Y)
  keep <- filterByExpr(y, design)
  y <- calcNormFactors(y[keep, , keep.lib.sizes = FALSE], method = "TMM")
  list(y = y, kept = sum(keep))
}

COUNTS <- "tests/data/unbalanced/counts.tsv"; SAMPLES <- "tests/data/unbalanced/samples.tsv"
Y <- read_matrix_tsv(COUNTS)
s <- prep(SAMPLES, colnames(Y))
contrasts <- c("LSC-HSC", "LSC-LPC", "HSC-LPC")
cargs <- paste("--counts", COUNTS, "--samples", SAMPLES, paste("--contrast", contrasts, collapse = " "), "--norm TMM --filter")

# default design, voom
form <- ~ patient + population
f <- filtered(Y, model.matrix(form, data = s))
v <- voom(f$y, model.matrix(form, data = s))
write_case("filter_unbal_voom", paste(cargs, "--method voom"),
           exact_tables(function(d) lmFit(v$E, d, weights = v$weights), s, form, contrasts), f$y, f$kept)

# --block patient (design ~ population), voom recipe
form <- ~ population
d <- model.matrix(form, data = s)
f <- filtered(Y, d)
v <- voom(f$y, d); dc <- duplicateCorrelation(v, d, block = s$patient)
v <- voom(f$y, d, block = s$patient, correlation = dc$consensus.correlation)
rho <- duplicateCorrelation(v, d, block = s$patient)$consensus.correlation
write_case("filter_unbal_block_voom", paste(cargs, "--method voom --block patient --design \"~ population\""),
           exact_tables(function(dd) lmFit(v$E, dd, weights = v$weights, block = s$patient, correlation = rho), s, form, contrasts),
           f$y, f$kept, rho)

# trend on the real THCA data
TC <- "tests/data/thca/THCA.paired.counts.tsv"; TS <- "tests/data/thca/THCA.paired.samples.tsv"
YT <- read_matrix_tsv(TC)
st <- prep(TS, colnames(YT))
form <- ~ patient + population
f <- filtered(YT, model.matrix(form, data = st))
lc <- cpm(f$y, log = TRUE, prior.count = 2)
write_case("filter_thca_trend", paste("--counts", TC, "--samples", TS, "--contrast tumor-normal --norm TMM --filter --method trend"),
           list(tumor_vs_normal = tt_full(eBayes(lmFit(lc, model.matrix(form, data = st)), trend = TRUE), "populationtumor")),
           f$y, f$kept)
