# Goldens for competing risks and the proportional-hazards test of `lscmir survival`:
# cmprsk 2.2 crr / cuminc and survival 3.5 cox.zph on the TCGA LAML cohort.
#
#   Rscript tests/reference/gen/make_cr_golden.R      (from the repository root)
#
# Inputs: tests/data/laml/expression.tsv, tests/data/laml/clinical.tsv and the relapse endpoint
# tests/data/laml/relapse.tsv (tests/reference/gen/make_cr_laml.R).
# Cases (tests/reference/survival/<case>/, args.txt = the lscmir arguments without --out):
#   laml_cr_relapse   relapse_status, --cause 1, --km hsa-mir-155 hsa-mir-181a-1:
#                     finegray.tsv, cif_*.tsv, gray_*.tsv
#   laml_cr_adjusted  --cause 1 --covariates age,risk_cyto: finegray.tsv (crr cov1 = the
#                     feature + model.matrix(~ age + risk_cyto)[, -1], treatment coding, C-locale levels)
#   laml_cr_death     --cause 2 (death without relapse) --split tertile --km hsa-mir-155
#   laml_ph           OS, --covariates age,risk_cyto --ph-test: cox.subset.tsv (feature PH.chisq PH.P
#                     of cox.tsv; cox.zph(fit)$table row "x", transform "km") and cox_ph_global.tsv
#                     (row GLOBAL)
#   laml_ph_breslow   OS, --ties breslow --ph-test: cox.subset.tsv
#   rsurv_mgus2_cr    survival::mgus2 (PCM vs death), --cause 1 --covariates sex --km hgb
#   rsurv_veteran_ph  survival::veteran, --strata celltype --covariates trt --ph-test
#   surv_edge_cr      generated: time-0 events and censoring, ties, NAs, a constant feature
# finegray.tsv: crr(ftime, fstatus, cov1, failcode = K) with its defaults (gtol 1e-6, maxiter 10),
#   coef = $coef[1], se = sqrt($var[1, 1]), z, P = 2 pnorm(-|z|), HR and its 95% interval
#   exp(coef -+ qnorm(0.975) se), FDR = p.adjust(P, "BH"), status ok / not_converged ($converged).
# cif_F.tsv: cuminc(ftime, fstatus, group) with group = "high" (x above the median; tertile: above
#   the upper tertile) or "low" (at or below the median / lower tertile; the middle third left out):
#   for every group and cause, the points after each jump (cuminc's step corners without the
#   first point at 0 and the last point carried to the largest time; the last row of each time).
# gray_F.tsv: cuminc's $Tests (stat, pv, df) per cause.
suppressPackageStartupMessages({
  library(survival)
  library(cmprsk)
})
source("tests/reference/gen/common.R")
Sys.setlocale("LC_COLLATE", "C")

expr <- read.delim("tests/data/laml/expression.tsv", check.names = FALSE, stringsAsFactors = FALSE)
feats <- expr$feature
em <- as.matrix(expr[, -1]); rownames(em) <- feats
read_clin <- function(p) {
  cl <- read.delim(p, stringsAsFactors = FALSE, na.strings = "NA")
  cl[match(colnames(em), cl$patient), ]
}
rel <- read_clin("tests/data/laml/relapse.tsv")
os <- read_clin("tests/data/laml/clinical.tsv")

write_case <- function(name, args, tables, notes) {
  dir <- file.path("tests/reference/survival", name)
  unlink(dir, recursive = TRUE)
  dir.create(dir, recursive = TRUE)
  writeLines(args, file.path(dir, "args.txt"))
  for (f in names(tables)) write_golden(tables[[f]], file.path(dir, f))
  writeLines(c(paste("case:", name), paste("args:", args), notes), file.path(dir, "notes.txt"))
}

covmat <- function(cl, covs) {
  if (length(covs) == 0) return(NULL)
  d <- cl[, covs, drop = FALSE]
  for (v in covs) if (is.character(d[[v]])) d[[v]] <- factor(d[[v]])
  model.matrix(as.formula(paste("~", paste(covs, collapse = "+"))), d)[, -1, drop = FALSE]
}

