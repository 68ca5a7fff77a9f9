#!/usr/bin/env bash
# The report in a real browser (headless Chromium, Debian's chromium), offline.
# 1. `lscmir run` on a small study whose sample and feature names are HTML/script injections:
#    every chart rendered (at least 6), no script error, no network request, and the injected
#    names appear as text, never as markup.
# 2. `lscmir demo`: every chart rendered with no script error and no request; each Kaplan-Meier
#    panel shows "log-rank P"; the forest plot has an "HR (95% CI)" column; every chart's export
#    menu offers "Save as SVG" and "Save as PNG"; the overview says the samples are simulated.
# Usage: tests/report/browser_test.sh LSCMIR_BINARY   (from the repository root; exit 77 = skipped)
set -euo pipefail
lscmir=$1
chromium=$(command -v chromium || command -v chromium-browser || true)
if [[ -z "$chromium" ]]; then
  echo "SKIP: chromium is not installed (scripts/setup.sh installs it)" >&2
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

bad_sample='</script><script>alert(1)</script>'
bad_feature='<img src=x onerror=alert(2)>'
# three_pop with one sample and one LSC-specific feature (hsa-let-7f-5p) renamed (sed needs the names escaped)
sed "s#P01_HSC#${bad_sample//\//\\/}#" tests/data/three_pop/samples.tsv > "$work/samples.tsv"
sed -e "1s#P01_HSC#${bad_sample//\//\\/}#" -e "s#^hsa-let-7f-5p\t#${bad_feature//\//\\/}\t#" tests/data/three_pop/counts.tsv > "$work/counts.tsv"
grep -qF "$bad_sample" "$work/samples.tsv" && grep -qF "$bad_sample" "$work/counts.tsv" && grep -qF "$bad_feature" "$work/counts.tsv"
cat > "$work/study.toml" <<TOML
[study]
samples = "samples.tsv"
counts = "counts.tsv"
contrasts = ["LSC-HSC", "LSC-LPC", "HSC-LPC"]
[cohort]
expression = "$PWD/tests/data/laml/expression.tsv"
clinical = "$PWD/tests/data/laml/clinical.tsv"
id = "patient"
time = "OS_months"
event = "OS_event"
[targets]
mirbase = "$PWD/data/demo/mirbase/hsa_precursor_to_mature.v22.tsv"
[output]
dir = "out"
title = "browser test <b>bold?</b>"
TOML
"$lscmir" run "$work/study.toml" --quiet
report="$work/out/report.html"
test -s "$report"

# The raw file: the injected names never appear unescaped.
if grep -qF "$bad_sample" "$report"; then echo "FAIL: the sample name appears unescaped in report.html" >&2; exit 1; fi
if grep -qF "$bad_feature" "$report"; then echo "FAIL: the feature name appears unescaped in report.html" >&2; exit 1; fi
if grep -qF "<b>bold?</b>" "$report"; then echo "FAIL: the title appears unescaped" >&2; exit 1; fi

