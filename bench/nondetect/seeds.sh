#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/nondetect/run.sh over several generator seeds; prints each seed's report.
# Usage: bench/nondetect/seeds.sh [BINARY] [WORKDIR] [SEEDS...]   (default seeds 1..10)
set -euo pipefail
bin=${1:-build/app/lscmir}; work=${2:-/tmp/lscmir_bench_nondetect_seeds}; shift 2 || true
seeds=("$@"); [ ${#seeds[@]} -gt 0 ] || seeds=(1 2 3 4 5 6 7 8 9 10)
for s in "${seeds[@]}"; do
  echo "== seed $s"
  bench/nondetect/run.sh "$bin" "$work/s$s" 90 12 "$s" 20
done
