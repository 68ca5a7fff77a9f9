# Build the TCGA LAML relapse endpoint tests/data/laml/relapse.tsv from the shared clinical table.
#
#   Rscript tests/reference/gen/make_cr_laml.R      (from the repository root)
#
# Input (see /work/shared/data/PROVENANCE.md, tcga-laml-clinical/):
#   /work/shared/data/tcga-laml-clinical/LAML.survival_clinical.merged.tsv
#     DFS_months / DFS_event: cBioPortal "Disease Free (Months)" / "Disease Free Status"
#       (1 = "Recurred/Progressed"), OS_months / OS_event (1 = dead).
#
# The competing-risks endpoint (docs/formats.md, "LAML relapse endpoint"):
#   relapse_months = DFS_months
#   relapse_status = 1 (relapse)                 if DFS_event == 1
#                    2 (death without relapse)   if DFS_event == 0 and OS_event == 1
#                    0 (censored, alive in CR)   if DFS_event == 0 and OS_event == 0
#                    NA                          if DFS_event is missing
# The script checks the assumption that makes this consistent: for every patient with
# DFS_event == 0, DFS_months == OS_months (the disease-free follow-up ends with the death or the
# last contact), so a death without relapse happens at relapse_months.
#
# Output: tests/data/laml/relapse.tsv, the 188 patients with miRNA data in the order of
#   tests/data/laml/expression.tsv; columns patient age sex risk_cyto OS_months OS_event
#   DFS_months DFS_event relapse_months relapse_status, values copied as text ("NA" = missing).

stopifnot(file.exists("tests/reference/gen/make_cr_laml.R"))  # run from repo root
clin_path <- "/work/shared/data/tcga-laml-clinical/LAML.survival_clinical.merged.tsv"
cl <- read.delim(clin_path, colClasses = "character", na.strings = character(0), check.names = FALSE)
cl <- cl[cl$has_mirna == "1", ]
patients <- strsplit(readLines("tests/data/laml/expression.tsv", n = 1L), "\t", fixed = TRUE)[[1]][-1]
stopifnot(nrow(cl) == 188, setequal(cl$patient_barcode, patients))
cl <- cl[match(patients, cl$patient_barcode), ]
miss <- function(v) is.na(v) | v == "" | v == "NA"
dfs_e <- cl$DFS_event
stopifnot(all(dfs_e[!miss(dfs_e)] %in% c("0", "1")), all(cl$OS_event %in% c("0", "1")))
free <- !miss(dfs_e) & dfs_e == "0"
stopifnot(all(as.numeric(cl$DFS_months[free]) == as.numeric(cl$OS_months[free])))
status <- ifelse(miss(dfs_e), "NA", ifelse(dfs_e == "1", "1", ifelse(cl$OS_event == "1", "2", "0")))
out <- data.frame(patient = cl$patient_barcode, age = cl$age, sex = cl$sex, risk_cyto = cl$risk_cyto,
                  OS_months = cl$OS_months, OS_event = cl$OS_event, DFS_months = cl$DFS_months,
                  DFS_event = cl$DFS_event, relapse_months = cl$DFS_months, relapse_status = status,
                  stringsAsFactors = FALSE)
for (v in names(out)) out[[v]][miss(out[[v]])] <- "NA"
con <- file("tests/data/laml/relapse.tsv", open = "wb")
writeLines(paste(names(out), collapse = "\t"), con, sep = "\n")
writeLines(do.call(paste, c(out, sep = "\t")), con, sep = "\n")
close(con)
cat("relapse_status:", paste(names(table(status)), table(status), collapse = ", "), "\n")
