#!/usr/bin/env Rscript
# Goldens for `lscmir de --sample-weights` (issue 13), tests/reference/de/sw_*/ (R 4.2, limma 3.54).
#
#   Rscript tests/reference/de/make_sample_weights_golden.R      (from the repository root)
#
# Counts (voom): v <- voomWithQualityWeights(y, design) (arrayWeights gene-by-gene, twice, with
# voom in between taking the sample weights as prior weights); fit <- lmFit(v, design).
# limma-trend (counts, --method trend): lc <- cpm(y, log = TRUE, prior.count = 2);
# aw <- arrayWeights(lc, design) (limma's default method "auto": REML, no NAs); eBayes(trend = TRUE).
# Log-expression (lm): aw <- arrayWeights(E, design, method = "genebygene");
# fit <- lmFit(E, design, weights = aw). Exact contrasts: the contrast refitted as a coefficient
# (population relevelled; the weights do not depend on the parametrization). Limma contrasts:
# contrasts.fit of the original fit. sample_weights.tsv: sample, sample.weights.
source("tests/reference/gen/common.R")

tt_full <- function(eb, coef) {
  tt <- topTable(eb, coef = coef, number = Inf, sort.by = "none", confint = TRUE)
  data.frame(feature = rownames(tt), tt[, c("logFC", "CI.L", "CI.R", "AveExpr", "t", "P.Value", "adj.P.Val", "B")],
             check.names = FALSE)
}
tag_of <- function(k) sub("-", "_vs_", k, fixed = TRUE)
write_case <- function(name, args, tables, sw, nf = NULL) {
  dir <- file.path("tests/reference/de", name)
  unlink(dir, recursive = TRUE)
  dir.create(dir, recursive = TRUE)
  writeLines(args, file.path(dir, "args.txt"))
  write_golden(sw, file.path(dir, "sample_weights.tsv"))
  if (!is.null(nf)) write_golden(nf, file.path(dir, "norm_factors.tsv"))
  for (tag in names(tables)) write_golden(tables[[tag]], file.path(dir, paste0("de_", tag, ".tsv")))
  cat(name, ": sample weights", sprintf("%.4g", range(sw$sample.weights)), "\n")
}
contrast_matrix <- function(design, contrasts) {
  C <- matrix(0, ncol(design), length(contrasts), dimnames = list(colnames(design), contrasts))
  for (j in seq_along(contrasts)) {
    ab <- paste0("population", strsplit(contrasts[j], "-", fixed = TRUE)[[1]])
    if (ab[1] %in% rownames(C)) C[ab[1], j] <- 1
    if (ab[2] %in% rownames(C)) C[ab[2], j] <- -1
  }
  C
}
# E, W: values and weights; s: sheet (population a factor); form: design formula
goldens <- function(E, W, s, form, contrasts, exact, trend = FALSE) {
  design <- model.matrix(form, data = s)
  out <- list()
  if (exact) {
    for (k in contrasts) {
      ab <- strsplit(k, "-", fixed = TRUE)[[1]]
      s2 <- s; s2$population <- relevel(s2$population, ref = ab[2])
      f <- lmFit(E, model.matrix(form, data = s2), weights = W)
      out[[tag_of(k)]] <- tt_full(eBayes(f, trend = trend), paste0("population", ab[1]))
    }
  } else {
    eb <- eBayes(contrasts.fit(lmFit(E, design, weights = W), contrast_matrix(design, contrasts)), trend = trend)
    for (j in seq_along(contrasts)) out[[tag_of(contrasts[j])]] <- tt_full(eb, j)
  }
  out
}
prep <- function(s) {
  s$population <- factor(s$population, levels = sort(unique(s$population)))
  s$patient <- factor(s$patient)
  s
}
form <- ~ patient + population

# --- generated unbalanced counts ---
COUNTS <- "tests/data/unbalanced/counts.tsv"; SAMPLES <- "tests/data/unbalanced/samples.tsv"
Y <- read_matrix_tsv(COUNTS)
s <- prep(read_samples_tsv(SAMPLES)[match(colnames(Y), read_samples_tsv(SAMPLES)$sample), ])
y <- calcNormFactors(DGEList(Y), method = "TMM")
nf <- data.frame(sample = rownames(y$samples), lib.size = y$samples$lib.size, norm.factors = y$samples$norm.factors)
v <- voomWithQualityWeights(y, model.matrix(form, data = s))
sw <- data.frame(sample = colnames(Y), sample.weights = v$targets$sample.weights)
contrasts <- c("LSC-HSC", "LSC-LPC", "HSC-LPC")
base <- paste("--counts", COUNTS, "--samples", SAMPLES, paste("--contrast", contrasts, collapse = " "),
              "--method voom --norm TMM --sample-weights")
write_case("sw_unbal_voom", base, goldens(v$E, v$weights, s, form, contrasts, TRUE), sw, nf)
write_case("sw_unbal_voom_limma", paste(base, "--contrast-se limma"), goldens(v$E, v$weights, s, form, contrasts, FALSE), sw, nf)

# --- limma-trend on the same counts: REML sample weights (arrayWeights' default without NAs) ---
lc <- cpm(y, log = TRUE, prior.count = 2)
awt <- arrayWeights(lc, model.matrix(form, data = s))
write_case("sw_unbal_trend", paste("--counts", COUNTS, "--samples", SAMPLES, paste("--contrast", contrasts, collapse = " "),
                                   "--method trend --norm TMM --sample-weights"),
           goldens(lc, matrix(awt, nrow(lc), ncol(lc), byrow = TRUE), s, form, contrasts, TRUE, trend = TRUE),
           data.frame(sample = colnames(Y), sample.weights = awt), nf)

# --- log-expression with NAs ---
EX <- "tests/data/expr_na/expression.tsv"; ES <- "tests/data/expr_na/samples.tsv"
E <- read_matrix_tsv(EX)
se <- read_samples_tsv(ES); se <- prep(se[match(colnames(E), se$sample), ])
aw <- arrayWeights(E, model.matrix(form, data = se), method = "genebygene")
W <- matrix(aw, nrow(E), ncol(E), byrow = TRUE)
write_case("sw_expr_na_lm", paste("--expression", EX, "--samples", ES, "--contrast LSC-HSC --contrast LSC-LPC --method lm --sample-weights"),
           goldens(E, W, se, form, c("LSC-HSC", "LSC-LPC"), TRUE), data.frame(sample = colnames(E), sample.weights = aw))

# --- real paired TCGA data (THCA) ---
TC <- "tests/data/thca/THCA.paired.counts.tsv"; TS <- "tests/data/thca/THCA.paired.samples.tsv"
YT <- read_matrix_tsv(TC)
st <- read_samples_tsv(TS); st <- prep(st[match(colnames(YT), st$sample), ])
yt <- calcNormFactors(DGEList(YT), method = "TMM")
nft <- data.frame(sample = rownames(yt$samples), lib.size = yt$samples$lib.size, norm.factors = yt$samples$norm.factors)
vt <- voomWithQualityWeights(yt, model.matrix(form, data = st))
write_case("sw_thca_voom", paste("--counts", TC, "--samples", TS, "--contrast tumor-normal --method voom --norm TMM --sample-weights"),
           goldens(vt$E, vt$weights, st, form, "tumor-normal", TRUE),
           data.frame(sample = colnames(YT), sample.weights = vt$targets$sample.weights), nft)
