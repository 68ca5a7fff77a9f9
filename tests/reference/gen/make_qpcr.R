# qPCR fixture and goldens for `lscmir qpcr`.
#
#   Rscript tests/reference/gen/make_qpcr.R        (from the repository root)
#
# 1. Simulates a TaqMan-array study: 12 patients x HSC / LSC / LPC (P12 has no LPC), 36 miRNA
#    assays + 4 controls, two replicate wells each, written as
#      tests/data/qpcr/samples.tsv
#      tests/data/qpcr/ct_long.tsv          long table (plate, well, sample, target, ct, omit)
#      tests/data/qpcr/plate{1..9}.txt      the same wells as instrument exports: plates 1-8 in
#                                           QuantStudio layout ([Results]), plate 9 as 7900HT SDS
#      tests/data/qpcr/ct_wide.tsv          replicate rows x samples (no omitted wells)
#    with Undetermined wells, numeric Ct above the 35-cycle cut-off, an assay absent from HSC,
#    an empty Ct cell, failed (omitted) wells, NTC and empty wells in the exports.
# 2. Computes every output of `lscmir qpcr` independently from the wells (base R: mean, sd,
#    binom.test, p.adjust, a from-scratch geNorm) into tests/reference/qpcr/<case>/.
# 3. tests/reference/de/qpcr_lm/ (limma on the global-mean expression) is made by
#    make_de_golden.R, which reads tests/reference/qpcr/long_global_mean/expression.tsv.

source("tests/reference/gen/common.R")
RNGkind("Mersenne-Twister", "Inversion", "Rejection")
set.seed(20261129)

DATA <- "tests/data/qpcr"
REF <- "tests/reference/qpcr"
dir.create(DATA, recursive = TRUE, showWarnings = FALSE)

# ---- 1. the study -------------------------------------------------------------------------
patients <- sprintf("P%02d", 1:12)
pops <- c("HSC", "LSC", "LPC")
samples <- do.call(rbind, lapply(patients, function(p)
  data.frame(sample = paste0(p, "_", pops), patient = p, population = pops, stringsAsFactors = FALSE)))
samples <- samples[samples$sample != "P12_LPC", ]
rownames(samples) <- NULL
write_golden(samples, file.path(DATA, "samples.tsv"))

mirs <- c("hsa-let-7a-5p", "hsa-miR-10a-5p", "hsa-miR-125b-5p", "hsa-miR-126-3p", "hsa-miR-126-5p",
          "hsa-miR-130a-3p", "hsa-miR-142-3p", "hsa-miR-142-5p", "hsa-miR-146a-5p", "hsa-miR-150-5p",
          "hsa-miR-155-5p", "hsa-miR-16-5p", "hsa-miR-17-5p", "hsa-miR-181a-5p", "hsa-miR-181b-5p",
          "hsa-miR-196b-5p", "hsa-miR-19a-3p", "hsa-miR-20a-5p", "hsa-miR-21-5p", "hsa-miR-221-3p",
          "hsa-miR-222-3p", "hsa-miR-223-3p", "hsa-miR-24-3p", "hsa-miR-25-3p", "hsa-miR-26a-5p",
          "hsa-miR-29a-3p", "hsa-miR-29b-3p", "hsa-miR-30c-5p", "hsa-miR-34a-5p", "hsa-miR-99a-5p",
          "hsa-miR-9-5p", "hsa-miR-92a-3p", "hsa-miR-93-5p", "hsa-miR-191-5p", "hsa-miR-99b-5p",
          "hsa-miR-335-5p")
