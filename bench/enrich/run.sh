#!/usr/bin/env bash
# Benchmark of `lscmir enrich --method empirical` (bench/README.md, section "lscmir enrich"):
# TargetScan 7.1 conserved targets (216,390 miRNA-gene pairs, 349 miRNAs) x the 50 MSigDB Hallmark
# sets, 3 chosen miRNAs, 10,000 random miRNA sets. Measures the whole process on 1 and 2 threads
# (hyperfine) and checks that both write the same enrichment.tsv.
# Usage: bench/enrich/run.sh [BUILD_DIR]; LSCMIR_SHARED (default ../shared/data), LSCMIR_BENCH_WORK.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
shared=${LSCMIR_SHARED:-$root/../shared/data}
work=${LSCMIR_BENCH_WORK:-/tmp/lscmir-bench-enrich}
lscmir=$build/app/lscmir
mkdir -p "$work"
echo "== machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
"$lscmir" targets --import targetscan "$shared/targetscan/TargetScan7.1_conserved_targets.human.gene_by_mature.long.tsv.gz" \
  --out "$work/ts71" --force --quiet
args="--targets $work/ts71/targets.tsv --mirnas hsa-miR-155-5p,hsa-miR-21-5p,hsa-miR-181a-5p --gene-sets $shared/genesets/h.all.v7.0.symbols.gmt --method empirical --permutations 10000 --seed 1 --force"
for t in 1 2; do
  "$lscmir" enrich $args --threads $t --out "$work/out$t" 2>&1 | grep -E "universe" || true
done
cmp "$work/out1/enrichment.tsv" "$work/out2/enrichment.tsv" || { echo "FAIL: 1 and 2 threads differ" >&2; exit 1; }
echo "enrichment.tsv identical for 1 and 2 threads"
hyperfine -N --warmup 1 --runs 5 "$lscmir enrich $args --quiet --threads 1 --out $work/h1" "$lscmir enrich $args --quiet --threads 2 --out $work/h2" \
  | grep -E "Time|Range|enrich"
