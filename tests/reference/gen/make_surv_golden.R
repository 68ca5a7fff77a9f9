# Golden files for `lscmir survival`: tests/reference/survival/<case>/.
#
#   Rscript tests/reference/gen/make_surv_golden.R                 # all cases
#   Rscript tests/reference/gen/make_surv_golden.R laml_km ...     # only these cases
#
# Run from the repository root, after make_surv_laml.R and make_surv_edge.R.  Inputs
# are read from the committed fixtures (tests/data/laml, tests/data/surv_edge), so R
# sees the same bytes lscmir does.  See surv_README.md for what every column is.

source("tests/reference/gen/common.R")   # write_golden, read_matrix_tsv, LC_COLLATE=C
suppressPackageStartupMessages({
  library(survival)
  library(maxstat)
})

Z975 <- qnorm(0.975)   # 1.959963984540054, as summary.coxph / confint.default
# Status "too_few_events": the edge file clinical_few.tsv has 2 events; every other
# fit in these cases has >= 39.  The goldens use this minimum (any value in 3..39
# gives the same statuses); lscmir's own threshold must lie in that range.
MIN_EVENTS <- 3L

# ---------------------------------------------------------------------------------
# cases

laml <- list(expr = "tests/data/laml/expression.tsv", clin = "tests/data/laml/clinical.tsv",
             id = "patient", time = "OS_months", event = "OS_event")
edge <- list(expr = "tests/data/surv_edge/expression.tsv",
             clin = "tests/data/surv_edge/clinical.tsv",
             id = "patient", time = "time", event = "event")
edge_few <- modifyList(edge, list(clin = "tests/data/surv_edge/clinical_few.tsv"))

rsurv <- function(set) list(expr = sprintf("tests/data/rsurv/%s/expression.tsv", set),
                            clin = sprintf("tests/data/rsurv/%s/clinical.tsv", set),
                            id = "patient", time = "time", event = "event")

mk <- function(base, ...) {
  o <- modifyList(list(ties = NULL, covariates = character(0), strata = NULL,
                       split = NULL, km = character(0), binary = NULL, edge = FALSE),
                  list(...))
  c(base, o)
}

cases <- list(
  laml_univariate_efron   = mk(laml, ties = "efron"),
  laml_univariate_breslow = mk(laml, ties = "breslow"),
  laml_adjusted           = mk(laml, covariates = c("age", "risk_cyto")),
  laml_strata             = mk(laml, strata = "sex"),
  laml_split_median       = mk(laml, split = "median"),
  laml_split_maxstat      = mk(laml, split = "maxstat"),
  laml_km                 = mk(laml, km = c("hsa-mir-155", "hsa-mir-181a-1")),
  laml_logistic           = mk(laml, binary = "DFS_event", covariates = "age"),
  surv_edge_efron         = mk(edge, ties = "efron", edge = TRUE),
  surv_edge_breslow       = mk(edge, ties = "breslow", edge = TRUE),
  surv_edge_few_events    = mk(edge_few, edge = TRUE),
  surv_edge_adjusted      = mk(edge, covariates = c("age", "grp"), edge = TRUE),
  surv_edge_split_median  = mk(edge, split = "median", edge = TRUE),
  surv_edge_split_maxstat = mk(edge, split = "maxstat", edge = TRUE),
  surv_edge_km            = mk(edge, km = c("f_sepslow", "f_na"), edge = TRUE),
  surv_edge_logistic      = mk(edge, binary = "resp", covariates = "grp", edge = TRUE),
  # R survival's own datasets (make_surv_rdata.R), one case per defect of issue 14
  rsurv_lung_scale        = mk(rsurv("lung"), covariates = "age"),
  rsurv_veteran_strata    = mk(rsurv("veteran"), strata = "celltype", split = "median", km = "karno"),
  rsurv_colon_maxstat     = mk(rsurv("colon"), split = "maxstat", km = "nodes"),
  rsurv_pbc_tertile       = mk(rsurv("pbc"), strata = "sex", split = "tertile", km = "bili"),
  rsurv_ovarian_quartile  = mk(rsurv("ovarian"), covariates = "resid.ds", split = "quartile", km = "age")
)

