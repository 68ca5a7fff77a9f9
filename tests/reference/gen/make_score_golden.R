# Goldens of `lscmir score fit`: the Cox lasso / elastic-net path and cv.glmnet on TCGA LAML.
#
#   Rscript tests/reference/gen/make_score_golden.R      (from the repository root)
#
# Input: tests/data/laml/ (216 precursors x 188 patients, OS_months / OS_event; see its
# PROVENANCE.md). glmnet refuses a non-positive time ("negative event times encountered"), so the
# one patient with OS_months == 0 (TCGA-AB-2910) is left out, as lscmir score does: 187 patients,
# 123 events, n < p, so lambda.min.ratio = 0.01.
# Two thresholds: glmnet's default (1e-7, what `lscmir score fit` uses by default; its dev.ratio is
# off the exact minimizer by up to 1e-3 relative on this cohort, and lscmir follows glmnet's
# iteration, not only its minimizer) and 1e-11 (where glmnet runs out of its 1e5 passes at the
# 86th lambda of the lasso path and returns the first 85).
# Fold ids: set.seed(20261201); sample(rep(1:10, length.out = n)), written as patient fold.
# Outputs per case under tests/reference/score/<case>/:
#   args.txt     the lscmir score arguments of the case (default-thresh cases)
#   foldid.tsv   patient fold
#   path.tsv     lambda df dev.ratio          (glmnet(x, Surv, family = "cox", alpha))
#   cv.tsv       lambda cvm cvsd              (cv.glmnet(..., foldid, grouped = TRUE))
#   lambdas.tsv  name value                   (lambda.min, lambda.1se)
#   weights.tsv  feature coef                 (non-zero coefficients at lambda.min)
#   score.tsv    patient score                (x %*% coef at lambda.min, original scale)
suppressMessages({ library(glmnet); library(survival) })
stopifnot(file.exists("tests/reference/gen/make_score_golden.R"))
cat("glmnet", as.character(packageVersion("glmnet")), "\n")

e <- read.delim("tests/data/laml/expression.tsv", check.names = FALSE, stringsAsFactors = FALSE)
clin <- read.delim("tests/data/laml/clinical.tsv", check.names = FALSE, stringsAsFactors = FALSE)
x <- t(as.matrix(e[, -1])); colnames(x) <- e[[1]]
clin <- clin[match(rownames(x), clin$patient), ]
keep <- clin$OS_months > 0
x <- x[keep, ]; clin <- clin[keep, ]
y <- Surv(clin$OS_months, clin$OS_event)
n <- nrow(x)
set.seed(20261201)
foldid <- sample(rep(1:10, length.out = n))

fmt <- function(v) trimws(formatC(v, digits = 17, format = "g"))
wt <- function(df, path) write.table(df, path, sep = "\t", quote = FALSE, row.names = FALSE)

cases <- list(list(name = "laml_os_lasso", alpha = 1, thresh = 1e-11), list(name = "laml_os_enet", alpha = 0.5, thresh = 1e-11),
              list(name = "laml_os_lasso_default", alpha = 1, thresh = 1e-7),
              list(name = "laml_os_enet_default", alpha = 0.5, thresh = 1e-7))
for (case in cases) {
  out <- file.path("tests/reference/score", case$name)
  dir.create(out, recursive = TRUE, showWarnings = FALSE)
  wt(data.frame(patient = rownames(x), fold = foldid), file.path(out, "foldid.tsv"))
  # The lscmir command line of the case (tests/cli/score_golden_test.cpp; the thresh 1e-11 cases
  # are slow and checked by tests/unit/stats/coxnet_test.cpp only).
  if (case$thresh == 1e-7) writeLines(sprintf(paste("fit --expression tests/data/laml/expression.tsv --clinical tests/data/laml/clinical.tsv",
                           "--id patient --time OS_months --event OS_event --foldid %s --alpha %s --thresh %s"),
                     file.path(out, "foldid.tsv"), format(case$alpha), format(case$thresh)), file.path(out, "args.txt"))
  fit <- suppressWarnings(glmnet(x, y, family = "cox", alpha = case$alpha, thresh = case$thresh))
  wt(data.frame(lambda = fmt(fit$lambda), df = fit$df, dev.ratio = fmt(fit$dev.ratio)), file.path(out, "path.tsv"))
  cv <- suppressWarnings(cv.glmnet(x, y, family = "cox", alpha = case$alpha, foldid = foldid, thresh = case$thresh))
  wt(data.frame(lambda = fmt(cv$lambda), cvm = fmt(cv$cvm), cvsd = fmt(cv$cvsd)), file.path(out, "cv.tsv"))
  wt(data.frame(name = c("lambda.min", "lambda.1se"), value = fmt(c(cv$lambda.min, cv$lambda.1se))), file.path(out, "lambdas.tsv"))
  b <- as.matrix(coef(cv, s = "lambda.min"))[, 1]
  nz <- b != 0
  wt(data.frame(feature = names(b)[nz], coef = fmt(b[nz])), file.path(out, "weights.tsv"))
  wt(data.frame(patient = rownames(x), score = fmt(as.vector(x %*% b))), file.path(out, "score.tsv"))
  cat(case$name, ": path", length(fit$lambda), "lambdas; lambda.min", cv$lambda.min, "lambda.1se", cv$lambda.1se,
      "; ", sum(nz), "non-zero at lambda.min\n")
}
