#!/usr/bin/env Rscript
# Goldens for `lscmir enrich --method hypergeometric` (tests/reference/enrich/*.tsv).
# Inputs: TargetScan 7.1 conserved targets (SPONGE's gene x mature table) and MSigDB Hallmark v7.0.
# Definitions (issue 6): universe = genes of the targets table in at least one set (intersected with
# a user universe when given); selected = universe genes targeted by any chosen miRNA;
# size = |set in universe|; overlap = |set and selected|; expected = size * |selected| / |universe|;
# P = phyper(overlap - 1, size, |universe| - size, |selected|, lower.tail = FALSE);
# FDR = p.adjust(P, "BH") over the tested sets in file order: a set with size 0 (no gene in the
# universe) cannot be tested and is left out of the table and of BH (issue 16).
#
# Run from the repository root:
#   Rscript tests/reference/gen/enrich_golden.R [TARGETS.tsv(.gz)]
# The default targets file is the full shared one when present, else the committed subset
# tests/data/targets/TargetScan7.1_conserved.hallmark_genes.tsv.gz (its rows for Hallmark genes; the
# universe only holds genes of some set, so both give identical goldens).
args <- commandArgs(trailingOnly = TRUE)
full <- "/work/shared/data/targetscan/TargetScan7.1_conserved_targets.human.gene_by_mature.long.tsv.gz"
subset <- "tests/data/targets/TargetScan7.1_conserved.hallmark_genes.tsv.gz"
targets_file <- if (length(args) >= 1) args[1] else if (file.exists(full)) full else subset
gmt_file <- "tests/data/targets/h.all.v7.0.symbols.gmt"
out_dir <- "tests/reference/enrich"

ts <- read.delim(gzfile(targets_file), stringsAsFactors = FALSE, check.names = FALSE)
ts <- ts[ts$n_conserved_sites > 0, ]
lines <- readLines(gmt_file, warn = FALSE)  # the file has no final newline
lines <- lines[nzchar(lines)]
fields <- strsplit(lines, "\t", fixed = TRUE)
set_names <- vapply(fields, `[`, "", 1)
sets <- lapply(fields, function(f) unique(f[-(1:2)][nzchar(f[-(1:2)])]))
names(sets) <- set_names

# A user universe for one case: the union of the first ten Hallmark sets, sorted.
universe_file <- "tests/data/targets/universe_hallmark_first10.txt"
user_universe <- sort(unique(unlist(sets[1:10])))
writeLines(c("# union of the first 10 sets of h.all.v7.0.symbols.gmt (made by tests/reference/gen/enrich_golden.R)",
             user_universe), universe_file)

enrich <- function(mirnas, user = NULL) {
  stopifnot(all(mirnas %in% ts$mature_name_mirbase22))
  universe <- intersect(unique(ts$gene_symbol), unique(unlist(sets)))
  if (!is.null(user)) universe <- intersect(universe, user)
  selected <- intersect(universe, unique(ts$gene_symbol[ts$mature_name_mirbase22 %in% mirnas]))
  U <- length(universe); n <- length(selected)
  size <- vapply(sets, function(s) length(intersect(s, universe)), 0L)
  overlap <- vapply(sets, function(s) length(intersect(s, selected)), 0L)
  P <- phyper(overlap - 1, size, U - size, n, lower.tail = FALSE)
  keep <- size > 0
  data.frame(gene_set = set_names[keep], size = size[keep], overlap = overlap[keep], expected = size[keep] * n / U,
             P = P[keep], FDR = p.adjust(P[keep], "BH"), stringsAsFactors = FALSE)
}

write_golden <- function(df, name) {
  f <- file.path(out_dir, paste0(name, ".tsv"))
  out <- df
  for (col in c("expected", "P", "FDR")) out[[col]] <- sprintf("%.17g", df[[col]])
  write.table(out, f, sep = "\t", quote = FALSE, row.names = FALSE)
  cat("wrote", f, "\n")
}

cases <- list(
  mir126 = list(mirnas = "hsa-miR-126-3p"),
  aml3 = list(mirnas = c("hsa-miR-155-5p", "hsa-miR-21-5p", "hsa-miR-181a-5p")),
  broad5 = list(mirnas = c("hsa-miR-17-5p", "hsa-miR-29a-3p", "hsa-miR-30a-5p", "hsa-miR-9-5p", "hsa-miR-125b-5p")),
  aml3_universe = list(mirnas = c("hsa-miR-155-5p", "hsa-miR-21-5p", "hsa-miR-181a-5p"), universe = TRUE)
)
cat("targets:", targets_file, "\n")
for (nm in names(cases)) {
  cs <- cases[[nm]]
  write_golden(enrich(cs$mirnas, if (isTRUE(cs$universe)) user_universe else NULL), nm)
}
writeLines(c("case\tmirnas\tuniverse",
             vapply(names(cases), function(nm) paste(nm, paste(cases[[nm]]$mirnas, collapse = ","),
                                                     if (isTRUE(cases[[nm]]$universe)) universe_file else "-", sep = "\t"), "")),
           file.path(out_dir, "cases.tsv"))
cat(R.version.string, "\n")
