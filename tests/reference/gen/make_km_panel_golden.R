# Golden for study::km_panel_stats: the log-rank test (survdiff) and Cox HR of high vs low
# (coxph, Efron, Wald 95% CI) of a km_<feature>.tsv table, the subjects rebuilt from the table's
# events and censorings per time. The two km tables are copies of the demo run's
# (lscmir demo; median split of the TCGA LAML cohort).
# Usage (from the repository root): Rscript tests/reference/gen/make_km_panel_golden.R
library(survival)
out <- "tests/reference/survival/km_panel/golden.tsv"
files <- c("km_hsa-mir-532.tsv", "km_hsa-let-7f-1.tsv")
lines <- "file\tn_high\tn_low\tevents_high\tevents_low\tchisq\tP\tHR\tHR.lower95\tHR.upper95"
for (f in files) {
  k <- read.delim(file.path("tests/reference/survival/km_panel", f))
  rows <- k[rep(seq_len(nrow(k)), k$n.event + k$n.censor), ]
  ev <- unlist(mapply(function(d, c) c(rep(1, d), rep(0, c)), k$n.event, k$n.censor))
  d <- data.frame(time = rows$time, event = ev, high = as.integer(rows$group == "high"))
  lr <- survdiff(Surv(time, event) ~ high, data = d)
  fit <- coxph(Surv(time, event) ~ high, data = d, ties = "efron")
  ci <- exp(confint(fit))
  lines <- c(lines, sprintf("%s\t%d\t%d\t%d\t%d\t%.17g\t%.17g\t%.17g\t%.17g\t%.17g", f, sum(d$high), sum(1 - d$high),
                            sum(d$event[d$high == 1]), sum(d$event[d$high == 0]), lr$chisq,
                            pchisq(lr$chisq, 1, lower.tail = FALSE), exp(coef(fit)), ci[1], ci[2]))
}
writeLines(lines, out)