# render REPORT DOM NETLOG MIN_CHARTS: loads the report, checks that every chart rendered (as SVG, with
# its export menu) with no script error and no network request; sets $rendered.
render() {
  local report=$1 dom=$2 net=$3 min=$4
  local flags=(--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking --disable-component-update
         --disable-sync --disable-default-apps --disable-extensions --virtual-time-budget=30000 --user-data-dir="$work/profile_$min")
  timeout 150 "$chromium" "${flags[@]}" --log-net-log="$net" --dump-dom "file://$report" > "$dom" 2> "$work/chromium.log" || {
    echo "FAIL: chromium exited with an error" >&2; tail -20 "$work/chromium.log" >&2; exit 1; }
  rendered=$(grep -o 'data-charts-rendered="[0-9]*"' "$dom" | grep -o '[0-9]*' || echo 0)
  local total svgs save_svg save_png
  total=$(grep -o 'data-charts-total="[0-9]*"' "$dom" | grep -o '[0-9]*' || echo 0)
  svgs=$(grep -o '<svg [^>]*class="marks"' "$dom" | wc -l || true)
  save_svg=$(grep -o '>Save as SVG</a>' "$dom" | wc -l || true)
  save_png=$(grep -o '>Save as PNG</a>' "$dom" | wc -l || true)
  echo "$report: charts rendered $rendered of $total ($svgs SVGs; menus: $save_svg Save as SVG, $save_png Save as PNG)" >&2
  if (( rendered < min || rendered != total || svgs < rendered )); then echo "FAIL: not every chart rendered" >&2; exit 1; fi
  if (( save_svg != total || save_png != total )); then echo "FAIL: not every chart's menu offers Save as SVG and Save as PNG" >&2; exit 1; fi
  if grep -q 'data-script-errors=' "$dom"; then
    echo "FAIL: script errors:" >&2; grep -o '<pre id="script-errors"[^<]*' "$dom" >&2; exit 1
  fi
  # No request left the page: the page counts its own resource loads and policy violations, and
  # the network log has no request initiated by a page (the browser's own update and account
  # pings carry the initiator "not an origin" and are not the report's).
  local requests
  requests=$(grep -o 'data-resource-requests="[0-9]*"' "$dom" | grep -o '[0-9]*' || echo missing)
  if [[ "$requests" != 0 ]]; then echo "FAIL: the page made $requests resource request(s)" >&2; exit 1; fi
  node -e '
    const log = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const bad = new Set();
    for (const e of log.events) {
      const p = e.params || {};
      if (typeof p.url === "string" && /^(https?|wss?|ftp):/.test(p.url) && p.initiator !== undefined && p.initiator !== "not an origin") bad.add(p.url);
    }
    if (bad.size) { console.error("FAIL: page-initiated network requests:\n" + [...bad].join("\n")); process.exit(1); }
  ' "$net"
}

render "$report" "$work/dom.html" "$work/net.json" 6
# The names are in the page as text (escaped in the serialized DOM), and no element came from them.
grep -qF '&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;' "$work/dom.html" || { echo "FAIL: the sample name is not shown as text" >&2; exit 1; }
grep -qF '&lt;img src=x onerror=alert(2)&gt;' "$work/dom.html" || { echo "FAIL: the feature name is not shown as text" >&2; exit 1; }
if grep -qF '<script>alert(1)' "$work/dom.html" || grep -qF '<img src="x"' "$work/dom.html"; then echo "FAIL: injected markup in the DOM" >&2; exit 1; fi

# 2. the demo report
"$lscmir" demo --out "$work/demo" --quiet
demo="$work/demo/report.html"
render "$demo" "$work/demo_dom.html" "$work/demo_net.json" 15
dom="$work/demo_dom.html"
km=$(ls "$work/demo"/km_*.tsv | wc -l)
logrank=$(grep -o '<text[^>]*>log-rank P = [^<]*</text>' "$dom" | wc -l || true)
echo "Kaplan-Meier tables: $km; panels showing log-rank P: $logrank" >&2
if (( km < 1 || logrank != km )); then echo "FAIL: every Kaplan-Meier panel must show its log-rank P" >&2; exit 1; fi
if ! grep -q '<text[^>]*>HR (95% CI)</text>' "$dom"; then echo "FAIL: the forest plot has no HR (95% CI) column" >&2; exit 1; fi
if ! grep -q '<text[^>]*>HR (high vs low) = ' "$dom"; then echo "FAIL: no Kaplan-Meier panel shows its hazard ratio" >&2; exit 1; fi
overview=$(sed -n '/<section id="overview">/,/<\/section>/p' "$dom")
if ! grep -q 'the samples are simulated' <<<"$overview"; then echo "FAIL: the demo overview does not say its samples are simulated" >&2; exit 1; fi
if ! grep -q 'TCGA LAML' <<<"$overview"; then echo "FAIL: the demo overview does not name the cohort" >&2; exit 1; fi
echo "PASS: injection study and demo ($rendered charts): no script errors, no network request, injected names shown as text, KM log-rank P ($logrank panels), forest HR (95% CI), SVG/PNG export on every chart, simulated samples named"
