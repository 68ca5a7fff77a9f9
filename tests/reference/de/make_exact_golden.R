#!/usr/bin/env Rscript
# Goldens for exact contrasts in `lscmir de` (issue 13): tests/reference/de/unbal_*/.
#
#   Rscript tests/reference/de/make_exact_golden.R      (from the repository root)
#
# 1. Generates tests/data/unbalanced/{counts,samples}.tsv: 10 patients x LSC/HSC/LPC, patient P10
#    without an LPC sort and P09 without an HSC sort; HSC libraries ~10-fold shallower than LSC
#    ones (NB counts, seed fixed).
# 2. unbal_voom_exact: voom + lmFit on the default design ~ patient + population. The golden of
#    contrast A-B is limma's answer for the same contrast refitted as a coefficient: the population
#    factor relevelled with B as reference, lmFit(v$E, design_B, weights = v$weights), eBayes,
#    topTable(coef = "populationA"). It is checked here against a per-feature weighted least
#    squares computation of sqrt(c'(X'WX)^-1 c) (1e-8 relative).
# 3. unbal_voom_limma: the same fit through contrasts.fit (--contrast-se limma).
source("tests/reference/gen/common.R")

set.seed(20261201)
pops <- c("LSC", "HSC", "LPC")
patients <- sprintf("P%02d", 1:10)
sheet <- expand.grid(population = pops, patient = patients, stringsAsFactors = FALSE)
sheet <- sheet[!(sheet$patient == "P10" & sheet$population == "LPC") &
               !(sheet$patient == "P09" & sheet$population == "HSC"), ]
sheet$sample <- paste0(sheet$patient, "_", sheet$population)
sheet <- sheet[, c("sample", "patient", "population")]
n_feat <- 300
base <- exp(rnorm(n_feat, log(200), 1.6))
pat_eff <- matrix(rnorm(n_feat * length(patients), 0, 0.3), n_feat, dimnames = list(NULL, patients))
pop_eff <- cbind(LSC = 0, HSC = rnorm(n_feat, 0, 0.2), LPC = rnorm(n_feat, 0, 0.2))
de <- sample(n_feat, 40)
pop_eff[de, "HSC"] <- pop_eff[de, "HSC"] + sample(c(-1.5, 1.5), 40, TRUE)
de2 <- sample(n_feat, 30)
pop_eff[de2, "LPC"] <- pop_eff[de2, "LPC"] + sample(c(-1, 1), 30, TRUE)
depth <- unname(c(LSC = 1, HSC = 0.1, LPC = 0.5)[sheet$population] * exp(rnorm(nrow(sheet), 0, 0.3)))
counts <- sapply(seq_len(nrow(sheet)), function(j) {
  mu <- base * exp(pat_eff[, sheet$patient[j]] + pop_eff[, sheet$population[j]]) * depth[j]
  rnbinom(n_feat, mu = mu, size = 1 / 0.1)
})
feat <- sprintf("miR-sim-%03d", seq_len(n_feat))
dimnames(counts) <- list(feat, sheet$sample)
counts[1:5, ] <- 0  # a few all-zero rows, as in real small-RNA data
# per-patient clinical covariates for --coef: age (numeric) and NPM1 status (two levels)
age <- setNames(round(runif(length(patients), 25, 75)), patients)
npm1 <- setNames(sample(c("wt", "mut"), length(patients), TRUE), patients)
sheet$age <- age[sheet$patient]
sheet$npm1 <- npm1[sheet$patient]
write_golden(mat_with_id(counts), "tests/data/unbalanced/counts.tsv", fmt = "%.0f")
write_golden(sheet, "tests/data/unbalanced/samples.tsv")

COUNTS <- "tests/data/unbalanced/counts.tsv"
SAMPLES <- "tests/data/unbalanced/samples.tsv"
Y <- read_matrix_tsv(COUNTS)
s <- read_samples_tsv(SAMPLES)
s <- s[match(colnames(Y), s$sample), ]
s_raw <- s
contrasts <- c("LSC-HSC", "LSC-LPC", "HSC-LPC")

y <- calcNormFactors(DGEList(Y), method = "TMM")
s$population <- factor(s$population, levels = sort(unique(s$population)))  # HSC reference, as lscmir
s$patient <- factor(s$patient)
design <- model.matrix(~ patient + population, data = s)
v <- voom(y, design)

