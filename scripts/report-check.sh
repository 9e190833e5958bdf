#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# scripts/report-check.sh BUILD [RESULTS] — the HTML report as a browser renders it
# (`make report-check`, part of `make test`; docs/runner.md, "The HTML report").
#
# Without RESULTS it runs a small matrix first (irq-stack, gp-stack and the `reference =
# virt` row injected-int80, on Bochs and QEMU: PASS cells, an expected LOST, a virtualized
# reference and n/a cells) into BUILD/report-check; with RESULTS it checks that results
# directory as it is (e.g. results/latest after `make run`). Then, with headless Chromium:
#   1. results.html rendered (--dump-dom) holds one element per run with data-* attributes,
#      and those (scenario cpu env policy verdict expected as_expected) equal summary.json's
#      runs (xmllint reads the DOM, jq the JSON); no <script> element, no on* attribute;
#   2. every run that is not n/a has its cell page, cells/<row>/<cpu>-<col>.html, the page
#      the matrix links to; every relative link of results.html and of each cell page
#      resolves to a file inside the results directory;
#   3. a screenshot of the page of a failing cell (a virtualized run whose verdict is not
#      PASS: LOST, ...) is saved as RESULTS/report-cell.png (docs/report-cell.png is one).
# Chromium refuses to run as root without --no-sandbox: as root the script passes it (the
# pages are our own files, opened offline); as another user it keeps the sandbox.
set -u
BUILD=${1:?usage: scripts/report-check.sh BUILD [RESULTS]}
RES=${2:-}
cd "$(dirname "$0")/.." || exit 2
for tool in chromium xmllint jq; do
    command -v "$tool" >/dev/null || {
        echo "report-check: $tool missing: run scripts/deps.sh --test (as root)" >&2
        exit 2
    }
done
failures=0
ok() { echo "ok   - $1"; }
fail() {
    echo "FAIL - $1"
    failures=$((failures + 1))
}

if [ -z "$RES" ]; then
    RES=$BUILD/report-check
    status=0
    "$BUILD/redeliver" run --scenario irq-stack,gp-stack,injected-int80 --cpu bochs,qemu \
        --results "$RES" >"$BUILD/report-check.out" 2>&1 || status=$?
    [ "$status" -eq 0 ] || {
        cat "$BUILD/report-check.out"
        echo "report-check: the matrix exited $status" >&2
        exit 1
    }
fi
[ -f "$RES/results.html" ] && [ -f "$RES/summary.json" ] || {
    echo "report-check: $RES has no results.html and summary.json" >&2
    exit 2
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sandbox=()
[ "$(id -u)" -eq 0 ] && sandbox=(--no-sandbox) # root: Chromium has no sandbox to drop into
chrome() {
    timeout 120 chromium --headless "${sandbox[@]}" --disable-gpu --hide-scrollbars \
        --no-first-run --user-data-dir="$tmp/profile" "$@" 2>>"$tmp/chromium.log"
}

# 1. the rendered matrix against summary.json
chrome --dump-dom "file://$(realpath "$RES/results.html")" >"$tmp/dom.html"
[ -s "$tmp/dom.html" ] || {
    tail -5 "$tmp/chromium.log"
    echo "report-check: chromium rendered nothing" >&2
    exit 1
}
# xmllint's HTML parser predates <details>: it warns (stderr) and keeps the elements
xpath() { xmllint --html --xpath "$1" "$tmp/dom.html" 2>/dev/null; }
column() { # every run's value of one data-* attribute, one per line, in document order
    xpath "//*[@data-scenario]/@data-$1" | sed -e 's/^ data-[a-z-]*="//' -e 's/"$//'
}
for a in scenario cpu env policy verdict expected as-expected; do
    column "$a" >"$tmp/col-$a"
done
(cd "$tmp" && paste -d' ' col-scenario col-cpu col-env col-policy col-verdict col-expected \
    col-as-expected) | sort >"$tmp/page.txt"
jq -r '.runs[] | [.scenario, .cpu, .env, (.policy // ""), .verdict, .expected,
                  (.as_expected | tostring)] | join(" ")' "$RES/summary.json" |
    sort >"$tmp/json.txt"
