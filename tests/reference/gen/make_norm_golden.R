# Normalization goldens on THCA: tests/reference/norm/.
#
#   Rscript tests/reference/gen/make_norm_golden.R      (from the repository root)
#
# thca_<method>.tsv   sample, lib.size (= colSums, raw), norm.factors  for
#                     calcNormFactors(method = "TMM" | "upperquartile" | "RLE")
# thca_logcpm_prior2.tsv  edgeR::cpm(y, log = TRUE, prior.count = 2) with TMM
#                     factors (computed on all features), first 50 features
# thca_cpm.tsv        edgeR::cpm(y) (not log) with TMM factors, first 50 features

source("tests/reference/gen/common.R")

outdir <- "tests/reference/norm"
dir.create(outdir, recursive = TRUE, showWarnings = FALSE)
counts <- read_matrix_tsv("tests/data/thca/THCA.paired.counts.tsv")

for (m in c("TMM", "upperquartile", "RLE")) {
  y <- calcNormFactors(DGEList(counts), method = m)
  write_golden(data.frame(sample = rownames(y$samples), lib.size = y$samples$lib.size,
                          norm.factors = y$samples$norm.factors),
               file.path(outdir, sprintf("thca_%s.tsv", m)))
}
y <- calcNormFactors(DGEList(counts), method = "TMM")
lc <- cpm(y, log = TRUE, prior.count = 2)
write_golden(mat_with_id(lc[1:50, ]), file.path(outdir, "thca_logcpm_prior2.tsv"))
cp <- cpm(y)
write_golden(mat_with_id(cp[1:50, ]), file.path(outdir, "thca_cpm.tsv"))
cat("wrote", list.files(outdir), "\n")
