#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Blocked voom on KIRC (bench/README.md, "DE with duplicateCorrelation"): lscmir de --block patient
# against bench/de/limma_block.R, whole process, median of RUNS wall times each; checks agreement
# (compare_de.R, tol 1e-6) and the consensus correlation first.
#
#   bench/de/run_block.sh LSCMIR_BINARY [RUNS]
set -euo pipefail
bin=$1; runs=${2:-5}
here=$(cd "$(dirname "$0")" && pwd)
data=${LSCMIR_SHARED_DATA:-$here/../../../shared/data}/tcga-paired
[ -d "$data" ] || data=/work/shared/data/tcga-paired
k=$data/KIRC.paired
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
lscmir() { "$bin" de --counts "$k.counts.tsv" --samples "$k.samples.tsv" --contrast tumor-normal --block patient \
  --out "$tmp/l$1" --force --quiet --threads "$2"; }
limma() { Rscript "$here/limma_block.R" "$k.counts.tsv" "$k.samples.tsv" "$tmp/r" tumor normal; }
lscmir 0 2; limma
Rscript "$here/compare_de.R" "$tmp/l0" "$tmp/r" tumor_vs_normal
echo "consensus: limma $(cat "$tmp/r/consensus_correlation.txt"), lscmir $(grep -o '"consensus_correlation": [^,]*' "$tmp/l0/run_info.json")"
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
time_it() { local t0 t1; for _ in $(seq "$runs"); do t0=$(date +%s.%N); "$@" >/dev/null 2>&1; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; done | median; }
r=$(time_it limma); l1=$(time_it lscmir 1 1); l2=$(time_it lscmir 2 2)
cpu() { /usr/bin/time -f '%U %S' "$@" 2>&1 >/dev/null | tail -1 | awk '{print $1 + $2}'; }
echo "CPU user+system (s), one run each: limma $(cpu Rscript "$here/limma_block.R" "$k.counts.tsv" "$k.samples.tsv" "$tmp/r" tumor normal), lscmir t1 $(cpu "$bin" de --counts "$k.counts.tsv" --samples "$k.samples.tsv" --contrast tumor-normal --block patient --out "$tmp/c" --force --quiet --threads 1)"
printf 'KIRC blocked voom, median of %s runs (s): limma %s, lscmir t1 %s, t2 %s; ratio %.1fx / %.1fx\n' \
  "$runs" "$r" "$l1" "$l2" "$(echo "$r / $l1" | bc -l)" "$(echo "$r / $l2" | bc -l)"
