# Golden files for `lscmir de`: tests/reference/de/<case>/.
#
#   Rscript tests/reference/gen/make_de_golden.R            (from the repository root)
#   Rscript tests/reference/gen/make_de_golden.R thca_voom  (only the named cases)
#
# Reads the fixtures from disk (tests/data/...), exactly as lscmir would, and runs
# the limma / edgeR pipeline of each case.  See README.md in this folder.

source("tests/reference/gen/common.R")

THCA_COUNTS <- "tests/data/thca/THCA.paired.counts.tsv"
THCA_SAMPLES <- "tests/data/thca/THCA.paired.samples.tsv"
TP_COUNTS <- "tests/data/three_pop/counts.tsv"
TP_SAMPLES <- "tests/data/three_pop/samples.tsv"
NA_EXPR <- "tests/data/expr_na/expression.tsv"
NA_SAMPLES <- "tests/data/expr_na/samples.tsv"
QPCR_EXPR <- "tests/reference/qpcr/long_global_mean/expression.tsv"  # made by make_qpcr.R
QPCR_SAMPLES <- "tests/data/qpcr/samples.tsv"

PAIRED <- "~ patient + population"

cases <- list(
  list(name = "thca_voom", counts = THCA_COUNTS, samples = THCA_SAMPLES,
       design = PAIRED, contrasts = "tumor-normal", method = "voom", norm = "TMM"),
  list(name = "thca_voom_robust", counts = THCA_COUNTS, samples = THCA_SAMPLES,
       design = PAIRED, contrasts = "tumor-normal", method = "voom", norm = "TMM",
       robust = TRUE),
  list(name = "thca_trend", counts = THCA_COUNTS, samples = THCA_SAMPLES,
       design = PAIRED, contrasts = "tumor-normal", method = "trend", norm = "TMM"),
  list(name = "thca_treat", counts = THCA_COUNTS, samples = THCA_SAMPLES,
       design = PAIRED, contrasts = "tumor-normal", method = "voom", norm = "TMM",
       lfc = 1),
  list(name = "thca_unpaired", counts = THCA_COUNTS, samples = THCA_SAMPLES,
       design = "~ population", contrasts = "tumor-normal", method = "voom", norm = "TMM"),
  list(name = "three_pop_voom", counts = TP_COUNTS, samples = TP_SAMPLES,
       design = PAIRED, contrasts = c("LSC-HSC", "LSC-LPC", "HSC-LPC"),
       method = "voom", norm = "TMM", contrast_se = "limma"),
  list(name = "three_pop_trend_robust", counts = TP_COUNTS, samples = TP_SAMPLES,
       design = PAIRED, contrasts = c("LSC-HSC", "LSC-LPC", "HSC-LPC"),
       method = "trend", norm = "TMM", robust = TRUE),
  list(name = "three_pop_uq", counts = TP_COUNTS, samples = TP_SAMPLES,
       design = PAIRED, contrasts = "LSC-HSC", method = "voom", norm = "upperquartile"),
  list(name = "three_pop_rle", counts = TP_COUNTS, samples = TP_SAMPLES,
       design = PAIRED, contrasts = "LSC-HSC", method = "voom", norm = "RLE"),
  list(name = "three_pop_none", counts = TP_COUNTS, samples = TP_SAMPLES,
       design = PAIRED, contrasts = "LSC-HSC", method = "voom", norm = "none"),
  list(name = "three_pop_batch", counts = TP_COUNTS, samples = TP_SAMPLES,
       design = "~ batch + patient + population", contrasts = "LSC-HSC",
       method = "voom", norm = "TMM"),
  list(name = "three_pop_age", counts = TP_COUNTS, samples = TP_SAMPLES,
       design = "~ population + age", contrasts = "LSC-HSC",
       method = "voom", norm = "TMM"),
  list(name = "expr_na_lm", expression = NA_EXPR, samples = NA_SAMPLES,
       design = PAIRED, contrasts = c("LSC-HSC", "LSC-LPC"), method = "lm", contrast_se = "limma"),
  list(name = "expr_na_trend_robust", expression = NA_EXPR, samples = NA_SAMPLES,
       design = PAIRED, contrasts = c("LSC-HSC", "LSC-LPC"), method = "trend",
       robust = TRUE, contrast_se = "limma"),
  list(name = "qpcr_lm", expression = QPCR_EXPR, samples = QPCR_SAMPLES,
       design = PAIRED, contrasts = c("LSC-HSC", "LSC-LPC", "HSC-LPC"), method = "lm",
       contrast_se = "limma")
)
# contrast_se = "limma": these goldens are limma's contrasts.fit, which lscmir reproduces with
# --contrast-se limma (its default, exact contrasts, has its goldens in tests/reference/de/unbal_*,
# made by tests/reference/de/make_exact_golden.R).

