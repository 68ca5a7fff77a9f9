#!/usr/bin/env python3
"""Makes tests/data/targets/TargetScan7.1_conserved.hallmark_genes.tsv.gz.

The rows of TargetScan 7.1 conserved targets (shared data) whose gene is in some MSigDB Hallmark
v7.0 set, header and file order kept, gzip level 9 without name or time stamp (reproducible bytes).
Enrichment over Hallmark only sees genes that are in some set, so this subset gives the same results
as the full file (tests/reference/gen/enrich_golden.R makes identical goldens from either).
Run from the repository root: tests/reference/gen/make_targets_subset.py [SHARED_DATA_DIR]
"""
import gzip
import sys

shared = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"
hallmark = set()
with open("tests/data/targets/h.all.v7.0.symbols.gmt") as f:  # no newline after the last line
    for line in f:
        hallmark.update(g for g in line.rstrip("\n").split("\t")[2:] if g)
src = f"{shared}/targetscan/TargetScan7.1_conserved_targets.human.gene_by_mature.long.tsv.gz"
with gzip.open(src, "rt") as f:
    rows = f.readlines()
keep = [rows[0]] + [r for r in rows[1:] if r.split("\t")[0] in hallmark]
out = "tests/data/targets/TargetScan7.1_conserved.hallmark_genes.tsv.gz"
with open(out, "wb") as raw, gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=raw, mtime=0) as gz:
    gz.write("".join(keep).encode())
print(f"wrote {out}: {len(keep) - 1} rows of {len(rows) - 1}")
