#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Independent goldens for lscmir quant's miRTrace QC tables, written from miRTrace's definitions
# (Kang et al., Genome Biol 2018; miRTrace 1.0.1 manual): reads capped at 50 nt; LOW_PHRED when
# more than half of the bases are below phred 20 (phred+33) or the insert holds a non-ACGT base;
# the adapter is its first 8 nt, found as the rightmost exact occurrence, else the longest prefix
# ending the read (trimmed but "not detected"); LOW_COMLPEXITY when one base is > floor(0.9 n) of
# the insert or a run repeats one base more than floor(n/2) times; then LENGTH_SHORTER_THAN_18;
# then ADAPTER_NOT_DETECTED / ADAPTER_REMOVED_LENGTH_OK. Writes qc_status.per_read.tsv (adapter
# detection judged read by read), qc_length.tsv and qc_phred.tsv. (Counting an insert as "adapter
# detected" when any read with that insert had it gives the same numbers on these files.)
# Run from the repository root: python3 tests/reference/gen/make_quant_qc_golden.py
import gzip, os, sys

SAMPLES = [("Sample1", "tests/data/smallrna/mirtrace_sample1_hsa.fastq.gz", "TGGAATTCTCGG"),
           ("Sample2", "tests/data/smallrna/mirtrace_sample2_hsa.fastq.gz", "TGGAATTCTCGG"),
           ("Sample3", "tests/data/smallrna/mirtrace_sample3_hsa.fastq.gz", "ATCTCGTATGCC")]
OUT = "tests/reference/quant"
ROWS = ["LOW_PHRED", "LOW_COMLPEXITY", "LENGTH_SHORTER_THAN_18", "ADAPTER_NOT_DETECTED", "ADAPTER_REMOVED_LENGTH_OK"]


def trim(seq, adapter):
    at = seq.rfind(adapter)
    if at >= 0:
        return at, True
    for p in range(min(len(adapter) - 1, len(seq)), 0, -1):
        if seq.endswith(adapter[:p]):
            return len(seq) - p, False
    return len(seq), False


def complex_enough(s):
    n = len(s)
    if any(s.count(b) > int(n * 0.9) for b in "ACGT"):
        return False
    run, prev = 0, None
    for c in s:
        run = run + 1 if c == prev else 0
        if run > n // 2:
            return False
        prev = c
    return True


def sample_tables(path, adapter):
    adapter = adapter[:8]
    status_read = dict.fromkeys(ROWS, 0)
    lengths, phred = {}, [0] * 43
    ok_inserts = {}  # insert -> [reads, any adapter detected]
    with gzip.open(path, "rt") as f:
        while True:
            h = f.readline()
            if not h:
                break
            seq = f.readline().strip().upper()[:50]
            f.readline()
            qual = f.readline().strip()[:50]
            q = [min(42, max(0, ord(c) - 33)) for c in qual]
            for v in q:
                phred[v] += 1
            if 2 * sum(v < 20 for v in q) > len(q):
                status_read["LOW_PHRED"] += 1
                lengths[len(seq)] = lengths.get(len(seq), 0) + 1
                continue
            n, detected = trim(seq, adapter)
            ins = seq[:n]
            lengths[n] = lengths.get(n, 0) + 1
            if any(c not in "ACGT" for c in ins):
                status_read["LOW_PHRED"] += 1
            elif not complex_enough(ins):
                status_read["LOW_COMLPEXITY"] += 1
            elif n < 18:
                status_read["LENGTH_SHORTER_THAN_18"] += 1
            else:
                status_read["ADAPTER_REMOVED_LENGTH_OK" if detected else "ADAPTER_NOT_DETECTED"] += 1
                e = ok_inserts.setdefault(ins, [0, False])
                e[0] += 1
                e[1] = e[1] or detected
    status_collapsed = dict(status_read)
    status_collapsed["ADAPTER_NOT_DETECTED"] = sum(c for c, d in ok_inserts.values() if not d)
    status_collapsed["ADAPTER_REMOVED_LENGTH_OK"] = sum(c for c, d in ok_inserts.values() if d)
    return status_read, status_collapsed, lengths, phred


def write(name, first, rows, cols):
    with open(os.path.join(OUT, name), "w") as f:
        f.write(first + "\t" + "\t".join(s for s, _, _ in SAMPLES) + "\n")
        for r, vals in zip(rows, zip(*cols)):
            f.write(str(r) + "\t" + "\t".join(str(v) for v in vals) + "\n")


res = [sample_tables(p, a) for _, p, a in SAMPLES]
write("qc_status.per_read.tsv", "QC_STATUS", ROWS, [[r[0][k] for k in ROWS] for r in res])
maxlen = max(max(r[2]) for r in res)
write("qc_length.tsv", "LENGTH", range(maxlen + 1), [[r[2].get(i, 0) for i in range(maxlen + 1)] for r in res])
write("qc_phred.tsv", "PHRED_SCORE", range(43), [r[3] for r in res])
print("python", sys.version.split()[0], file=sys.stderr)