write_case <- function(name, args, tables) {
  dir <- file.path("tests/reference/de", name)
  unlink(dir, recursive = TRUE)
  dir.create(dir, recursive = TRUE)
  writeLines(args, file.path(dir, "args.txt"))
  write_golden(data.frame(sample = rownames(y$samples), lib.size = y$samples$lib.size,
                          norm.factors = y$samples$norm.factors), file.path(dir, "norm_factors.tsv"))
  for (tag in names(tables)) write_golden(tables[[tag]], file.path(dir, paste0("de_", tag, ".tsv")))
}
tt_full <- function(eb, coef) {
  tt <- topTable(eb, coef = coef, number = Inf, sort.by = "none", confint = TRUE)
  data.frame(feature = rownames(tt), tt[, c("logFC", "CI.L", "CI.R", "AveExpr", "t", "P.Value", "adj.P.Val", "B")],
             check.names = FALSE)
}
tag_of <- function(k) sub("-", "_vs_", k, fixed = TRUE)
base_args <- paste("--counts", COUNTS, "--samples", SAMPLES, paste("--contrast", contrasts, collapse = " "),
                   "--method voom --norm TMM")

# Exact: relevelled refits, checked against per-feature WLS.
exact <- list(); maxrel <- 0
for (k in contrasts) {
  ab <- strsplit(k, "-", fixed = TRUE)[[1]]
  s2 <- s; s2$population <- relevel(s2$population, ref = ab[2])
  d2 <- model.matrix(~ patient + population, data = s2)
  fit <- lmFit(v$E, d2, weights = v$weights)
  coef <- paste0("population", ab[1])
  for (g in seq_len(nrow(Y))) {
    X <- design * sqrt(v$weights[g, ])
    cvec <- setNames(numeric(ncol(design)), colnames(design))
    if (ab[1] != "HSC") cvec[paste0("population", ab[1])] <- 1
    if (ab[2] != "HSC") cvec[paste0("population", ab[2])] <- -1
    se <- sqrt(drop(t(cvec) %*% solve(crossprod(X)) %*% cvec))
    maxrel <- max(maxrel, abs(se / fit$stdev.unscaled[g, coef] - 1))
  }
  exact[[tag_of(k)]] <- tt_full(eBayes(fit), coef)
}
stopifnot(maxrel < 1e-8)
cat("relevelled refit vs per-feature WLS: max relative SE difference", maxrel, "\n")
write_case("unbal_voom_exact", base_args, exact)

# limma's contrasts.fit on the default design.
fit <- lmFit(v, design)
C <- matrix(0, ncol(design), 3, dimnames = list(colnames(design), contrasts))
C["populationLSC", 1] <- 1
C["populationLSC", 2] <- 1; C["populationLPC", 2] <- -1
C["populationLPC", 3] <- -1
eb <- eBayes(contrasts.fit(fit, C))
lim <- list()
for (j in seq_along(contrasts)) lim[[tag_of(contrasts[j])]] <- tt_full(eb, j)
write_case("unbal_voom_limma", paste(base_args, "--contrast-se limma"), lim)
for (j in seq_along(contrasts)) {
  r <- abs(lim[[j]]$P.Value / exact[[j]]$P.Value - 1)
  cat(contrasts[j], ": limma vs exact P.Value max relative difference", max(r), "\n")
}

