#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds data/mirtrace/clade_prefixes.tsv, the reference of `lscmir quant`'s qc_contamination.tsv,
# from miRTrace's curated clade-specific miRNA families (src/lib/curated/clade-specific_miRNA_
# families_of_{animal,plant}_clades.txt, GPL-3) and the miRBase 21 mature sequences miRTrace ships
# (src/lib/inputs/miRNA_mature_v21.fa; miRBase is in the public domain), as miRTrace's manual and
# paper (Kang et al., Genome Biol 2018) describe its clade databases:
#   - a clade lists miRBase family numbers N; a mature miRNA belongs to family N when its name
#     holds "miR-N" (animals: e.g. hsa-miR-548a-3p -> 548) or "miRN" (plants: ath-miR156a ->
#     156); names with neither (let-7, lin-4, bantam) belong to no family;
#   - every mature sequence of >= 20 nt of the clade's families gives its first 20 nt (U -> T);
#   - a read counts for the clade when the first 20 nt of its insert equal one of these prefixes.
# Usage: make_clade_prefixes.py MATURE_V21_FA ANIMAL_CLADES PLANT_CLADES > clade_prefixes.tsv
import re
import sys

PREFIX = 20
# miRTrace's clade order (plants, then animals from sponges to primates).
ORDER = ["bryophytes", "lycopods", "gymnosperms", "monocots", "dicots", "sponges", "nematode", "insects",
         "lophotrochozoa", "echinoderms", "fish", "birds_reptiles", "rodents", "primates"]


def clades(path):
    out = {}
    for line in open(path):
        if line.strip():
            name, *ids = line.split()
            out[name.lower()] = set(ids)
    return out


def mature(path):
    name, seq = None, []
    for line in open(path):
        line = line.strip()
        if line.startswith(">"):
            if name:
                yield name, "".join(seq)
            name, seq = line[1:].split()[0], []
        elif line:
            seq.append(line)
    if name:
        yield name, "".join(seq)


animal, plant = clades(sys.argv[2]), clades(sys.argv[3])
# The last "miR" of the name, then an optional dash and the family number.
family_re = re.compile(r"^\S+miR(-?)(\d+)")
rows = {}  # (clade, prefix) -> (family, set of names)
for name, seq in mature(sys.argv[1]):
    m = family_re.match(name)
    if not m:
        continue
    table = animal if m.group(1) == "-" else plant
    fam = m.group(2)
    seq = seq.upper().replace("U", "T")
    if len(seq) < PREFIX:
        continue
    for clade, ids in table.items():
        if fam in ids:
            key = (clade, seq[:PREFIX])
            f, names = rows.setdefault(key, (fam, set()))
            names.add(re.match(r"^([^-]+-miR-?[^-]+)", name).group(1) if "-miR" in name else name)
seen = {}
for (clade, prefix) in rows:
    if prefix in seen and seen[prefix] != clade:
        sys.exit(f"prefix {prefix} in two clades: {seen[prefix]} and {clade}")
    seen[prefix] = clade
print("clade\tfamily\tmirbase_ids\tprefix")
for (clade, prefix), (fam, names) in sorted(rows.items(), key=lambda kv: (ORDER.index(kv[0][0]), int(kv[1][0]), kv[0][1])):
    print(f"{clade}\t{fam}\t{','.join(sorted(names))}\t{prefix}")
