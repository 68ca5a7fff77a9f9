# SPDX-License-Identifier: GPL-3.0-or-later
# The R reference for the `lscmir de` benchmark: the same analysis with limma / edgeR,
# as a user would script it, timed as a whole process (R start-up, package loading,
# reading the files, the fit, writing the tables).
#
#   Rscript bench/de/limma_de.R --counts C.tsv --samples S.tsv --contrast A-B [--contrast ...]
#                               [--design "~ patient + population"] --out DIR
#
# Same defaults as `lscmir de` with --counts: TMM (calcNormFactors), voom, lmFit,
# contrasts.fit, eBayes, topTable(number = Inf, sort.by = "P", confint = TRUE).
# Writes DIR/de_A_vs_B.tsv (feature, logFC, CI.L, CI.R, AveExpr, t, P.Value, adj.P.Val, B)
# and DIR/norm_factors.tsv (sample, lib.size, norm.factors).
suppressPackageStartupMessages({
  library(limma)
  library(edgeR)
})

parse_args <- function(args) {
  o <- list(contrast = character(0), design = NULL)
  i <- 1L
  while (i <= length(args)) {
    key <- sub("^--", "", args[i])
    if (i == length(args) || !(key %in% c("counts", "samples", "contrast", "design", "out")))
      stop("usage: limma_de.R --counts C --samples S --contrast A-B [--design F] --out DIR")
    o[[key]] <- if (key == "contrast") c(o$contrast, args[i + 1L]) else args[i + 1L]
    i <- i + 2L
  }
  if (is.null(o$counts) || is.null(o$samples) || is.null(o$out) || !length(o$contrast))
    stop("--counts, --samples, --contrast and --out are required")
  o
}
o <- parse_args(commandArgs(trailingOnly = TRUE))

# Counts: first column feature ids, then one integer column per sample.  colClasses
# keeps read.delim from guessing types (the fast base-R way to read a large matrix).
header <- strsplit(readLines(o$counts, n = 1L), "\t", fixed = TRUE)[[1]]
counts <- read.delim(o$counts, colClasses = c("character", rep("numeric", length(header) - 1L)),
                     check.names = FALSE, quote = "", comment.char = "")
features <- counts[[1]]
counts <- as.matrix(counts[, -1L, drop = FALSE])
rownames(counts) <- features

samples <- read.delim(o$samples, check.names = FALSE, stringsAsFactors = FALSE,
                      colClasses = "character")
stopifnot(setequal(colnames(counts), samples$sample), !anyDuplicated(samples$sample))
samples <- samples[match(colnames(counts), samples$sample), , drop = FALSE]
# as lscmir: patient, population and batch are factors; other all-numeric columns numeric
for (cn in setdiff(colnames(samples), "sample")) {
  x <- samples[[cn]]
  num <- suppressWarnings(as.numeric(x))
  samples[[cn]] <- if (cn %in% c("patient", "population", "batch") || anyNA(num[x != "NA"]))
    factor(x) else num
}

design_text <- if (!is.null(o$design)) o$design else
  if ("patient" %in% colnames(samples)) "~ patient + population" else "~ population"
design <- model.matrix(as.formula(design_text), data = samples)

# contrast A-B on the treatment-coded population factor
pop_levels <- levels(samples$population)
unit <- function(level) {
  v <- setNames(numeric(ncol(design)), colnames(design))
  stopifnot(level %in% pop_levels)
  if (level != pop_levels[1]) v[paste0("population", level)] <- 1
  v
}
cmat <- sapply(o$contrast, function(k) {
  ab <- strsplit(k, "-", fixed = TRUE)[[1]]
  unit(ab[1]) - unit(ab[2])
})
cmat <- matrix(cmat, ncol = length(o$contrast), dimnames = list(colnames(design), o$contrast))

y <- DGEList(counts)
y <- calcNormFactors(y, method = "TMM")
v <- voom(y, design)
fit <- lmFit(v, design)
fit2 <- contrasts.fit(fit, cmat)
eb <- eBayes(fit2)

dir.create(o$out, showWarnings = FALSE, recursive = TRUE)
write.table(data.frame(sample = rownames(y$samples), lib.size = y$samples$lib.size,
                       norm.factors = y$samples$norm.factors),
            file.path(o$out, "norm_factors.tsv"), sep = "\t", quote = FALSE, row.names = FALSE)
for (j in seq_along(o$contrast)) {
  ab <- strsplit(o$contrast[j], "-", fixed = TRUE)[[1]]
  tt <- topTable(eb, coef = j, number = Inf, sort.by = "P", confint = TRUE)
  tt <- data.frame(feature = rownames(tt),
                   tt[, c("logFC", "CI.L", "CI.R", "AveExpr", "t", "P.Value", "adj.P.Val", "B")],
                   check.names = FALSE)
  write.table(tt, file.path(o$out, paste0("de_", ab[1], "_vs_", ab[2], ".tsv")),
              sep = "\t", quote = FALSE, row.names = FALSE)
}