# Named linear contrast LSC - (HSC + LPC) / 2 next to a plain one. Exact: contrasts.fit's
# coefficients (linear, so exact) with stdev.unscaled replaced by the per-feature WLS value
# sqrt(c'(X'WX)^-1 c), then eBayes; limma: contrasts.fit as it is.
exact_se <- function(cvec) vapply(seq_len(nrow(Y)), function(g) {
  X <- design * sqrt(v$weights[g, ])
  sqrt(drop(t(cvec) %*% solve(crossprod(X)) %*% cvec))
}, 0)
C2 <- matrix(0, ncol(design), 2, dimnames = list(colnames(design), c("mean", "LSC-LPC")))
C2["populationLSC", 1] <- 1; C2["populationLPC", 1] <- -0.5   # LSC - (HSC + LPC)/2, HSC reference
C2["populationLSC", 2] <- 1; C2["populationLPC", 2] <- -1
f2 <- contrasts.fit(fit, C2)
eb_lim <- eBayes(f2)
f2e <- f2
for (j in 1:2) f2e$stdev.unscaled[, j] <- exact_se(C2[, j])
eb_ex <- eBayes(f2e)
stopifnot(max(abs(eb_ex$p.value[, 2] / exact[["LSC_vs_LPC"]]$P.Value - 1)) < 1e-10)  # same as the relevelled refit
named_args <- paste("--counts", COUNTS, "--samples", SAMPLES,
                    '--contrast "LSC_vs_mean_HSC_LPC=LSC-(HSC+LPC)/2" --contrast LSC-LPC --method voom --norm TMM')
write_case("unbal_named_exact", named_args,
           list(LSC_vs_mean_HSC_LPC = tt_full(eb_ex, 1), LSC_vs_LPC = tt_full(eb_ex, 2)))
write_case("unbal_named_limma", paste(named_args, "--contrast-se limma"),
           list(LSC_vs_mean_HSC_LPC = tt_full(eb_lim, 1), LSC_vs_LPC = tt_full(eb_lim, 2)))

# --coef: a numeric covariate (age) and a two-level one (npm1, wt reference? levels sorted: mut, wt)
for (cv in list(list(name = "unbal_coef_age", term = "age", coef = "age"),
                list(name = "unbal_coef_npm1", term = "npm1", coef = "npm1wt"))) {
  sc <- s_raw
  sc$population <- factor(sc$population, levels = sort(unique(sc$population)))
  if (cv$term == "npm1") sc$npm1 <- factor(sc$npm1, levels = sort(unique(sc$npm1)))
  dc <- model.matrix(as.formula(paste("~ population +", cv$term)), data = sc)
  vc <- voom(y, dc)
  ebc <- eBayes(lmFit(vc, dc))
  write_case(cv$name, paste("--counts", COUNTS, "--samples", SAMPLES, "--coef", cv$coef, "--method voom --norm TMM",
                            paste0('--design "~ population + ', cv$term, '"')),
             setNames(list(tt_full(ebc, cv$coef)), cv$coef))
}

# The same contrasts on the cell-means parametrization ~ 0 + population + patient (no intercept:
# nothing is absorbed, every population has its own column). limma's contrasts.fit
# (--contrast-se limma) and the exact SEs; the exact answer equals unbal_voom_exact's (the
# column space is the same), checked here.
sc <- s
dcm <- model.matrix(~ 0 + population + patient, data = sc)
vcm <- voom(y, dcm)
fcm <- lmFit(vcm, dcm)
Ccm <- matrix(0, ncol(dcm), 3, dimnames = list(colnames(dcm), contrasts))
for (j in seq_along(contrasts)) {
  ab <- paste0("population", strsplit(contrasts[j], "-", fixed = TRUE)[[1]])
  Ccm[ab[1], j] <- 1; Ccm[ab[2], j] <- -1
}
fcm2 <- contrasts.fit(fcm, Ccm)
ebl <- eBayes(fcm2)
cm_args <- paste(base_args, '--design "~ 0 + population + patient"')
write_case("unbal_cellmeans_limma", paste(cm_args, "--contrast-se limma"),
           setNames(lapply(seq_along(contrasts), function(j) tt_full(ebl, j)), vapply(contrasts, tag_of, "")))
fcme <- fcm2
for (j in 1:3) fcme$stdev.unscaled[, j] <- vapply(seq_len(nrow(Y)), function(g) {
  X <- dcm * sqrt(vcm$weights[g, ])
  sqrt(drop(t(Ccm[, j]) %*% solve(crossprod(X)) %*% Ccm[, j]))
}, 0)
ebe <- eBayes(fcme)
for (j in 1:3) stopifnot(max(abs(ebe$p.value[, j] / exact[[tag_of(contrasts[j])]]$P.Value - 1)) < 1e-8)
write_case("unbal_cellmeans_exact", cm_args,
           setNames(lapply(seq_along(contrasts), function(j) tt_full(ebe, j)), vapply(contrasts, tag_of, "")))
