#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Whole-process benchmark of `lscmir quant` against cutadapt + bowtie + counting
# (tests/reference/gen/quant_reference.sh) on 10 M reads (contract and figures: bench/README.md).
#
#   bench/quant/run.sh path/to/lscmir [SCRATCH_DIR]
#
# 1. Makes SCRATCH_DIR/reads10M.fastq.gz once (bench/quant/gen_reads.py: 10,000,000 reads drawn
#    with replacement from the two TruSeq FASTQ files of ../shared/data/smallrna-fastq, seed
#    20261129, substitution errors at 0.2% per base; pigz -6). Reused while it exists.
# 2. Runs lscmir quant (--adapter truseq, --threads $THREADS) $RUNS times and the reference once
#    (cutadapt -j $THREADS, bowtie -p $THREADS), each under /usr/bin/time (wall, CPU, peak RSS).
# 3. Checks the counts agree (bench/quant/compare.py) and prints a summary, also written to
#    SCRATCH_DIR/summary.tsv.
# Environment: LSCMIR_BENCH_DATA (default <repo>/../shared/data), LSCMIR_BENCH_THREADS (2),
# LSCMIR_BENCH_RUNS (3), LSCMIR_BENCH_READS (10000000).
set -euo pipefail
[[ $# -ge 1 && $# -le 2 ]] || { echo "usage: bench/quant/run.sh path/to/lscmir [SCRATCH_DIR]" >&2; exit 2; }
LSCMIR=$(realpath "$1")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
DATA=${LSCMIR_BENCH_DATA:-$REPO/../shared/data}
THREADS=${LSCMIR_BENCH_THREADS:-2}
RUNS=${LSCMIR_BENCH_RUNS:-3}
NREADS=${LSCMIR_BENCH_READS:-10000000}
SCRATCH=${2:-$(mktemp -d "${TMPDIR:-/tmp}/lscmir-bench-quant.XXXXXX")}
mkdir -p "$SCRATCH"
HP=$DATA/mirbase22/hairpin_hsa.v22.fa
MAT=$DATA/mirbase22/mature_hsa.v22.fa
READS=$SCRATCH/reads$((NREADS / 1000000))M.fastq.gz
ADAPTER=TGGAATTCTCGGGTGCCAAGG

if [[ ! -s $READS ]]; then
  echo "[bench] generating $READS" >&2
  python3 "$HERE/gen_reads.py" "${READS%.gz}" "$NREADS" 20261129 0.002 \
    "$DATA/smallrna-fastq/mirtrace_sample1_hsa.fastq.gz" "$DATA/smallrna-fastq/mirtrace_sample2_hsa.fastq.gz"
  pigz -p "$THREADS" -6 -f "${READS%.gz}"
fi
cat "$READS" > /dev/null  # page cache warm for both programs

measure() {  # label, command...: appends "label wall user sys maxrss_kb" to $SCRATCH/times.tsv
  local label=$1
  shift
  /usr/bin/time -f "$label\t%e\t%U\t%S\t%M" -a -o "$SCRATCH/times.tsv" "$@"
}
: > "$SCRATCH/times.tsv"
for ((i = 1; i <= RUNS; i++)); do
  measure lscmir "$LSCMIR" quant --hairpin "$HP" --mature "$MAT" --adapter truseq --threads "$THREADS" --quiet --force \
    --out "$SCRATCH/lscmir" "$READS"
done
measure reference "$REPO/tests/reference/gen/quant_reference.sh" "$ADAPTER" "$READS" "$HP" "$MAT" "$SCRATCH/reference" "$THREADS"

sample=$(basename "$READS" .fastq.gz)
agreement=$(python3 "$HERE/compare.py" "$SCRATCH/lscmir/counts.tsv" "$sample" "$SCRATCH/reference.mature.tsv") || status=$?
python3 - "$SCRATCH/times.tsv" "$NREADS" "$agreement" "$THREADS" <<'PY' | tee "$SCRATCH/summary.tsv"
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
n = int(sys.argv[2])
def pick(label):
    r = sorted((x for x in rows if x[0] == label), key=lambda x: float(x[1]))
    return r[len(r) // 2], len(r)
l, nl = pick("lscmir")
r, nr = pick("reference")
lw, rw = float(l[1]), float(r[1])
print("program\truns\twall_s(median)\tcpu_s\tpeak_rss_MiB\treads_per_s")
print("lscmir quant\t%d\t%.2f\t%.2f\t%.1f\t%.0f" % (nl, lw, float(l[2]) + float(l[3]), int(l[4]) / 1024, n / lw))
print("cutadapt+bowtie+count\t%d\t%.2f\t%.2f\t%.1f\t%.0f" % (nr, rw, float(r[2]) + float(r[3]), int(r[4]) / 1024, n / rw))
print("ratio (reference wall / lscmir wall)\t%.1fx\tthreads %s" % (rw / lw, sys.argv[4]))
print("agreement\t" + sys.argv[3])
PY
exit "${status:-0}"
