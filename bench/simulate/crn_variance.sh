#!/usr/bin/env bash
# Variance of the between-arm differences (mirna - standard) of CR and 5-year OS over 20 seeds,
# for one lscmir binary: with common random numbers the arms share every patient draw and the
# dynamics streams, so the differences vary far less from seed to seed than with independent arms.
# Usage: bench/simulate/crn_variance.sh [path/to/lscmir] [patients per arm and group] [seeds]
set -euo pipefail
bin=${1:-build/app/lscmir}
n=${2:-1000}
seeds=${3:-20}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for seed in $(seq "$seeds"); do
  "$bin" simulate --patients "$n" --age-group both --arms standard,mirna --mirna-effect-lsc 0.02 \
    --hsc-lsc-ratio 0.25 --years 5 --seed "$seed" --trajectories 0 --threads 1 --quiet --force --out "$out/s" 2>/dev/null
  awk -v seed="$seed" 'NR > 1 { cr[$1 "," $2] = $4; os[$1 "," $2] = $7 }
    END { for (g in cr) if (g ~ /^mirna/) { sub(/^mirna,/, "", g);
          printf "%s %s %.6f %.6f\n", seed, g, cr["mirna," g] - cr["standard," g], os["mirna," g] - os["standard," g] } }' \
    "$out/s/sim_summary.tsv"
done > "$out/diffs"
awk '{ k = $2; n[k]++; c[k] += $3; cc[k] += $3 * $3; o[k] += $4; oo[k] += $4 * $4 }
  END { for (k in n) { mc = c[k] / n[k]; mo = o[k] / n[k];
        printf "%s: seeds %d, CR diff mean %.4f var %.3g, OS_5y diff mean %.4f var %.3g\n", k, n[k], mc,
               (cc[k] - n[k] * mc * mc) / (n[k] - 1), mo, (oo[k] - n[k] * mo * mo) / (n[k] - 1) } }' "$out/diffs" | sort
