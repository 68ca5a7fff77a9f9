#!/usr/bin/env bash
# Benchmark of `lscmir targets` (bench/README.md, section "lscmir targets"):
#   30,000 random UTRs x 2,000 nt (bench/targets/gen_utrs.cpp) against all 2,656 human mature miRNAs
#   of miRBase 22 (2,094 seed families), TargetScan site types and grouping.
# Measures: the in-process scan (lscmir_bench_scan: index, every site, grouping) on 1 and 2 threads,
# the whole process on 2 threads with and without sites.tsv, plain and --gzip, that 1 and 2 threads
# write identical files, the raw writing bound of the machine (dd of as many bytes, buffered and
# direct), and (when TARGETSCAN_PL names targetscan_70.pl) the ratio to TargetScan's Perl script on
# a subset, whose sites must be identical.
# Usage: bench/targets/run.sh [BUILD_DIR]   (build with -DLSCMIR_BUILD_BENCH=ON)
# Environment: LSCMIR_SHARED (default ../shared/data beside the repository), LSCMIR_BENCH_WORK
# (scratch, default /tmp/lscmir-bench-targets), TARGETSCAN_PL, PERL_UTRS (subset size, default 20).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
shared=${LSCMIR_SHARED:-$root/../shared/data}
work=${LSCMIR_BENCH_WORK:-/tmp/lscmir-bench-targets}
mirnas=$shared/mirbase22/mature_hsa.v22.fa
lscmir=$build/app/lscmir
gen=$build/bench/lscmir_bench_gen_utrs
scan=$build/bench/lscmir_bench_scan
for f in "$lscmir" "$gen" "$scan" "$mirnas"; do
  [[ -e $f ]] || { echo "missing $f (configure with -DLSCMIR_BUILD_BENCH=ON and build)" >&2; exit 2; }
done
mkdir -p "$work"
utrs=$work/utrs_30000x2000.fa
[[ -s $utrs ]] || "$gen" --out "$utrs" --n 30000 --length 2000 --seed 20261129

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== in-process scan (threads 1, 2, 2, 2)"
"$scan" "$mirnas" "$utrs" 1 2 2 2 | tee "$work/scan.txt"
[[ $(grep -c '^threads' "$work/scan.txt") == 4 && $(awk '/^threads/{print $NF}' "$work/scan.txt" | sort -u | wc -l) == 1 ]] \
  || { echo "FAIL: checksums differ between thread counts" >&2; exit 1; }

echo "== whole process, 2 threads, --no-sites (targets.tsv + families.tsv)"
hyperfine -N --runs 3 --export-json "$work/nosites.json" \
  "$lscmir targets --mirnas $mirnas --utrs $utrs --threads 2 --no-sites --force --quiet --out $work/out2" | grep -E "Time|Range"
"$lscmir" targets --mirnas "$mirnas" --utrs "$utrs" --threads 1 --no-sites --force --quiet --out "$work/out1"
cmp "$work/out1/targets.tsv" "$work/out2/targets.tsv" || { echo "FAIL: targets.tsv differs for 1 and 2 threads" >&2; exit 1; }
echo "targets.tsv identical for 1 and 2 threads ($(wc -c < "$work/out2/targets.tsv") bytes)"

echo "== whole process, 2 threads, all outputs (sites.tsv + targets.tsv, 3.2 GB; hyperfine, 5 runs)"
hyperfine -N --runs 5 --export-json "$work/all.json" \
  "$lscmir targets --mirnas $mirnas --utrs $utrs --threads 2 --force --quiet --out $work/out_sites" | grep -E "Time|Range"
/usr/bin/time -f "wall %e s, user %U s, sys %S s, peak %M KB" \
  "$lscmir" targets --mirnas "$mirnas" --utrs "$utrs" --threads 2 --force --out "$work/out_sites" 2>&1 | tail -3
ls -l "$work/out_sites" | awk 'NR > 1 {print $5, $9}'
plain_md5=$(cat "$work/out_sites/sites.tsv" "$work/out_sites/targets.tsv" | md5sum | cut -d' ' -f1)
bytes=$(($(wc -c < "$work/out_sites/sites.tsv") + $(wc -c < "$work/out_sites/targets.tsv")))
rm -rf "$work/out_sites"

