#!/usr/bin/env bash
# Builds lscmir if needed and runs the paired differential-expression demo on the bundled data.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -x build/app/lscmir ]] || scripts/setup.sh
out=${1:-demo_out}
build/app/lscmir de \
  --counts data/demo/counts.tsv --samples data/demo/samples.tsv \
  --contrast LSC-HSC --contrast LSC-LPC --contrast HSC-LPC \
  --out "$out" --force
echo "Results in $out/: de_LSC_vs_HSC.tsv, de_LSC_vs_LPC.tsv, de_HSC_vs_LPC.tsv, norm_factors.tsv, run_info.json"
head -n 6 "$out/de_LSC_vs_HSC.tsv" | cut -f1-2,6-9
