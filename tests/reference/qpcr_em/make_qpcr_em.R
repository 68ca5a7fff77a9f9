# SPDX-License-Identifier: GPL-3.0-or-later
# Independent reference for `lscmir qpcr --impute em` (McCall et al., Bioinformatics 2014 model,
# written from the paper, not from the nondetects package): per assay Ct ~ N(offset + X beta, sigma^2)
# (least squares with a normal prior, SD 2, on the population effects around their mean, as an
# augmented lm.fit; pooled sigma), P(Undetermined | Ct) logistic (glm, binomial, weighted over the E-step's
# posterior grid), EM with the E-step integrals by Simpson's rule over mu +/- 10 sigma.
# Usage (from the repository root): Rscript tests/reference/qpcr_em/make_qpcr_em.R
ct_file <- "tests/data/qpcr_nd/ct_nd.tsv"; sheet_file <- "tests/data/qpcr_nd/samples.tsv"
out <- "tests/reference/qpcr_em/nd_em"; ct_max <- 40
max_iter <- 200; tol <- 1e-6; K <- 800; prior_sd <- 2
d <- read.delim(ct_file, colClasses = "character")
sheet <- read.delim(sheet_file, colClasses = "character")
assays <- sort(unique(d$target)); samples <- sheet$sample
na <- length(assays); ns <- length(samples)
ct <- matrix(NA_real_, na, ns, dimnames = list(assays, samples))
state <- matrix("missing", na, ns, dimnames = list(assays, samples))
for (r in seq_len(nrow(d))) {
  v <- suppressWarnings(as.numeric(d$ct[r]))
  if (!is.na(v) && v <= ct_max) { ct[d$target[r], d$sample[r]] <- v; state[d$target[r], d$sample[r]] <- "detected" }
  else state[d$target[r], d$sample[r]] <- "undetected"
}
# global mean over (non-control) assays detected in every sample
everywhere <- apply(state == "detected", 1, all)
offset <- colMeans(ct[everywhere, , drop = FALSE])
pop <- factor(sheet$population, levels = sort(unique(sheet$population)))
pat <- factor(sheet$patient, levels = sort(unique(sheet$patient)))
X <- model.matrix(~ pop + pat)
popcols <- which(attr(X, "assign") == 1); k <- length(popcols) + 1
Pen <- matrix(0, k, ncol(X)); for (c in seq_along(popcols)) Pen[, popcols[c]] <- (seq_len(k) == c + 1) - 1 / k
lam <- 0
und <- state == "undetected"; det <- state == "detected"
cur <- ifelse(det, ct, ifelse(und, ct_max, NA))
cond_var <- matrix(0, na, ns); mu <- matrix(NA_real_, na, ns)
h <- 20 / K; tt <- -10 + h * (0:K); w <- ifelse(0:K == 0 | 0:K == K, 1, ifelse((0:K) %% 2 == 1, 4, 2))
phi <- exp(-0.5 * tt^2)
b <- c(-max(ct[det]), 1)
plogit <- function(b, z) 1 / (1 + exp(-(b[1] + b[2] * z)))
converged <- FALSE
for (iter in seq_len(max_iter)) {
  ss <- 0; df <- 0
  for (a in seq_len(na)) {
    use <- which(det[a, ] | und[a, ]); if (length(use) == 0) next
    y <- cur[a, use] - offset[use]
    Xa <- X[use, , drop = FALSE]
    q <- qr(Xa); keep <- sort(q$pivot[seq_len(q$rank)])
    if (lam > 0) f <- lm.fit(rbind(Xa[, keep, drop = FALSE], sqrt(lam) * Pen[, keep, drop = FALSE]), c(y, rep(0, k)))
    else f <- lm.fit(Xa[, keep, drop = FALSE], y)
    fitted <- drop(Xa[, keep, drop = FALSE] %*% f$coefficients)
    mu[a, use] <- fitted + offset[use]
    ss <- ss + sum((y - fitted)^2) + sum(cond_var[a, use]); df <- df + length(use) - q$rank
  }
  sigma <- sqrt(ss / max(1, df)); lam <- sigma^2 / prior_sd^2
  gz <- ct[det]; gw <- rep(1, length(gz)); gy <- rep(0, length(gz))
  change <- 0
  for (i in which(und)) {
    z <- mu[i] + sigma * tt
    fz <- w * phi * plogit(b, z)
    e1 <- sum(fz * z) / sum(fz); e2 <- sum(fz * z^2) / sum(fz)
    cond_var[i] <- max(0, e2 - e1^2)
    change <- max(change, abs(e1 - cur[i])); cur[i] <- e1
    gz <- c(gz, z); gw <- c(gw, fz / sum(fz)); gy <- c(gy, rep(1, length(z)))
  }
  g <- suppressWarnings(glm(gy ~ gz, weights = gw, family = binomial, start = b,
                            control = glm.control(epsilon = 1e-14, maxit = 100)))
  nb <- unname(coef(g)); change <- max(change, abs(nb - b)); b <- nb
  if (change < tol) { converged <- TRUE; break }
}
dir.create(out, showWarnings = FALSE, recursive = TRUE)
expr <- -(ifelse(det | und, cur, NA) - matrix(offset, na, ns, byrow = TRUE))
fmt <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))
e <- data.frame(feature = assays, apply(expr, 2, fmt), check.names = FALSE)
write.table(e, file.path(out, "expression.tsv"), sep = "\t", quote = FALSE, row.names = FALSE)
im <- data.frame(feature = rep(assays, ns), sample = rep(samples, each = na),
                 imputed = ifelse(as.vector(und), "TRUE", "FALSE"), imputed_ct = fmt(ifelse(as.vector(und), as.vector(cur), NA)))
im <- im[order(match(im$feature, assays), match(im$sample, samples)), ]
write.table(im, file.path(out, "imputed.tsv"), sep = "\t", quote = FALSE, row.names = FALSE)
writeLines(c("intercept\tslope\titerations\tconverged",
             sprintf("%.17g\t%.17g\t%d\t%s", b[1], b[2], iter, if (converged) "TRUE" else "FALSE")),
           file.path(out, "detection_curve.tsv"))
cat("args:", "--ct", ct_file, "--samples", sheet_file, "--ct-max", ct_max, "--impute em\n")