echo "== whole process, 2 threads, all outputs gzip-compressed (--gzip; hyperfine, 3 runs)"
hyperfine -N --runs 3 --export-json "$work/gzip.json" \
  "$lscmir targets --mirnas $mirnas --utrs $utrs --threads 2 --gzip --force --quiet --out $work/out_gz2" | grep -E "Time|Range"
/usr/bin/time -f "wall %e s, user %U s, sys %S s, peak %M KB" \
  "$lscmir" targets --mirnas "$mirnas" --utrs "$utrs" --threads 2 --gzip --force --out "$work/out_gz2" 2>&1 | tail -3
ls -l "$work/out_gz2" | awk 'NR > 1 {print $5, $9}'
"$lscmir" targets --mirnas "$mirnas" --utrs "$utrs" --threads 1 --gzip --force --quiet --out "$work/out_gz1"
for f in sites.tsv.gz targets.tsv.gz; do
  cmp "$work/out_gz1/$f" "$work/out_gz2/$f" || { echo "FAIL: $f differs for 1 and 2 threads" >&2; exit 1; }
done
[[ $(zcat "$work/out_gz2/sites.tsv.gz" "$work/out_gz2/targets.tsv.gz" | md5sum | cut -d' ' -f1) == "$plain_md5" ]] \
  || { echo "FAIL: the gzip outputs do not decompress to the plain outputs" >&2; exit 1; }
echo "gzip outputs identical for 1 and 2 threads and decompress (zcat) to the plain outputs"
rm -rf "$work/out_gz1" "$work/out_gz2"

echo "== text-writing bound of this machine: the same $bytes bytes of zeros, no formatting, fsync'ed"
for flag in "" "oflag=direct"; do
  /usr/bin/time -f "dd ${flag:-buffered}: %e s wall, %U user, %S sys" \
    dd if=/dev/zero of="$work/dd.bin" bs=16M count=$((bytes / 16777216)) conv=fsync $flag status=none
  rm -f "$work/dd.bin"
done

if [[ -n ${TARGETSCAN_PL:-} && -f ${TARGETSCAN_PL} ]]; then
  n=${PERL_UTRS:-20}
  echo "== TargetScan's targetscan_70.pl on the first $n UTRs (same families, TargetScan input format)"
  awk -v n="$n" '/^>/ {k++; if (k > n) exit; name = substr($1, 2); next} {print name "\t9606\t" $0}' "$utrs" > "$work/utr_subset.txt"
  awk -F'\t' 'NR > 1 {print $1 "\t" $2 "\t9606"}' "$work/out2/families.tsv" > "$work/families_subset.txt"
  rm -f "$work/perl_sites.txt"
  perl_s=$( { /usr/bin/time -f "%e" perl "$TARGETSCAN_PL" "$work/families_subset.txt" "$work/utr_subset.txt" "$work/perl_sites.txt" > /dev/null; } 2>&1 | tail -1)
  hyperfine -N --runs 5 --export-json "$work/subset.json" \
    "$lscmir targets --families $work/families_subset.txt --utrs $work/utr_subset.txt --threads 2 --force --quiet --out $work/sub2" | grep -E "Time|Range"
  lscmir_s=$(python3 -c "import json; print(json.load(open('$work/subset.json'))['results'][0]['median'])")
  if cmp -s "$work/perl_sites.txt" "$work/sub2/sites.tsv"; then echo "sites identical to targetscan_70.pl ($(($(wc -l < "$work/perl_sites.txt") - 1)) sites)"
  else echo "FAIL: sites differ from targetscan_70.pl" >&2; diff "$work/perl_sites.txt" "$work/sub2/sites.tsv" | head -5 >&2; exit 1; fi
  python3 -c "print(f'targetscan_70.pl {float(\"$perl_s\"):.2f} s, lscmir {float(\"$lscmir_s\"):.3f} s (median), ratio {float(\"$perl_s\")/float(\"$lscmir_s\"):.0f}x')"
fi