controls <- c("RNU44", "RNU48", "MammU6", "U6 snRNA")
assays <- c(mirs, controls)
base <- setNames(runif(length(assays), 23, 31.5), assays)
base[controls] <- c(24.5, 25.2, 22.1, 21.4)
base["hsa-miR-34a-5p"] <- 34.3      # straddles the 35-cycle cut-off
base["hsa-miR-10a-5p"] <- 38.2      # mostly Undetermined
base["hsa-miR-9-5p"] <- 33.0        # occasionally above the cut-off
effect <- matrix(0, length(assays), 3, dimnames = list(assays, pops))
effect["hsa-miR-126-3p", "HSC"] <- -2.5   # HSC-high
effect["hsa-miR-126-5p", "HSC"] <- -2.0
effect["hsa-miR-155-5p", "LSC"] <- -2.2   # LSC-high
effect["hsa-miR-196b-5p", "LSC"] <- -1.0
effect["hsa-miR-99a-5p", c("LSC", "HSC")] <- -1.5  # stem-shared
patient_eff <- matrix(rnorm(length(assays) * length(patients), 0, 0.4), length(assays),
                      dimnames = list(assays, patients))
input <- setNames(rnorm(nrow(samples), 0, 0.6), samples$sample)  # RNA input per sample

wells <- list()
for (i in seq_len(nrow(samples))) {
  s <- samples$sample[i]
  for (a in assays) {
    mu <- base[a] + input[s] + effect[a, samples$population[i]] + patient_eff[a, samples$patient[i]]
    for (r in 1:2) {
      ct <- mu + rnorm(1, 0, 0.15)
      if (a == "hsa-miR-196b-5p" && samples$population[i] == "HSC") ct <- NA  # absent from HSC
      if (!is.na(ct) && ct > 40) ct <- NA                                      # no amplification
      wells[[length(wells) + 1]] <- data.frame(sample = s, target = a, rep = r,
                                               ct = if (is.na(ct)) NA_real_ else round(ct, 6),
                                               omit = FALSE, stringsAsFactors = FALSE)
    }
  }
}
wells <- do.call(rbind, wells)
# failed wells: both replicates of one assay in one sample, and one replicate elsewhere
wells$omit[wells$sample == "P03_LSC" & wells$target == "hsa-miR-21-5p"] <- TRUE
wells$omit[wells$sample == "P05_HSC" & wells$target == "hsa-miR-223-3p" & wells$rep == 1] <- TRUE
# a numeric Ct above the cut-off in a reference-grade assay (the other replicate stays)
wells$ct[wells$sample == "P02_LPC" & wells$target == "hsa-miR-16-5p" & wells$rep == 2] <- 36.25
# the text of each Ct cell: 6 decimals as instruments print; Undetermined; one empty cell
wells$ct_text <- ifelse(is.na(wells$ct), "Undetermined", sprintf("%.6f", wells$ct))
empty_cell <- which(is.na(wells$ct))[3]
wells$ct <- suppressWarnings(as.numeric(wells$ct_text))  # R reads the text lscmir reads

# plates of four samples, wells in order
wells$plate <- paste0("plate", (match(wells$sample, samples$sample) - 1) %/% 4 + 1)
wells$well <- ave(seq_len(nrow(wells)), wells$plate, FUN = seq_along)
pos <- function(w) paste0(LETTERS[(w - 1) %/% 24 + 1], (w - 1) %% 24 + 1)

long <- data.frame(plate = wells$plate, well = pos(wells$well), sample = wells$sample, target = wells$target,
                   ct = wells$ct_text, omit = ifelse(wells$omit, "TRUE", "FALSE"), stringsAsFactors = FALSE)
long$ct[empty_cell] <- ""
long <- long[sample(nrow(long)), ]  # row order must not matter
write_golden(long, file.path(DATA, "ct_long.tsv"))