finegray <- function(cl, cause, covs, em = get("em", globalenv()), tcol = "relapse_months", scol = "relapse_status") {
  cl$relapse_months <- cl[[tcol]]; cl$relapse_status <- cl[[scol]]
  feats <- rownames(em)
  z <- covmat(cl, covs)
  base <- !is.na(cl$relapse_months) & !is.na(cl$relapse_status)
  if (!is.null(z)) base <- base & complete.cases(z)
  maxscore <- 0
  rows <- lapply(feats, function(f) {
    x <- em[f, ]
    ok <- base & is.finite(x)
    cov1 <- cbind(x = x[ok], if (!is.null(z)) z[ok, , drop = FALSE])
    fit <- crr(cl$relapse_months[ok], cl$relapse_status[ok], cov1, failcode = cause)
    maxscore <<- max(maxscore, max(abs(fit$score)))
    co <- unname(fit$coef[1]); se <- sqrt(fit$var[1, 1]); zz <- co / se
    q <- qnorm(0.975)
    data.frame(feature = f, n = sum(ok), events = sum(cl$relapse_status[ok] == cause), coef = co,
               HR = exp(co), HR.lower95 = exp(co - q * se), HR.upper95 = exp(co + q * se), se = se,
               z = zz, P = 2 * pnorm(-abs(zz)), FDR = NA_real_,
               status = if (fit$converged) "ok" else "not_converged", stringsAsFactors = FALSE)
  })
  t <- do.call(rbind, rows)
  t$FDR <- p.adjust(t$P, "BH")
  list(table = t, note = sprintf("crr: max |score| at the returned coef %.3g; statuses: %s", maxscore,
                                 paste(names(table(t$status)), table(t$status), collapse = ", ")))
}

cif_tables <- function(cl, f, split, em = get("em", globalenv()), tcol = "relapse_months", scol = "relapse_status", covs = character(0)) {
  cl$relapse_months <- cl[[tcol]]; cl$relapse_status <- cl[[scol]]
  base <- !is.na(cl$relapse_months) & !is.na(cl$relapse_status) & is.finite(em[f, ])
  z <- covmat(cl, covs)
  if (!is.null(z)) base <- base & complete.cases(z)
  x <- em[f, base]; tt <- cl$relapse_months[base]; st <- cl$relapse_status[base]
  if (split == "median") {
    g <- ifelse(x > quantile(x, 0.5, type = 7), "high", "low")
  } else {
    g <- ifelse(x > quantile(x, 2 / 3, type = 7), "high", ifelse(x <= quantile(x, 1 / 3, type = 7), "low", NA))
  }
  keep <- !is.na(g)
  ci <- cuminc(tt[keep], st[keep], g[keep])
  causes <- sort(unique(st[keep][st[keep] != 0]))
  out <- NULL
  for (gr in c("high", "low")) for (k in causes) {
    cur <- ci[[paste(gr, k)]]
    n <- length(cur$time)
    d <- data.frame(group = gr, cause = k, time = cur$time, est = cur$est, var = cur$var)[-c(1, n), ]
    d <- d[!duplicated(d$time, fromLast = TRUE), ]
    out <- rbind(out, d)
  }
  tests <- ci$Tests
  gray <- data.frame(cause = as.numeric(rownames(tests)), stat = tests[, "stat"], P = tests[, "pv"], df = tests[, "df"])
  list(cif = out, gray = gray)
}

laml_rel <- "--expression tests/data/laml/expression.tsv --clinical tests/data/laml/relapse.tsv --id patient --time relapse_months --event relapse_status"
laml_os <- "--expression tests/data/laml/expression.tsv --clinical tests/data/laml/clinical.tsv --id patient --time OS_months --event OS_event"

# laml_cr_relapse
fg <- finegray(rel, 1, character(0))
tabs <- list(finegray.tsv = fg$table)
for (f in c("hsa-mir-155", "hsa-mir-181a-1")) {
  ct <- cif_tables(rel, f, "median")
  tabs[[paste0("cif_", f, ".tsv")]] <- ct$cif
  tabs[[paste0("gray_", f, ".tsv")]] <- ct$gray
}
write_case("laml_cr_relapse", paste(laml_rel, "--cause 1 --km hsa-mir-155 --km hsa-mir-181a-1"), tabs,
           c("relapse endpoint: tests/data/laml/relapse.tsv (make_cr_laml.R); 187 patients (one NA status)", fg$note))

fg <- finegray(rel, 1, c("age", "risk_cyto"))
write_case("laml_cr_adjusted", paste(laml_rel, "--cause 1 --covariates age,risk_cyto"), list(finegray.tsv = fg$table),
           c("crr cov1 = x, age, risk_cytoIntermediate, risk_cytoN.D., risk_cytoPoor", fg$note))

