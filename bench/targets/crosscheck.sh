#!/usr/bin/env bash
# Cross-check of `lscmir targets` against TargetScan's own targetscan_70.pl on random multi-species
# gapped alignments (gen_alignments.py: 60 genes x 1-6 species, planted sites, point changes, gaps,
# lowercase ORF-overlap starts, DNA letters; 40 families annotated in random species subsets).
# sites.tsv must be byte-identical to the Perl output for every seed.
# Usage: TARGETSCAN_PL=/path/targetscan_70.pl bench/targets/crosscheck.sh [BUILD_DIR] [SEEDS...]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
shift || true
seeds=("${@:-1 2 3 4 5 6 7 8}")
[[ -f ${TARGETSCAN_PL:-} ]] || { echo "set TARGETSCAN_PL to targetscan_70.pl" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
status=0
for s in ${seeds[*]}; do
  python3 "$root/bench/targets/gen_alignments.py" "$s"
  perl "$TARGETSCAN_PL" fam.txt utr.txt perl.txt > /dev/null
  "$build/app/lscmir" targets --families fam.txt --utrs utr.txt --out out --force --quiet
  if cmp -s perl.txt out/sites.tsv; then
    echo "seed $s: identical ($(($(wc -l < perl.txt) - 1)) sites, $(awk -F'\t' 'NR > 1 && $14 == 1' perl.txt | wc -l) ORF_overlap, $(awk -F'\t' 'NR > 1 && $11 ~ /\+/' perl.txt | wc -l) in mixed-type groups)"
  else
    echo "seed $s: DIFFERENT" >&2
    diff perl.txt out/sites.tsv | head -10 >&2
    status=1
  fi
  rm -f perl.txt
done
exit $status