args_line <- function(cs) {
  a <- c("--expression", cs$expr, "--clinical", cs$clin, "--id", cs$id,
         "--time", cs$time, "--event", cs$event)
  if (length(cs$covariates)) a <- c(a, "--covariates", paste(cs$covariates, collapse = ","))
  if (!is.null(cs$strata)) a <- c(a, "--strata", cs$strata)
  if (!is.null(cs$ties)) a <- c(a, "--ties", cs$ties)
  if (!is.null(cs$split)) a <- c(a, "--split", cs$split)
  for (f in cs$km) a <- c(a, "--km", f)
  if (!is.null(cs$binary)) a <- c(a, "--binary", cs$binary)
  paste(a, collapse = " ")
}

# ---------------------------------------------------------------------------------
# helpers

# Evaluate expr, collecting warnings (muffled) and turning errors into a value.
catch <- function(expr) {
  w <- character(0)
  val <- withCallingHandlers(
    tryCatch(expr, error = function(e) structure(conditionMessage(e), class = "r_error")),
    warning = function(cw) {
      w <<- c(w, trimws(gsub("\\s+", " ", conditionMessage(cw))))
      invokeRestart("muffleWarning")
    })
  list(value = val, warnings = w)
}
is_err <- function(v) inherits(v, "r_error")

# Clinical table: "NA" is missing; numeric columns stay numeric, text columns become
# factors (levels in C-locale order, set per fit from the rows it uses).
read_clinical <- function(path) {
  read.delim(path, check.names = FALSE, stringsAsFactors = FALSE, na.strings = "NA",
             colClasses = NA)
}

as_model_var <- function(v) {
  if (is.numeric(v)) return(v)
  factor(v, levels = sort(unique(v[!is.na(v)])))   # sort() under LC_COLLATE=C
}

fit_data <- function(cs, clin, xrow, with_outcome = c("surv", "binary")) {
  with_outcome <- match.arg(with_outcome)
  d <- data.frame(x = as.numeric(xrow), stringsAsFactors = FALSE)
  if (with_outcome == "surv") {
    d$time <- as.numeric(clin[[cs$time]])
    d$event <- as.numeric(clin[[cs$event]])
  } else {
    d$y <- as.numeric(clin[[cs$binary]])
  }
  for (v in cs$covariates) d[[v]] <- clin[[v]]
  if (with_outcome == "surv" && !is.null(cs$strata)) d$.strata <- clin[[cs$strata]]
  d <- d[complete.cases(d), , drop = FALSE]          # na.omit
  for (v in cs$covariates) d[[v]] <- as_model_var(d[[v]])
  if (!is.null(d$.strata)) d$.strata <- factor(d$.strata)
  rownames(d) <- NULL
  d
}

rhs <- function(cs, with_x, strata = TRUE) {
  terms <- c(if (with_x) "x", sprintf("`%s`", cs$covariates))
  if (strata && !is.null(cs$strata)) terms <- c(terms, "strata(.strata)")
  if (!length(terms)) terms <- "1"
  paste(terms, collapse = " + ")
}

# ---------------------------------------------------------------------------------
# Cox per feature

