#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# scripts/dims.sh BUILD [--check] [--subset] — which verdicts hold on every run dimension.
#
# Runs every row bare and under `kvm` (the policy the matrix supports) under hv/'s default
# intercept profile (minimal) on the CPU columns bochs (Bochs 2.7, Ice Lake), bochs3 (Bochs
# 3.0, Ice Lake), bochs:sandybridge and bochs:tigerlake (Bochs 2.7, two other VMX feature
# sets), and under the kvm-like profile on bochs (the profile is hv/'s, not the CPU's: one
# column of it, and one policy, keep this affordable on 2 shared cores; every policy's 3.0
# grid is docs/bochs-versions.md's), and puts between `<!-- dims:begin` and
# `<!-- dims:end -->` of docs/ANSWER.md:
# how many cells (row × bare or policy) have the same verdict in all five columns, and
# every cell that does not, with the
# verdict of each column (docs/bochs-versions.md explains them). Only the verdict word is
# compared: `v=N` and xfail marks are the catalogue's business, not a dimension's.
# The runs' exit status 1 is normal here (Bochs 3.0's RF deviation is measured, not
# expected); any other failure to run stops the script.
# --check: fail if the block measured now differs from the recorded one.
# --subset: only the rows and policies of SUBSET below (make test): with --check, the
# recorded block's lines for those cells must be what is measured now.
set -eu
build=${1:?usage: scripts/dims.sh BUILD [--check] [--subset]}
shift
mode=write subset=
for a in "$@"; do
    case $a in
    --check) mode=check ;;
    --subset) subset=yes ;;
    *)
        echo "usage: scripts/dims.sh BUILD [--check] [--subset]" >&2
        exit 2
        ;;
    esac
done
[ "$mode" = check ] || [ -z "$subset" ] || {
    echo "dims: --subset only checks (the block is written from the whole matrix)" >&2
    exit 2
}
# profile:cpus, one matrix run each
RUNS="minimal:bochs,bochs3,bochs:sandybridge,bochs:tigerlake kvm-like:bochs"
# The subset of make test (docs/bochs-versions.md, "What make test runs"): one row per kind
# of event whose delivery the matrix perturbs — a fault with an error code, an external
# interrupt, an NMI, a software interrupt, a #DB trap, a general-detect #DB (MOV DR, which
# the kvm-like profile emulates), a #PF merged into #DF, and an event only hv/ injects — so
# that each rule of core/ and each place where the columns are known to differ is run;
# bare and kvm as in the whole block.
SUBSET=gp-stack,irq-stack,nmi-stack,int-n-stack,db-single-step,db-general-detect,pf-df-merge,injected-int80
POLICIES=kvm
doc=docs/ANSWER.md
grep -q '^<!-- dims:begin' "$doc" || { echo "dims: $doc has no dims markers" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

sel="--policy $POLICIES"
[ -z "$subset" ] || sel="$sel --scenario $SUBSET"
for pc in $RUNS; do
    p=${pc%%:*} cpus=${pc#*:}
    status=0
    # shellcheck disable=SC2086
    "$build/redeliver" run --cpu "$cpus" --profile "$p" $sel --results "$build/dims-$p" \
        >"$tmp/out-$p.txt" || status=$?
    if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
        cat "$tmp/out-$p.txt"
        echo "dims: the matrix did not run with --profile $p (exit $status)" >&2
        exit 1
    fi
    # TAP: "[not ]ok N - <row> <cpu> <env>: <VERDICT> ..." -> "<row> <env> <cpu>/<profile> <VERDICT>"
    sed -n 's/^\(not \)\{0,1\}ok [0-9]* - \([^ ]*\) \([^ ]*\) \([^ ]*\): \([^ ]*\).*/\2 \4 \3\/'"$p"' \5/p' \
        "$build/dims-$p/results.tap" >>"$tmp/cells.txt"
done

# One line per cell whose verdict is not the same in every column, in the matrix's order.
awk '
    { key = $1 " " $2; if (!(key in seen)) { seen[key] = 1; order[++n] = key }
      cols[key] = cols[key] " " $3 "=" $4; if (!(key in first)) first[key] = $4
      else if (first[key] != $4) differs[key] = 1 }
    END {
        same = 0
        for (i = 1; i <= n; i++) if (!(order[i] in differs)) same++
        printf "same verdict in every column: %d of %d cells (row x bare or policy)\n", same, n
        for (i = 1; i <= n; i++) if (order[i] in differs) print order[i] ":" cols[order[i]]
    }
' "$tmp/cells.txt" >"$tmp/lines.txt"

if [ -n "$subset" ]; then
    # the recorded lines of the subset's cells, against those measured now
    sed -n '/^<!-- dims:begin/,/^<!-- dims:end/p' "$doc" | grep ':' | grep -v '^same verdict' |
        awk -v rows=",$SUBSET," -v pols=",$POLICIES,bare,ref:virt," \
            'index(rows, "," $1 ",") && index(pols, "," substr($2, 1, length($2) - 1) ",")' |
        sort >"$tmp/recorded.txt" || true
    # (--scenario runs the rows in the order given, the block has the catalogue's)
    grep -v '^same verdict' "$tmp/lines.txt" | sort >"$tmp/measured.txt" || true
    if ! cmp -s "$tmp/recorded.txt" "$tmp/measured.txt"; then
        diff -u "$tmp/recorded.txt" "$tmp/measured.txt" | head -40
        echo "dims: the subset's cells differ from the dims block of $doc: run \`make dims\` and read the diff" >&2
        exit 1
    fi
    echo "dims: the subset ($(wc -l <"$tmp/cells.txt") runs: $RUNS) matches $doc"
    exit 0
fi

{
    # shellcheck disable=SC2016
    echo '<!-- dims:begin (generated by `make dims`; do not edit by hand) -->'
    echo '```text'
    echo "columns: <cpu>/<profile>, profile:cpus = $RUNS"
    echo "bochs, bochs:* $(dpkg-query -W -f='${Version}' bochs); bochs3 $(sed -n 's/^debian-version: \([^ ]*\).*/\1/p' "$(scripts/bochs3.sh --path | sed 's,/bin/bochs$,,')/BUILD-INFO" 2>/dev/null || echo '?')"
    cat "$tmp/lines.txt"
    echo '```'
    echo '<!-- dims:end -->'
} >"$tmp/block.md"
awk -v block="$tmp/block.md" '
    /^<!-- dims:begin/ { while ((getline l < block) > 0) print l; skip = 1; next }
    /^<!-- dims:end -->/ { skip = 0; next }
    !skip { print }
' "$doc" >"$tmp/doc.md"

if [ "$mode" = check ]; then
    if ! cmp -s "$tmp/doc.md" "$doc"; then
        diff -u "$doc" "$tmp/doc.md" | head -40
        echo "dims: the dims block of $doc does not match the matrix measured now: run \`make dims\`" >&2
        exit 1
    fi
    echo "dims: $doc matches the matrix ($RUNS)"
else
    cp "$tmp/doc.md" "$doc"
    echo "dims: $doc regenerated"
fi
