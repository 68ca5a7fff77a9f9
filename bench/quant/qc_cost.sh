#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Whole-process cost of the miRTrace QC in `lscmir quant`: QC on vs --no-qc at 1 and 2 threads on
# the 10 M-read bench file, each configuration RUNS times (interleaved), under /usr/bin/time.
# Figures and how to read them: bench/README.md, "miRTrace QC on vs off".
#
#   bench/quant/qc_cost.sh SCRATCH_DIR LSCMIR [LSCMIR_BEFORE]
#
# SCRATCH_DIR/reads10M.fastq.gz is made by bench/quant/run.sh (or gen_reads.py + gzip -6).
# With LSCMIR_BEFORE (e.g. the main branch's binary), both binaries are measured in turn.
# Writes SCRATCH_DIR/qc_times.tsv (binary threads qc wall_s user_s sys_s maxrss_kb) and prints
# the median CPU (user + sys) per configuration and the QC cost in %.
set -euo pipefail
[[ $# -ge 2 ]] || { echo "usage: bench/quant/qc_cost.sh SCRATCH_DIR LSCMIR [LSCMIR_BEFORE]" >&2; exit 2; }
SCRATCH=$1
shift
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DATA=${LSCMIR_BENCH_DATA:-$REPO/../shared/data}
RUNS=${LSCMIR_BENCH_RUNS:-2}
HP=$DATA/mirbase22/hairpin_hsa.v22.fa
MAT=$DATA/mirbase22/mature_hsa.v22.fa
READS=$SCRATCH/reads10M.fastq.gz
[[ -s $READS ]] || { echo "missing $READS (bench/quant/run.sh makes it)" >&2; exit 2; }
cat "$READS" > /dev/null
: > "$SCRATCH/qc_times.tsv"
for ((rep = 1; rep <= RUNS; rep++)); do
  for bin in "$@"; do
    for t in 1 2; do
      for qc in qc no-qc; do
        flag=()
        [[ $qc == no-qc ]] && flag=(--no-qc)
        /usr/bin/time -f "$bin\t$t\t$qc\t%e\t%U\t%S\t%M" -a -o "$SCRATCH/qc_times.tsv" "$bin" quant --hairpin "$HP" --mature "$MAT" \
          --adapter truseq --threads "$t" --quiet --force "${flag[@]}" --out "$SCRATCH/qc_out" "$READS"
      done
    done
  done
done
python3 - "$SCRATCH/qc_times.tsv" <<'PY'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
cpu = {}
for b, t, qc, wall, user, sys_, rss in rows:
    cpu.setdefault((b, t, qc), []).append((float(user) + float(sys_), float(wall), int(rss)))
print("binary\tthreads\tcpu_s_qc\tcpu_s_noqc\tqc_cost_cpu\twall_s_qc\twall_s_noqc\tpeak_rss_MiB_qc")
for (b, t, qc) in sorted(cpu):
    if qc != "qc" or (b, t, "no-qc") not in cpu:
        continue
    on, off = cpu[(b, t, "qc")], cpu[(b, t, "no-qc")]
    c_on, c_off = statistics.median(x[0] for x in on), statistics.median(x[0] for x in off)
    print("%s\t%s\t%.2f\t%.2f\t%+.0f%%\t%.1f\t%.1f\t%.1f" % (b, t, c_on, c_off, 100 * (c_on / c_off - 1),
          statistics.median(x[1] for x in on), statistics.median(x[1] for x in off), max(x[2] for x in on) / 1024))
PY
