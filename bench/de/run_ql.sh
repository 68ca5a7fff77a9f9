#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# edgeR quasi-likelihood on KIRC (bench/README.md, "DE with edgeR QL"): lscmir de --method ql --filter
# against bench/de/edger_ql.R (filterByExpr, TMM, estimateDisp, glmQLFit, glmQLFTest, topTags),
# whole process, median of RUNS wall times each; prints the common dispersions and the largest
# relative PValue difference first.
#
#   bench/de/run_ql.sh LSCMIR_BINARY [RUNS]
set -euo pipefail
bin=$1; runs=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
data=${LSCMIR_SHARED_DATA:-$here/../../../shared/data}/tcga-paired
[ -d "$data" ] || data=/work/shared/data/tcga-paired
k=$data/KIRC.paired
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
lscmir() { "$bin" de --counts "$k.counts.tsv" --samples "$k.samples.tsv" --contrast tumor-normal --method ql --filter \
  --out "$tmp/l$1" --force --quiet --threads "$2"; }
edger() { Rscript "$here/edger_ql.R" "$k.counts.tsv" "$k.samples.tsv" "$tmp/r" tumor normal; }
lscmir 0 2; edger
echo "common dispersion: edgeR $(cat "$tmp/r/common_dispersion.txt"), lscmir $(grep -o '"common_dispersion": [^,]*' "$tmp/l0/run_info.json")"
awk -F'\t' 'NR==FNR {if (FNR>1) p[$1]=$5; next} FNR>1 {d=($5-p[$1])/p[$1]; if (d<0) d=-d; if (d>m) m=d} END {printf "max relative PValue difference %.3g\n", m}' \
  "$tmp/r/de_tumor_vs_normal.tsv" "$tmp/l0/de_tumor_vs_normal.tsv"
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
time_it() { local t0 t1; for _ in $(seq "$runs"); do t0=$(date +%s.%N); "$@" >/dev/null 2>&1; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; done | median; }
r=$(time_it edger); l1=$(time_it lscmir 1 1); l2=$(time_it lscmir 2 2)
cpu() { /usr/bin/time -f '%U %S' "$@" 2>&1 >/dev/null | tail -1 | awk '{print $1 + $2}'; }
echo "CPU user+system (s), one run each: edgeR $(cpu Rscript "$here/edger_ql.R" "$k.counts.tsv" "$k.samples.tsv" "$tmp/r" tumor normal), lscmir t1 $(cpu "$bin" de --counts "$k.counts.tsv" --samples "$k.samples.tsv" --contrast tumor-normal --method ql --filter --out "$tmp/c" --force --quiet --threads 1)"
printf 'KIRC edgeR QL, median of %s runs (s): edgeR %s, lscmir t1 %s, t2 %s; ratio %.1fx / %.1fx\n' \
  "$runs" "$r" "$l1" "$l2" "$(echo "$r / $l1" | bc -l)" "$(echo "$r / $l2" | bc -l)"
