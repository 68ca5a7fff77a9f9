#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The reference procedure lscmir quant is checked against: Debian's cutadapt and bowtie plus
# tests/reference/gen/quant_count.py, with lscmir quant's default rules:
#   cutadapt -a ADAPTER -e 0.1 -O 3 --no-indels   3' adapter, 10% mismatches, >= 3 nt overlap
#            -m 16 -M 30 --max-n 0                 insert length 16-30, no N
#   bowtie --norc -v 1 -a --best --strata          <= 1 mismatch, best stratum, all hits (SAM, input order)
#   quant_count.py --tol5 2 --tol3 5               arm assignment, 1/k sharing
# Usage: quant_reference.sh ADAPTER FASTQ HAIRPIN_FA MATURE_FA OUT_PREFIX [THREADS]
# Writes OUT_PREFIX.mature.tsv, OUT_PREFIX.hairpin.tsv, OUT_PREFIX.summary.tsv (see quant_count.py)
# and OUT_PREFIX.cutadapt.json. Scratch files go to a temporary folder that is removed at exit.
set -euo pipefail
adapter=$1 fastq=$2 hairpin=$3 mature=$4 out=$5 threads=${6:-1}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Hairpins in the DNA alphabet for bowtie-build (miRBase FASTA uses U).
case "$hairpin" in
  *.gz) zcat "$hairpin" ;;
  *) cat "$hairpin" ;;
esac | awk '/^>/ {print $1; next} {gsub(/[Uu]/, "T"); print toupper($0)}' > "$tmp/hairpin.fa"
bowtie-build -q "$tmp/hairpin.fa" "$tmp/hairpin" >/dev/null

cutadapt -j "$threads" -a "$adapter" -e 0.1 -O 3 --no-indels -m 16 -M 30 --max-n 0 \
  --json "$out.cutadapt.json" -o "$tmp/trimmed.fastq" "$fastq" >/dev/null
bowtie -p "$threads" --reorder -S --sam-nohead --no-unal --norc -v 1 -a --best --strata -q "$tmp/hairpin" "$tmp/trimmed.fastq" \
  > "$tmp/hits.txt" 2> "$tmp/bowtie.log" || { cat "$tmp/bowtie.log" >&2; exit 1; }
/usr/bin/env python3 "$here/quant_count.py" "$hairpin" "$mature" "$tmp/hits.txt" "$out"