PRIOR_COUNT <- 2

case_args <- function(cs) {
  a <- character(0)
  if (!is.null(cs$counts)) a <- c(a, "--counts", cs$counts)
  if (!is.null(cs$expression)) a <- c(a, "--expression", cs$expression)
  a <- c(a, "--samples", cs$samples)
  for (k in cs$contrasts) a <- c(a, "--contrast", k)
  a <- c(a, "--method", cs$method)
  if (!is.null(cs$norm)) a <- c(a, "--norm", cs$norm)
  a <- c(a, "--design", paste0('"', cs$design, '"'))
  if (isTRUE(cs$robust)) a <- c(a, "--robust")
  if (!is.null(cs$lfc)) a <- c(a, "--lfc", format(cs$lfc))
  if (!is.null(cs$contrast_se)) a <- c(a, "--contrast-se", cs$contrast_se)
  paste(a, collapse = " ")
}

# contrast "A-B" on a treatment-coded design with a `population` factor
contrast_matrix <- function(design, pop_levels, contrasts) {
  C <- matrix(0, ncol(design), length(contrasts),
              dimnames = list(colnames(design), contrasts))
  unit <- function(level) {
    v <- setNames(numeric(ncol(design)), colnames(design))
    if (!(level %in% pop_levels)) stop("unknown population ", level)
    if (level != pop_levels[1]) {
      cn <- paste0("population", level)
      stopifnot(cn %in% colnames(design))
      v[cn] <- 1
    }
    v
  }
  for (k in contrasts) {
    ab <- strsplit(k, "-", fixed = TRUE)[[1]]
    stopifnot(length(ab) == 2)
    C[, k] <- unit(ab[1]) - unit(ab[2])
  }
  C
}

contrast_file_tag <- function(k) {
  ab <- strsplit(k, "-", fixed = TRUE)[[1]]
  paste0(ab[1], "_vs_", ab[2])
}

# Exact unscaled SE of c'beta for each feature: sqrt(c' (X'WX)^-1 c) using the
# feature's own non-missing rows and weights and only the coefficients limma
# could estimate for that feature (NA if the contrast needs one it could not).
exact_stdev_unscaled <- function(Y, W, design, coef_na, cvec) {
  out <- rep(NA_real_, nrow(Y))
  for (g in seq_len(nrow(Y))) {
    obs <- is.finite(Y[g, ])
    if (!is.null(W)) obs <- obs & is.finite(W[g, ]) & W[g, ] > 0
    est <- !coef_na[g, ]
    if (any(cvec[!est] != 0) || !any(est)) next
    X <- design[obs, est, drop = FALSE]
    w <- if (is.null(W)) rep(1, sum(obs)) else W[g, obs]
    Xw <- X * sqrt(w)
    q <- qr(Xw)
    if (q$rank < ncol(Xw)) next
    Rinv <- backsolve(qr.R(q), diag(ncol(Xw)))
    cc <- cvec[est][q$pivot]
    # Rinv %*% t(Rinv) = (X'WX)^-1 in pivoted order, so c'(X'WX)^-1 c = ||t(Rinv) c||^2
    out[g] <- sqrt(sum((t(Rinv) %*% cc)^2))
  }
  out
}