n=$(wc -l <"$tmp/json.txt")
if [ "$n" -gt 0 ] && cmp -s "$tmp/page.txt" "$tmp/json.txt"; then
    ok "the rendered matrix equals summary.json ($n runs: verdict, expectation, as expected)"
else
    diff "$tmp/json.txt" "$tmp/page.txt" | head -10
    fail "the rendered matrix differs from summary.json (< json, > page)"
fi
scripts=$(xpath 'count(//script | //*[@*[starts-with(name(), "on")]])')
[ "$scripts" = 0 ] && ok "no script and no on* attribute in the rendered page" ||
    fail "the rendered page holds $scripts script element(s) or on* attribute(s)"

# 2. a cell page per run that is not n/a, linked from the matrix; every link resolves
jq -r '.runs[] | select(.verdict != "n/a") | "cells/\(.scenario)/\(.cpu)-" +
       (if .env == "bare" then "bare" elif .env == "ref:virt" then "ref-virt" else .policy end)
       + ".html"' "$RES/summary.json" | sort >"$tmp/want.txt"
xpath '//*[@data-scenario]/@href' | sed -e 's/^ href="//' -e 's/"$//' | sort >"$tmp/linked.txt"
missing=0
while read -r page; do
    [ -f "$RES/$page" ] || { missing=$((missing + 1)); echo "  no $page"; }
done <"$tmp/want.txt"
if [ "$missing" -eq 0 ] && cmp -s "$tmp/want.txt" "$tmp/linked.txt"; then
    ok "a cell page for each of the $(wc -l <"$tmp/want.txt") runs that are not n/a, linked from its cell"
else
    diff "$tmp/want.txt" "$tmp/linked.txt" | head -5
    fail "cell pages: $missing missing, or the matrix links others (< expected, > linked)"
fi
broken=0 links=0
check_links() { # PAGE: its relative hrefs must name files under $RES
    local page=$1 dir href target
    dir=$(dirname "$page")
    while read -r href; do
        [ -n "$href" ] || continue
        links=$((links + 1))
        case $href in
        *:* | /*) echo "  $page: not relative: $href"; broken=$((broken + 1)); continue ;;
        esac
        target=$(realpath -m "$dir/${href%%#*}")
        case $target in
        "$(realpath "$RES")"/*) [ -f "$target" ] && continue ;;
        esac
        echo "  $page: $href does not resolve inside the results directory"
        broken=$((broken + 1))
    done < <(xmllint --html --xpath '//a/@href' "$page" 2>/dev/null |
        sed -e 's/^ href="//' -e 's/"$//')
}
check_links "$RES/results.html"
while read -r page; do
    [ -f "$RES/$page" ] && check_links "$RES/$page"
done <"$tmp/want.txt"
[ "$broken" -eq 0 ] && [ "$links" -gt 0 ] && ok "all $links relative links of the report resolve" ||
    fail "$broken of $links links do not resolve"

# 3. a failing cell's page, as a browser shows it
cell=$(jq -r '[.runs[] | select(.env == "virt" and .verdict != "PASS" and .verdict != "n/a")][0]
              | select(.) | "cells/\(.scenario)/\(.cpu)-\(.policy).html"' "$RES/summary.json")
if [ -z "$cell" ]; then
    ok "screenshot: no failing virtualized cell in $RES (nothing to show)"
else
    rm -f "$RES/report-cell.png"
    chrome --window-size=1440,1100 --screenshot="$(realpath "$RES")/report-cell.png" \
        "file://$(realpath "$RES/$cell")" >/dev/null
    if [ -s "$RES/report-cell.png" ]; then
        ok "screenshot of $cell: $RES/report-cell.png"
    else
        tail -5 "$tmp/chromium.log"
        fail "no screenshot of $cell"
    fi
fi
[ "$failures" -eq 0 ] || {
    echo "report-check: $failures check(s) failed (results in $RES)" >&2
    exit 1
}
echo "report-check: all checks passed (results in $RES)"
