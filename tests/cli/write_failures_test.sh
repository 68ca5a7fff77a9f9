#!/usr/bin/env bash
# Write failures are their own error class (docs/cli.md): exit 3, "error writing output: PATH: ...",
# and nothing partial left behind. Needs to mount a tmpfs (root with CAP_SYS_ADMIN, as in CI's
# container); exits 77 (skipped) where it cannot. Usage: write_failures_test.sh LSCMIR_BINARY
set -uo pipefail
lscmir=$1
root=$(mktemp -d "${TMPDIR:-/tmp}/lscmir-writefail-XXXXXX")
full=$root/full ro=$root/ro
mkdir -p "$full" "$ro"
cleanup() { umount "$full" 2>/dev/null; umount "$ro" 2>/dev/null; rm -rf "$root"; }
trap cleanup EXIT
if ! mount -t tmpfs -o size=16k tmpfs "$full" 2>/dev/null || ! mount -t tmpfs -o size=64k,ro tmpfs "$ro" 2>/dev/null; then
  echo "cannot mount a tmpfs here: skipped"
  exit 77
fi
fail=0
de=(de --counts tests/cli/data/counts.tsv --samples tests/cli/data/samples.tsv --contrast B-A --quiet)
quant=(quant --hairpin tests/data/smallrna/hairpin_hsa.v22.fa --mature tests/data/smallrna/mature_hsa.v22.fa
       --adapter truseq tests/data/smallrna/mirtrace_sample1_hsa.fastq.gz --quiet)

# expect NAME EXPECTED_STDERR_SUBSTRING FOLDER_THAT_MUST_BE_EMPTY COMMAND...
expect() {
  local name=$1 want=$2 folder=$3
  shift 3
  local err rc
  err=$("$lscmir" "$@" 2>&1 >/dev/null)
  rc=$?
  if [[ $rc -ne 3 ]]; then echo "FAIL $name: exit $rc, expected 3: $err"; fail=1; return; fi
  if [[ "$err" != *"$want"* ]]; then echo "FAIL $name: stderr lacks \"$want\": $err"; fail=1; return; fi
  if [[ -d "$folder" && -n "$(ls -A "$folder")" ]]; then echo "FAIL $name: left files: $(ls -A "$folder")"; fail=1; return; fi
  echo "ok $name: $err"
}

# A full disk: the first table that does not fit fails the command, and no table is left.
expect de_disk_full "error writing output: $full/out/" "$full/out" "${de[@]}" --out "$full/out"
expect quant_disk_full "error writing output: $full/q/" "$full/q" "${quant[@]}" --out "$full/q"
# A read-only file system: the output folder cannot be made (issue 17: this was an internal error).
expect de_read_only "error writing output: $ro/out: cannot create the output folder (--out): Read-only file system" "$ro/out" "${de[@]}" --out "$ro/out"
expect quant_read_only "error writing output: $ro/q: cannot create the output folder (--out): Read-only file system" "$ro/q" "${quant[@]}" --out "$ro/q"
# An existing folder on a read-only file system (--force): no file can be created in it.
expect de_read_only_existing "error writing output: $ro/" "$ro" "${de[@]}" --out "$ro" --force
exit $fail
