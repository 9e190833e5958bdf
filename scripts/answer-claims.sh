#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# scripts/answer-claims.sh DOC RESULTS.TAP — check the claims the prose of docs/ANSWER.md makes.
#
# Each general statement of the prose is followed by a machine-readable claim, an HTML
# comment on a line of its own:
#
#   <!-- claim: PASS under every policy in gp-stack ud-stack pf-stack -->
#   <!-- claim: LOST under reexec-soft,drop-all in injected-int80 injected-icebp -->
#   <!-- claim: not PASS under drop-hw,drop-faults in sti-shadow-gp -->
#
# A claim holds when every named row has a Bochs cell for every named policy ("every policy":
# each policy the matrix ran, bare and references excluded) and each such cell's verdict is
# the one claimed ("not V": any verdict but V). A row the matrix did not run, a policy it did
# not run, a verdict the runner does not print (runner/verdict.c: a misspelt "not PASSS"
# would always hold), or a claim that does not parse fails the check: a statement cannot
# outlive its rows.
# Prints each failing claim with the cells that contradict it; exit 1 when one fails.
set -eu
doc=${1:?usage: scripts/answer-claims.sh DOC RESULTS.TAP}
tap=${2:?usage: scripts/answer-claims.sh DOC RESULTS.TAP}
[ -r "$doc" ] || { echo "answer-claims: cannot read $doc" >&2; exit 2; }
[ -r "$tap" ] || { echo "answer-claims: cannot read $tap" >&2; exit 2; }

awk '
    BEGIN {
        # the verdicts a cell can have (runner/verdict.c, verdict_parse())
        n = split("PASS SKIP FAILED ERROR CRASH TIMEOUT ENTRY-FAIL TRIPLE-FAULT LIVELOCK HANG " \
                  "LOST DUPLICATED REORDERED DIFFERENT MOVED UNPROVED", kv, " ")
        for (i = 1; i <= n; i++) known[kv[i]] = 1
    }
    # TAP lines: "[not ]ok N - <row> bochs <policy>: <VERDICT> ..."
    FNR == NR {
        if (!sub(/^(not )?ok [0-9]+ - /, "")) next
        pol = $3; sub(/:$/, "", pol)
        if ($2 != "bochs" || pol == "bare" || pol ~ /^ref:/) next
        cell[$1, pol] = $4
        if (!(pol in seen)) { seen[pol] = 1; pols = pols (pols ? "," : "") pol }
        next
    }
    /^<!-- claim:/ {
        line = $0
        sub(/.*<!-- claim: */, "", line)
        if (!sub(/ *-->.*/, "", line)) { bad("no closing -->"); next }
        neg = sub(/^not /, "", line)
        n = split(line, w, / +/)
        if (n < 5 || w[2] != "under") { bad("not \"[not] VERDICT under POLICIES in ROWS\""); next }
        want = w[1]; i = 3
        if (!(want in known)) { bad("unknown verdict \"" want "\""); next }
        if (w[3] == "every" && w[4] == "policy") { plist = pols; i = 5 }
        else { plist = w[3]; i = 4 }
        if (w[i] != "in" || i == n) { bad("not \"[not] VERDICT under POLICIES in ROWS\""); next }
        np = split(plist, p, ",")
        claims++; wrong = ""
        for (r = i + 1; r <= n; r++)
            for (k = 1; k <= np; k++) {
                if (!((w[r], p[k]) in cell)) { wrong = wrong " " w[r] "/" p[k] "=not-run"; continue }
                v = cell[w[r], p[k]]
                if ((v == want) == neg) wrong = wrong " " w[r] "/" p[k] "=" v
            }
        if (wrong != "") { failed++; printf "answer-claims: %s:%d: false: %s;%s\n", FILENAME, FNR, $0, wrong }
    }
    function bad(why) { claims++; failed++; printf "answer-claims: %s:%d: %s: %s\n", FILENAME, FNR, why, $0 }
    END {
        if (failed) { printf "answer-claims: %d of %d claims do not hold\n", failed, claims; exit 1 }
        printf "answer-claims: %d claims hold\n", claims
    }
' "$tap" "$doc"
