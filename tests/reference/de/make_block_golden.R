#!/usr/bin/env Rscript
# Goldens for `lscmir de --block` (issue 13): limma's duplicateCorrelation with the patient as
# block, tests/reference/de/block_*/ (R 4.2, limma 3.54, statmod).
#
#   Rscript tests/reference/de/make_block_golden.R      (from the repository root)
#
# The recipe for counts is Smyth's for voom (limma user's guide, section 15.6 / voom help):
#   v <- voom(y, design); cor <- duplicateCorrelation(v, design, block)
#   v <- voom(y, design, block = block, correlation = cor$consensus)
#   cor <- duplicateCorrelation(v, design, block)
#   fit <- lmFit(v, design, block = block, correlation = cor$consensus)
# For log-expression (--method lm / trend): duplicateCorrelation then lmFit on the values.
#
# Exact contrasts (lscmir's default): the golden of A-B is limma's answer for the same contrast
# refitted as a coefficient (population relevelled with B as reference; same column space, so
# voom, the correlation and the GLS fit are those of the original design). --contrast-se limma:
# contrasts.fit of the original fit. Each case folder also holds consensus_correlation.txt
# (the final consensus, %.17g), which the test compares with run_info.json.
source("tests/reference/gen/common.R")
suppressPackageStartupMessages(library(statmod))

tt_cols <- c("logFC", "CI.L", "CI.R", "AveExpr", "t", "P.Value", "adj.P.Val", "B")
tt_full <- function(eb, coef) {
  tt <- topTable(eb, coef = coef, number = Inf, sort.by = "none", confint = TRUE)
  data.frame(feature = rownames(tt), tt[, tt_cols], check.names = FALSE)
}
treat_full <- function(fit, coef, lfc, trend, robust) {
  tr <- treat(fit, lfc = lfc, trend = trend, robust = robust)
  eb <- eBayes(fit, trend = trend, robust = robust)
  tt <- topTreat(tr, coef = coef, number = Inf, sort.by = "none", confint = TRUE)
  data.frame(feature = rownames(tt), tt[, c("logFC", "CI.L", "CI.R", "AveExpr", "t", "P.Value", "adj.P.Val")],
             B.ebayes = eb$lods[, coef], check.names = FALSE)
}
tag_of <- function(k) sub("-", "_vs_", k, fixed = TRUE)

write_case <- function(name, args, tables, consensus, nf = NULL) {
  dir <- file.path("tests/reference/de", name)
  unlink(dir, recursive = TRUE)
  dir.create(dir, recursive = TRUE)
  writeLines(args, file.path(dir, "args.txt"))
  writeLines(sprintf("%.17g", consensus), file.path(dir, "consensus_correlation.txt"))
  if (!is.null(nf)) write_golden(nf, file.path(dir, "norm_factors.tsv"))
  for (tag in names(tables)) write_golden(tables[[tag]], file.path(dir, paste0("de_", tag, ".tsv")))
  cat(name, ": consensus correlation", sprintf("%.10g", consensus), "\n")
}

# One blocked analysis. vals: a DGEList (voom) or a matrix (lm / trend). Returns the goldens.
blocked <- function(vals, s, contrasts, method, robust = FALSE, lfc = NULL, exact = TRUE) {
  s$population <- factor(s$population, levels = sort(unique(s$population)))
  block <- s$patient
  design <- model.matrix(~ population, data = s)
  if (method == "voom") {
    v <- voom(vals, design)
    dc <- duplicateCorrelation(v, design, block = block)
    v <- voom(vals, design, block = block, correlation = dc$consensus.correlation)
    dc <- duplicateCorrelation(v, design, block = block)
    E <- v$E; W <- v$weights
  } else {
    E <- vals; W <- NULL
    dc <- duplicateCorrelation(E, design, block = block)
  }
  rho <- dc$consensus.correlation
  trend <- method == "trend"
  fit_of <- function(d) lmFit(E, d, weights = W, block = block, correlation = rho)
  tables <- list()
  if (exact) {
    for (k in contrasts) {
      ab <- strsplit(k, "-", fixed = TRUE)[[1]]
      s2 <- s; s2$population <- relevel(s2$population, ref = ab[2])
      f <- fit_of(model.matrix(~ population, data = s2))
      coef <- paste0("population", ab[1])
      tables[[tag_of(k)]] <- if (is.null(lfc)) tt_full(eBayes(f, trend = trend, robust = robust), coef)
                             else treat_full(f, coef, lfc, trend, robust)
    }
  } else {
    f <- fit_of(design)
    C <- matrix(0, ncol(design), length(contrasts), dimnames = list(colnames(design), contrasts))
    for (j in seq_along(contrasts)) {  # treatment coding: the reference level has no coefficient
      ab <- paste0("population", strsplit(contrasts[j], "-", fixed = TRUE)[[1]])
      if (ab[1] %in% rownames(C)) C[ab[1], j] <- 1
      if (ab[2] %in% rownames(C)) C[ab[2], j] <- -1
    }
    f2 <- contrasts.fit(f, C)
    for (j in seq_along(contrasts))
      tables[[tag_of(contrasts[j])]] <- if (is.null(lfc)) tt_full(eBayes(f2, trend = trend, robust = robust), j)
                                        else treat_full(f2, j, lfc, trend, robust)
  }
  list(tables = tables, consensus = rho)
}

