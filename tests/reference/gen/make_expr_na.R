# Generate tests/data/expr_na/: a log-expression matrix with missing values,
# derived from tests/data/three_pop/ (run make_three_pop.R first).
#
#   Rscript tests/reference/gen/make_expr_na.R      (from the repository root)
#
# Values: voom-style log2-CPM, E = log2((count + 0.5) / (lib.size * TMM + 1) * 1e6),
# rounded to 6 decimals.  Missing values (written NA):
#   * ~3% of all cells at random,
#   * one feature entirely NA,
#   * one feature with exactly one non-NA value,
#   * one feature with every LPC sample NA (LPC coefficient not estimable),
#   * one feature NA everywhere except the HSC and LSC samples of 3 patients.

source("tests/reference/gen/common.R")

RNGkind("Mersenne-Twister", "Inversion", "Rejection")
set.seed(424242)

indir <- "tests/data/three_pop"
outdir <- "tests/data/expr_na"
dir.create(outdir, recursive = TRUE, showWarnings = FALSE)

counts <- read_matrix_tsv(file.path(indir, "counts.tsv"))
samples <- read_samples_tsv(file.path(indir, "samples.tsv"))
stopifnot(identical(colnames(counts), samples$sample))

y <- calcNormFactors(DGEList(counts), method = "TMM")
eff <- y$samples$lib.size * y$samples$norm.factors
E <- t(log2(t(counts + 0.5) / (eff + 1) * 1e6))
E <- round(E, 6)

truth <- read.delim(file.path(indir, "truth.tsv"), stringsAsFactors = FALSE)
# special features: well-expressed, not planted
cand <- setdiff(rownames(E)[rowMeans(E) > 6], truth$feature)
special <- sample(cand, 4)
names(special) <- c("all_na", "one_value", "lpc_na", "stem_3pat")

# random NAs in ~3% of the cells of the other features
other <- setdiff(rownames(E), special)
cells <- which(matrix(TRUE, length(other), ncol(E)))
na_cells <- sample(cells, round(0.03 * length(other) * ncol(E)))
Eo <- E[other, ]
Eo[na_cells] <- NA
E[other, ] <- Eo

E[special["all_na"], ] <- NA
keep1 <- sample(ncol(E), 1)
E[special["one_value"], -keep1] <- NA
E[special["lpc_na"], samples$population == "LPC"] <- NA
pat3 <- sort(sample(setdiff(unique(samples$patient), "P07"), 3))
keep <- samples$patient %in% pat3 & samples$population %in% c("HSC", "LSC")
E[special["stem_3pat"], !keep] <- NA

write_golden(mat_with_id(E), file.path(outdir, "expression.tsv"), fmt = "%.6f")
invisible(file.copy(file.path(indir, "samples.tsv"), file.path(outdir, "samples.tsv"), overwrite = TRUE))

cat("special features:\n"); print(special)
cat("one_value keeps sample", colnames(E)[keep1], "\n")
cat("stem_3pat keeps patients", pat3, "\n")
cat("NA fraction overall:", mean(is.na(E)), "\n")
