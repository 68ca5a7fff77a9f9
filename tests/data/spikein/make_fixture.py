#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Writes spikein_reads.fastq: hand-designed reads for `lscmir quant --spike-ins spikeins.fa`
# (TruSeq 3' adapter, all qualities 'I'). The expected counts follow from the construction and are
# written to expected.tsv (read, copies, what lscmir must do with it).
import sys

ADAPTER = "TGGAATTCTCGGGTGCCAAGG"
SPIKE_A = "GTCCCACTCTGAGACTCGTACA"  # spikeins.fa: calA
SPIKE_B = "CATGCGTTACGACCTAGTCAGTGC"  # spikeins.fa: calB
MIR21 = "TAGCTTATCAGACTGATGTTGA"  # hsa-miR-21-5p, also spike-in calC of spikeins.fa
READS = [
    (SPIKE_A, 5, "spike-in calA"),
    (SPIKE_B, 3, "spike-in calB"),
    (MIR21, 4, "spike-in calC (precedes the miRNA hsa-miR-21-5p)"),
    (MIR21 + "C", 2, "hsa-miR-21-5p isomiR (not a spike-in: not exact)"),
    (SPIKE_A[:-1] + "T", 1, "one mismatch to calA: not a spike-in, unknown"),
    (SPIKE_A + "G", 1, "calA plus one base: not a spike-in, unknown"),
]

out = sys.argv[1] if len(sys.argv) > 1 else "spikein_reads.fastq"
with open(out, "w") as f, open("expected.tsv", "w") as e:
    e.write("read\tcopies\tfate\n")
    n = 0
    for seq, copies, fate in READS:
        e.write(f"{seq}\t{copies}\t{fate}\n")
        for _ in range(copies):
            n += 1
            r = seq + ADAPTER + "ATCTCGTATG"
            f.write(f"@r{n}\n{r}\n+\n{'I' * len(r)}\n")
