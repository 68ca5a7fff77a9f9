# Goldens for stats::lowess (voom fits its mean-variance trend with it):
# tests/reference/lowess/.
#
#   Rscript tests/reference/gen/make_lowess_golden.R    (from the repository root)
#
# For each input <name>:
#   <name>.input.tsv   x, y in the order given to lowess (unsorted)
#   <name>.f0.5.tsv    lowess(x, y, f = 0.5)   (iter = 3, delta = 0.01 * diff(range(x)))
#   <name>.f2_3.tsv    lowess(x, y, f = 2/3)   (the R default)
# Output columns: x, y, fitted, rows in the order lowess returns them, i.e.
# sorted by x with ties kept in input order (order(x), a stable sort); y is the
# input y permuted the same way.  params.tsv lists n, f, iter and delta per file.

source("tests/reference/gen/common.R")

outdir <- "tests/reference/lowess"
unlink(outdir, recursive = TRUE)
dir.create(outdir, recursive = TRUE, showWarnings = FALSE)
RNGkind("Mersenne-Twister", "Inversion", "Rejection")
set.seed(7)

inputs <- list()
# n = 10 with tied x values, unsorted
inputs$ties10 <- list(x = c(3.1, 1.2, 7.7, 1.2, 9.8, 4.4, 0.3, 8.9, 4.4, 2.5),
                      y = c(2.1, 0.7, 3.9, 1.3, 4.2, 2.8, 0.2, 4.0, 2.2, 1.1))
# n = 200 random, with a few gross outliers (exercises the robustness iterations)
x <- runif(200, 0, 10)
y <- sin(x) + rnorm(200, 0, 0.3)
y[c(17, 58, 123, 190)] <- y[c(17, 58, 123, 190)] + c(4, -5, 6, -3)
inputs$random200 <- list(x = x, y = y)
# n = 200 with heavy ties (x on a 0.25 grid)
x <- round(runif(200, 0, 12) * 4) / 4
inputs$ties200 <- list(x = x, y = 0.5 * x + cos(x) + rnorm(200, 0, 0.5))
# the voom mean-variance points of THCA (TMM, ~ patient + population), all-zero
# features excluded as voom does
counts <- read_matrix_tsv("tests/data/thca/THCA.paired.counts.tsv")
samples <- read_samples_tsv("tests/data/thca/THCA.paired.samples.tsv")
stopifnot(identical(colnames(counts), samples$sample))
y <- calcNormFactors(DGEList(counts), method = "TMM")
v <- voom(y, model.matrix(~ patient + population, data = samples), save.plot = TRUE)
inputs$thca_voom <- list(x = unname(v$voom.xy$x), y = unname(v$voom.xy$y))
stopifnot(isTRUE(all.equal(lowess(inputs$thca_voom$x, inputs$thca_voom$y, f = 0.5),
                           v$voom.line, tolerance = 0)))

params <- data.frame(file = character(0), n = numeric(0), f = numeric(0), iter = numeric(0),
                     delta = numeric(0), stringsAsFactors = FALSE)
for (nm in names(inputs)) {
  x <- inputs[[nm]]$x; y <- inputs[[nm]]$y
  write_golden(data.frame(x = x, y = y), file.path(outdir, paste0(nm, ".input.tsv")))
  o <- order(x)
  for (ff in list(c("f0.5", 0.5), c("f2_3", NA))) {
    f <- if (is.na(ff[2])) 2/3 else as.numeric(ff[2])
    delta <- 0.01 * diff(range(x))
    l <- lowess(x, y, f = f, iter = 3L, delta = delta)
    stopifnot(identical(l$x, x[o]))
    fn <- sprintf("%s.%s.tsv", nm, ff[1])
    write_golden(data.frame(x = l$x, y = y[o], fitted = l$y), file.path(outdir, fn))
    params[nrow(params) + 1, ] <- list(fn, length(x), f, 3, delta)
  }
}
write_golden(params, file.path(outdir, "params.tsv"))
cat("wrote", nrow(params), "lowess goldens\n")
