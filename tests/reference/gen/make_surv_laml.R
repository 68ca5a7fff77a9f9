# Build the TCGA LAML survival fixture tests/data/laml/ from the shared data.
#
#   Rscript tests/reference/gen/make_surv_laml.R      (from the repository root)
#
# Inputs (see /work/shared/data/PROVENANCE.md):
#   /work/shared/data/tcga-laml-mirna/LAML.miRNAseq.precursor.RPM.tsv
#       705 precursors x 188 aliquots, reads per million as given by BCGSC
#   /work/shared/data/tcga-laml-clinical/LAML.survival_clinical.merged.tsv
#       200 patients; the 188 with miRNA data are kept
#
# Outputs:
#   tests/data/laml/expression.tsv  feature + one column per patient (12-char barcode),
#       log2(RPM + 1) of the precursors whose mean log2(RPM + 1) over the 188 patients
#       is > 3 (216 rows), in the order of the RPM file, rounded to 6 decimals and
#       written with R's as.character (15 significant digits, no trailing zeros).
#   tests/data/laml/clinical.tsv    patient OS_months OS_event age risk_cyto DFS_event sex,
#       the 188 patients in expression column order, values copied as text.
#   tests/data/laml/PROVENANCE.md   written by hand (sha256 sums printed below).

stopifnot(file.exists("tests/reference/gen/make_surv_laml.R"))  # run from repo root

rpm_path  <- "/work/shared/data/tcga-laml-mirna/LAML.miRNAseq.precursor.RPM.tsv"
clin_path <- "/work/shared/data/tcga-laml-clinical/LAML.survival_clinical.merged.tsv"
outdir    <- "tests/data/laml"
dir.create(outdir, recursive = TRUE, showWarnings = FALSE)

rpm <- read.delim(rpm_path, check.names = FALSE, stringsAsFactors = FALSE)
ids <- rpm[[1]]
m <- as.matrix(rpm[, -1])
storage.mode(m) <- "double"
patients <- substr(colnames(m), 1, 12)
stopifnot(!anyDuplicated(ids), !anyDuplicated(patients), ncol(m) == 188)

l <- log2(m + 1)
keep <- rowMeans(l) > 3
stopifnot(sum(keep) == 216, all(abs(rowMeans(l) - 3) > 1e-6))  # threshold not borderline
e <- round(l[keep, , drop = FALSE], 6)
out <- data.frame(feature = ids[keep], stringsAsFactors = FALSE)
cols <- lapply(seq_len(ncol(e)), function(j) as.character(e[, j]))
lines <- do.call(paste, c(list(out$feature), cols, sep = "\t"))
con <- file(file.path(outdir, "expression.tsv"), open = "wb")
writeLines(paste(c("feature", patients), collapse = "\t"), con, sep = "\n")
writeLines(lines, con, sep = "\n")
close(con)

# Clinical: read everything as text so that values are copied exactly as given.
cl <- read.delim(clin_path, colClasses = "character", na.strings = character(0),
                 check.names = FALSE)
cl <- cl[cl$has_mirna == "1", ]
stopifnot(nrow(cl) == 188, setequal(cl$patient_barcode, patients))
cl <- cl[match(patients, cl$patient_barcode), ]
outc <- data.frame(patient = cl$patient_barcode, OS_months = cl$OS_months,
                   OS_event = cl$OS_event, age = cl$age, risk_cyto = cl$risk_cyto,
                   DFS_event = cl$DFS_event, sex = cl$sex, stringsAsFactors = FALSE)
for (v in names(outc)) {
  outc[[v]][is.na(outc[[v]]) | outc[[v]] == ""] <- "NA"
}
con <- file(file.path(outdir, "clinical.tsv"), open = "wb")
writeLines(paste(names(outc), collapse = "\t"), con, sep = "\n")
writeLines(do.call(paste, c(outc, sep = "\t")), con, sep = "\n")
close(con)

cat("features:", sum(keep), " patients:", length(patients), "\n")
cat("OS events:", sum(outc$OS_event == "1"), " DFS_event:",
    paste(names(table(outc$DFS_event)), table(outc$DFS_event), collapse = ", "), "\n")
cat("risk_cyto:", paste(names(table(outc$risk_cyto)), table(outc$risk_cyto), collapse = ", "), "\n")