cox_one <- function(cs, clin, feature, xrow) {
  ties <- if (is.null(cs$ties)) "efron" else cs$ties
  d <- fit_data(cs, clin, xrow, "surv")
  n <- nrow(d); events <- sum(d$event)
  row <- list(feature = feature, n = n, events = events, coef = NA, HR = NA,
              HR.lower95 = NA, HR.upper95 = NA, se = NA, z = NA, P.Wald = NA,
              P.LRT = NA, P.score = NA, C = NA)
  f_full <- as.formula(paste("Surv(time, event) ~", rhs(cs, TRUE)))
  f_red  <- as.formula(paste("Surv(time, event) ~", rhs(cs, FALSE)))
  r <- catch(coxph(f_full, data = d, ties = ties))
  warn <- r$warnings
  if (is_err(r$value)) {
    return(list(row = row, warnings = c(warn, paste("error:", r$value)), status = NA,
                tight = NA))
  }
  fit <- r$value
  b <- unname(coef(fit)["x"])
  se <- unname(sqrt(diag(fit$var))[match("x", names(coef(fit)))])
  ncov <- length(coef(fit)) - 1L
  if (ncov > 0) {
    rr <- catch(coxph(f_red, data = d, ties = ties))
    if (length(rr$warnings)) warn <- c(warn, paste("covariate-only model:", rr$warnings))
    red <- rr$value
    ll0 <- red$loglik[length(red$loglik)]
    b_red <- coef(red)
    stopifnot(!anyNA(b_red), identical(names(b_red), names(coef(fit))[-1]))
  } else {
    ll0 <- fit$loglik[1]           # all coefficients 0 (null or strata-only model)
    b_red <- numeric(0)
  }
  conc <- concordance(fit)
  row$C <- unname(conc$concordance)
  tight <- NA
  if (!is.na(b)) {
    row$coef <- b; row$HR <- exp(b); row$se <- se; row$z <- b / se
    row$HR.lower95 <- exp(b - Z975 * se); row$HR.upper95 <- exp(b + Z975 * se)
    row$P.Wald <- unname(summary(fit)$coefficients["x", "Pr(>|z|)"])
    lrt <- 2 * (fit$loglik[2] - ll0)
    row$P.LRT <- pchisq(lrt, df = 1, lower.tail = FALSE)
    # score test of adding x to the covariate-only model, at (0, b_red)
    sc <- catch(coxph(f_full, data = d, ties = ties, init = c(0, unname(b_red)),
                      control = coxph.control(iter.max = 0)))
    if (length(sc$warnings)) warn <- c(warn, paste("score fit:", sc$warnings))
    row$P.score <- pchisq(sc$value$score, df = 1, lower.tail = FALSE)
    row$.LRT <- lrt; row$.score <- sc$value$score
    row$.iter <- fit$iter; row$.loglik0 <- ll0; row$.loglik1 <- fit$loglik[2]
    # how far is R's default convergence from the exact MLE?
    ft <- suppressWarnings(coxph(f_full, data = d, ties = ties,
                                 control = coxph.control(eps = 1e-14, iter.max = 200)))
    tight <- abs(unname(coef(ft)["x"]) - b) / max(abs(b), 1e-300)
  }
  # status (precedence: too_few_events > constant > aliased > separation > not_converged > ok)
  nx <- length(unique(d$x))
  aliased <- !is.na(b) && anyNA(coef(fit))   # a covariate collinear with x (and earlier terms): R gives it NA
  if (aliased) {                             # lscmir reports no estimate for an aliased model
    for (k in c("coef", "HR", "HR.lower95", "HR.upper95", "se", "z", "P.Wald", "P.LRT", "P.score", "C"))
      row[[k]] <- NA
    tight <- NA
  }
  status <- if (events < MIN_EVENTS) "too_few_events"
  else if (is.na(b)) "constant"
  else if (aliased) "aliased"
  else if (any(grepl("Loglik converged before variable", warn))) "separation"
  else if (any(grepl("Ran out of iterations", warn))) "not_converged"
  else "ok"
  stopifnot(is.na(b) == (nx < 2))   # NA coef only for constant features in these data
  list(row = row, warnings = warn, status = status, tight = tight, nx = nx)
}

# ---------------------------------------------------------------------------------
# log-rank per feature (median or maxstat split)

# The rows of the Cox models (time, event, every covariate and the stratum present; the
# feature's own NAs dropped); with --strata the test is the stratified survdiff.
split_groups <- function(cs, d) {
  if (is.null(cs$split) || cs$split == "median") return(ifelse(d$x > median(d$x), "high", "low"))
  if (cs$split %in% c("tertile", "quartile")) {
    pr <- if (cs$split == "tertile") c(1/3, 2/3) else c(0.25, 0.75)
    q <- quantile(d$x, pr, type = 7, names = FALSE)
    return(ifelse(d$x > q[2], "high", ifelse(d$x <= q[1], "low", NA)))
  }
  mt <- maxstat.test(Surv(time, event) ~ x, data = d, smethod = "LogRank", pmethod = "Lau92",
                     minprop = 0.1, maxprop = 0.9)
  ifelse(d$x > unname(mt$estimate), "high", "low")
}

