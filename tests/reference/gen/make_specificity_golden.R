# Golden for `lscmir specificity`: tests/reference/specificity/three_pop/specificity.tsv
#
#   Rscript tests/reference/gen/make_specificity_golden.R   (from the repository root)
#
# limma on tests/data/three_pop (TMM, voom, ~ patient + population, contrasts LSC-HSC, LSC-LPC,
# HSC-LPC), then treat(lfc = 1) p-values per contrast, and the classes of docs/statistics.md
# computed here independently: intersection-union p = max of two treat p-values (1 when a logFC
# has the wrong sign), BH over features per class, first class with FDR < 0.05 wins; stem-shared
# also needs adj.P.Val(LSC-HSC) >= 0.05.

source("tests/reference/gen/common.R")
FDR <- 0.05
LFC <- 1
out <- "tests/reference/specificity/three_pop"
dir.create(out, recursive = TRUE, showWarnings = FALSE)

Y <- read_matrix_tsv("tests/data/three_pop/counts.tsv")
samples <- read_samples_tsv("tests/data/three_pop/samples.tsv")
samples <- samples[match(colnames(Y), samples$sample), ]
design <- model.matrix(~ patient + population, data = samples)
y <- calcNormFactors(DGEList(Y))
v <- voom(y, design)
fit <- lmFit(v, design)
C <- cbind("LSC-HSC" = 0, "LSC-LPC" = 0, "HSC-LPC" = 0)[rep(1, ncol(design)), ]
rownames(C) <- colnames(design)
# treatment coding with HSC as reference level: LSC = populationLSC, LPC = populationLPC
C["populationLSC", "LSC-HSC"] <- 1
C["populationLSC", "LSC-LPC"] <- 1; C["populationLPC", "LSC-LPC"] <- -1
C["populationLPC", "HSC-LPC"] <- -1
fit2 <- contrasts.fit(fit, C)
eb <- eBayes(fit2)
tr <- treat(fit2, lfc = LFC)
adj <- apply(eb$p.value, 2, p.adjust, method = "BH")
lfc <- fit2$coefficients
pt <- tr$p.value

iut <- function(c1, s1, c2, s2) {
  ok <- sign(lfc[, c1]) == s1 & sign(lfc[, c2]) == s2
  ifelse(ok, pmax(pt[, c1], pt[, c2]), 1)
}
P <- cbind(`LSC-specific` = iut("LSC-HSC", 1, "LSC-LPC", 1),
           `LSC-depleted` = iut("LSC-HSC", -1, "LSC-LPC", -1),
           `HSC-specific` = iut("LSC-HSC", -1, "HSC-LPC", 1),
           `stem-shared` = iut("LSC-LPC", 1, "HSC-LPC", 1),
           `leukemia-wide` = pmin(iut("LSC-HSC", 1, "HSC-LPC", -1), iut("LSC-HSC", -1, "HSC-LPC", 1)))
Q <- apply(P, 2, p.adjust, method = "BH")
cls <- rep("none", nrow(P)); pc <- rep(NA_real_, nrow(P)); qc <- pc
for (i in seq_len(nrow(P))) for (k in colnames(P)) {
  if (!(Q[i, k] < FDR)) next
  if (k == "stem-shared" && !(adj[i, "LSC-HSC"] >= FDR)) next
  cls[i] <- k; pc[i] <- P[i, k]; qc[i] <- Q[i, k]; break
}
res <- data.frame(feature = rownames(Y), class = cls,
                  logFC.LSC_vs_HSC = lfc[, 1], adj.P.Val.LSC_vs_HSC = adj[, 1],
                  logFC.LSC_vs_LPC = lfc[, 2], adj.P.Val.LSC_vs_LPC = adj[, 2],
                  logFC.HSC_vs_LPC = lfc[, 3], adj.P.Val.HSC_vs_LPC = adj[, 3],
                  P.class = pc, FDR.class = qc,
                  P.treat.LSC_vs_HSC = pt[, 1], P.treat.LSC_vs_LPC = pt[, 2], P.treat.HSC_vs_LPC = pt[, 3],
                  stringsAsFactors = FALSE, check.names = FALSE)
# Per-patient consistency (docs/statistics.md): within-patient differences of voom's E, the share
# with the sign of the logFC, and binom.test over the non-zero differences.
pats <- unique(samples$patient)
cons <- function(a, b, k) {
  D <- sapply(pats, function(p) {
    ia <- samples$patient == p & samples$population == a; ib <- samples$patient == p & samples$population == b
    if (!any(ia) || !any(ib)) return(rep(NA_real_, nrow(Y)))
    rowMeans(v$E[, ia, drop = FALSE]) - rowMeans(v$E[, ib, drop = FALSE])
  })
  n <- rowSums(is.finite(D))
  frac <- rowSums(sign(D) == sign(lfc[, k]) & D != 0, na.rm = TRUE) / n
  sp <- sapply(seq_len(nrow(D)), function(i) { d <- D[i, is.finite(D[i, ]) & D[i, ] != 0]
    if (length(d) == 0) 1 else binom.test(sum(d > 0), length(d))$p.value })
  x <- paste0(a, "_", b)
  setNames(data.frame(n, frac, sp), paste0(c("n_patients_", "frac_consistent_", "sign_P_"), x))
}
res <- cbind(res, cons("LSC", "HSC", 1), cons("LSC", "LPC", 2), cons("HSC", "LPC", 3))
write_golden(res, file.path(out, "specificity.tsv"))
print(table(res$class))
