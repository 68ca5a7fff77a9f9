#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Whole-process benchmark of `lscmir survival` against an Rscript loop over coxph / survdiff
# (contract and last figures: bench/README.md, "survival").
#
#   bench/survival/run.sh path/to/lscmir [SCRATCH_DIR]
#
# Runs, in order:
#   1. generates 2,600 features x 500 patients with bench/survival/gen_data.R (seeded) into
#      SCRATCH_DIR/data, unless the files there carry the same stamp;
#   2. agreement: lscmir survival --split median (--threads 2 and --threads 1, which must write
#      byte-identical tables) and bench/survival/r_loop.R once each, compared by
#      bench/survival/compare.R (coef, se, P.Wald, P.LRT, P.score, C, chisq; tolerance 1e-6);
#   3. hyperfine: lscmir --threads 1 and --threads 2 (warmup 2, 10 runs), the R loop (3 runs);
#   4. --permutations: a small permutation count at --threads 1 and 2 must give identical
#      tables; then one logged run and hyperfine (3 runs) of the Cox screen with
#      --permutations 1000 --threads 2.
# Prints a summary table (also SCRATCH_DIR/summary.tsv) with the goals of the contract
# (R / lscmir >= 50; permutations < 60 s). Exit status: 0 when the outputs agree (whether or not
# the speed goals are met: they are reported, timing depends on the machine), 1 when outputs
# disagree or a program fails, 2 on bad usage.
#
# Environment (all optional):
#   LSCMIR_BENCH_RUNS        hyperfine runs of lscmir (default 10)
#   LSCMIR_BENCH_R_RUNS      hyperfine runs of the R loop (default 3)
#   LSCMIR_BENCH_PERM        permutation count of the timed runs (default 1000)
#   LSCMIR_BENCH_PERM_RUNS   hyperfine runs with --permutations (default 3)
#   LSCMIR_BENCH_PERM_CHECK  permutation count of the --threads 1 / 2 identity check (default 50)
#   LSCMIR_BENCH_TOL         relative tolerance of the agreement check (default 1e-6)
# A scratch folder made by this script is removed at the end.
set -euo pipefail

