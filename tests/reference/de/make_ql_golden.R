#!/usr/bin/env Rscript
# Goldens for `lscmir de --method ql` (issue 13), tests/reference/de/ql_*/ (R 4.2, edgeR 3.40).
#
#   Rscript tests/reference/de/make_ql_golden.R            (from the repository root)
#   LSCMIR_QL_SMOOTHER=exact Rscript tests/reference/de/make_ql_golden.R measure
#
# edgeR's legacy quasi-likelihood pipeline with filterByExpr:
#   y <- DGEList(counts); keep <- filterByExpr(y, design); y <- y[keep, , keep.lib.sizes = FALSE]
#   y <- calcNormFactors(y, "TMM"); y <- estimateDisp(y, design)
#   fit <- glmQLFit(y, design, robust = ROBUST); glmQLFTest(fit, contrast = ...) / (fit, coef = ...)
#   topTags(., n = Inf) -> feature logFC logCPM F PValue FDR (sorted by PValue)
# Per case: args.txt, filter_kept.txt, common_dispersion.txt, norm_factors.tsv, de_<tag>.tsv.
#
# "measure" mode compares the goldens with the same pipeline in which edgeR's locfit trend
# (locfitByCol: locfit(deg = 0, alpha = span) evaluated by locfit's kd-tree interpolation) is
# replaced by an exact local-constant tricube nearest-neighbour smoother, and prints the largest
# relative differences of F, PValue, FDR and the trended dispersion.
source("tests/reference/gen/common.R")
suppressPackageStartupMessages(library(statmod))
args <- commandArgs(trailingOnly = TRUE)
measure <- length(args) > 0 && args[1] == "measure"

# Exact local-constant smoother with locfit's nearest-neighbour bandwidth: h_i is the distance
# from x_i to its k-th nearest point, k = floor(n * span); tricube weights (1 - |d/h|^3)^3.
exact_by_col <- function(y, x = NULL, weights = 1, span = 0.5, degree = 0) {
  y <- as.matrix(y); n <- nrow(y)
  if (span * n < 2 || n <= 1) return(y)
  k <- floor(n * span)
  out <- y
  for (i in seq_len(n)) {
    d <- abs(x - x[i]); h <- sort(d)[k]
    u <- d / h; w <- ifelse(u < 1, (1 - u^3)^3, 0)
    out[i, ] <- colSums(w * y) / sum(w)
  }
  out
}

prep <- function(path, cols) {
  s <- read_samples_tsv(path)
  s <- s[match(cols, s$sample), ]
  s$population <- factor(s$population, levels = sort(unique(s$population)))
  s$patient <- factor(s$patient)
  s
}

run_ql <- function(Y, design, tests, robust) {
  y <- DGEList(Y)
  keep <- filterByExpr(y, design)
  y <- calcNormFactors(y[keep, , keep.lib.sizes = FALSE], method = "TMM")
  y <- estimateDisp(y, design)
  fit <- glmQLFit(y, design, robust = robust)
  tabs <- list()
  for (tag in names(tests)) {
    t <- tests[[tag]]
    res <- if (is.character(t)) glmQLFTest(fit, coef = t) else glmQLFTest(fit, contrast = t)
    tt <- topTags(res, n = Inf)$table
    tabs[[tag]] <- data.frame(feature = rownames(tt), tt[, c("logFC", "logCPM", "F", "PValue", "FDR")], check.names = FALSE)
  }
  list(y = y, kept = sum(keep), fit = fit, tabs = tabs)
}

write_case <- function(name, cargs, r) {
  dir <- file.path("tests/reference/de", name)
  unlink(dir, recursive = TRUE)
  dir.create(dir, recursive = TRUE)
  writeLines(cargs, file.path(dir, "args.txt"))
  writeLines(as.character(r$kept), file.path(dir, "filter_kept.txt"))
  writeLines(sprintf("%.17g", r$y$common.dispersion), file.path(dir, "common_dispersion.txt"))
  write_golden(data.frame(sample = rownames(r$y$samples), lib.size = r$y$samples$lib.size, norm.factors = r$y$samples$norm.factors),
               file.path(dir, "norm_factors.tsv"))
  for (tag in names(r$tabs)) write_golden(r$tabs[[tag]], file.path(dir, paste0("de_", tag, ".tsv")))
  cat(name, ": kept", r$kept, "common dispersion", sprintf("%.10g", r$y$common.dispersion),
      "df.prior", sprintf("%.10g", median(r$fit$df.prior)), "\n")
}

