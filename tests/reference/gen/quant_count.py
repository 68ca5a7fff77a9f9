#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Counting step of the lscmir quant reference procedure (cutadapt + bowtie + this script).

Reads bowtie's SAM output (no header, no unaligned reads, in input order) of trimmed reads aligned
to miRBase hairpins with `bowtie -S --sam-nohead --no-unal --reorder --norc -v M -a --best
--strata`, and applies the assignment rules of lscmir
quant written independently here (Python 3 standard library only):

- a mature miRNA is placed on every hairpin of its species (the name's text before the first
  '-') that contains its sequence exactly (U read as T);
- a hit (hairpin, 0-based offset, read length L) is assigned to an arm [s, e) of that hairpin
  when |offset - s| <= TOL5 and |offset + L - e| <= TOL3;
- a read reaching k distinct mature names counts 1/k to each; a read hitting j distinct
  hairpins counts 1/j to each hairpin.

Usage: quant_count.py HAIRPIN_FA MATURE_FA BOWTIE_HITS OUT_PREFIX [--tol5 2] [--tol3 5]
Writes OUT_PREFIX.mature.tsv (feature, count), OUT_PREFIX.hairpin.tsv and
OUT_PREFIX.summary.tsv (reads aligned, assigned to mature, hairpin only).
"""
import argparse
import gzip


def read_fasta(path):
    opener = gzip.open if path.endswith(".gz") else open
    entries, name, seq = [], None, []
    with opener(path, "rt") as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            if line.startswith(">"):
                if name is not None:
                    entries.append((name, "".join(seq)))
                name, seq = line[1:].split()[0], []
            else:
                seq.append(line.upper().replace("U", "T"))
    if name is not None:
        entries.append((name, "".join(seq)))
    return entries


def fmt(x):
    return repr(float(x)) if x != int(x) else str(int(x))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("hairpin")
    ap.add_argument("mature")
    ap.add_argument("hits")
    ap.add_argument("out")
    ap.add_argument("--tol5", type=int, default=2)
    ap.add_argument("--tol3", type=int, default=5)
    a = ap.parse_args()

    hairpins = read_fasta(a.hairpin)
    matures = read_fasta(a.mature)
    by_species = {}
    for name, seq in hairpins:
        by_species.setdefault(name.split("-")[0], []).append((name, seq))
    arms = {}  # hairpin name -> list of (start, end, mature name)
    for mname, mseq in matures:
        for hname, hseq in by_species.get(mname.split("-")[0], []):
            p = hseq.find(mseq)
            while p >= 0:
                arms.setdefault(hname, []).append((p, p + len(mseq), mname))
                p = hseq.find(mseq, p + 1)

    mature_counts = {m: 0.0 for m, _ in matures}
    hairpin_counts = {h: 0.0 for h, _ in hairpins}
    aligned = assigned = hairpin_only = 0

    def flush(hits):
        nonlocal aligned, assigned, hairpin_only
        if not hits:
            return
        aligned += 1
        hps = sorted({h for h, _, _ in hits})
        for h in hps:
            hairpin_counts[h] += 1.0 / len(hps)
        names = set()
        for h, off, length in hits:
            for s, e, m in arms.get(h, []):
                if abs(off - s) <= a.tol5 and abs(off + length - e) <= a.tol3:
                    names.add(m)
        if not names:
            hairpin_only += 1
            return
        assigned += 1
        for m in names:
            mature_counts[m] += 1.0 / len(names)

    current, hits = None, []
    with open(a.hits) as fh:
        for line in fh:
            if line.startswith("@"):
                continue
            f = line.split("\t", 10)
            # QNAME FLAG RNAME POS(1-based) MAPQ CIGAR RNEXT PNEXT TLEN SEQ ...
            flag = int(f[1])
            if flag & 4:
                continue
            if flag & 16:
                raise SystemExit("unexpected reverse-strand hit (run bowtie with --norc): " + line)
            if f[0] != current:
                flush(hits)
                current, hits = f[0], []
            hits.append((f[2], int(f[3]) - 1, len(f[9])))
    flush(hits)

    with open(a.out + ".mature.tsv", "w") as out:
        out.write("feature\tcount\n")
        for m, _ in matures:
            out.write("%s\t%s\n" % (m, fmt(mature_counts[m])))
    with open(a.out + ".hairpin.tsv", "w") as out:
        out.write("feature\tcount\n")
        for h, _ in hairpins:
            out.write("%s\t%s\n" % (h, fmt(hairpin_counts[h])))
    with open(a.out + ".summary.tsv", "w") as out:
        out.write("aligned\tassigned_mature\thairpin_only\n%d\t%d\t%d\n" % (aligned, assigned, hairpin_only))


if __name__ == "__main__":
    main()
