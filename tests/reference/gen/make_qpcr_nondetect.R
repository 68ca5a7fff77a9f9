# SPDX-License-Identifier: GPL-3.0-or-later
# Generator of TaqMan-like Ct arrays whose non-detects depend on the true Ct (McCall et al. 2014):
# low-input HSC sorts (+3 cycles), planted LSC-HSC effects on low-abundance miRNAs, and
# P(Undetermined | Ct) = 1 / (1 + exp(-slope * (Ct - mid))). One well per assay and sample.
# Usage: Rscript make_qpcr_nondetect.R OUTDIR N_MIRNA N_PATIENT SEED
# Writes ct_long.tsv (sample, target, ct; "Undetermined"), samples.tsv and truth.tsv
# (feature, logFC = planted LSC - HSC on the -dCt scale, planted TRUE/FALSE).
args <- commandArgs(trailingOnly = TRUE)
out <- args[1]; n_mir <- as.integer(args[2]); n_pat <- as.integer(args[3]); seed <- as.integer(args[4])
set.seed(seed)
dir.create(out, showWarnings = FALSE, recursive = TRUE)
mid <- 33; slope <- 1.5
n_ref <- 12                                    # abundant assays: detected everywhere (normalizer)
feat <- c(sprintf("ref-%02d", seq_len(n_ref)), sprintf("mir-%03d", seq_len(n_mir)))
base <- c(runif(n_ref, 18, 24), runif(n_mir, 24, 34))
delta <- numeric(length(feat))                 # planted effect on Ct, LSC - HSC
planted <- rep(FALSE, length(feat))
k <- n_ref + seq_len(n_mir)
pick <- k[seq(1, n_mir, by = 3)]               # every third miRNA carries an effect
delta[pick] <- rep(c(-2, 2, -1.5, 1.5), length.out = length(pick))
planted[pick] <- TRUE
pops <- c("HSC", "LPC", "LSC")
rows <- list(); sheet <- list()
for (p in seq_len(n_pat)) {
  pid <- sprintf("P%02d", p); pat <- rnorm(length(feat), 0, 0.4)
  for (pop in pops) {
    s <- paste0(pid, "_", pop)
    offset <- rnorm(1, 0, 0.4) + if (pop == "HSC") 3 else 0   # low input in HSC sorts
    eff <- if (pop == "LSC") delta else if (pop == "LPC") 0.5 * delta else 0
    z <- base + pat + offset + eff + rnorm(length(feat), 0, 0.5)
    nd <- runif(length(feat)) < 1 / (1 + exp(-slope * (z - mid)))
    nd[seq_len(n_ref)] <- FALSE
    ct <- ifelse(nd, "Undetermined", sprintf("%.6f", z))
    rows[[length(rows) + 1]] <- data.frame(sample = s, target = feat, ct = ct)
    sheet[[length(sheet) + 1]] <- data.frame(sample = s, patient = pid, population = pop)
  }
}
write.table(do.call(rbind, rows), file.path(out, "ct_long.tsv"), sep = "\t", quote = FALSE, row.names = FALSE)
write.table(do.call(rbind, sheet), file.path(out, "samples.tsv"), sep = "\t", quote = FALSE, row.names = FALSE)
write.table(data.frame(feature = feat, logFC = -delta, planted = ifelse(planted, "TRUE", "FALSE")),
            file.path(out, "truth.tsv"), sep = "\t", quote = FALSE, row.names = FALSE)