fg <- finegray(rel, 2, character(0))
ct <- cif_tables(rel, "hsa-mir-155", "tertile")
write_case("laml_cr_death", paste(laml_rel, "--cause 2 --split tertile --km hsa-mir-155"),
           list(finegray.tsv = fg$table, `cif_hsa-mir-155.tsv` = ct$cif, `gray_hsa-mir-155.tsv` = ct$gray),
           c("cause 2 = death without relapse; cif groups: top vs bottom tertile", fg$note))

ph_case <- function(name, extra, covs, ties) {
  z <- covmat(os, covs)
  ph <- NULL; gl <- NULL
  for (f in feats) {
    d <- data.frame(time = os$OS_months, event = os$OS_event, x = em[f, ])
    if (!is.null(z)) d <- cbind(d, z)
    fit <- coxph(as.formula(paste("Surv(time, event) ~", paste(c("x", colnames(z)), collapse = "+"))), data = d, ties = ties)
    tb <- cox.zph(fit, transform = "km", terms = FALSE)$table
    ph <- rbind(ph, data.frame(feature = f, PH.chisq = tb["x", "chisq"], PH.P = tb["x", "p"]))
    gl <- rbind(gl, data.frame(feature = f, chisq = tb["GLOBAL", "chisq"], df = tb["GLOBAL", "df"], P = tb["GLOBAL", "p"]))
  }
  tabs <- list(cox.subset.tsv = ph)
  if (length(covs)) tabs$cox_ph_global.tsv <- gl
  write_case(name, paste(laml_os, extra), tabs,
             c(sprintf("cox.zph(coxph(Surv(time, event) ~ x%s, ties = \"%s\"), transform = \"km\")", if (length(covs)) " + covariates" else "", ties),
               "cox.subset.tsv: the PH columns of lscmir's cox.tsv; the other columns are checked by the other cases"))
}
# R survival's mgus2 (survival 3.5-3), the competing-risks example of its vignette: progression to
# a plasma cell malignancy (PCM, code 1) with death before it as the competing event (code 2):
# etime = ptime if pstat == 1 else futime; status = 1 if pstat == 1, else 2 * death. Months,
# many ties (also between events and censorings). Features: age, hgb, creat, mspike (with NAs,
# so every feature has its own rows and its own censoring KM); covariate sex (F / M).
mg <- survival::mgus2
mg_clin <- data.frame(patient = sprintf("p%04d", seq_len(nrow(mg))), sex = as.character(mg$sex),
                      etime = ifelse(mg$pstat == 1, mg$ptime, mg$futime),
                      status = ifelse(mg$pstat == 1, 1L, 2L * mg$death), stringsAsFactors = FALSE)
mg_feat <- rbind(age = mg$age, hgb = mg$hgb, creat = mg$creat, mspike = mg$mspike)
colnames(mg_feat) <- mg_clin$patient
dir.create("tests/data/rsurv/mgus2", recursive = TRUE, showWarnings = FALSE)
write_golden(mg_clin, "tests/data/rsurv/mgus2/clinical.tsv")
write_golden(cbind(data.frame(feature = rownames(mg_feat), stringsAsFactors = FALSE), as.data.frame(mg_feat, check.names = FALSE)),
             "tests/data/rsurv/mgus2/expression.tsv")
mg_cl <- read.delim("tests/data/rsurv/mgus2/clinical.tsv", stringsAsFactors = FALSE)
mg_em <- as.matrix(read.delim("tests/data/rsurv/mgus2/expression.tsv", check.names = FALSE, row.names = 1))
fg <- finegray(mg_cl, 1, "sex", em = mg_em, tcol = "etime", scol = "status")
ct <- cif_tables(mg_cl, "hgb", "median", em = mg_em, tcol = "etime", scol = "status", covs = "sex")
write_case("rsurv_mgus2_cr", "--expression tests/data/rsurv/mgus2/expression.tsv --clinical tests/data/rsurv/mgus2/clinical.tsv --id patient --time etime --event status --cause 1 --covariates sex --km hgb",
           list(finegray.tsv = fg$table, cif_hgb.tsv = ct$cif, gray_hgb.tsv = ct$gray),
           c("survival::mgus2: PCM (1) vs death (2); crr cov1 = feature + sexM; cif of hgb split at its median", fg$note))

