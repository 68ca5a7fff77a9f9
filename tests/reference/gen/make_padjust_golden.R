# Golden for p.adjust(method = "BH") with NAs and ties: tests/reference/padjust/bh.tsv.
#
#   Rscript tests/reference/gen/make_padjust_golden.R   (from the repository root)
#
# Columns p, adj.  NAs stay NA and do not count: R's p.adjust uses
# n = number of non-NA p-values (its default n = length(p) is evaluated after the
# NAs are dropped).  Rows are in input order.

source("tests/reference/gen/common.R")

outdir <- "tests/reference/padjust"
dir.create(outdir, recursive = TRUE, showWarnings = FALSE)
RNGkind("Mersenne-Twister", "Inversion", "Rejection")
set.seed(11)
p <- c(0.01, 0.04, NA, 0.04, 0.04, 0.5, 1, 0, 0.03, NA,
       1e-300, 0.2, 0.2, 0.0123456789, 0.9, 0.049999999999999996, 0.05, NA, 1, 0.01,
       signif(runif(20), 3), 5e-8, 5e-8, 0.7, 0.7)
adj <- p.adjust(p, method = "BH")
write_golden(data.frame(p = p, adj = adj), file.path(outdir, "bh.tsv"))
# and one without NAs, all tied
write_golden(data.frame(p = rep(0.3, 5), adj = p.adjust(rep(0.3, 5), "BH")),
             file.path(outdir, "bh_all_tied.tsv"))
cat("wrote", nrow(bh <- data.frame(p, adj)), "rows\n")