cases <- list()
# (a) real paired TCGA KIRC (normal / tumor of 71 patients)
KC <- "tests/data/kirc/counts.tsv"; KS <- "tests/data/kirc/samples.tsv"
YK <- read_matrix_tsv(KC); sk <- prep(KS, colnames(YK))
dk <- model.matrix(~ patient + population, data = sk)
ck <- rep(0, ncol(dk)); ck[colnames(dk) == "populationtumor"] <- 1
cases$ql_kirc <- list(Y = YK, d = dk, robust = FALSE, tests = list(tumor_vs_normal = ck),
                      args = paste("--counts", KC, "--samples", KS, "--contrast tumor-normal --method ql --filter"))
# (b) generated unbalanced study: P10 has no LPC, P09 no HSC, HSC libraries ~10x shallower
UC <- "tests/data/unbalanced/counts.tsv"; US <- "tests/data/unbalanced/samples.tsv"
YU <- read_matrix_tsv(UC); su <- prep(US, colnames(YU))
du <- model.matrix(~ patient + population, data = su)
cn <- function(w) { v <- setNames(rep(0, ncol(du)), colnames(du)); for (k in names(w)) v[k] <- w[[k]]; unname(v) }
utests <- list(LSC_vs_HSC = cn(list(populationLSC = 1)), LSC_vs_LPC = cn(list(populationLSC = 1, populationLPC = -1)),
               HSC_vs_LPC = cn(list(populationLPC = -1)),
               LSC_vs_mean = cn(list(populationLSC = 1, populationLPC = -0.5)))
uargs <- paste("--counts", UC, "--samples", US, "--contrast LSC-HSC --contrast LSC-LPC --contrast HSC-LPC",
               "--contrast \"LSC_vs_mean=LSC-(HSC+LPC)/2\" --method ql --filter")
cases$ql_unbal <- list(Y = YU, d = du, robust = FALSE, tests = utests, args = uargs)
cases$ql_unbal_robust <- list(Y = YU, d = du, robust = TRUE, tests = utests[1:2],
                              args = paste("--counts", UC, "--samples", US, "--contrast LSC-HSC --contrast LSC-LPC --method ql --filter --robust"))
# --coef of a numeric covariate with ~ population + age (no patient term)
da <- model.matrix(~ population + age, data = su)
cases$ql_unbal_age <- list(Y = YU, d = da, robust = FALSE, tests = list(age = "age", LSC_vs_HSC = c(0, 0, 1, 0)),
                           args = paste("--counts", UC, "--samples", US, "--design \"~ population + age\" --coef age --contrast LSC-HSC --method ql --filter"))

res <- lapply(cases, function(k) run_ql(k$Y, k$d, k$tests, k$robust))
if (!measure) {
  for (n in names(cases)) write_case(n, cases[[n]]$args, res[[n]])
} else {
  assignInNamespace("locfitByCol", exact_by_col, ns = "edgeR")
  rel <- function(a, b) max(abs(a - b) / pmax(abs(b), 1e-300), na.rm = TRUE)
  for (n in names(cases)) {
    k <- cases[[n]]; e <- run_ql(k$Y, k$d, k$tests, k$robust); r <- res[[n]]
    cat(n, "trended dispersion", rel(e$y$trended.dispersion, r$y$trended.dispersion), "\n")
    for (tag in names(r$tabs)) {
      a <- e$tabs[[tag]][match(r$tabs[[tag]]$feature, e$tabs[[tag]]$feature), ]
      cat(sprintf("  %s F %.3g PValue %.3g FDR %.3g logFC %.3g\n", tag, rel(a$F, r$tabs[[tag]]$F),
                  rel(a$PValue, r$tabs[[tag]]$PValue), rel(a$FDR, r$tabs[[tag]]$FDR), rel(a$logFC, r$tabs[[tag]]$logFC)))
    }
  }
}