# --- generated unbalanced data (made by make_exact_golden.R) ---
COUNTS <- "tests/data/unbalanced/counts.tsv"
SAMPLES <- "tests/data/unbalanced/samples.tsv"
Y <- read_matrix_tsv(COUNTS)
s <- read_samples_tsv(SAMPLES)
s <- s[match(colnames(Y), s$sample), ]
y <- calcNormFactors(DGEList(Y), method = "TMM")
nf <- data.frame(sample = rownames(y$samples), lib.size = y$samples$lib.size, norm.factors = y$samples$norm.factors)
contrasts <- c("LSC-HSC", "LSC-LPC", "HSC-LPC")
base <- paste("--counts", COUNTS, "--samples", SAMPLES, paste("--contrast", contrasts, collapse = " "),
              "--norm TMM --block patient --design \"~ population\"")

g <- blocked(y, s, contrasts, "voom")
write_case("block_unbal_voom", paste(base, "--method voom"), g$tables, g$consensus, nf)
g <- blocked(y, s, contrasts, "voom", exact = FALSE)
write_case("block_unbal_voom_limma", paste(base, "--method voom --contrast-se limma"), g$tables, g$consensus, nf)
g <- blocked(y, s, contrasts, "voom", lfc = 0.5)
write_case("block_unbal_voom_lfc", paste(base, "--method voom --lfc 0.5"), g$tables, g$consensus, nf)
logcpm <- cpm(y, log = TRUE, prior.count = 2)
g <- blocked(logcpm, s, contrasts, "trend", robust = TRUE)
write_case("block_unbal_trend_robust", paste(base, "--method trend --robust"), g$tables, g$consensus, nf)

# --- log-expression with NAs (tests/data/expr_na), --method lm ---
EX <- "tests/data/expr_na/expression.tsv"; ES <- "tests/data/expr_na/samples.tsv"
E <- read_matrix_tsv(EX)
se <- read_samples_tsv(ES)
se <- se[match(colnames(E), se$sample), ]
g <- blocked(E, se, c("LSC-HSC", "LSC-LPC"), "lm")
write_case("block_expr_na_lm", paste("--expression", EX, "--samples", ES, "--contrast LSC-HSC --contrast LSC-LPC",
                                     "--method lm --block patient --design \"~ population\""), g$tables, g$consensus)

# --- real paired TCGA data (THCA tumor / normal, tests/data/thca) ---
TC <- "tests/data/thca/THCA.paired.counts.tsv"; TS <- "tests/data/thca/THCA.paired.samples.tsv"
YT <- read_matrix_tsv(TC)
st <- read_samples_tsv(TS)
st <- st[match(colnames(YT), st$sample), ]
yt <- calcNormFactors(DGEList(YT), method = "TMM")
nft <- data.frame(sample = rownames(yt$samples), lib.size = yt$samples$lib.size, norm.factors = yt$samples$norm.factors)
g <- blocked(yt, st, "tumor-normal", "voom")
write_case("block_thca_voom", paste("--counts", TC, "--samples", TS, "--contrast tumor-normal --method voom --norm TMM",
                                    "--block patient --design \"~ population\""), g$tables, g$consensus, nft)