logrank_one <- function(cs, clin, feature, xrow) {
  d <- fit_data(cs, clin, xrow, "surv")
  warn <- character(0)
  row <- list(feature = feature, n.high = NA, chisq = NA, P.logrank = NA)
  if (cs$split %in% c("median", "tertile", "quartile")) {
    d$group <- split_groups(cs, d)
    d <- d[!is.na(d$group), , drop = FALSE]
    cut <- -Inf
  } else {
    r <- catch(maxstat.test(Surv(time, event) ~ x, data = d, smethod = "LogRank",
                            pmethod = "Lau92", minprop = 0.1, maxprop = 0.9))
    warn <- c(warn, r$warnings)
    row$cutpoint <- NA; row$M <- NA; row$P.adjusted <- NA
    if (is_err(r$value)) {
      warn <- c(warn, paste("maxstat.test error:", r$value))
      cut <- NA
    } else {
      mt <- r$value
      cut <- unname(mt$estimate)
      row$cutpoint <- cut; row$M <- unname(mt$statistic); row$P.adjusted <- mt$p.value
    }
  }
  if (!is.na(cut)) {
    high <- if (is.null(d$group)) d$x > cut else d$group == "high"
    row$n.high <- sum(high)
    if (row$n.high > 0 && row$n.high < nrow(d)) {
      d$group <- ifelse(high, "high", "low")
      f_lr <- if (is.null(cs$strata)) Surv(time, event) ~ group
              else Surv(time, event) ~ group + strata(.strata)
      r <- catch(survdiff(f_lr, data = d))
      warn <- c(warn, r$warnings)
      if (is_err(r$value)) warn <- c(warn, paste("survdiff error:", r$value))
      else {
        row$chisq <- r$value$chisq
        row$P.logrank <- pchisq(r$value$chisq, df = 1, lower.tail = FALSE)
      }
    } else {
      warn <- c(warn, sprintf("only one group (n.high = %d of %d): survdiff not run",
                              row$n.high, nrow(d)))
    }
  }
  list(row = row, warnings = warn)
}

# ---------------------------------------------------------------------------------
# Kaplan-Meier curves

# Kaplan-Meier by the --split groups (median without --split), on the rows of the Cox
# models, not stratified.
km_table <- function(cs, clin, xrow) {
  d <- fit_data(cs, clin, xrow, "surv")
  d$group <- split_groups(cs, d)
  d <- d[!is.na(d$group), , drop = FALSE]
  sf <- survfit(Surv(time, event) ~ group, data = d)   # conf.type "log", conf.int 0.95
  s <- summary(sf, censored = TRUE)
  grp <- if (is.null(s$strata)) rep(unique(d$group), length(s$time))
         else sub("^group=", "", as.character(s$strata))
  data.frame(group = grp, time = s$time, n.risk = s$n.risk, n.event = s$n.event,
             n.censor = s$n.censor, surv = s$surv, std.err = s$std.err, lower = s$lower, upper = s$upper,
             stringsAsFactors = FALSE)
}

# ---------------------------------------------------------------------------------
# logistic per feature

logit_one <- function(cs, clin, feature, xrow) {
  d <- fit_data(cs, clin, xrow, "binary")
  row <- list(feature = feature, n = nrow(d), coef = NA, OR = NA, OR.lower95 = NA,
              OR.upper95 = NA, se = NA, z = NA, P = NA)
  f <- as.formula(paste("y ~", rhs(cs, TRUE, strata = FALSE)))
  r <- catch(glm(f, family = binomial, data = d))
  fit <- r$value
  b <- unname(coef(fit)["x"])
  tight <- NA
  if (!is.na(b)) {
    cf <- summary(fit)$coefficients
    se <- cf["x", "Std. Error"]
    row$coef <- b; row$OR <- exp(b); row$se <- se; row$z <- cf["x", "z value"]
    row$P <- cf["x", "Pr(>|z|)"]
    row$OR.lower95 <- exp(b - Z975 * se); row$OR.upper95 <- exp(b + Z975 * se)
    row$.iter <- fit$iter
    ft <- suppressWarnings(glm(f, family = binomial, data = d,
                               control = glm.control(epsilon = 1e-14, maxit = 200)))
    tight <- abs(unname(coef(ft)["x"]) - b) / abs(b)
  }
  status <- if (is.na(b)) "constant"
  else if (any(grepl("fitted probabilities numerically 0 or 1", r$warnings))) "separation"
  else if (any(grepl("did not converge", r$warnings))) "not_converged"
  else "ok"
  list(row = row, warnings = r$warnings, status = status, tight = tight)
}

# ---------------------------------------------------------------------------------

