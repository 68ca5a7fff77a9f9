# SPDX-License-Identifier: GPL-3.0-or-later
# Simulated input of the `lscmir survival` benchmark (contract: bench/README.md, "survival").
#
#   Rscript bench/survival/gen_data.R OUT_DIR [--features 2600] [--patients 500]
#                                    [--associated 40] [--seed 20261201]
#
# Writes OUT_DIR/expression.tsv (header `feature P0001 .. P0500`, one row per feature),
# OUT_DIR/clinical.tsv (`patient time event`) and OUT_DIR/truth.tsv (`feature rho`, the
# correlation of the feature's log expression with the latent risk score, 0 for null features).
# Nothing random outside this script: RNGkind and the seed are fixed, so a rerun with the
# same R version writes the same bytes.
#
# Model
# - Features f_0001 .. f_2600 (the associated ones are spread over the list).  Per feature a
#   log-scale mean mu ~ N(4, 1.5^2) and sd s ~ U(0.3, 1.2); per patient z ~ N(0, 1);
#   expression = exp(mu + s * z), written with 6 significant digits (log-normal, positive,
#   right-skewed, as normalized miRNA abundances; a few features have a heavy right tail).
# - A latent risk score r ~ N(0, 1) per patient drives the hazard: eta = 0.8 * r.  The
#   `--associated` features follow it: their z = rho * r + sqrt(1 - rho^2) * N(0, 1) with
#   rho = +-U(0.25, 0.6) (half protective), as a co-expressed cluster would; the others are
#   independent of survival.
# - Event time T ~ Exp(rate = exp(eta) / 1000) days; censoring C ~ Exp(rate_c) with rate_c
#   set (uniroot) so that 60% of patients have an event, and administrative censoring at
#   3650 days; time = max(1, ceiling(min(T, C, 3650))) days, so there are tied times
#   (Efron's correction matters) and event = T <= min(C, 3650).
suppressPackageStartupMessages(library(stats))
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)[1L])), "..", "lib", "args.R"))
parsed <- parse_bench_args(list(features = 2600L, patients = 500L, associated = 40L, seed = 20261201L),
                           "usage: gen_data.R OUT_DIR [--features N] [--patients N] [--associated N] [--seed S]")
opt <- parsed$opt
out <- parsed$out
dir.create(out, recursive = TRUE, showWarnings = FALSE)

RNGkind("Mersenne-Twister", "Inversion", "Rejection")
set.seed(opt$seed)
nf <- opt$features
np <- opt$patients
features <- sprintf("f_%04d", seq_len(nf))
patients <- sprintf("P%04d", seq_len(np))

mu <- rnorm(nf, 4, 1.5)
s <- runif(nf, 0.3, 1.2)
z <- matrix(rnorm(nf * np), nf, np)
risk <- rnorm(np)
rho <- numeric(nf)
assoc <- sort(sample.int(nf, opt$associated))
rho[assoc] <- runif(opt$associated, 0.25, 0.6) * rep_len(c(1, -1), opt$associated)
z[assoc, ] <- rho[assoc] %o% risk + sqrt(1 - rho[assoc]^2) * z[assoc, , drop = FALSE]
expr <- exp(mu + s * z)
eta <- 0.8 * risk
t_event <- rexp(np) / (exp(eta) / 1000)
u_cens <- rexp(np)
admin <- 3650
event_frac <- function(rate_c) mean(t_event <= pmin(u_cens / rate_c, admin))
rate_c <- uniroot(function(r) event_frac(r) - 0.6, c(1e-7, 1), tol = 1e-12)$root
cens <- pmin(u_cens / rate_c, admin)
event <- as.integer(t_event <= cens)
time <- pmax(1, ceiling(pmin(t_event, cens)))

con <- file(file.path(out, "expression.tsv"), "w")
writeLines(paste(c("feature", patients), collapse = "\t"), con)
body <- sprintf("%.6g", expr)
dim(body) <- dim(expr)
writeLines(paste(features, apply(body, 1L, paste, collapse = "\t"), sep = "\t"), con)
close(con)
write.table(data.frame(patient = patients, time = time, event = event),
            file.path(out, "clinical.tsv"), sep = "\t", quote = FALSE, row.names = FALSE)
write.table(data.frame(feature = features, rho = rho),
            file.path(out, "truth.tsv"), sep = "\t", quote = FALSE, row.names = FALSE)
cat(sprintf("gen_data.R: %d features x %d patients, %d associated, %d events (%.1f%%), %d distinct times, seed %d -> %s\n",
            nf, np, opt$associated, sum(event), 100 * mean(event), length(unique(time)), opt$seed, out))
