#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Validates mirGFF3 files with mirtop's own validator (Debian package mirtop).

`mirtop validate FILE` in mirtop 0.4.25 (Debian bookworm) never reaches the validator: its
command line dispatches on the key "validator" while the parser stores "validate". So this
script calls the same function the command is meant to run, mirtop.gff.validator._check_file,
and also decodes every UID with mirtop's read_id and checks it against the Read attribute.
Exit 0 when every file has no error, 1 otherwise; errors go to stderr.
"""
import logging
import sys
import warnings

warnings.filterwarnings("ignore")
logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
from mirtop.gff import validator  # noqa: E402
from mirtop.mirna.realign import read_id  # noqa: E402

errors = 0
for path in sys.argv[1:]:
    errors += validator._check_file(path)
    with open(path) as fh:
        for num, line in enumerate(fh, 1):
            if line.startswith("#"):
                continue
            attrs = dict(kv.strip().split("=", 1) for kv in line.rstrip("\n").split("\t")[8].split(";") if "=" in kv)
            if read_id(attrs["UID"]) != attrs["Read"]:
                print("ERROR line %d: UID %s does not decode to %s" % (num, attrs["UID"], attrs["Read"]), file=sys.stderr)
                errors += 1
print("mirtop validator: %d error(s)" % errors)
sys.exit(1 if errors else 0)