# Generated edge case tests/data/surv_edge_cr/: 60 patients, integer times with heavy ties, an
# event of each kind and a censoring at time 0 (crr takes G at 0, not before it), features x
# (normal), x2 (0..3, ties in the covariate), x_na (x with 6 NAs: its own rows and censoring KM)
# and const (constant: crr stops on a singular system, so the golden has NA and status constant).
RNGkind("Mersenne-Twister", "Inversion", "Rejection")
set.seed(3)
n <- 60
et <- round(rexp(n, 0.5)); es <- sample(0:2, n, TRUE, prob = c(.3, .4, .3))
et[1:3] <- 0; es[1:3] <- c(0, 1, 2)
ex <- rnorm(n); ex2 <- round(runif(n) * 3); exna <- ex; exna[c(5, 11, 17, 23, 29, 35)] <- NA
ids <- sprintf("p%02d", seq_len(n))
dir.create("tests/data/surv_edge_cr", recursive = TRUE, showWarnings = FALSE)
write_golden(data.frame(patient = ids, time = et, status = es), "tests/data/surv_edge_cr/clinical.tsv")
edge_m <- rbind(x = ex, x2 = ex2, x_na = exna, const = rep(2, n)); colnames(edge_m) <- ids
write_golden(cbind(data.frame(feature = rownames(edge_m), stringsAsFactors = FALSE), as.data.frame(edge_m, check.names = FALSE)),
             "tests/data/surv_edge_cr/expression.tsv")
edge_cl <- read.delim("tests/data/surv_edge_cr/clinical.tsv", stringsAsFactors = FALSE)
edge_em <- as.matrix(read.delim("tests/data/surv_edge_cr/expression.tsv", check.names = FALSE, row.names = 1))
fg <- finegray(edge_cl, 1, character(0), em = edge_em[1:3, , drop = FALSE], tcol = "time", scol = "status")
fg$table <- rbind(fg$table, data.frame(feature = "const", n = n, events = sum(es == 1), coef = NA, HR = NA, HR.lower95 = NA,
                                       HR.upper95 = NA, se = NA, z = NA, P = NA, FDR = NA, status = "constant"))
fg$table$FDR <- p.adjust(fg$table$P, "BH")
ct <- cif_tables(edge_cl, "x", "median", em = edge_em, tcol = "time", scol = "status")
write_case("surv_edge_cr", "--expression tests/data/surv_edge_cr/expression.tsv --clinical tests/data/surv_edge_cr/clinical.tsv --id patient --time time --event status --cause 1 --km x --min-events 1",
           list(finegray.tsv = fg$table, cif_x.tsv = ct$cif, gray_x.tsv = ct$gray),
           c("generated: events and a censoring at time 0, heavy ties, NAs (x_na), a constant feature (crr fails: golden NA, status constant)", fg$note))

ph_case("laml_ph", "--covariates age,risk_cyto --ph-test", c("age", "risk_cyto"), "efron")
ph_case("laml_ph_breslow", "--ties breslow --ph-test", character(0), "breslow")

# Stratified: survival::veteran (tests/data/rsurv/veteran, make_surv_rdata.R), strata celltype,
# covariate trt; cox.zph's km transform pools the strata, the risk sets are per stratum.
vcl <- read.delim("tests/data/rsurv/veteran/clinical.tsv", stringsAsFactors = FALSE)
vem <- as.matrix(read.delim("tests/data/rsurv/veteran/expression.tsv", check.names = FALSE, row.names = 1))
ph <- NULL; gl <- NULL
for (f in rownames(vem)) {
  d <- data.frame(time = vcl$time, event = vcl$event, s = vcl$celltype, trt = vcl$trt, x = vem[f, ])
  tb <- cox.zph(coxph(Surv(time, event) ~ x + trt + strata(s), data = d), transform = "km", terms = FALSE)$table
  ph <- rbind(ph, data.frame(feature = f, PH.chisq = tb["x", "chisq"], PH.P = tb["x", "p"]))
  gl <- rbind(gl, data.frame(feature = f, chisq = tb["GLOBAL", "chisq"], df = tb["GLOBAL", "df"], P = tb["GLOBAL", "p"]))
}
write_case("rsurv_veteran_ph", "--expression tests/data/rsurv/veteran/expression.tsv --clinical tests/data/rsurv/veteran/clinical.tsv --id patient --time time --event event --strata celltype --covariates trt --ph-test",
           list(cox.subset.tsv = ph, cox_ph_global.tsv = gl),
           "cox.zph(coxph(Surv(time, event) ~ x + trt + strata(celltype)), transform = \"km\")")
cat("done\n")