write_lines <- function(lines, path) {
  con <- file(path, open = "wb")
  on.exit(close(con))
  writeLines(lines, con, sep = "\n")
}
last_plate <- wells$plate[nrow(wells)]
for (p in unique(wells$plate)) {
  w <- wells[wells$plate == p, ]
  n <- nrow(w)
  ct_cell <- w$ct_text
  if (empty_cell %in% which(wells$plate == p)) ct_cell[match(empty_cell, which(wells$plate == p))] <- ""
  if (p != last_plate) {
    head <- c("* Block Type = 384-Well Block", "* Chemistry = TAQMAN",
              paste0("* Experiment File Name = D:\\runs\\", p, ".eds"),
              "* Experiment Run End Time = 2026-10-01 14:02:11 PM CEST",
              "* Instrument Type = QuantStudio 7 Flex", "* Passive Reference = ROX", "", "[Results]")
    hdr <- paste("Well", "Well Position", "Omit", "Sample Name", "Target Name", "Task", "Reporter", "Quencher",
                 "CT", "Ct Mean", "Ct SD", "Automatic Ct Threshold", "Ct Threshold", sep = "\t")
    rows <- paste(w$well, pos(w$well), ifelse(w$omit, "true", "false"), w$sample, w$target, "UNKNOWN",
                  "FAM", "NFQ-MGB", ct_cell, "", "", "true", "0.2", sep = "\t")
    extra <- character(0)
    if (p == "plate1")  # two no-template controls
      extra <- paste(n + 1:2, pos(n + 1:2), "false", "NTC", "hsa-miR-16-5p", "NTC", "FAM", "NFQ-MGB",
                     "Undetermined", "", "", "true", "0.2", sep = "\t")
    if (p == "plate2")  # unused wells
      extra <- paste(n + 1:3, pos(n + 1:3), "false", "", "", "", "", "", "", "", "", "", "", sep = "\t")
    tail <- c("", "[Amplification Data]", "Well\tCycle\tTarget Name\tRn\tDelta Rn", "1\t1\thsa-let-7a-5p\t0.51\t0.01")
    write_lines(c(head, hdr, rows, extra, tail), file.path(DATA, paste0(p, ".txt")))
  } else {
    head <- c("SDS 2.4\tAQ Results", paste0("Filename\t", p, ".sds"), "Assay Type\tStandard Curve",
              "Run DateTime\tWed Oct 01 14:02:11 CEST 2026", "Operator\t", "Run Notes\t", "")
    hdr <- paste("#", "Sample Name", "Detector", "Task", "Ct", "StdDev Ct", "Qty", sep = "\t")
    rows <- paste(w$well, w$sample, w$target, "Unknown", ct_cell, "", "", sep = "\t")
    write_lines(c(head, hdr, rows, "", "Slope\t", "Intercept\t"), file.path(DATA, paste0(p, ".txt")))
  }
}
stopifnot(all(!wells$omit[wells$plate == last_plate]))  # SDS exports have no Omit column

# wide: one row per replicate; omitted wells are not representable and enter with their Ct
wide_wells <- wells
wide_wells$omit <- FALSE
wide <- data.frame(assay = rep(assays, each = 2), stringsAsFactors = FALSE)
for (s in samples$sample) {
  w <- wells[wells$sample == s, ]
  txt <- w$ct_text[order(match(w$target, assays), w$rep)]
  wide[[s]] <- txt
}
write_golden(wide, file.path(DATA, "ct_wide.tsv"))

writeLines(c(
  "# qPCR test fixture (simulated)",
  "",
  "Made by tests/reference/gen/make_qpcr.R (seed 20261129); nothing here is measured data.",
  "Planted: hsa-miR-126-3p/-5p higher in HSC, hsa-miR-155-5p higher in LSC, hsa-miR-196b-5p",
  "absent from HSC (Undetermined), hsa-miR-99a-5p higher in both stem populations;",
  "hsa-miR-34a-5p straddles the 35-cycle cut-off, hsa-miR-10a-5p is mostly Undetermined;",
  "P03_LSC / hsa-miR-21-5p wells are omitted (failed), one P05_HSC / hsa-miR-223-3p well too;",
  "P02_LPC / hsa-miR-16-5p has one replicate at Ct 36.25; P12 has no LPC sample.",
  "ct_long.tsv, plate1-8.txt (QuantStudio layout) + plate9.txt (7900HT SDS layout) hold the same",
  "wells; ct_wide.tsv has them as replicate rows without the Omit flags."),
  file.path(DATA, "README.md"))

