# SPDX-License-Identifier: GPL-3.0-or-later
"""RMSE of the LSC-HSC logFC against the planted truth for em, drop and ct-max, and the coverage
of the 95% intervals of em-multiple and em (see run.sh)."""
import csv
import math
import sys

work = sys.argv[1]


def rows(path):
    with open(path) as f:
        return list(csv.DictReader(f, delimiter="\t"))


truth = {r["feature"]: float(r["logFC"]) for r in rows(f"{work}/data/truth.tsv") if r["feature"].startswith("mir-")}
samples = {r["sample"]: r["population"] for r in rows(f"{work}/data/samples.tsv")}
nd = {f: 0 for f in truth}
cells = {f: 0 for f in truth}
for r in rows(f"{work}/data/ct_long.tsv"):
    if r["target"] in nd:
        cells[r["target"]] += 1
        nd[r["target"]] += r["ct"] == "Undetermined"
fc = {}
for m in ("em", "drop", "ct-max"):
    fc[m] = {}
    for r in rows(f"{work}/d_{m}/de_LSC_vs_HSC.tsv"):
        if r["feature"] in truth and r["logFC"] not in ("NA", ""):
            fc[m][r["feature"]] = float(r["logFC"])


def rmse(method, feats):
    feats = [f for f in feats if f in fc[method]]
    if not feats:
        return float("nan"), 0
    return math.sqrt(sum((fc[method][f] - truth[f]) ** 2 for f in feats) / len(feats)), len(feats)


heavy = [f for f in truth if nd[f] >= 0.2 * cells[f]]
drop_ok = [f for f in truth if f in fc["drop"]]
total_nd = sum(nd.values()) / sum(cells.values())
print(f"miRNAs {len(truth)}; non-detects {100 * total_nd:.1f}% of miRNA cells; >=20% non-detects: {len(heavy)}")
for m in ("em", "drop", "ct-max"):
    print(f"{m}: estimated {len(fc[m])}/{len(truth)}")
for label, feats in (("all", list(truth)), ("drop-estimable", drop_ok), (">=20% non-detects", heavy)):
    parts = []
    for m in ("em", "drop", "ct-max"):
        r, n = rmse(m, feats)
        parts.append(f"{m} {r:.3f} (n={n})")
    print(f"RMSE on {label}: " + ", ".join(parts))


def coverage(method, feats):
    hit = n = 0
    for r in rows(f"{work}/d_{method}/de_LSC_vs_HSC.tsv"):
        f = r["feature"]
        if f in feats and r["CI.L"] not in ("NA", ""):
            n += 1
            hit += float(r["CI.L"]) <= truth[f] <= float(r["CI.R"])
    return hit / n if n else float("nan"), n


planted = {r["feature"] for r in rows(f"{work}/data/truth.tsv") if r["planted"] == "TRUE" and r["feature"] in truth}
for label, feats in (("planted", planted), ("all miRNAs", set(truth)), (">=20% non-detects", set(heavy))):
    parts = []
    for m in ("em-multiple", "em"):
        c, n = coverage(m, feats)
        parts.append(f"{m} {c:.3f} (n={n})")
    print(f"95% interval coverage on {label}: " + ", ".join(parts))
