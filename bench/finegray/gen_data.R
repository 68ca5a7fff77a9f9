# SPDX-License-Identifier: GPL-3.0-or-later
# Simulated input of the Fine-Gray benchmark (contract: bench/README.md, "Fine-Gray").
#
#   Rscript bench/finegray/gen_data.R OUT_DIR [--features 500] [--patients 200] [--seed 20261202]
#
# Writes OUT_DIR/expression.tsv (`feature P001 ..`, log-normal values, 6 significant digits) and
# OUT_DIR/clinical.tsv (`patient time status`: 0 = censored, 1 = relapse, 2 = death without
# relapse). A latent risk r ~ N(0, 1) per patient: relapse hazard exp(0.7 r) / 20, competing
# death hazard 1 / 40, censoring Exp(1 / 60) and administrative at 120 months; times in months
# rounded up to 0.1 (ties occur). One feature in ten follows r (rho = +-0.4); the others are noise.
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)[1L])), "..", "lib", "args.R"))
parsed <- parse_bench_args(list(features = 500L, patients = 200L, seed = 20261202L),
                           "usage: gen_data.R OUT_DIR [--features N] [--patients N] [--seed S]")
opt <- parsed$opt
out <- parsed$out
dir.create(out, recursive = TRUE, showWarnings = FALSE)
RNGkind("Mersenne-Twister", "Inversion", "Rejection")
set.seed(opt$seed)
nf <- opt$features; np <- opt$patients
risk <- rnorm(np)
z <- matrix(rnorm(nf * np), nf, np)
assoc <- seq(1L, nf, by = 10L)
rho <- rep_len(c(0.4, -0.4), length(assoc))
z[assoc, ] <- rho %o% risk + sqrt(1 - rho^2) * z[assoc, , drop = FALSE]
mu <- rnorm(nf, 4, 1.5); s <- runif(nf, 0.3, 1.2)
x <- exp(mu + s * z)
t1 <- rexp(np, exp(0.7 * risk) / 20); t2 <- rexp(np, 1 / 40); cc <- pmin(rexp(np, 1 / 60), 120)
tt <- pmin(t1, t2, cc)
status <- ifelse(tt == cc, 0L, ifelse(tt == t1, 1L, 2L))
time <- ceiling(tt * 10) / 10
patients <- sprintf("P%03d", seq_len(np))
con <- file(file.path(out, "expression.tsv"), "wb")
writeLines(paste(c("feature", patients), collapse = "\t"), con)
writeLines(paste(sprintf("f_%04d", seq_len(nf)), apply(matrix(sprintf("%.6g", x), nf), 1, paste, collapse = "\t"), sep = "\t"), con)
close(con)
con <- file(file.path(out, "clinical.tsv"), "wb")
writeLines(c("patient\ttime\tstatus", paste(patients, sprintf("%.1f", time), status, sep = "\t")), con)
close(con)
cat(sprintf("%d features x %d patients; status 0/1/2: %s\n", nf, np, paste(tabulate(status + 1L, 3L), collapse = "/")))
