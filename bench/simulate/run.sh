#!/usr/bin/env bash
# Benchmark of `lscmir simulate`: 100,000 virtual patients in total (25,000 per age group and arm,
# standard and mirna arms, strong miRNA effect: added LSC death 0.05/day, HSC/LSC ratio 0.25)
# followed for 5 years: 3 runs on 2 threads, 1 run on 1 thread, and a byte-identity check of the two.
# (Until issue 17 the contract was 50,000 per age group in the standard arm alone.)
# Reports wall and CPU (user + system) seconds from /usr/bin/time and the machine's load average.
# Usage: bench/simulate/run.sh [path/to/lscmir]   (default build/app/lscmir)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-build/app/lscmir}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
args=(simulate --patients 25000 --age-group both --arms standard,mirna --mirna-effect-lsc 0.05 --hsc-lsc-ratio 0.25
      --years 5 --seed 1 --trajectories 0 --quiet --force)

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
for threads in 2 1; do
  reps=3
  [[ $threads == 1 ]] && reps=1
  for rep in $(seq "$reps"); do
    /usr/bin/time -f "%e %U %S %M" -o "$out/time" "$bin" "${args[@]}" --threads "$threads" --out "$out/t$threads" 2>/dev/null
    read -r wall user sys rss < "$out/time"
    echo "threads $threads run $rep: wall ${wall} s, cpu $(echo "$user + $sys" | bc) s, peak ${rss} KiB, load $(cut -d' ' -f1 /proc/loadavg)"
  done
done
if cmp -s "$out/t1/sim_summary.tsv" "$out/t2/sim_summary.tsv" && cmp -s "$out/t1/sim_km.tsv" "$out/t2/sim_km.tsv"; then
  echo "threads 1 and 2: identical sim_summary.tsv and sim_km.tsv"
else
  echo "threads 1 and 2: OUTPUTS DIFFER" >&2
  exit 1
fi
cat "$out/t2/sim_summary.tsv"