# ---- 2. goldens ---------------------------------------------------------------------------
ctrl_prefix <- c("RNU", "SNORD", "U6", "RNU6B", "MammU6")
is_ctrl <- function(a) Reduce(`|`, lapply(ctrl_prefix, function(p) tolower(substr(a, 1, nchar(p))) == tolower(p)))

summarize <- function(w, ct_max) {
  A <- sort(unique(w$target), method = "radix")
  S <- samples$sample
  key <- paste(w$target, w$sample, sep = "\r")
  usable <- !w$omit
  det <- usable & !is.na(w$ct) & w$ct <= ct_max
  out <- expand.grid(feature = A, sample = S, stringsAsFactors = FALSE)
  k <- paste(out$feature, out$sample, sep = "\r")
  out$ct <- sapply(k, function(x) { v <- w$ct[key == x & det]; if (length(v)) mean(v) else NA })
  out$sd <- sapply(k, function(x) { v <- w$ct[key == x & det]; if (length(v) > 1) sd(v) else NA })
  out$wells <- sapply(k, function(x) sum(key == x & usable))
  out$detected_wells <- sapply(k, function(x) sum(key == x & det))
  anyw <- sapply(k, function(x) sum(key == x))
  out$status <- ifelse(out$detected_wells > 0, "detected", ifelse(out$wells > 0, "undetected",
                       ifelse(anyw > 0, "failed", "missing")))
  rownames(out) <- NULL
  out
}

as_mat <- function(sm, col) {
  m <- matrix(sm[[col]], ncol = length(samples$sample), dimnames = list(unique(sm$feature), samples$sample))
  m
}

genorm <- function(ct) {  # ct: candidates x samples, all finite
  n <- nrow(ct)
  if (n < 2) return(NULL)
  Mof <- function(set) sapply(set, function(j) mean(sapply(setdiff(set, j), function(k) sd(ct[k, ] - ct[j, ]))))
  m_all <- Mof(seq_len(n))
  active <- seq_len(n)
  rank <- integer(n); m_step <- numeric(n)
  while (length(active) > 2) {
    M <- Mof(active)
    worst <- active[which.max(M)]
    rank[worst] <- length(active); m_step[worst] <- max(M)
    active <- setdiff(active, worst)
  }
  best <- active[order(m_all[active], rownames(ct)[active], method = "radix")]
  rank[best] <- 1:2
  m_step[best] <- sd(ct[best[1], ] - ct[best[2], ])
  ord <- order(rank)
  V <- rep(NA_real_, n)
  if (n >= 3) for (r in 3:n) {
    nf1 <- colMeans(-ct[ord[1:(r - 1)], , drop = FALSE]); nf2 <- colMeans(-ct[ord[1:r], , drop = FALSE])
    V[ord[r]] <- sd(nf1 - nf2)
  }
  data.frame(assay = rownames(ct), rank = rank, M = m_all, M.stepwise = m_step, V.pairwise = V,
             stringsAsFactors = FALSE)[ord, ]
}

