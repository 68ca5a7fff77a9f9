#!/usr/bin/env python3
# Random TargetScan-format inputs for bench/targets/crosscheck.sh: fam.txt (40 families) and utr.txt
# (60 genes x 1-6 species aligned UTRs) in the current folder. Usage: gen_alignments.py SEED
import random, sys
r = random.Random(int(sys.argv[1]))
species = ['9606', '10090', '10116', '9031', '9615', '13616']
fams = []
for i in range(40):
    seed = ''.join(r.choice('ACGU') for _ in range(7))
    sp = [s for s in species if r.random() < 0.7] or ['9606']
    fams.append((f"fam-{i}/{r.randint(1,999)}", seed, ';'.join(sp)))
with open('fam.txt', 'w') as f:
    for x in fams: f.write('\t'.join(x) + '\n')
def rc(s): return ''.join({'A':'U','U':'A','G':'C','C':'G'}[c] for c in reversed(s))
with open('utr.txt', 'w') as f:
    for g in range(60):
        L = r.randint(80, 900)
        anc = [r.choice('ACGU') for _ in range(L)]
        for _ in range(L // 60):  # plant sites
            fam = r.choice(fams); site = rc(fam[1]) + 'A'
            p = r.randint(0, L - 9); anc[p:p+8] = list(site)
        nsp = r.randint(1, 6)
        for s in r.sample(species, nsp):
            seq = []
            for i, c in enumerate(anc):
                x = r.random()
                if x < 0.05: seq.append('-')
                elif x < 0.10: seq.append(r.choice('ACGU'))
                else: seq.append(c)
                if r.random() < 0.03: seq.append('-' * r.randint(1, 4))
            seq = ''.join(seq)
            if r.random() < 0.3:  # lowercase ORF overlap at the start
                k = r.randint(5, 60); seq = seq[:k].lower() + seq[k:]
            if r.random() < 0.2: seq = seq.replace('U', 'T')
            f.write(f"GENE{g}\t{s}\t{seq}\n")
