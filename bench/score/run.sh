#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Whole-process benchmark of `lscmir score fit` (lasso Cox, 10-fold CV with fixed fold ids)
# against one Rscript process running cv.glmnet on the same files (contract and last figures:
# bench/README.md, "score").
#
#   bench/score/run.sh path/to/lscmir [RUNS]
#
# 1. agreement: both programs once, tables compared by bench/score/compare.R (path, cvm and the
#    lambdas 1e-4, weights 1e-3 relative); --threads 1 and 2 must write identical tables;
# 2. timing: RUNS (default 5) runs of each, lasso and elastic net (alpha 0.5), wall clock and CPU
#    (user + system) of the whole process under /usr/bin/time; prints the medians and the ratios
#    R / lscmir (goal >= 20 on wall time; the CPU ratio is the figure that survives a loaded machine).
# Exit 1 when the outputs disagree or a program fails, 2 on bad usage.
set -euo pipefail
[[ $# -ge 1 && $# -le 2 ]] || { echo "usage: bench/score/run.sh path/to/lscmir [RUNS]" >&2; exit 2; }
LSCMIR=$(realpath "$1")
RUNS=${2:-5}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
cd "$REPO"
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/lscmir-bench-score.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT
EXPR=tests/data/laml/expression.tsv
CLIN=tests/data/laml/clinical.tsv
FOLD=tests/reference/score/laml_os_lasso_default/foldid.tsv
lscmir_fit() {  # alpha threads out
  "$LSCMIR" score fit --expression $EXPR --clinical $CLIN --id patient --time OS_months --event OS_event \
    --foldid $FOLD --alpha "$1" --threads "$2" --out "$3" --force --quiet
}
r_fit() { Rscript "$HERE/cv_glmnet.R" $EXPR $CLIN $FOLD "$1" "$2"; }
median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
# "wall cpu" seconds of one run (cpu = user + system, children included).
seconds() { /usr/bin/time -f '%e %U %S' -o "$SCRATCH/time" "$@" > /dev/null 2>&1; awk '{printf "%s %.3f\n", $1, $2 + $3}' "$SCRATCH/time"; }
wall() { awk '{print $1}' | median; }
cpu() { awk '{print $2}' | median; }

FAIL=0
for alpha in 1 0.5; do
  lscmir_fit $alpha 2 "$SCRATCH/l2_$alpha"
  lscmir_fit $alpha 1 "$SCRATCH/l1_$alpha"
  for f in path.tsv cv.tsv lambdas.tsv weights.tsv score.tsv; do
    cmp -s "$SCRATCH/l1_$alpha/$f" "$SCRATCH/l2_$alpha/$f" || { echo "alpha $alpha: $f differs between --threads 1 and 2"; FAIL=1; }
  done
  r_fit $alpha "$SCRATCH/r_$alpha" 2> /dev/null
  echo "agreement alpha $alpha (max relative difference):"
  Rscript "$HERE/compare.R" "$SCRATCH/l2_$alpha" "$SCRATCH/r_$alpha" || FAIL=1
done
echo "load average before timing: $(cut -d' ' -f1-3 /proc/loadavg)"
printf 'alpha\twall_lscmir_t2\twall_lscmir_t1\twall_R\tratio_wall_t2\tratio_wall_t1\tcpu_lscmir_t1\tcpu_R\tratio_cpu_t1\n'
for alpha in 1 0.5; do
  L=("$LSCMIR" score fit --expression $EXPR --clinical $CLIN --id patient --time OS_months --event OS_event
     --foldid $FOLD --alpha $alpha --out "$SCRATCH/t" --force --quiet)
  for i in $(seq "$RUNS"); do seconds "${L[@]}" --threads 2; done > "$SCRATCH/l2"
  for i in $(seq "$RUNS"); do seconds "${L[@]}" --threads 1; done > "$SCRATCH/l1"
  for i in $(seq "$RUNS"); do seconds Rscript "$HERE/cv_glmnet.R" $EXPR $CLIN $FOLD $alpha "$SCRATCH/rt"; done > "$SCRATCH/r"
  l2=$(wall < "$SCRATCH/l2"); l1=$(wall < "$SCRATCH/l1"); r=$(wall < "$SCRATCH/r")
  c1=$(cpu < "$SCRATCH/l1"); cr=$(cpu < "$SCRATCH/r")
  printf '%s\t%.3f\t%.3f\t%.3f\t%.1f\t%.1f\t%.3f\t%.3f\t%.1f\n' $alpha "$l2" "$l1" "$r" "$(echo "$r / $l2" | bc -l)" \
    "$(echo "$r / $l1" | bc -l)" "$c1" "$cr" "$(echo "$cr / $c1" | bc -l)"
done
echo "load average after timing: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $FAIL
