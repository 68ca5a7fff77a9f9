#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Whole-process benchmarks of `lscmir de` against the equivalent limma Rscript
# (contract and last figures: bench/README.md).
#
#   bench/de/run.sh path/to/lscmir [SCRATCH_DIR]
#
# Runs, in order:
#   1. LIHC paired (1,046 miRNAs x 98 samples) and 2. KIRC paired (1,046 x 142):
#      lscmir --threads 1, lscmir --threads 2 and bench/de/limma_de.R under hyperfine
#      (warmup 2, 10 runs), after checking that the two programs' tables agree.
#   3. large simulated case (50,000 features x 2,000 samples, ~ population + batch + age):
#      lscmir --threads 2 under hyperfine (3 runs), one run under /usr/bin/time -v for peak
#      memory, one --threads 1 run, and limma once (timeout 15 min) for the ratio and the
#      agreement check.
# Prints a summary table and writes it to SCRATCH_DIR/summary.tsv. Exit status: 0 when every
# comparison agrees, 1 when outputs disagree (or a program fails), 2 on bad usage.
#
# Environment (all optional):
#   LSCMIR_BENCH_DATA    folder with {LIHC,KIRC}.paired.{counts,samples}.tsv
#                        (default: <repo>/../shared/data/tcga-paired)
#   LSCMIR_BENCH_GEN     lscmir_bench_gen_de binary (default: <lscmir dir>/../bench/, else it is
#                        compiled from bench/de/gen_large.cpp into SCRATCH_DIR with ${CXX:-c++})
#   LSCMIR_BENCH_RUNS    hyperfine runs for the real data (default 10)
#   LSCMIR_BENCH_LARGE   0 skips the large case (default 1)
#   LSCMIR_BENCH_LARGE_R 0 skips the limma run on the large case (default 1)
#   LSCMIR_BENCH_TOL     relative tolerance of the agreement check (default 1e-6)
# The large counts file (~350 MB) is generated into SCRATCH_DIR/large and reused while its
# stamp matches; a scratch folder made by this script is removed at the end.
set -euo pipefail