usage() {
  echo "usage: bench/survival/run.sh path/to/lscmir [SCRATCH_DIR]" >&2
  exit 2
}
[[ $# -ge 1 && $# -le 2 ]] || usage
LSCMIR=$(realpath "$1")
[[ -x $LSCMIR ]] || { echo "run.sh: $1 is not an executable" >&2; exit 2; }
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
RUNS=${LSCMIR_BENCH_RUNS:-10}
R_RUNS=${LSCMIR_BENCH_R_RUNS:-3}
PERM=${LSCMIR_BENCH_PERM:-1000}
PERM_RUNS=${LSCMIR_BENCH_PERM_RUNS:-3}
PERM_CHECK=${LSCMIR_BENCH_PERM_CHECK:-50}
TOL=${LSCMIR_BENCH_TOL:-1e-6}
if [[ $# -eq 2 ]]; then
  SCRATCH=$2
  mkdir -p "$SCRATCH"
else
  SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/lscmir-bench-survival.XXXXXX")
  trap 'rm -rf "$SCRATCH"' EXIT
fi
SCRATCH=$(realpath "$SCRATCH")
for tool in hyperfine Rscript jq; do
  command -v "$tool" > /dev/null || { echo "run.sh: $tool is not installed" >&2; exit 2; }
done

FAIL=0
SUMMARY=$SCRATCH/summary.tsv
printf 'case\tprogram\tmedian_s\tmin_s\tmax_s\truns\tratio_R_over_this\tcpu_s\tagreement\n' > "$SUMMARY"

# median / min / max seconds and run count of one hyperfine JSON result
hf_stats() {
  jq -r ".results[$2] | [.median, .min, .max, (.times | length)] | @tsv" "$1" |
    awk -F'\t' -v OFS='\t' '{ printf "%.4g\t%.4g\t%.4g\t%d\n", $1, $2, $3, $4 }'
}
# mean user + system CPU seconds of one hyperfine result (less sensitive to a busy machine)
hf_cpu() { jq -r ".results[$2] | .user + .system" "$1" | awk '{ printf "%.4g", $1 }'; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

echo "== machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load average $(loadavg)"
echo "== lscmir: $LSCMIR ($("$LSCMIR" --version 2>&1 | head -1), sha256 $(sha256sum "$LSCMIR" | cut -c1-12), built $(date -u -r "$LSCMIR" '+%Y-%m-%dT%H:%MZ')); repository HEAD $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "== R: $(Rscript -e 'cat(R.version.string, "survival", format(packageVersion("survival")))' 2>/dev/null)"

# --- 1. data ------------------------------------------------------------------------------------
DATA=$SCRATCH/data
GEN_ARGS=(--features 2600 --patients 500 --associated 40 --seed 20261201)
STAMP="$(sha256sum "$HERE/gen_data.R" | cut -c1-16) ${GEN_ARGS[*]}"
if [[ ! -s $DATA/expression.tsv || ! -s $DATA/clinical.tsv || "$(cat "$DATA/stamp" 2> /dev/null)" != "$STAMP" ]]; then
  echo "== generating the input into $DATA"
  rm -f "$DATA/stamp"
  Rscript "$HERE/gen_data.R" "$DATA" "${GEN_ARGS[@]}"
  echo "$STAMP" > "$DATA/stamp"
fi
echo "== input: expression.tsv $(wc -c < "$DATA/expression.tsv") bytes (sha256 $(sha256sum "$DATA/expression.tsv" | cut -c1-12)), clinical.tsv $(($(wc -l < "$DATA/clinical.tsv") - 1)) patients, $(awk -F'\t' 'NR > 1 { e += $3 } END { print e }' "$DATA/clinical.tsv") events"

ARGS="--expression $DATA/expression.tsv --clinical $DATA/clinical.tsv --id patient --time time --event event"
R_ARGS="$DATA/expression.tsv $DATA/clinical.tsv patient time event"

# lscmir promises the same bytes for any --threads; a difference fails the benchmark
same_output() {
  local f
  for f in "${@:3}"; do
    if cmp -s "$1/$f" "$2/$f"; then
      echo "$f: --threads 1 and --threads 2 outputs are identical"
    else
      echo "$f: --threads 1 and --threads 2 outputs DIFFER" >&2
      FAIL=1
    fi
  done
}

# --- 2. agreement -------------------------------------------------------------------------------
echo "== agreement check (lscmir --split median vs r_loop.R)"
"$LSCMIR" survival $ARGS --split median --threads 2 --force --out "$SCRATCH/lscmir2" 2> "$SCRATCH/lscmir2.log" ||
  { cat "$SCRATCH/lscmir2.log" >&2; exit 1; }
echo "-- lscmir --threads 2 log:"
cat "$SCRATCH/lscmir2.log"
"$LSCMIR" survival $ARGS --split median --threads 1 --force --out "$SCRATCH/lscmir1" 2> "$SCRATCH/lscmir1.log" ||
  { cat "$SCRATCH/lscmir1.log" >&2; exit 1; }
echo "-- lscmir --threads 1 log:"
cat "$SCRATCH/lscmir1.log"
same_output "$SCRATCH/lscmir1" "$SCRATCH/lscmir2" cox.tsv logrank.tsv
Rscript "$HERE/r_loop.R" $R_ARGS "$SCRATCH/r.tsv" 2> "$SCRATCH/r.log" || { cat "$SCRATCH/r.log" >&2; exit 1; }
[[ -s $SCRATCH/r.log ]] && { echo "-- r_loop.R stderr:"; cat "$SCRATCH/r.log"; }
if Rscript "$HERE/compare.R" "$SCRATCH/lscmir2" "$SCRATCH/r.tsv" --tol "$TOL" > "$SCRATCH/compare.txt"; then
  AGREE=$(tail -1 "$SCRATCH/compare.txt")
else
  AGREE=$(grep -m1 DISAGREE "$SCRATCH/compare.txt" || echo DISAGREE)
  FAIL=1
fi
cat "$SCRATCH/compare.txt"

# --- 3. whole-process timing --------------------------------------------------------------------
echo "== hyperfine: lscmir (warmup 2, $RUNS runs), load average $(loadavg)"
hyperfine -N --warmup 2 --runs "$RUNS" --export-json "$SCRATCH/hf_lscmir.json" \
  -n "lscmir --split median --threads 1" "$LSCMIR survival $ARGS --split median --threads 1 --force --out $SCRATCH/lscmir1" \
  -n "lscmir --split median --threads 2" "$LSCMIR survival $ARGS --split median --threads 2 --force --out $SCRATCH/lscmir2"
echo "== hyperfine: R loop ($R_RUNS runs), load average $(loadavg)"
hyperfine -N --runs "$R_RUNS" --export-json "$SCRATCH/hf_r.json" \
  -n "Rscript r_loop.R (coxph + survdiff)" "Rscript $HERE/r_loop.R $R_ARGS $SCRATCH/r.tsv"
R_STATS=$(hf_stats "$SCRATCH/hf_r.json" 0)
R_MED=$(cut -f1 <<< "$R_STATS")
printf 'cox+logrank\tRscript r_loop.R\t%s\t1.0\t%s\t%s\n' "$R_STATS" "$(hf_cpu "$SCRATCH/hf_r.json" 0)" "$AGREE" >> "$SUMMARY"
RATIO2=
for k in 0 1; do
  stats=$(hf_stats "$SCRATCH/hf_lscmir.json" "$k")
  med=$(cut -f1 <<< "$stats")
  ratio=$(awk -v a="$R_MED" -v b="$med" 'BEGIN { printf "%.1f", a / b }')
  [[ $k == 1 ]] && RATIO2=$ratio
  printf 'cox+logrank\tlscmir --threads %d\t%s\t%s\t%s\t%s\n' $((k + 1)) "$stats" "$ratio" \
    "$(hf_cpu "$SCRATCH/hf_lscmir.json" "$k")" "$AGREE" >> "$SUMMARY"
done
RATIO1=$(awk -F'\t' '$2 == "lscmir --threads 1" { print $7 }' "$SUMMARY")

# --- 4. permutation FDR -------------------------------------------------------------------------
echo "== --permutations $PERM_CHECK: --threads 1 and --threads 2 must write the same table"
for t in 1 2; do
  "$LSCMIR" survival $ARGS --permutations "$PERM_CHECK" --threads $t --force --out "$SCRATCH/perm_check$t" \
    2> "$SCRATCH/perm_check$t.log" || { cat "$SCRATCH/perm_check$t.log" >&2; exit 1; }
done
same_output "$SCRATCH/perm_check1" "$SCRATCH/perm_check2" cox.tsv
echo "== --permutations $PERM --threads 2: one logged run, load average $(loadavg)"
"$LSCMIR" survival $ARGS --permutations "$PERM" --threads 2 --force --out "$SCRATCH/perm" 2> "$SCRATCH/perm.log" ||
  { cat "$SCRATCH/perm.log" >&2; exit 1; }
cat "$SCRATCH/perm.log"
echo "FDR.perm: $(awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "FDR.perm") c = i; next }
  $c != "NA" && $c < 0.05 { k++ } END { printf "%d features below 0.05", k }' "$SCRATCH/perm/cox.tsv")"
echo "== hyperfine: --permutations $PERM --threads 2 ($PERM_RUNS runs), load average $(loadavg)"
hyperfine -N --runs "$PERM_RUNS" --export-json "$SCRATCH/hf_perm.json" \
  -n "lscmir --permutations $PERM --threads 2" "$LSCMIR survival $ARGS --permutations $PERM --threads 2 --force --out $SCRATCH/perm"
P_STATS=$(hf_stats "$SCRATCH/hf_perm.json" 0)
P_MED=$(cut -f1 <<< "$P_STATS")
printf 'cox+%d perm\tlscmir --threads 2\t%s\t-\t%s\t-\n' "$PERM" "$P_STATS" "$(hf_cpu "$SCRATCH/hf_perm.json" 0)" >> "$SUMMARY"

echo
echo "== summary (seconds, whole process; ratio = R median / this median; cpu_s = mean user+system)"
echo "== load average at the end: $(loadavg)"
column -t -s $'\t' "$SUMMARY"
verdict() { if awk -v v="$1" -v g="$2" "BEGIN { exit !(v $3 g) }"; then echo met; else echo MISSED; fi; }
echo "goal R / lscmir >= 50: --threads 2 ratio $RATIO2 ($(verdict "$RATIO2" 50 '>=')), --threads 1 ratio $RATIO1 ($(verdict "$RATIO1" 50 '>='))"
echo "goal --permutations $PERM --threads 2 < 60 s: median $P_MED s ($(verdict "$P_MED" 60 '<'))"
if [[ $FAIL != 0 ]]; then
  echo "run.sh: FAILED: outputs disagree or a program failed (see above)" >&2
  exit 1
fi
