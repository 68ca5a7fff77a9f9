#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Makes the quant benchmark input: N reads drawn with replacement from real FASTQ files, with
Illumina-like substitution errors so that the library is as diverse as a real one.

  gen_reads.py OUT.fastq N SEED ERROR_RATE IN.fastq.gz [IN.fastq.gz ...]

Each output read is a copy of a random input record (sequence and qualities) whose bases are
changed, independently with probability ERROR_RATE, to one of the three other bases (positions
drawn by geometric gaps, so the cost is per error, not per base). Read names are
"@bench.<i> <source name>". Python 3 standard library; deterministic for a seed.
"""
import gzip
import random
import sys


def main():
    out_path, n, seed, rate = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    records = []
    for path in sys.argv[5:]:
        with gzip.open(path, "rt") as fh:
            while True:
                h = fh.readline()
                if not h:
                    break
                s, _, q = fh.readline().rstrip("\n"), fh.readline(), fh.readline().rstrip("\n")
                records.append((h[1:].split()[0], s, q))
    rng = random.Random(seed)
    other = {"A": "CGT", "C": "AGT", "G": "ACT", "T": "ACG", "N": "ACG"}
    # Distance (in bases) to the next error along the concatenated output.
    next_error = int(rng.expovariate(rate)) if rate > 0 else 1 << 62
    with open(out_path, "w", buffering=1 << 22) as out:
        write = out.write
        for i in range(n):
            name, s, q = records[rng.randrange(len(records))]
            if next_error < len(s):
                b = list(s)
                while next_error < len(b):
                    b[next_error] = rng.choice(other[b[next_error]])
                    next_error += 1 + int(rng.expovariate(rate))
                s = "".join(b)
            next_error -= len(s)
            write("@bench.%d %s\n%s\n+\n%s\n" % (i + 1, name, s, q))


if __name__ == "__main__":
    main()
