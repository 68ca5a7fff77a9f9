# SPDX-License-Identifier: GPL-3.0-or-later
# Shared argument parsing of the benchmark generators: `SCRIPT OUT_DIR [--key INT]...`.
# parse_bench_args(defaults, usage) returns list(out = OUT_DIR, opt = defaults updated from the
# command line); an unknown or incomplete option, or no OUT_DIR, stops with `usage`.
parse_bench_args <- function(defaults, usage) {
  args <- commandArgs(trailingOnly = TRUE)
  opt <- defaults
  out <- NULL
  i <- 1L
  while (i <= length(args)) {
    a <- args[i]
    if (startsWith(a, "--")) {
      key <- substring(a, 3L)
      if (!key %in% names(opt) || i == length(args)) stop("unknown or incomplete option ", a)
      opt[[key]] <- as.integer(args[i + 1L])
      i <- i + 2L
    } else {
      out <- a
      i <- i + 1L
    }
  }
  if (is.null(out)) stop(usage)
  list(out = out, opt = opt)
}

