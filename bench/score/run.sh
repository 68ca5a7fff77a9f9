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
# 2. timing: RUNS (default 5) runs of each, lasso and elastic net (alpha 0.5), wall clock of the
#    whole process; prints the median of each and the ratio R / lscmir (goal >= 20).
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
seconds() { local t0 t1; t0=$(date +%s.%N); "$@" > /dev/null 2>&1; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }

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
printf 'alpha\tlscmir_t2_s\tlscmir_t1_s\tR_s\tratio_t2\tratio_t1\n'
for alpha in 1 0.5; do
  l2=$(for i in $(seq "$RUNS"); do seconds lscmir_fit $alpha 2 "$SCRATCH/t"; done | median)
  l1=$(for i in $(seq "$RUNS"); do seconds lscmir_fit $alpha 1 "$SCRATCH/t"; done | median)
  r=$(for i in $(seq "$RUNS"); do seconds r_fit $alpha "$SCRATCH/rt"; done | median)
  printf '%s\t%.3f\t%.3f\t%.3f\t%.1f\t%.1f\n' $alpha "$l2" "$l1" "$r" "$(echo "$r / $l2" | bc -l)" "$(echo "$r / $l1" | bc -l)"
done
exit $FAIL
