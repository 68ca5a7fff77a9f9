#!/usr/bin/env Rscript
# Golden for `lscmir de --norm spike-in --spike-ins TABLE` (issue 18), tests/reference/de/three_pop_spikein/
# (R 4.2, edgeR 3.40, limma 3.54).
#
#   Rscript tests/reference/de/make_spikein_golden.R      (from the repository root)
#
# Writes the fixture tests/data/three_pop/spikeins.tsv first: three calibrators per sample, drawn as
# Poisson counts around a per-sample spike-in amount that is NOT proportional to the miRNA library
# size (log-normal, sdlog 0.4, seed 20261202), so spike-in and TMM normalization differ.
#
# The edgeR users' practice of normalizing to spike-ins (Lun et al. 2017, F1000Research 6:1297;
# Risso et al. 2014 for the principle): keep lib.size = the miRNA column totals and set
# norm.factors so that lib.size * norm.factors is proportional to the spike-in totals S:
#   nf <- (S / lib.size); nf <- nf / exp(mean(log(nf)))   (product 1, as calcNormFactors)
# then voom(y, design) (which uses lib.size * norm.factors), lmFit, eBayes, topTable; each contrast
# exact (population relevelled and tested as a coefficient), as lscmir's default --contrast-se exact.
source("tests/reference/gen/common.R")

COUNTS <- "tests/data/three_pop/counts.tsv"; SAMPLES <- "tests/data/three_pop/samples.tsv"
SPIKES <- "tests/data/three_pop/spikeins.tsv"
Y <- read_matrix_tsv(COUNTS)

set.seed(20261202)
amount <- 2000 * exp(rnorm(ncol(Y), 0, 0.4))
share <- c(calA = 0.5, calB = 0.3, calC = 0.2)
S <- t(sapply(share, function(p) rpois(ncol(Y), amount * p)))
colnames(S) <- colnames(Y)
write.table(data.frame(feature = rownames(S), S, check.names = FALSE), SPIKES, sep = "\t", quote = FALSE, row.names = FALSE)

s <- read_samples_tsv(SAMPLES)
s <- s[match(colnames(Y), s$sample), ]
s$population <- factor(s$population, levels = sort(unique(s$population)))
s$patient <- factor(s$patient)

y <- DGEList(Y)
nf <- colSums(S) / y$samples$lib.size
y$samples$norm.factors <- nf / exp(mean(log(nf)))

tt_full <- function(eb, coef) {
  tt <- topTable(eb, coef = coef, number = Inf, sort.by = "none", confint = TRUE)
  data.frame(feature = rownames(tt), tt[, c("logFC", "CI.L", "CI.R", "AveExpr", "t", "P.Value", "adj.P.Val", "B")],
             check.names = FALSE)
}
form <- ~ patient + population
v <- voom(y, model.matrix(form, data = s))
dir <- "tests/reference/de/three_pop_spikein"
unlink(dir, recursive = TRUE)
dir.create(dir, recursive = TRUE)
contrasts <- c("LSC-HSC", "LSC-LPC")
writeLines(paste("--counts", COUNTS, "--samples", SAMPLES, paste("--contrast", contrasts, collapse = " "),
                 "--method voom --norm spike-in --spike-ins", SPIKES), file.path(dir, "args.txt"))
write_golden(data.frame(sample = rownames(y$samples), lib.size = y$samples$lib.size, norm.factors = y$samples$norm.factors),
             file.path(dir, "norm_factors.tsv"))
for (k in contrasts) {
  ab <- strsplit(k, "-", fixed = TRUE)[[1]]
  s2 <- s; s2$population <- relevel(s2$population, ref = ab[2])
  fit <- lmFit(v$E, model.matrix(form, data = s2), weights = v$weights)
  write_golden(tt_full(eBayes(fit), paste0("population", ab[1])), file.path(dir, paste0("de_", sub("-", "_vs_", k, fixed = TRUE), ".tsv")))
}
# For information: how far spike-in and TMM normalization are apart on this fixture.
tmm <- calcNormFactors(DGEList(Y))$samples$norm.factors
cat("spike-in / TMM factor ratio range:", format(range(y$samples$norm.factors / tmm)), "\n")
