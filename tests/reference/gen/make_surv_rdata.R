# Fixtures from R survival's own datasets (survival 3.5-3): tests/data/rsurv/<set>/
# expression.tsv (features x patients) and clinical.tsv, for the survival fixes of issue 14.
#
#   Rscript tests/reference/gen/make_surv_rdata.R      # from the repository root
#
# Provenance: survival::lung, veteran, colon, pbc, ovarian; patients are
# named p001, p002, ... in the dataset's row order; "NA" = missing.  "Features" are clinical
# measurements moved into the feature matrix, plus derived rows that showed defects:
#   lung:    wt.loss_x1e7 = wt.loss * 1e7 and wt.loss_x1e-7 (a feature whose scale differs from
#            the covariate age by ~1e6..1e9: R fits it), age_copy = age (identical to the covariate
#            age: R gives the covariate NA -> status aliased).  event = status - 1.
#   veteran: strata celltype (log-rank by strata), event = status.
#   colon:   the recurrence records (etype == 1), event = status.
#   pbc:     the 312 randomized patients (trt not NA), event = (status == 2) (death; transplant censored).
#   ovarian: event = fustat.
source("tests/reference/gen/common.R")
suppressPackageStartupMessages(library(survival))

write_set <- function(name, clin, feats) {
  out <- file.path("tests/data/rsurv", name)
  dir.create(out, recursive = TRUE, showWarnings = FALSE)
  ids <- sprintf("p%03d", seq_len(nrow(clin)))
  clin <- cbind(data.frame(patient = ids, stringsAsFactors = FALSE), clin)
  write_golden(clin, file.path(out, "clinical.tsv"))
  m <- t(as.matrix(feats))
  colnames(m) <- ids
  write_golden(cbind(data.frame(feature = rownames(m), stringsAsFactors = FALSE),
                     as.data.frame(m, check.names = FALSE)), file.path(out, "expression.tsv"))
}

lung <- survival::lung
write_set("lung", data.frame(time = lung$time, event = lung$status - 1, age = lung$age, sex = lung$sex),
          data.frame(wt.loss = lung$wt.loss, `wt.loss_x1e7` = lung$wt.loss * 1e7,
                     `wt.loss_x1e-7` = lung$wt.loss * 1e-7, ph.karno = lung$ph.karno,
                     meal.cal = lung$meal.cal, age_copy = lung$age, check.names = FALSE))
vet <- survival::veteran
write_set("veteran", data.frame(time = vet$time, event = vet$status, celltype = as.character(vet$celltype),
                                trt = vet$trt),
          data.frame(karno = vet$karno, diagtime = vet$diagtime, age = vet$age, prior = vet$prior))
col <- survival::colon[survival::colon$etype == 1, ]
write_set("colon", data.frame(time = col$time, event = col$status, rx = as.character(col$rx), sex = col$sex),
          data.frame(nodes = col$nodes, age = col$age, differ = col$differ))
p <- survival::pbc[!is.na(survival::pbc$trt), ]
write_set("pbc", data.frame(time = p$time, event = as.numeric(p$status == 2), sex = as.character(p$sex),
                            stage = p$stage),
          data.frame(bili = p$bili, albumin = p$albumin, protime = p$protime, ast = p$ast, chol = p$chol))
ov <- survival::ovarian
write_set("ovarian", data.frame(time = ov$futime, event = ov$fustat, resid.ds = ov$resid.ds, rx = ov$rx),
          data.frame(age = ov$age, ecog.ps = ov$ecog.ps))
cat("done\n")
