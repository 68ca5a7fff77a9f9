# Generate the simulated three-population paired fixture tests/data/three_pop/.
#
#   Rscript tests/reference/gen/make_three_pop.R      (from the repository root)
#
# 12 patients (P01..P12) x populations HSC, LSC, LPC, one sample each, except
# that P07 has no LPC sample -> 35 samples.  ~400 features with real miRBase v22
# mature names and baseline abundances taken from TCGA LAML precursor read counts
# (/work/shared/data/tcga-laml-mirna, via bioc/RTCGA.miRNASeq, GPL-2).
# Counts are negative binomial (dispersion 0.1) around
#   mu[g,s] = L[s] * p[g] * exp(b[g,patient]) * 2^(pop effect[g]) * 2^(batch effect[g])
# with b ~ N(0, 0.3) (log-normal patient effect per feature and patient),
# library sizes L varying 2-fold, planted population differences (truth.tsv),
# 5 all-zero features and 4 features that are zero in all but one or two samples.

source("tests/reference/gen/common.R")

RNGkind("Mersenne-Twister", "Inversion", "Rejection")
set.seed(20261129)

laml_path <- "/work/shared/data/tcga-laml-mirna/LAML.miRNAseq.precursor.read_count.tsv"
map_path  <- "/work/shared/data/mirbase22/hsa_precursor_to_mature.v22.tsv"
outdir    <- "tests/data/three_pop"
dir.create(outdir, recursive = TRUE, showWarnings = FALSE)

laml <- read.delim(laml_path, check.names = FALSE, row.names = 1)
mp   <- read.delim(map_path, stringsAsFactors = FALSE)
base_mean <- rowMeans(as.matrix(laml))

# --- feature names: one unused v22 mature name per mapped precursor -------------
used <- character(0)
mature_of <- setNames(rep(NA_character_, length(base_mean)), names(base_mean))
for (pre in names(base_mean)) {
  cand <- mp$mature_name[mp$precursor_name == pre]
  cand <- setdiff(cand, used)
  if (length(cand)) {
    mature_of[pre] <- cand[1]
    used <- c(used, cand[1])
  }
}
mapped <- names(mature_of)[!is.na(mature_of)]

# --- choose ~395 expressed precursors spanning low to high abundance ------------
expressed <- mapped[base_mean[mapped] > 0]
expressed <- expressed[order(base_mean[expressed], names(base_mean[expressed]))]
n_expr <- 395L
pick <- unique(round(seq(1, length(expressed), length.out = n_expr)))
sel_expr <- expressed[pick]
stopifnot(length(sel_expr) == n_expr)
# 5 real names whose precursor had zero counts in all LAML samples -> all-zero rows
zero_pre <- sort(mapped[base_mean[mapped] == 0])
sel_zero <- zero_pre[round(seq(1, length(zero_pre), length.out = 5))]
sel <- c(sel_expr, sel_zero)
# keep a natural order: by miRBase name, as a count matrix would usually come
ord <- order(mature_of[sel])
sel <- sel[ord]
features <- unname(mature_of[sel])
stopifnot(!anyDuplicated(features))
G <- length(features)

prop <- base_mean[sel] / sum(base_mean[sel])

# --- samples ---------------------------------------------------------------------
patients <- sprintf("P%02d", 1:12)
pops <- c("HSC", "LSC", "LPC")
samples <- expand.grid(population = pops, patient = patients, stringsAsFactors = FALSE)
samples <- samples[!(samples$patient == "P07" & samples$population == "LPC"), ]
samples$sample <- paste(samples$patient, samples$population, sep = "_")
S <- nrow(samples)
stopifnot(S == 35)
age_by_patient <- setNames(round(runif(12, 24, 79)), patients)
samples$age <- unname(age_by_patient[samples$patient])
# batch = processing day; assigned per sample (not per patient), so it crosses
# patients and populations.  Re-draw until every patient except P07 has samples in
# both batches and every population appears in both batches.
repeat {
  b <- sample(c("B1", "B2"), S, replace = TRUE)
  tp <- table(samples$patient, b)
  tq <- table(samples$population, b)
  if (sum(tp[, 1] > 0 & tp[, 2] > 0) >= 9 && all(tq >= 4)) break
}
samples$batch <- b
samples <- samples[, c("sample", "patient", "population", "batch", "age")]
rownames(samples) <- NULL

