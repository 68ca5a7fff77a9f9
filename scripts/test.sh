#!/usr/bin/env bash
# Builds lscmir (installing its Debian packages if needed) and runs the whole default test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
ctest --test-dir build --output-on-failure -j"$(nproc 2>/dev/null || echo 2)" "$@"
