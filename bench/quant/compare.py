#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Agreement of lscmir quant's counts.tsv (one sample column) with the reference procedure's
PREFIX.mature.tsv: Spearman over miRNAs with >= 10 reads in either, assigned totals, max |diff|.
  compare.py COUNTS_TSV COLUMN REFERENCE_MATURE_TSV
Prints one line of key=value pairs; exit 1 when Spearman < 0.99 or totals differ by > 1%."""
import csv
import sys


def ranks(x):
    order = sorted(range(len(x)), key=lambda i: x[i])
    r = [0.0] * len(x)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and x[order[j + 1]] == x[order[i]]:
            j += 1
        for k in range(i, j + 1):
            r[order[k]] = (i + j) / 2.0 + 1.0
        i = j + 1
    return r


def spearman(a, b):
    ra, rb = ranks(a), ranks(b)
    n = len(a)
    ma, mb = sum(ra) / n, sum(rb) / n
    sab = sum((x - ma) * (y - mb) for x, y in zip(ra, rb))
    saa = sum((x - ma) ** 2 for x in ra)
    sbb = sum((y - mb) ** 2 for y in rb)
    return sab / (saa * sbb) ** 0.5


def main():
    counts, column, ref_path = sys.argv[1], sys.argv[2], sys.argv[3]
    with open(counts) as fh:
        rows = list(csv.reader(fh, delimiter="\t"))
    j = rows[0].index(column)
    got = {r[0]: float(r[j]) for r in rows[1:]}
    with open(ref_path) as fh:
        want = {r[0]: float(r[1]) for r in list(csv.reader(fh, delimiter="\t"))[1:]}
    names = [m for m in want if want[m] >= 10 or got.get(m, 0.0) >= 10]
    rho = spearman([got.get(m, 0.0) for m in names], [want[m] for m in names])
    tg, tw = sum(got.values()), sum(want.values())
    maxdiff = max(abs(got.get(m, 0.0) - want[m]) for m in want)
    print("mirnas_ge10=%d spearman=%.6f assigned_lscmir=%.1f assigned_reference=%.1f rel_diff=%.2e max_abs_diff=%.3g"
          % (len(names), rho, tg, tw, abs(tg - tw) / tw, maxdiff))
    sys.exit(0 if rho >= 0.99 and abs(tg - tw) <= 0.01 * tw else 1)


if __name__ == "__main__":
    main()