# --- mean model ------------------------------------------------------------------
lib <- 1e6 * 2^runif(S, 0, 1)                     # 2-fold range of library sizes
patient_eff <- matrix(rnorm(G * 12, 0, 0.3), G, 12, dimnames = list(features, patients))
batch_eff <- rnorm(G, 0, 0.25)                    # log2 shift of batch B2

# planted population effects (log2), chosen among features with mean count in
# [20, 3000] (so that planted changes do not dominate library composition)
pop_eff <- matrix(0, G, 3, dimnames = list(features, pops))
mean_count <- prop * 1.5e6
eligible <- which(mean_count >= 20 & mean_count <= 3000)
planted <- sample(eligible, 45)
lsc_up  <- planted[1:20]
hsc_up  <- planted[21:35]
stem_sh <- planted[36:45]
fc <- round(runif(45, 1.5, 3), 3)
pop_eff[lsc_up, "LSC"] <- fc[1:20]
pop_eff[hsc_up, "HSC"] <- fc[21:35]
pop_eff[stem_sh, "LSC"] <- fc[36:45]
pop_eff[stem_sh, "HSC"] <- fc[36:45]

mu <- matrix(0, G, S, dimnames = list(features, samples$sample))
for (s in seq_len(S)) {
  pt <- samples$patient[s]; pp <- samples$population[s]
  mu[, s] <- lib[s] * prop * exp(patient_eff[, pt]) * 2^pop_eff[, pp] *
    2^(batch_eff * (samples$batch[s] == "B2"))
}
counts <- matrix(rnbinom(G * S, mu = mu, size = 1 / 0.1), G, S,
                 dimnames = dimnames(mu))

# all-zero features (their baseline is already 0, enforce anyway)
zero_feat <- unname(mature_of[sel_zero])
counts[zero_feat, ] <- 0
# sparse features: zero in all but one or two samples (take 4 low, unplanted ones)
low <- setdiff(order(prop), c(planted, match(zero_feat, features)))
sparse_feat <- features[low[1:4]]
counts[sparse_feat, ] <- 0
counts[sparse_feat[1], "P03_LSC"] <- 2
counts[sparse_feat[2], "P11_HSC"] <- 5
counts[sparse_feat[3], c("P02_LPC", "P09_LSC")] <- c(1, 3)
counts[sparse_feat[4], c("P05_HSC", "P05_LSC")] <- c(7, 1)
storage.mode(counts) <- "integer"

# --- write -----------------------------------------------------------------------
write_golden(mat_with_id(counts), file.path(outdir, "counts.tsv"))
write_golden(samples, file.path(outdir, "samples.tsv"))

truth <- data.frame(
  feature = features[planted],
  pattern = rep(c("LSC_up", "HSC_up", "stem_shared"), c(20, 15, 10)),
  planted_log2FC = fc,
  true_LSC_vs_HSC = pop_eff[planted, "LSC"] - pop_eff[planted, "HSC"],
  true_LSC_vs_LPC = pop_eff[planted, "LSC"] - pop_eff[planted, "LPC"],
  true_HSC_vs_LPC = pop_eff[planted, "HSC"] - pop_eff[planted, "LPC"],
  baseline_mean_count = mean_count[planted],
  stringsAsFactors = FALSE)
truth <- truth[order(match(truth$feature, features)), ]
write_golden(truth, file.path(outdir, "truth.tsv"), fmt = "%.15g")

cat("features:", G, " samples:", S, "\n")
cat("all-zero features:", paste(zero_feat, collapse = ", "), "\n")
cat("sparse features:", paste(sparse_feat, collapse = ", "), "\n")
cat("library sizes (colSums):", range(colSums(counts)), "\n")
print(table(samples$patient, samples$batch))