usage() {
  echo "usage: bench/de/run.sh path/to/lscmir [SCRATCH_DIR]" >&2
  exit 2
}
[[ $# -ge 1 && $# -le 2 ]] || usage
LSCMIR=$(realpath "$1")
[[ -x $LSCMIR ]] || { echo "run.sh: $1 is not an executable" >&2; exit 2; }
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
DATA=${LSCMIR_BENCH_DATA:-$REPO/../shared/data/tcga-paired}
RUNS=${LSCMIR_BENCH_RUNS:-10}
TOL=${LSCMIR_BENCH_TOL:-1e-6}
if [[ $# -eq 2 ]]; then
  SCRATCH=$2
  mkdir -p "$SCRATCH"
else
  SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/lscmir-bench-de.XXXXXX")
  trap 'rm -rf "$SCRATCH"' EXIT
fi
SCRATCH=$(realpath "$SCRATCH")
for tool in hyperfine Rscript jq; do
  command -v "$tool" > /dev/null || { echo "run.sh: $tool is not installed" >&2; exit 2; }
done
[[ -x /usr/bin/time ]] || { echo "run.sh: /usr/bin/time is missing (apt package 'time')" >&2; exit 2; }

FAIL=0
SUMMARY=$SCRATCH/summary.tsv
printf 'case\tprogram\tmedian_s\tmin_s\tmax_s\truns\tratio_R_over_this\tcpu_s\tpeak_rss_MiB\tagreement\n' > "$SUMMARY"

# median / min / max seconds and run count of one hyperfine JSON result
hf_stats() {
  jq -r ".results[$2] | [.median, .min, .max, (.times | length)] | @tsv" "$1" |
    awk -F'\t' -v OFS='\t' '{ printf "%.4g\t%.4g\t%.4g\t%d\n", $1, $2, $3, $4 }'
}
# mean user + system CPU seconds of one hyperfine result (less sensitive to a busy machine)
hf_cpu() { jq -r ".results[$2] | .user + .system" "$1" | awk '{ printf "%.4g", $1 }'; }
# user + system CPU seconds from /usr/bin/time -v
time_cpu() { awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.4g", s }' "$1"; }
elapsed_s() { awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$1"; }
peak_mib() { awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$1"; }

echo "== machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== lscmir: $LSCMIR ($("$LSCMIR" --version 2>&1 | head -1), sha256 $(sha256sum "$LSCMIR" | cut -c1-12), built $(date -u -r "$LSCMIR" '+%Y-%m-%dT%H:%MZ')); repository HEAD $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "== R: $(Rscript -e 'cat(R.version.string, "limma", format(packageVersion("limma")), "edgeR", format(packageVersion("edgeR")))' 2>/dev/null)"

# lscmir promises the same bytes for any --threads; a difference fails the benchmark
same_output() {
  if cmp -s "$1/$3" "$2/$3"; then
    echo "$3: --threads 1 and --threads 2 outputs are identical"
  else
    echo "$3: --threads 1 and --threads 2 outputs DIFFER" >&2
    FAIL=1
  fi
}

# --- real data ---------------------------------------------------------------------------------
real_case() {
  local name=$1 counts=$DATA/$1.paired.counts.tsv samples=$DATA/$1.paired.samples.tsv
  local dir=$SCRATCH/$name
  [[ -r $counts && -r $samples ]] || { echo "run.sh: missing $counts or $samples" >&2; exit 2; }
  mkdir -p "$dir"
  local args="--counts $counts --samples $samples --contrast tumor-normal"
  echo "== $name: agreement check"
  "$LSCMIR" de $args --threads 2 --force --out "$dir/lscmir" 2> "$dir/lscmir.log" || { cat "$dir/lscmir.log" >&2; FAIL=1; return; }
  Rscript "$HERE/limma_de.R" $args --out "$dir/r" 2> "$dir/r.log" || { cat "$dir/r.log" >&2; FAIL=1; return; }
  local agree
  if Rscript "$HERE/compare_de.R" "$dir/lscmir" "$dir/r" tumor_vs_normal --tol "$TOL" > "$dir/compare.txt"; then
    agree=$(tail -1 "$dir/compare.txt")
  else
    agree=$(grep -m1 DISAGREE "$dir/compare.txt" || echo DISAGREE)
    FAIL=1
  fi
  cat "$dir/compare.txt"
  echo "== $name: hyperfine (warmup 2, $RUNS runs)"
  hyperfine -N --warmup 2 --runs "$RUNS" --export-json "$dir/hyperfine.json" \
    -n "limma (R)" "Rscript $HERE/limma_de.R $args --out $dir/r" \
    -n "lscmir --threads 1" "$LSCMIR de $args --threads 1 --force --out $dir/lscmir1" \
    -n "lscmir --threads 2" "$LSCMIR de $args --threads 2 --force --out $dir/lscmir2"
  same_output "$dir/lscmir1" "$dir/lscmir2" de_tumor_vs_normal.tsv
  local r_med
  r_med=$(hf_stats "$dir/hyperfine.json" 0 | cut -f1)
  local k prog stats med
  for k in 0 1 2; do
    prog=$(jq -r ".results[$k].command" "$dir/hyperfine.json")
    stats=$(hf_stats "$dir/hyperfine.json" "$k")
    med=$(cut -f1 <<< "$stats")
    printf '%s\t%s\t%s\t%s\t%s\t-\t%s\n' "$name" "$prog" "$stats" \
      "$(awk -v a="$r_med" -v b="$med" 'BEGIN { printf "%.1f", a / b }')" "$(hf_cpu "$dir/hyperfine.json" "$k")" \
      "$agree" >> "$SUMMARY"
  done
}
real_case LIHC
real_case KIRC

# --- large simulated case ----------------------------------------------------------------------
if [[ ${LSCMIR_BENCH_LARGE:-1} != 0 ]]; then
  LARGE=$SCRATCH/large
  GEN_ARGS=(--features 50000 --samples 2000 --seed 20240601)
  GEN=${LSCMIR_BENCH_GEN:-$(dirname "$LSCMIR")/../bench/lscmir_bench_gen_de}
  if [[ ! -x $GEN ]]; then
    GEN=$SCRATCH/lscmir_bench_gen_de
    if [[ ! -x $GEN || $GEN -ot $HERE/gen_large.cpp ]]; then
      echo "== compiling the generator: ${CXX:-c++} -O2 -std=c++20 -pthread"
      "${CXX:-c++}" -O2 -std=c++20 -pthread "$HERE/gen_large.cpp" -o "$GEN"
    fi
  fi
  STAMP="$(sha256sum "$HERE/gen_large.cpp" | cut -c1-16) ${GEN_ARGS[*]}"
  if [[ ! -s $LARGE/counts.tsv || "$(cat "$LARGE/stamp" 2> /dev/null)" != "$STAMP" ]]; then
    echo "== generating 50,000 x 2,000 counts into $LARGE"
    rm -f "$LARGE/stamp"
    /usr/bin/time -f "generated in %e s" "$GEN" --out "$LARGE" "${GEN_ARGS[@]}" --threads "$(nproc)"
    echo "$STAMP" > "$LARGE/stamp"
  fi
  echo "== large: counts.tsv $(du -m "$LARGE/counts.tsv" | cut -f1) MB"
  LARGS="--counts $LARGE/counts.tsv --samples $LARGE/samples.tsv --contrast B-A"
  DESIGN="~ population + batch + age"
  echo "== large: lscmir --threads 2 under /usr/bin/time -v (stage log below)"
  /usr/bin/time -v -o "$LARGE/lscmir.time" "$LSCMIR" de $LARGS --design "$DESIGN" --threads 2 --force \
    --out "$LARGE/lscmir" 2> "$LARGE/lscmir.log" || { cat "$LARGE/lscmir.log" >&2; exit 1; }
  cat "$LARGE/lscmir.log"
  L_PEAK=$(peak_mib "$LARGE/lscmir.time")
  echo "== large: lscmir --threads 1 once under /usr/bin/time -v (for the thread scaling)"
  /usr/bin/time -v -o "$LARGE/lscmir1.time" "$LSCMIR" de $LARGS --design "$DESIGN" --threads 1 --force \
    --out "$LARGE/lscmir1" 2> "$LARGE/lscmir1.log" || { cat "$LARGE/lscmir1.log" >&2; exit 1; }
  T1_S=$(elapsed_s "$LARGE/lscmir1.time")
  same_output "$LARGE/lscmir1" "$LARGE/lscmir" de_B_vs_A.tsv
  echo "== large: hyperfine (3 runs)"
  hyperfine -N --runs 3 --export-json "$LARGE/hyperfine.json" \
    -n "lscmir --threads 2" "$LSCMIR de $LARGS --design '$DESIGN' --threads 2 --force --out $LARGE/lscmir"
  L_STATS=$(hf_stats "$LARGE/hyperfine.json" 0)
  L_MED=$(cut -f1 <<< "$L_STATS")
  RATIO=- R_ROW=
  AGREE="not checked (limma skipped)"
  if [[ ${LSCMIR_BENCH_LARGE_R:-1} != 0 ]]; then
    echo "== large: limma once (timeout 15 min)"
    if timeout 900 /usr/bin/time -v -o "$LARGE/r.time" Rscript "$HERE/limma_de.R" $LARGS --design "$DESIGN" \
         --out "$LARGE/r" 2> "$LARGE/r.log"; then
      R_S=$(elapsed_s "$LARGE/r.time")
      RATIO=$(awk -v a="$R_S" -v b="$L_MED" 'BEGIN { printf "%.1f", a / b }')
      if Rscript "$HERE/compare_de.R" "$LARGE/lscmir" "$LARGE/r" B_vs_A --tol "$TOL" > "$LARGE/compare.txt"; then
        AGREE=$(tail -1 "$LARGE/compare.txt")
      else
        AGREE=$(grep -m1 DISAGREE "$LARGE/compare.txt" || echo DISAGREE)
        FAIL=1
      fi
      cat "$LARGE/compare.txt"
      R_ROW=$(printf 'large\tlimma (R), 1 run\t%s\t%s\t%s\t1\t1.0\t%s\t%s\t%s' "$R_S" "$R_S" "$R_S" \
        "$(time_cpu "$LARGE/r.time")" "$(peak_mib "$LARGE/r.time")" "$AGREE")
    else
      echo "limma did not finish within 15 minutes (or failed): no ratio for the large case"
      AGREE="not checked (limma over 15 min or failed)"
    fi
  fi
  [[ -n $R_ROW ]] && echo "$R_ROW" >> "$SUMMARY"
  RATIO1=-
  [[ $RATIO != - ]] && RATIO1=$(awk -v a="$R_S" -v b="$T1_S" 'BEGIN { printf "%.1f", a / b }')
  printf 'large\tlscmir --threads 1, 1 run\t%s\t%s\t%s\t1\t%s\t%s\t%s\t%s\n' "$T1_S" "$T1_S" "$T1_S" "$RATIO1" \
    "$(time_cpu "$LARGE/lscmir1.time")" "$(peak_mib "$LARGE/lscmir1.time")" "$AGREE" >> "$SUMMARY"
  printf 'large\tlscmir --threads 2\t%s\t%s\t%s\t%s\t%s\n' "$L_STATS" "$RATIO" "$(hf_cpu "$LARGE/hyperfine.json" 0)" \
    "$L_PEAK" "$AGREE" >> "$SUMMARY"
fi

echo
echo "== summary (seconds, whole process; ratio = limma median / this median; cpu_s = mean user+system)"
echo "== load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
column -t -s $'\t' "$SUMMARY"
if [[ $FAIL != 0 ]]; then
  echo "run.sh: FAILED: outputs disagree or a program failed (see above)" >&2
  exit 1
fi