run_case <- function(cs) {
  outdir <- file.path("tests/reference/de", cs$name)
  unlink(outdir, recursive = TRUE)
  dir.create(outdir, recursive = TRUE)
  warns <- character(0)
  notes <- character(0)
  wh <- function(expr) withCallingHandlers(expr, warning = function(w) {
    warns <<- c(warns, conditionMessage(w))
    invokeRestart("muffleWarning")
  })
  robust <- isTRUE(cs$robust)
  trend <- cs$method == "trend"

  samples <- read_samples_tsv(cs$samples)
  if (!is.null(cs$counts)) {
    Y <- read_matrix_tsv(cs$counts)
  } else {
    Y <- read_matrix_tsv(cs$expression)
  }
  stopifnot(setequal(colnames(Y), samples$sample), !anyDuplicated(samples$sample))
  samples <- samples[match(colnames(Y), samples$sample), , drop = FALSE]  # matrix order
  rownames(samples) <- samples$sample

  design <- model.matrix(as.formula(cs$design), data = samples)
  rownames(design) <- samples$sample
  rank <- qr(design)$rank
  if (rank < ncol(design)) stop(cs$name, ": design not full rank")
  pop_levels <- sort(unique(samples$population))
  C <- contrast_matrix(design, pop_levels, cs$contrasts)

  write_golden(mat_with_id(design, "sample"), file.path(outdir, "design.tsv"))
  writeLines(case_args(cs), file.path(outdir, "args.txt"))

  W <- NULL
  if (!is.null(cs$counts)) {
    y <- DGEList(Y)
    y <- wh(calcNormFactors(y, method = cs$norm))
    write_golden(data.frame(sample = rownames(y$samples), lib.size = y$samples$lib.size,
                            norm.factors = y$samples$norm.factors),
                 file.path(outdir, "norm_factors.tsv"))
    if (cs$method == "voom") {
      v <- wh(voom(y, design, save.plot = TRUE))
      write_golden(mat_with_id(v$E), file.path(outdir, "E.tsv"))
      dimnames(v$weights) <- dimnames(v$E)  # voom returns an unnamed matrix
      write_golden(mat_with_id(v$weights), file.path(outdir, "weights.tsv"))
      # the mean-variance points of every feature (voom leaves all-zero rows
      # out of the lowess fit) and the lowess line it interpolated
      fit0 <- lmFit(v$E, design)
      lib <- y$samples$lib.size * y$samples$norm.factors
      sx <- fit0$Amean + mean(log2(lib + 1)) - log2(1e6)
      sy <- sqrt(fit0$sigma)
      allzero <- rowSums(Y) == 0
      stopifnot(isTRUE(all.equal(unname(v$voom.xy$x), unname(sx[!allzero]), tolerance = 0)),
                isTRUE(all.equal(unname(v$voom.xy$y), unname(sy[!allzero]), tolerance = 0)))
      write_golden(data.frame(feature = rownames(Y), sx = sx, sy = sy,
                              in_lowess = !allzero),
                   file.path(outdir, "voom_xy.tsv"))
      write_golden(data.frame(x = v$voom.line$x, y = v$voom.line$y),
                   file.path(outdir, "voom_line.tsv"))
      if (any(allzero))
        notes <- c(notes, sprintf("%d all-zero features left out of the voom lowess fit", sum(allzero)))
      fit <- wh(lmFit(v, design))
      W <- v$weights
      Yfit <- v$E
    } else if (cs$method == "trend") {
      logcpm <- cpm(y, log = TRUE, prior.count = PRIOR_COUNT)
      write_golden(mat_with_id(logcpm), file.path(outdir, "logcpm.tsv"))
      fit <- wh(lmFit(logcpm, design))
      Yfit <- logcpm
      allzero <- rowSums(Y) == 0
      if (any(allzero))
        notes <- c(notes, sprintf(
          "%d all-zero features have constant logCPM: residual variance is rounding noise (max sigma %.3g), clamped inside fitFDist; their logFC and t are rounding noise (compare with an absolute tolerance); they pull df.prior down",
          sum(allzero), max(fit$sigma[allzero])))
    } else stop("method ", cs$method, " needs an expression matrix")
  } else {
    stopifnot(cs$method %in% c("lm", "trend"))
    fit <- wh(lmFit(Y, design))
    Yfit <- Y
  }

  # lmFit coefficients of the non-patient, non-intercept design columns
  keepc <- !grepl("^patient", colnames(design)) & colnames(design) != "(Intercept)"
  lc <- data.frame(feature = rownames(fit$coefficients), stringsAsFactors = FALSE)
  for (cn in colnames(design)[keepc]) {
    lc[[paste0("coef.", cn)]] <- fit$coefficients[, cn]
    lc[[paste0("stdev.unscaled.", cn)]] <- fit$stdev.unscaled[, cn]
  }
  lc$sigma <- fit$sigma
  lc$df.residual <- fit$df.residual
  lc$Amean <- fit$Amean
  write_golden(lc, file.path(outdir, "lmfit.tsv"))

  fit2 <- wh(contrasts.fit(fit, C))

  # eBayes(trend=TRUE) refuses an NA covariate: a feature with no observed value
  # has Amean NaN.  Such a feature carries no information (its variance is
  # already excluded from the prior fit), so moderate the others and report it
  # as an all-NA row.
  ok <- rep(TRUE, nrow(fit2))
  if (trend && anyNA(fit2$Amean)) {
    ok <- !is.na(fit2$Amean)
    notes <- c(notes, sprintf(
      "eBayes(trend=TRUE) stops with 'NA covariate values not allowed' when a feature has no observed value (Amean NaN); moderated the other %d features and wrote NA rows for: %s",
      sum(ok), paste(rownames(fit2)[!ok], collapse = ", ")))
  }
  eb <- wh(eBayes(fit2[ok, ], trend = trend, robust = robust))
  if (!is.null(cs$lfc)) tr <- wh(treat(fit2[ok, ], lfc = cs$lfc, trend = trend, robust = robust))

  expand <- function(x) {  # per-feature vector over ok -> all features
    if (length(x) == 1L) return(rep(x, nrow(fit2)))
    out <- rep(NA_real_, nrow(fit2)); out[ok] <- x; out
  }
  feat <- rownames(fit2)
  scal <- data.frame(contrast = character(0), key = character(0), value = character(0),
                     stringsAsFactors = FALSE)
  add <- function(k, key, value) scal[nrow(scal) + 1, ] <<- list(k, key, fmt_col(value))
  add("ALL", "n.features", nrow(fit2))
  add("ALL", "n.samples", ncol(Yfit))
  add("ALL", "design.rank", rank)
  add("ALL", "trend", trend)
  add("ALL", "robust", robust)
  add("ALL", "proportion", eb$proportion)
  add("ALL", "stdev.coef.lim.lower", 0.1)
  add("ALL", "stdev.coef.lim.upper", 4)
  add("ALL", "df.pooled", sum(fit2$df.residual[ok], na.rm = TRUE))
  if (length(eb$df.prior) == 1L) add("ALL", "df.prior", eb$df.prior)
  if (length(eb$s2.prior) == 1L) add("ALL", "s2.prior", eb$s2.prior)
  if (cs$method == "trend" && !is.null(cs$counts)) add("ALL", "prior.count", PRIOR_COUNT)
  if (!is.null(cs$lfc)) add("ALL", "treat.lfc", tr$treat.lfc)

  coef_na <- is.na(fit$coefficients)
  for (j in seq_along(cs$contrasts)) {
    k <- cs$contrasts[j]
    tag <- contrast_file_tag(k)
    add(k, "var.prior", eb$var.prior[j])
    add(k, "contrast.vector", paste(sprintf("%s=%g", rownames(C)[C[, j] != 0], C[C[, j] != 0, j]),
                                    collapse = ";"))
    if (is.null(cs$lfc)) {
      tt <- topTable(eb, coef = j, number = Inf, sort.by = "none", confint = TRUE)
      cols <- c("logFC", "CI.L", "CI.R", "AveExpr", "t", "P.Value", "adj.P.Val", "B")
    } else {
      tt <- topTreat(tr, coef = j, number = Inf, sort.by = "none", confint = TRUE)
      cols <- c("logFC", "CI.L", "CI.R", "AveExpr", "t", "P.Value", "adj.P.Val")
      tt$B.ebayes <- eb$lods[, j]
      tt$t.ebayes <- eb$t[, j]
      cols <- c(cols, "B.ebayes", "t.ebayes")
    }
    stopifnot(nrow(tt) == sum(ok), identical(rownames(tt), feat[ok]))
    full <- data.frame(feature = feat, stringsAsFactors = FALSE)
    for (cn in cols) full[[cn]] <- expand(tt[[cn]])
    full$AveExpr <- fit2$Amean  # defined (or NaN) for every feature
    write_golden(full, file.path(outdir, paste0("de_", tag, ".tsv")))

    ex <- exact_stdev_unscaled(Yfit, W, design, coef_na, C[, j])
    im <- data.frame(
      feature = feat,
      sigma = fit2$sigma,
      df.residual = fit2$df.residual,
      s2.post = expand(eb$s2.post),
      df.prior = expand(eb$df.prior),
      s2.prior = expand(eb$s2.prior),
      df.total = expand(eb$df.total),
      stdev.unscaled = fit2$stdev.unscaled[, j],
      coefficient = fit2$coefficients[, j],
      Amean = fit2$Amean,
      t = expand(eb$t[, j]),
      p.value = expand(eb$p.value[, j]),
      lods = expand(eb$lods[, j]),
      stdev.unscaled.exact = ex,
      stringsAsFactors = FALSE)
    im$df.prior[!ok] <- NA
    im$s2.prior[!ok] <- NA
    write_golden(im, file.path(outdir, paste0("intermediates_", tag, ".tsv")))
    rel <- abs(im$stdev.unscaled / im$stdev.unscaled.exact - 1)
    if (any(rel > 1e-10, na.rm = TRUE))
      notes <- c(notes, sprintf(
        "%s: contrasts.fit stdev.unscaled differs from the exact per-feature value for %d features (max relative difference %.3g); limma uses the unweighted coefficient correlation, see README",
        k, sum(rel > 1e-10, na.rm = TRUE), max(rel, na.rm = TRUE)))
    nna <- sum(is.na(full$P.Value))
    if (nna) notes <- c(notes, sprintf("%s: %d features have NA P.Value: %s", k, nna,
                                       paste(feat[is.na(full$P.Value)], collapse = ", ")))
  }
  write_golden(scal, file.path(outdir, "scalars.tsv"))
  warns <- unique(warns)
  log <- c(sprintf("case: %s", cs$name),
           sprintf("args: %s", case_args(cs)),
           sprintf("design: %s (%d columns, rank %d)", cs$design, ncol(design), rank),
           sprintf("R warnings: %s", if (length(warns)) paste(warns, collapse = " | ") else "none"),
           if (length(notes)) paste("note:", notes))
  writeLines(log, file.path(outdir, "notes.txt"))
  cat(log, sep = "\n"); cat("\n")
}

sel <- commandArgs(trailingOnly = TRUE)
for (cs in cases) if (!length(sel) || cs$name %in% sel) run_case(cs)
