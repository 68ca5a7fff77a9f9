#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Stages `cmake --install` into a temporary prefix, builds examples/ against that prefix only, runs
# the example from the repository root and checks its calls against the installed CLI's.
# Usage (from the repository root): tests/install/install_test.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
root=$(pwd)
[[ -f "$root/examples/CMakeLists.txt" ]] || { echo "run from the repository root" >&2; exit 2; }
# A fixed folder per build tree (outside the source tree), so ccache hits on the next run.
tmp=${TMPDIR:-/tmp}/lscmir_install_test.$(printf '%s' "$build" | sha256sum | cut -c1-12)
rm -rf "$tmp" && mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
[[ "$tmp" != "$root"/* ]] || { echo "TMPDIR must be outside the source tree" >&2; exit 2; }
prefix=$tmp/prefix
fail() { echo "FAIL: $*" >&2; exit 1; }

# 1. install
cmake --install "$build" --prefix "$prefix" >/dev/null
for f in bin/lscmir include/lscmir/study/specificity.hpp include/lscmir/stats/voom.hpp share/lscmir/demo/demo.toml \
         share/lscmir/demo/counts.tsv share/lscmir/simulate/params_v1.json; do
  [[ -e "$prefix/$f" ]] || fail "$f is not installed"
done
lib=$(find "$prefix" -name liblscmir.a -print -quit)
[[ -n "$lib" ]] || fail "liblscmir.a is not installed"
config=$(find "$prefix" -name lscmirConfig.cmake -print -quit)
[[ -n "$config" && -f "$(dirname "$config")/lscmirConfigVersion.cmake" && -f "$(dirname "$config")/lscmirTargets.cmake" ]] ||
  fail "the CMake package (lscmirConfig.cmake, version and targets files) is not installed"
if grep -q "$root" "$(dirname "$config")"/*.cmake; then fail "the installed CMake package names the source tree $root"; fi
# Every file demo.toml names is installed beside it (an installed `lscmir demo` reads them there).
for f in $(grep -o '"[^"]*\.\(tsv\|tsv\.gz\|gmt\)"' "$prefix/share/lscmir/demo/demo.toml" | tr -d '"'); do
  [[ -f "$prefix/share/lscmir/demo/$f" ]] || fail "share/lscmir/demo/$f (named in demo.toml) is not installed"
done

# 2. configure and build examples/ against the prefix alone (no package registry, no source paths)
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S "$root/examples" -B "$tmp/build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_EXPORT_COMPILE_COMMANDS=ON "${launcher[@]}" >"$tmp/configure.log" ||
  { cat "$tmp/configure.log"; fail "configuring examples/"; }
grep -q "lscmir 0\.1\.0 from $prefix/" "$tmp/configure.log" || { cat "$tmp/configure.log"; fail "lscmir was not found in $prefix"; }
cmake --build "$tmp/build" -j2 >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; fail "building examples/"; }

# Nothing but the example's own source may come from the source tree: not the compile flags, not
# a header the compiler read (the dependency file lists every one), not the link line.
flags=$(grep '"command"' "$tmp/build/compile_commands.json" | sed "s|$root/examples/||g")
[[ "$flags" != *"$root"* ]] || fail "the example's compile flags name the source tree: $flags"
depfile=$(find "$tmp/build" -name 'lsc_specific.cpp.o.d' -print -quit)
[[ -n "$depfile" ]] || fail "no dependency file for lsc_specific.cpp"
grep -q "$prefix/include/lscmir/study/specificity.hpp" "$depfile" || fail "the example did not read the installed headers"
if sed "s|$root/examples/||g" "$depfile" | grep -q "$root"; then fail "the example read headers from the source tree"; fi
link=$(cat "$tmp/build/CMakeFiles/lsc_specific.dir/link.txt")
[[ "$link" == *"$lib"* && "$link" != *"$root"* ]] || fail "the example does not link the installed liblscmir.a alone: $link"

# 3. run from the repository root, with explicit paths and with the installed default
"$tmp/build/lsc_specific" data/demo/counts.tsv data/demo/samples.tsv >"$tmp/out.txt" || fail "lsc_specific exited $?"
"$tmp/build/lsc_specific" >"$tmp/out_default.txt" || fail "lsc_specific (installed demo data) exited $?"
cat "$tmp/out.txt"
cmp -s "$tmp/out.txt" "$tmp/out_default.txt" || fail "the installed demo data give another result than data/demo"

# 4. the calls equal those of the installed CLI (lscmir de + specificity), feature for feature
"$prefix/bin/lscmir" de --counts data/demo/counts.tsv --samples data/demo/samples.tsv --method voom --norm TMM \
  --design "~ patient + population" --contrast LSC-HSC --contrast LSC-LPC --contrast HSC-LPC --out "$tmp/de" --quiet
"$prefix/bin/lscmir" specificity --de "$tmp/de" --fdr 0.05 --lfc 1 --out "$tmp/spec" --quiet
awk -F'\t' '$2 == "LSC-specific" && n++ < 10 { print $1 }' "$tmp/spec/specificity.tsv" >"$tmp/cli_top.txt"
awk 'NR > 2 { print $1 }' "$tmp/out.txt" >"$tmp/example_top.txt"
[[ $(wc -l <"$tmp/example_top.txt") -eq 10 ]] || fail "expected 10 LSC-specific miRNAs"
diff "$tmp/cli_top.txt" "$tmp/example_top.txt" || fail "the example's top 10 differ from lscmir specificity's"
n_cli=$(awk -F'\t' '$2 == "LSC-specific"' "$tmp/spec/specificity.tsv" | wc -l)
grep -q "; $n_cli LSC-specific at FDR < 0.05" "$tmp/out.txt" || fail "the example's LSC-specific count differs from the CLI's ($n_cli)"
# logFC (printed to 3 decimals) and FDR.class (3 significant digits, so within half a unit of the
# third digit: 0.5% relative; 1.40225e-05 prints as 1.4e-05) agree with specificity.tsv.
awk -F'\t' '$2 == "LSC-specific" && n++ < 10' "$tmp/spec/specificity.tsv" | cut -f3,5,9,10 | paste - <(awk 'NR > 2' "$tmp/out.txt") |
  awk -F'[\t ]+' '{ if ((($1 - $6) ^ 2) > 2.5e-7 || (($2 - $7) ^ 2) > 2.5e-7 || ($4 - $8) ^ 2 > (0.005 * $4) ^ 2) bad = bad " " $5 }
                   END { if (bad != "") { print "numbers differ from lscmir specificity for:" bad; exit 1 } }' ||
  fail "the example's logFC / FDR differ from the CLI's"
# The demo's planted truth (data/demo/truth.tsv): the 10 strongest calls are all planted LSC_up,
# led by hsa-let-7f-5p (planted 2.95) and hsa-miR-532-5p (2.57, the most abundant of them).
[[ $(sed -n 1p "$tmp/example_top.txt") == hsa-let-7f-5p && $(sed -n 2p "$tmp/example_top.txt") == hsa-miR-532-5p ]] ||
  fail "the two strongest LSC-specific miRNAs are not hsa-let-7f-5p and hsa-miR-532-5p"
planted=$(awk -F'\t' 'NR == FNR { if ($2 == "LSC_up") up[$1] = 1; next } ($1 in up)' data/demo/truth.tsv "$tmp/example_top.txt" | wc -l)
[[ $planted -eq 10 ]] || fail "only $planted of the top 10 are planted LSC_up miRNAs"
echo "install_example: OK"
