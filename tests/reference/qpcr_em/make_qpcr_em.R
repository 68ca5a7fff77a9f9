# SPDX-License-Identifier: GPL-3.0-or-later
# Independent reference for `lscmir qpcr --impute em` (McCall et al., Bioinformatics 2014 model,
# written from the paper, not from the nondetects package): per assay Ct ~ N(offset + X beta, sigma^2)
# with X = ~ population + patient, as an augmented lm.fit: the population effects get a normal prior
# with SD 2 around their mean, the patient effects are random, N(0, tau^2) around their mean with
# tau^2 pooled over assays (per EM step tau^2 = sum(|P b|^2 + sigma^2 tr(P A^-1 P')) / columns,
# sigma^2 = (RSS + conditional variances) / sum(n - tr(X A^-1 X')), A = X'X + the penalties);
# P(Undetermined | Ct) logistic (glm, binomial, weighted over the E-step's
# posterior grid), EM with the E-step integrals by Simpson's rule over mu +/- 10 sigma, accelerated by
# SQUAREM (written here from Varadhan & Roland 2008, not from the SQUAREM package).
# Extra sample-sheet terms (`lscmir qpcr --em-design "~ population + patient + T1 + ..."`): a
# factor (non-numeric column) is a fixed effect with the same SD-2 prior as population, a numeric
# column an unpenalized covariate.
# Usage (from the repository root):
#   Rscript tests/reference/qpcr_em/make_qpcr_em.R
#   Rscript tests/reference/qpcr_em/make_qpcr_em.R tests/data/qpcr_nd/samples_cov.tsv tests/reference/qpcr_em/nd_em_cov cells_log10 plate
args <- commandArgs(trailingOnly = TRUE)
ct_file <- "tests/data/qpcr_nd/ct_nd.tsv"
sheet_file <- if (length(args) >= 1) args[1] else "tests/data/qpcr_nd/samples.tsv"
out <- if (length(args) >= 2) args[2] else "tests/reference/qpcr_em/nd_em"
extra <- if (length(args) >= 3) args[-(1:2)] else character(0)
ct_max <- 40
max_iter <- 2000; tol <- 1e-9; K <- 160; prior_sd <- 2
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
# levels sorted in byte order (lscmir's, R's under the C locale)
as_factor <- function(x) factor(x, levels = sort(unique(x), method = "radix"))
mf <- data.frame(population = as_factor(sheet$population), patient = as_factor(sheet$patient))
is_fac <- c(TRUE, TRUE)
for (v in extra) {
  num <- suppressWarnings(as.numeric(sheet[[v]]))
  is_fac <- c(is_fac, anyNA(num))
  mf[[v]] <- if (anyNA(num)) as_factor(sheet[[v]]) else num
}
X <- model.matrix(as.formula(paste("~", paste(names(mf), collapse = " + "))), mf)
# the penalty rows: per factor with k levels, its centred treatment effects; rows_fixed are the
# fixed factors' (population and the extra factors), rows_pat the patient's
Pen <- NULL; rows_fixed <- integer(0); rows_pat <- integer(0); pat_cols <- integer(0)
for (term in which(is_fac)) {
  cols <- which(attr(X, "assign") == term); k <- length(cols) + 1
  P <- matrix(0, k, ncol(X)); for (c in seq_along(cols)) P[, cols[c]] <- (seq_len(k) == c + 1) - 1 / k
  r <- (if (is.null(Pen)) 0 else nrow(Pen)) + seq_len(k)
  if (names(mf)[term] == "patient") { rows_pat <- r; pat_cols <- cols } else rows_fixed <- c(rows_fixed, r)
  Pen <- rbind(Pen, P)
}
k <- nrow(Pen); max_lambda <- 1e10
und <- state == "undetected"; det <- state == "detected"
ui <- which(und); nu <- length(ui)
h <- 20 / K; tt <- -10 + h * (0:K); w <- ifelse(0:K == 0 | 0:K == K, 1, ifelse((0:K) %% 2 == 1, 4, 2))
phi <- exp(-0.5 * tt^2)
plogit <- function(b, z) 1 / (1 + exp(-(b[1] + b[2] * z)))
# One EM step on the state theta = (completed Ct of the non-detects, their conditional variances,
# curve intercept, slope, lambda_population = sigma^2 / prior_sd^2, lambda_patient = sigma^2 / tau^2).
em_step <- function(theta) {
  cur <- ifelse(det, ct, NA); cur[ui] <- theta[seq_len(nu)]
  cond_var <- matrix(0, na, ns); cond_var[ui] <- theta[nu + seq_len(nu)]
  b <- theta[2 * nu + 1:2]; lam <- theta[2 * nu + 3:4]
  scale <- rep(0, k); scale[rows_fixed] <- sqrt(lam[1]); scale[rows_pat] <- sqrt(lam[2])
  mu <- matrix(NA_real_, na, ns); ss <- 0; df <- 0; bb <- 0; trb <- 0; qb <- 0
  for (a in seq_len(na)) {
    use <- which(det[a, ] | und[a, ]); if (length(use) == 0) next
    y <- cur[a, use] - offset[use]
    Xa <- X[use, , drop = FALSE]
    q <- qr(Xa); keep <- sort(q$pivot[seq_len(q$rank)])
    Xk <- Xa[, keep, drop = FALSE]; Pk <- Pen[, keep, drop = FALSE]
    xa <- rbind(Xk, scale * Pk)
    f <- lm.fit(xa, c(y, rep(0, k)))
    beta <- f$coefficients
    fitted <- drop(Xk %*% beta)
    Ainv <- solve(crossprod(xa))
    edf <- sum(diag(Xk %*% Ainv %*% t(Xk)))
    mu[a, use] <- fitted + offset[use]
    ss <- ss + sum((y - fitted)^2) + sum(cond_var[a, use]); df <- df + length(use) - edf
    qa <- sum(keep %in% pat_cols)
    if (qa > 0) {
      Pp <- Pk[rows_pat, , drop = FALSE]
      bb <- bb + sum((Pp %*% beta)^2); qb <- qb + qa
      if (lam[2] > 0 || lam[1] > 0) trb <- trb + sum(diag(Pp %*% Ainv %*% t(Pp)))
    }
  }
  sigma <- sqrt(ss / max(1, df))
  tau2 <- if (qb > 0) (bb + sigma^2 * trb) / qb else 0
  lam_pat <- if (tau2 > 0) min(max_lambda, sigma^2 / tau2) else if (qb > 0) max_lambda else 0
  Z <- outer(mu[ui], sigma * tt, "+")                       # nu x (K + 1) grid per non-detect
  Fz <- sweep(plogit(b, Z), 2, w * phi, "*")
  z0 <- rowSums(Fz); e1 <- rowSums(Fz * Z) / z0; e2 <- rowSums(Fz * Z^2) / z0
  gz <- c(ct[det], as.vector(t(Z))); gw <- c(rep(1, sum(det)), as.vector(t(Fz / z0)))
  gy <- c(rep(0, sum(det)), rep(1, length(Z)))
  g <- suppressWarnings(glm.fit(cbind(1, gz), gy, weights = gw, family = binomial(), start = b,
                                control = glm.control(epsilon = 1e-14, maxit = 100)))
  list(theta = c(e1, pmax(0, e2 - e1^2), unname(g$coefficients), sigma^2 / prior_sd^2, lam_pat), sigma = sigma)
}
moved <- function(a, b) max(abs(a[c(seq_len(nu), 2 * nu + 1:2)] - b[c(seq_len(nu), 2 * nu + 1:2)]))
theta <- c(rep(ct_max, nu), rep(0, nu), -max(ct[det]), 1, 0, 0)
# SQUAREM (Varadhan & Roland 2008, S3): extrapolate along two EM steps, then one stabilising EM
# step; kept when that step moves no more than the plain second step did. Stops when one EM step
# moves no completed Ct and no curve coefficient by more than tol.
converged <- FALSE
for (iter in seq_len(max_iter)) {
  t1 <- em_step(theta)$theta
  if (moved(t1, theta) < tol) { theta <- t1; converged <- TRUE; break }
  t2 <- em_step(t1)$theta
  r <- t1 - theta; v <- t2 - 2 * t1 + theta
  alpha <- if (sqrt(sum(v^2)) > 0) min(-1, -sqrt(sum(r^2)) / sqrt(sum(v^2))) else -1
  nxt <- t2
  if (alpha < -1) {
    tx <- theta - 2 * alpha * r + alpha^2 * v
    tx[nu + seq_len(nu)] <- pmax(0, tx[nu + seq_len(nu)]); tx[2 * nu + 3:4] <- pmin(max_lambda, pmax(0, tx[2 * nu + 3:4]))
    if (all(is.finite(tx))) {
      t3 <- em_step(tx)$theta
      if (all(is.finite(t3)) && moved(t3, tx) <= moved(t2, t1)) nxt <- t3
    }
  }
  theta <- nxt
  if (iter %% 50 == 0) message("cycle ", iter, ": change ", signif(moved(t1, theta), 3))
}
b <- theta[2 * nu + 1:2]
cur <- ifelse(det, ct, NA); cur[ui] <- theta[seq_len(nu)]
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
design_args <- if (length(extra) > 0) c("--em-design", shQuote(paste("~", paste(names(mf), collapse = " + ")))) else character(0)
cat("args:", "--ct", ct_file, "--samples", sheet_file, "--ct-max", ct_max, "--impute em", design_args, "\n")
