#!/usr/bin/env bash
# MultiQC (Debian's 1.14) on a `lscmir quant` output folder: it must find every lscmir custom
# content section, the QC ones included (complexity, contamination, warnings table).
# Usage: tests/cli/multiqc_test.sh LSCMIR_BINARY   (from the repository root; 77 = skipped)
set -euo pipefail
lscmir=$1
if ! command -v multiqc >/dev/null 2>&1; then
  echo "SKIP: multiqc is not installed (Debian package multiqc)" >&2
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$lscmir" quant --hairpin tests/data/smallrna/hairpin_hsa.v22.fa --mature tests/data/smallrna/mature_hsa.v22.fa --adapter auto \
  tests/data/smallrna/mirtrace_sample1_hsa.fastq.gz tests/data/smallrna/mirtrace_sample3_hsa.fastq.gz --quiet --out "$work/quant"
multiqc "$work/quant" -o "$work/mqc" --no-ansi -f > "$work/multiqc.log" 2>&1 || {
  echo "FAIL: multiqc failed" >&2; tail -30 "$work/multiqc.log" >&2; exit 1; }
status=0
for section in reads lengths qcstatus rnatype complexity contamination qcflags; do
  if ! grep -q "lscmir_quant_${section}: Found 2 samples" "$work/multiqc.log"; then
    echo "FAIL: multiqc did not find lscmir_quant_${section} for 2 samples" >&2
    status=1
  fi
done
# (MultiQC 1.14 counts the samples in this message)
grep -q "lscmir_quant_general: Found 2 General Statistics" "$work/multiqc.log" || { echo "FAIL: general statistics" >&2; status=1; }
test -s "$work/mqc/multiqc_report.html" || { echo "FAIL: no multiqc_report.html" >&2; status=1; }
grep -q "lscmir quant: miRNA complexity" "$work/mqc/multiqc_report.html" || { echo "FAIL: complexity section not in the report" >&2; status=1; }
[ $status -eq 0 ] || tail -30 "$work/multiqc.log" >&2
exit $status