run_case <- function(name, args, w, ct_max = 35, norm = "global-mean", refs = NULL, impute = FALSE,
                     contrasts = c("LSC-HSC", "LSC-LPC"), fdr_cut = 0.05) {
  outdir <- file.path(REF, name)
  unlink(outdir, recursive = TRUE)
  dir.create(outdir, recursive = TRUE)
  writeLines(args, file.path(outdir, "args.txt"))
  sm <- summarize(w, ct_max)
  write_golden(sm, file.path(outdir, "ct_summary.tsv"))
  CT <- as_mat(sm, "ct"); ST <- as_mat(sm, "status")
  A <- rownames(CT)
  everywhere <- A[apply(ST == "detected", 1, all)]
  used <- switch(norm, "global-mean" = everywhere[!is_ctrl(everywhere)], reference = refs, none = character(0))
  normalizer <- if (length(used)) colMeans(CT[used, , drop = FALSE]) else setNames(rep(0, ncol(CT)), colnames(CT))
  CTi <- CT
  if (impute) CTi[ST == "undetected"] <- ct_max
  E <- -(sweep(CTi, 2, normalizer))
  write_golden(mat_with_id(E), file.path(outdir, "expression.tsv"))
  write_golden(data.frame(sample = colnames(CT), normalizer = normalizer,
                          method = if (norm == "reference") paste0("reference:", paste(refs, collapse = ",")) else norm,
                          assays = length(used)), file.path(outdir, "normalizers.tsv"))
  pop <- samples$population[match(colnames(CT), samples$sample)]
  pl <- sort(unique(pop), method = "radix")
  det <- data.frame(feature = A, control = is_ctrl(A), detected_all = apply(ST == "detected", 1, all),
                    stringsAsFactors = FALSE)
  for (p in pl) {
    det[[paste0(p, ".detected")]] <- rowSums(ST[, pop == p, drop = FALSE] == "detected")
    det[[paste0(p, ".measured")]] <- rowSums(matrix(ST[, pop == p] %in% c("detected", "undetected"), nrow(ST)))
  }
  write_golden(det, file.path(outdir, "detection.tsv"))
  g <- genorm(CT[everywhere, , drop = FALSE])
  write_golden(if (is.null(g)) data.frame(assay = character(0), rank = integer(0), M = numeric(0),
                                          M.stepwise = numeric(0), V.pairwise = numeric(0)) else g,
               file.path(outdir, "references.tsv"))
  for (k in contrasts) {
    ab <- strsplit(k, "-", fixed = TRUE)[[1]]
    pat <- samples$patient[match(colnames(CT), samples$sample)]
    both_pat <- intersect(pat[pop == ab[1]], pat[pop == ab[2]])
    res <- do.call(rbind, lapply(A, function(a) {
      sa <- ST[a, match(paste0(both_pat, "_", ab[1]), colnames(CT))]
      sb <- ST[a, match(paste0(both_pat, "_", ab[2]), colnames(CT))]
      ok <- sa %in% c("detected", "undetected") & sb %in% c("detected", "undetected")
      da <- sa[ok] == "detected"; db <- sb[ok] == "detected"
      b <- sum(da & !db); c <- sum(!da & db)
      data.frame(feature = a, pairs = sum(ok), A_only = b, B_only = c, both = sum(da & db),
                 neither = sum(!da & !db), P = if (b + c == 0) 1 else binom.test(b, b + c, 0.5)$p.value,
                 stringsAsFactors = FALSE)
    }))
    res$FDR <- p.adjust(res$P, "BH")
    res$call <- ifelse(res$FDR < fdr_cut & res$A_only != res$B_only,
                       paste0(ifelse(res$A_only > res$B_only, ab[1], ab[2]), "_on"), "none")
    res <- res[order(res$P), ]
    names(res)[3:4] <- paste0("only_", ab)
    write_golden(res, file.path(outdir, paste0("onoff_", ab[1], "_vs_", ab[2], ".tsv")))
  }
  invisible(E)
}

S <- "--samples tests/data/qpcr/samples.tsv --contrast LSC-HSC --contrast LSC-LPC"
run_case("long_global_mean", paste("--ct tests/data/qpcr/ct_long.tsv", S), wells)
run_case("long_reference", paste("--ct tests/data/qpcr/ct_long.tsv --normalize reference:RNU44,RNU48", S),
         wells, norm = "reference", refs = c("RNU44", "RNU48"))
run_case("long_none", paste("--ct tests/data/qpcr/ct_long.tsv --normalize none", S), wells, norm = "none")
run_case("long_impute", paste("--ct tests/data/qpcr/ct_long.tsv --impute ct-max", S), wells, impute = TRUE)
run_case("long_ctmax33", paste("--ct tests/data/qpcr/ct_long.tsv --ct-max 33", S), wells, ct_max = 33)
run_case("wide_global_mean", paste("--ct tests/data/qpcr/ct_wide.tsv --format wide", S), wide_wells)
cat("qpcr goldens written to", REF, "\n")
