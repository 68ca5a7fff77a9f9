#!/usr/bin/env bash
# Installs lscmir's build dependencies (Debian packages) and builds it in ./build.
# Usage: scripts/setup.sh            (as root, or with sudo available)
# Set LSCMIR_SKIP_APT=1 to skip the package installation (e.g. when already installed).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake
  libeigen3-dev libboost-math-dev libboost-dev libcli11-dev libfmt-dev nlohmann-json3-dev
  libssl-dev zlib1g-dev libdeflate-dev libgtest-dev libgmock-dev libbenchmark-dev
  libtomlplusplus-dev chromium
  pkg-config libisal-dev mirtop snakemake multiqc
  clang libclang-rt-dev
)
# clang + libclang-rt-dev (libFuzzer, ASan and UBSan runtimes): the parser fuzzers (scripts/fuzz.sh).
# multiqc (Debian 1.14): tests/cli/multiqc_test.sh (skipped, exit 77, without it).
# Node.js + npm fetch the report's JavaScript (package-lock.json); Debian's are used when none is on PATH.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

if [[ "${LSCMIR_SKIP_APT:-0}" != 1 ]]; then
  missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    SUDO=""
    [[ $(id -u) -ne 0 ]] && SUDO="sudo"
    echo "[setup] installing: ${missing[*]}" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

# Vega, Vega-Lite and vega-embed, pinned by package-lock.json, embedded into the binary at build time.
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f node_modules/.lscmir-lock || "$(cat node_modules/.lscmir-lock)" != "$lock_sum" ]]; then
  echo "[setup] npm ci (report JavaScript)" >&2
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
  echo "$lock_sum" > node_modules/.lscmir-lock
fi

jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release ${LSCMIR_CMAKE_ARGS:-} >/dev/null
cmake --build build -j"$jobs"
echo "[setup] built build/app/lscmir" >&2
