# Shared helpers for the golden-file generators under tests/reference/gen/.
# Sourced by the other scripts; run everything from the repository root.
#
# Number format: every number is written with sprintf("%.17g"), which round-trips
# an IEEE double exactly.  NA and NaN are both written as NA; +-Inf as Inf / -Inf.
# Files are tab-separated with one header line, no quoting, "\n" line ends.

suppressPackageStartupMessages({
  library(limma)
  library(edgeR)
})

stopifnot(file.exists("tests/reference/gen/common.R"))  # must run from repo root

fmt_num <- function(x, fmt = "%.17g") {
  out <- sprintf(fmt, as.numeric(x))
  out[is.na(x)] <- "NA"          # covers NA and NaN
  out
}

fmt_col <- function(x, fmt = "%.17g") {
  if (is.logical(x)) {
    out <- ifelse(x, "TRUE", "FALSE")
    out[is.na(x)] <- "NA"
    return(out)
  }
  if (is.numeric(x)) return(fmt_num(x, fmt))
  out <- as.character(x)
  out[is.na(x)] <- "NA"
  out
}

# Write a data.frame (or matrix) as TSV with the format above.
write_golden <- function(df, path, fmt = "%.17g") {
  df <- as.data.frame(df, stringsAsFactors = FALSE, check.names = FALSE)
  dir.create(dirname(path), recursive = TRUE, showWarnings = FALSE)
  cols <- lapply(df, fmt_col, fmt = fmt)
  lines <- do.call(paste, c(cols, sep = "\t"))
  con <- file(path, open = "wb")
  on.exit(close(con))
  writeLines(paste(colnames(df), collapse = "\t"), con, sep = "\n")
  if (length(lines)) writeLines(lines, con, sep = "\n")
  invisible(path)
}

# Matrix with row names -> data.frame with a leading id column.
mat_with_id <- function(m, id = "feature") {
  df <- data.frame(id = rownames(m), stringsAsFactors = FALSE)
  names(df) <- id
  cbind(df, as.data.frame(m, stringsAsFactors = FALSE, optional = TRUE))
}

read_matrix_tsv <- function(path) {
  x <- read.delim(path, check.names = FALSE, stringsAsFactors = FALSE,
                  na.strings = "NA", colClasses = c("character"))
  ids <- x[[1]]
  m <- as.matrix(x[, -1, drop = FALSE])
  storage.mode(m) <- "double"
  rownames(m) <- ids
  m
}

read_samples_tsv <- function(path) {
  read.delim(path, check.names = FALSE, stringsAsFactors = FALSE)
}

# Factor levels are sorted with the C (byte-order) collation, whatever the
# user's locale is, so that "~ patient + population" gives the same columns
# everywhere.  lscmir sorts levels bytewise too.
invisible(Sys.setlocale("LC_COLLATE", "C"))
