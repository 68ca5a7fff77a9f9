#!/usr/bin/env bash
# The Snakemake workflow on its test config (three real FASTQ files): it must run with
# `snakemake --cores 2` and give the same counts as `lscmir quant` run directly on the sheet.
# Usage: tests/workflow/snakemake_test.sh LSCMIR_BINARY   (from the repository root; 77 = skipped)
set -euo pipefail
lscmir=$1
if ! command -v snakemake >/dev/null 2>&1; then
  echo "SKIP: snakemake is not installed (scripts/setup.sh installs Debian's)" >&2
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
snakemake --cores 2 --quiet -s workflow/Snakefile --configfile workflow/config.test.yaml \
  --config out="$work/wf" lscmir="$lscmir" --directory "$PWD" > "$work/snakemake.log" 2>&1 || {
  echo "FAIL: snakemake failed" >&2; tail -30 "$work/snakemake.log" >&2; exit 1; }
# the same sheet straight through lscmir quant (paths made relative to the repository root)
sed 's#\.\./\.\./##' workflow/test/samples.tsv > "$work/sheet.tsv"
"$lscmir" quant --samples "$work/sheet.tsv" --hairpin tests/data/smallrna/hairpin_hsa.v22.fa \
  --mature tests/data/smallrna/mature_hsa.v22.fa --adapter auto --min-length 16 --max-length 30 --mismatches 1 --trna data/mirtrace/tRNA_hsa.fa \
  --spike-ins tests/data/spikein/spikeins.fa --threads 2 --quiet --out "$work/direct"
for f in counts.tsv hairpin_counts.tsv qc_status.tsv qc_length.tsv qc_phred.tsv qc_rnatype.tsv qc_contamination.tsv qc_complexity.tsv; do
  if ! cmp -s "$work/wf/$f" "$work/direct/$f"; then
    echo "FAIL: $f from the workflow differs from lscmir quant's" >&2
    diff <(head -5 "$work/wf/$f") <(head -5 "$work/direct/$f") >&2 || true
    exit 1
  fi
done
# spike-ins (quant: spike_ins in the test config) merged per sample like the counts
cmp -s "$work/wf/spikeins.tsv" "$work/direct/spikeins.tsv" || { echo "FAIL: spikeins.tsv from the workflow differs from lscmir quant's" >&2; exit 1; }
rows=$(($(wc -l < "$work/wf/counts.tsv") - 1))
total=$(awk -F'\t' 'NR > 1 { for (i = 2; i <= NF; i++) s += $i } END { printf "%.0f", s }' "$work/wf/counts.tsv")
echo "PASS: workflow counts identical to lscmir quant ($rows miRNAs x 3 samples, $total assigned reads)"
