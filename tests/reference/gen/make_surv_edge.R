# Generate the simulated survival edge-case fixture tests/data/surv_edge/.
#
#   Rscript tests/reference/gen/make_surv_edge.R      (from the repository root)
#
# 60 patients (S01..S60).  Times are integer months (1..30), so there are many
# tied event times; about half the patients have an event.  Features (rows of
# expression.tsv, in this order):
#
#   f_norm1   N(0,1), drives the hazard (HR ~ exp(0.6) per unit)
#   f_norm2   N(5, 2), no effect
#   f_ties    integers 0..3 (heavy ties in the feature)
#   f_binary  0/1
#   f_offset  1000 + N(0,1) with a hazard effect: needs centering (exp(beta*x) overflows
#             near beta ~ 0.7 without it)
#   f_sep     perfect separation: 2 for every patient with an event, 1 for every
#             censored patient.  At each event time the patients with the event have
#             the highest value in the risk set (tied event times share the value), so
#             the partial likelihood is monotone in beta and coxph warns
#             "Loglik converged before variable  1 ; coefficient may be infinite."
#             (converges at iteration 19 of iter.max = 20, efron and breslow)
#   f_sepslow monotone likelihood as well (events: 31 - time, censored: U(0,1)), but
#             coxph does not meet its loglik criterion within 20 iterations and warns
#             "Ran out of iterations and did not converge".  Note: with different
#             values among tied events (e.g. 31 - time + noise) the Efron / Breslow
#             likelihood has a finite maximum, so ties must share the value.
#   f_const   7.5 for every patient
#   f_na      N(0,1) with NA for 6 patients (2 of them with an event)
#   f_bsep    separates the binary outcome `resp` perfectly
#             (resp = 1: 2 + U(0,1); resp = 0: U(0,1)); glm warns
#             "glm.fit: fitted probabilities numerically 0 or 1 occurred"
#
# Clinical tables (same 60 patients, same order as the expression columns):
#   clinical.tsv      patient time event age grp resp
#       age: integer, NA for 3 patients; grp: "low" / "Intermediate" / "high"
#       (C-locale sort order: "Intermediate" < "high" < "low", so the reference level
#       is "Intermediate"; a locale-aware sort would choose "high"); resp: 0/1 binary
#       outcome, NA for 1 patient.
#   clinical_few.tsv  the same, but only 2 events (the two earliest event patients of
#       clinical.tsv keep event = 1, every other patient is censored at its time).
#
# Values are rounded to 4 decimals before writing, so the files hold exactly what
# the goldens read.

stopifnot(file.exists("tests/reference/gen/make_surv_edge.R"))  # run from repo root

RNGkind("Mersenne-Twister", "Inversion", "Rejection")
set.seed(20261130)

outdir <- "tests/data/surv_edge"
dir.create(outdir, recursive = TRUE, showWarnings = FALSE)

n <- 60L
patient <- sprintf("S%02d", seq_len(n))

f_norm1  <- rnorm(n)
f_norm2  <- rnorm(n, 5, 2)
f_ties   <- sample(0:3, n, replace = TRUE)
f_binary <- rbinom(n, 1, 0.4)
f_offset <- 1000 + rnorm(n)

lp <- 0.6 * f_norm1 + 0.5 * (f_offset - 1000)
t_event <- rexp(n, rate = 0.06 * exp(lp))
t_cens  <- runif(n, 3, 40)
time  <- pmin(pmax(ceiling(pmin(t_event, t_cens)), 1), 30)
event <- as.integer(t_event <= t_cens & ceiling(t_event) <= 30)

f_sep <- ifelse(event == 1, 2, 1)
f_sepslow <- ifelse(event == 1, 31 - time, runif(n, 0, 1))
f_const <- rep(7.5, n)
f_na <- rnorm(n)
na_ev <- sample(which(event == 1), 2)
na_ce <- sample(which(event == 0), 4)
f_na[c(na_ev, na_ce)] <- NA

age <- round(rnorm(n, 60, 12))
age[sample(n, 3)] <- NA
grp <- sample(c("low", "Intermediate", "high"), n, replace = TRUE)
resp <- rbinom(n, 1, plogis(-0.2 + 0.5 * f_norm2 - 2.5))
resp[sample(n, 1)] <- NA
f_bsep <- ifelse(is.na(resp), runif(n, 0, 3),
                 ifelse(resp == 1, 2 + runif(n), runif(n)))

feat <- rbind(f_norm1, f_norm2, f_ties, f_binary, f_offset, f_sep, f_sepslow, f_const,
              f_na, f_bsep)
feat <- round(feat, 4)

fmt <- function(x) { s <- as.character(x); s[is.na(x)] <- "NA"; s }
con <- file(file.path(outdir, "expression.tsv"), open = "wb")
writeLines(paste(c("feature", patient), collapse = "\t"), con, sep = "\n")
for (i in seq_len(nrow(feat)))
  writeLines(paste(c(rownames(feat)[i], fmt(feat[i, ])), collapse = "\t"), con, sep = "\n")
close(con)

write_clin <- function(ev, path) {
  d <- data.frame(patient = patient, time = fmt(time), event = fmt(ev), age = fmt(age),
                  grp = grp, resp = fmt(resp), stringsAsFactors = FALSE)
  con <- file(path, open = "wb")
  writeLines(paste(names(d), collapse = "\t"), con, sep = "\n")
  writeLines(do.call(paste, c(d, sep = "\t")), con, sep = "\n")
  close(con)
}
write_clin(event, file.path(outdir, "clinical.tsv"))

ev_idx <- which(event == 1)
first2 <- ev_idx[order(time[ev_idx], ev_idx)][1:2]
event_few <- rep(0L, n)
event_few[first2] <- 1L
write_clin(event_few, file.path(outdir, "clinical_few.tsv"))

cat("events:", sum(event), "of", n, "; distinct times:", length(unique(time)),
    "; distinct event times:", length(unique(time[event == 1])), "\n")
cat("few-events file: events at", paste(patient[first2], time[first2]), "\n")
cat("resp:", paste(names(table(resp, useNA = "always")), table(resp, useNA = "always")), "\n")