rows_df <- function(rows, cols) {
  as.data.frame(lapply(setNames(cols, cols), function(cn)
    vapply(rows, function(r) if (is.null(r[[cn]])) NA_real_ else as.numeric(r[[cn]]), 0)),
    check.names = FALSE)
}

bh <- function(p) p.adjust(p, method = "BH")   # NAs stay NA and are not counted

run_case <- function(name, cs) {
  out <- file.path("tests/reference/survival", name)
  dir.create(out, recursive = TRUE, showWarnings = FALSE)
  unlink(list.files(out, full.names = TRUE))
  writeLines(args_line(cs), file.path(out, "args.txt"))

  expr <- read_matrix_tsv(cs$expr)
  clin <- read_clinical(cs$clin)
  idx <- match(colnames(expr), as.character(clin[[cs$id]]))
  stopifnot(!anyNA(idx), !anyDuplicated(clin[[cs$id]]))
  clin <- clin[idx, , drop = FALSE]
  feats <- rownames(expr)
  notes <- c(paste("case:", name), paste("args:", args_line(cs)))
  for (v in c(cs$covariates, cs$strata)) {
    vv <- clin[[v]]
    notes <- c(notes, if (is.numeric(vv))
      sprintf("covariate %s: numeric, %d NA", v, sum(is.na(vv)))
      else sprintf("%s %s: categorical, levels (C-locale order, first = reference): %s; %d NA",
                   if (identical(v, cs$strata)) "strata" else "covariate", v,
                   paste(sort(unique(vv[!is.na(vv)])), collapse = ", "), sum(is.na(vv))))
  }

  # Cox
  res <- lapply(feats, function(f) cox_one(cs, clin, f, expr[f, ]))
  cols <- c("n", "events", "coef", "HR", "HR.lower95", "HR.upper95", "se", "z", "P.Wald",
            "P.LRT", "P.score", "C")
  cox <- cbind(data.frame(feature = feats, stringsAsFactors = FALSE),
               rows_df(lapply(res, `[[`, "row"), cols))
  cox$FDR <- bh(cox$P.Wald)
  cox$status <- vapply(res, `[[`, "", "status")
  write_golden(cox, file.path(out, "cox.tsv"))
  ties <- if (is.null(cs$ties)) "efron (default)" else cs$ties
  notes <- c(notes, sprintf("cox: ties %s; formula Surv(time, event) ~ %s; %d features; n %s; events %s",
                            ties, rhs(cs, TRUE), length(feats),
                            paste(unique(range(cox$n)), collapse = ".."),
                            paste(unique(range(cox$events)), collapse = "..")))
  tight <- vapply(res, `[[`, 0, "tight")
  it <- vapply(res, function(r) if (is.null(r$row$.iter)) NA_real_ else r$row$.iter, 0)
  ok <- cox$status == "ok"
  if (any(ok))
    notes <- c(notes, sprintf("cox: Newton iterations (ok rows) %d..%d; max relative |coef - coef(eps=1e-14)| over ok rows: %.3g",
                              as.integer(min(it[ok])), as.integer(max(it[ok])), max(tight[ok])))
  nw <- 0
  for (i in seq_along(res)) for (w in res[[i]]$warnings) {
    notes <- c(notes, sprintf("cox warning: %s: %s", feats[i], w)); nw <- nw + 1
  }
  if (!nw) notes <- c(notes, "cox: R warnings: none")
  notes <- c(notes, sprintf("cox status: %s", paste(names(table(cox$status)), table(cox$status),
                                                    sep = " ", collapse = ", ")))
  if (cs$edge) {
    reason <- vapply(seq_along(res), function(i) {
      r <- res[[i]]; w <- unique(r$warnings)
      base <- switch(r$status,
        ok = "fit converged without warnings",
        constant = sprintf("feature takes %d distinct value(s) in the %d rows used; coxph gives coef NA (no warning printed)", r$nx, r$row$n),
        too_few_events = sprintf("%d events in the %d rows used (< %d)%s", r$row$events, r$row$n, MIN_EVENTS,
                                 if (r$nx < 2) "; the feature is also constant (coef NA)" else ""),
        separation = sprintf("monotone likelihood; coxph stopped after %d Newton iterations (iter.max 20) with the loglik criterion met", as.integer(r$row$.iter)),
        not_converged = sprintf("coxph reached iter.max = 20 without meeting its loglik criterion (fit$iter = %d); the likelihood is monotone here too, so 'separation' is an equally defensible call", as.integer(r$row$.iter)))
      if (length(w)) base <- paste0(base, "; R warns: ", paste(w, collapse = " | "))
      base
    }, "")
    write_golden(data.frame(feature = feats, status = cox$status, reason = reason,
                            stringsAsFactors = FALSE), file.path(out, "expected_status.tsv"))
  }

  # log-rank
  if (!is.null(cs$split)) {
    lr <- lapply(feats, function(f) logrank_one(cs, clin, f, expr[f, ]))
    cols <- c("n.high", "chisq", "P.logrank")
    if (cs$split == "maxstat") cols <- c(cols, "cutpoint", "M", "P.adjusted")
    tab <- cbind(data.frame(feature = feats, stringsAsFactors = FALSE),
                 rows_df(lapply(lr, `[[`, "row"), cols))
    write_golden(tab, file.path(out, "logrank.tsv"))
    nw <- 0
    for (i in seq_along(lr)) for (w in lr[[i]]$warnings) {
      notes <- c(notes, sprintf("logrank: %s: %s", feats[i], w)); nw <- nw + 1
    }
    if (!nw) notes <- c(notes, "logrank: R warnings: none")
  }

  # KM
  for (f in cs$km) {
    stopifnot(f %in% feats)
    km <- km_table(cs, clin, expr[f, ])
    write_golden(km, file.path(out, sprintf("km_%s.tsv", f)))
    notes <- c(notes, sprintf("km %s: %d rows, groups %s", f, nrow(km),
                              paste(names(table(km$group)), collapse = "/")))
  }

  # logistic
  if (!is.null(cs$binary)) {
    lg <- lapply(feats, function(f) logit_one(cs, clin, f, expr[f, ]))
    cols <- c("n", "coef", "OR", "OR.lower95", "OR.upper95", "se", "z", "P")
    tab <- cbind(data.frame(feature = feats, stringsAsFactors = FALSE),
                 rows_df(lapply(lg, `[[`, "row"), cols))
    tab$FDR <- bh(tab$P)
    tab$status <- vapply(lg, `[[`, "", "status")
    write_golden(tab, file.path(out, "logistic.tsv"))
    tight <- vapply(lg, `[[`, 0, "tight")
    ok <- tab$status == "ok"
    it <- vapply(lg, function(r) if (is.null(r$row$.iter)) NA_real_ else r$row$.iter, 0)
    notes <- c(notes, sprintf("logistic: formula %s ~ %s; n %s; IRLS iterations (ok rows) %d..%d; max relative |coef - coef(epsilon=1e-14)| over ok rows: %.3g",
                              cs$binary, rhs(cs, TRUE, strata = FALSE),
                              paste(unique(range(tab$n)), collapse = ".."),
                              as.integer(min(it[ok])), as.integer(max(it[ok])), max(tight[ok])))
    nw <- 0
    for (i in seq_along(lg)) for (w in lg[[i]]$warnings) {
      notes <- c(notes, sprintf("logistic warning: %s: %s", feats[i], w)); nw <- nw + 1
    }
    if (!nw) notes <- c(notes, "logistic: R warnings: none")
    notes <- c(notes, sprintf("logistic status: %s", paste(names(table(tab$status)),
                              table(tab$status), sep = " ", collapse = ", ")))
    if (cs$edge) {
      reason <- vapply(lg, function(r) {
        w <- unique(r$warnings)
        base <- switch(r$status, ok = "fit converged without warnings",
                       constant = "feature constant; glm gives coef NA",
                       separation = "complete separation", not_converged = "maxit reached")
        if (length(w)) base <- paste0(base, "; R warns: ", paste(w, collapse = " | "))
        base
      }, "")
      write_golden(data.frame(feature = feats, status = tab$status, reason = reason,
                              stringsAsFactors = FALSE),
                   file.path(out, "expected_status_logistic.tsv"))
    }
  }

  con <- file(file.path(out, "notes.txt"), open = "wb")
  writeLines(notes, con, sep = "\n")
  close(con)
  cat(name, "done\n")
}

sel <- commandArgs(trailingOnly = TRUE)
if (!length(sel)) sel <- names(cases)
stopifnot(all(sel %in% names(cases)))
for (nm in sel) run_case(nm, cases[[nm]])
