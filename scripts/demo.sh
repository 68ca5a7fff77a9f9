#!/usr/bin/env bash
# The README's demo command: installs and builds (scripts/setup.sh), then runs `lscmir demo`,
# the whole study on the bundled data in data/demo/, into demo_out/ (open demo_out/report.html).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
build/app/lscmir demo --out demo_out "$@"
echo "[demo] open demo_out/report.html" >&2
