#!/usr/bin/env python3
"""WikiPathways apoptosis sets with gene symbols, for the demo.

  python3 data/demo/gen/make_wikipathways_symbols.py /work/shared/data   (from the repository root)

Reads wikipathways-20170210-gmt-Homo_sapiens.entrez.gmt (Entrez ids), keeps the sets whose name
contains "apoptosis" (any case), and maps Entrez ids to symbols with the (Target Gene, Target Gene
(Entrez ID)) pairs of miRTarBase_hsa_MTI.TargetScoreData.tsv. Ids without a symbol there are
dropped; the coverage is printed and written into the set description.
"""
import csv
import sys
from pathlib import Path

shared = Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data")
symbol = {}
with open(shared / "mirtarbase" / "miRTarBase_hsa_MTI.TargetScoreData.tsv", newline="") as f:
    for row in csv.DictReader(f, delimiter="\t"):
        e, s = row["Target Gene (Entrez ID)"].strip(), row["Target Gene"].strip()
        if e and s and row["Species (Target Gene)"] == "Homo sapiens":
            symbol.setdefault(e, s)
out = Path("data/demo/genesets/wikipathways_apoptosis.symbols.gmt")
total = mapped = 0
lines = []
with open(shared / "genesets" / "wikipathways-20170210-gmt-Homo_sapiens.entrez.gmt") as f:
    for line in f:
        fields = line.rstrip("\r\n").split("\t")
        if len(fields) < 2 or "apoptosis" not in fields[0].lower():
            continue
        ids = [x for x in fields[2:] if x]
        genes = sorted({symbol[x] for x in ids if x in symbol})
        total += len(set(ids))
        mapped += sum(1 for x in set(ids) if x in symbol)
        name = fields[0].split("%")[0].strip().replace(" ", "_")
        lines.append("\t".join(["WP_" + name, f"{fields[0]} ({len(genes)} of {len(set(ids))} Entrez ids mapped)"] + genes))
out.write_text("\n".join(lines) + "\n")
print(f"{len(lines)} sets, {mapped} of {total} Entrez ids mapped to symbols -> {out}")
