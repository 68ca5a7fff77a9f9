#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Goldens for lscmir quant: the cutadapt + bowtie + quant_count.py reference procedure
# (quant_reference.sh) on the three real FASTQ files of tests/data/smallrna/.
# Needs the Debian packages cutadapt and bowtie. Run from the repository root:
#   tests/reference/gen/make_quant_golden.sh
# Writes tests/reference/quant/<sample>.{mature,hairpin,summary}.tsv and VERSIONS.
set -euo pipefail
cd "$(dirname "$0")/../../.."
d=tests/data/smallrna
out=tests/reference/quant
mkdir -p "$out"
gen=tests/reference/gen/quant_reference.sh
$gen TGGAATTCTCGGGTGCCAAGG $d/mirtrace_sample1_hsa.fastq.gz $d/hairpin_hsa.v22.fa $d/mature_hsa.v22.fa $out/mirtrace_sample1_hsa
$gen TGGAATTCTCGGGTGCCAAGG $d/mirtrace_sample2_hsa.fastq.gz $d/hairpin_hsa.v22.fa $d/mature_hsa.v22.fa $out/mirtrace_sample2_hsa
$gen ATCTCGTATGCC $d/mirtrace_sample3_hsa.fastq.gz $d/hairpin_hsa.v22.fa $d/mature_hsa.v22.fa $out/mirtrace_sample3_hsa
# cutadapt's JSON report holds paths and timings that change from run to run; keep the read counts.
for s in mirtrace_sample1_hsa mirtrace_sample2_hsa mirtrace_sample3_hsa; do
  python3 - "$out/$s.cutadapt.json" > "$out/$s.cutadapt.tsv" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
rc = j["read_counts"]
print("input\ttrimmed\toutput")
print("%d\t%d\t%d" % (rc["input"], rc["read1_with_adapter"], rc["output"]))
PY
  rm "$out/$s.cutadapt.json"
done
{
  echo "cutadapt $(cutadapt --version)"
  bowtie --version | head -1 | sed 's/.*version/bowtie/'
  echo "python $(python3 -c 'import platform; print(platform.python_version())')"
} > "$out/VERSIONS"
