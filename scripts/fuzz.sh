#!/usr/bin/env bash
# Builds the libFuzzer harnesses of lscmir's parsers (tests/fuzz, clang, ASan + UBSan) in
# ./build-fuzz and runs each for a fixed time. Fails on any finding: a crash, a sanitizer report,
# an undocumented exception, a timeout or running out of memory (docs/testing.md).
# Usage: scripts/fuzz.sh [SECONDS_PER_HARNESS] [HARNESS...]
#   SECONDS_PER_HARNESS  default 45 (CI); e.g. 600 for a longer local run
#   HARNESS              table sample_sheet matrix fasta gmt fastq fastq_gz ct config targets gff3
#                        (default: all)
# Environment: LSCMIR_FUZZ_JOBS harnesses run at once (default: nproc), LSCMIR_FUZZ_CMAKE_ARGS extra
# configure arguments (e.g. -DLSCMIR_NODE_MODULES=...), LSCMIR_FUZZ_BUILD the build folder.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-45}
shift || true
all=(table sample_sheet matrix fasta gmt fastq fastq_gz ct config targets gff3)
harnesses=("$@")
((${#harnesses[@]})) || harnesses=("${all[@]}")
build=${LSCMIR_FUZZ_BUILD:-build-fuzz}
jobs=${LSCMIR_FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}

command -v clang++ >/dev/null 2>&1 || { echo "[fuzz] clang++ not found: install clang (scripts/setup.sh does)" >&2; exit 2; }
launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)

start=$(date +%s)
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DLSCMIR_FUZZ=ON \
  -DLSCMIR_BUILD_TESTS=OFF "${launcher[@]}" ${LSCMIR_FUZZ_CMAKE_ARGS:-} >/dev/null
targets=()
for h in "${harnesses[@]}"; do targets+=("lscmir_fuzz_$h"); done
cmake --build "$build" -j"$(nproc 2>/dev/null || echo 2)" --target "${targets[@]}" >"$build/fuzz_build.log" 2>&1 ||
  { tail -40 "$build/fuzz_build.log" >&2; echo "[fuzz] build failed" >&2; exit 2; }
echo "[fuzz] built ${#harnesses[@]} harnesses in $(($(date +%s) - start)) s; ${seconds} s each, ${jobs} at a time" >&2

# One harness: new inputs go to a working corpus in the build folder (the committed seeds in
# tests/fuzz/corpus are only read); a finding is saved under $build/fuzz/findings/<harness>/.
run_one() {
  local h=$1 work="$build/fuzz/corpus/$h" findings="$build/fuzz/findings/$h"
  mkdir -p "$work" "$findings"
  rm -f "$findings"/*
  "$build/fuzz/lscmir_fuzz_$h" "$work" "tests/fuzz/corpus/$h" -max_total_time="$seconds" -rss_limit_mb=2048 \
    -timeout=10 -max_len=8192 -print_final_stats=1 -artifact_prefix="$findings/" \
    >"$build/fuzz/$h.log" 2>&1
}

mkdir -p "$build/fuzz"
declare -A pid_of
for h in "${harnesses[@]}"; do
  while (($(jobs -rp | wc -l) >= jobs)); do wait -n || true; done
  run_one "$h" &
  pid_of[$h]=$!
done

failed=()
total_execs=0
printf '%-14s %12s %10s %12s  %s\n' harness executions corpus corpus_kb result
for h in "${harnesses[@]}"; do
  status=0
  wait "${pid_of[$h]}" || status=$?
  log="$build/fuzz/$h.log"
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  corp=$(grep -o 'corp: [0-9]*/[0-9]*[a-zA-Z]*' "$log" | tail -1 | sed 's/corp: //')
  units=${corp%%/*}
  result=ok
  if ((status != 0)) || compgen -G "$build/fuzz/findings/$h/*" >/dev/null; then
    result="FINDING (exit $status; see $log and $build/fuzz/findings/$h/)"
    failed+=("$h")
  fi
  total_execs=$((total_execs + ${execs:-0}))
  printf '%-14s %12s %10s %12s  %s\n' "$h" "${execs:-?}" "${units:-?}" "${corp#*/}" "$result"
done
echo "[fuzz] total executions: $total_execs; $(($(date +%s) - start)) s in all" >&2
if ((${#failed[@]})); then
  for h in "${failed[@]}"; do
    echo "---- $h" >&2
    grep -E -A25 'ERROR: |runtime error|lscmir fuzz finding|deadly signal|Test unit written' "$build/fuzz/$h.log" | head -60 >&2 || tail -30 "$build/fuzz/$h.log" >&2
  done
  echo "[fuzz] findings in: ${failed[*]}" >&2
  exit 1
fi
