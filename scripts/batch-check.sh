#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# scripts/batch-check.sh BUILD — many rows per boot must not change a verdict
# (docs/runner.md, "Batches"): the whole matrix on Bochs and QEMU once with --batch 1 (one boot
# per run) and once batched (the default), and every cell of summary.json — verdict,
# expectation, detail, exit counts, guest result, the EV trace — must be the same. A row
# whose state leaks into the next one changes that row's cell, and this fails.
set -eu
build=${1:?usage: scripts/batch-check.sh BUILD}
out=$build/batch-check
mkdir -p "$out"
command -v jq >/dev/null || { echo "batch-check: jq is missing (scripts/deps.sh)" >&2; exit 2; }

run() { # NAME ARGS...: the matrix into $out/NAME; its wall time in $out/NAME.seconds
    name=$1
    shift
    start=$(date +%s.%N)
    status=0
    "$build/redeliver" run --cpu bochs --cpu qemu --results "$out/$name" "$@" >"$out/$name.table" || status=$?
    end=$(date +%s.%N)
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f\n", b - a }' >"$out/$name.seconds"
    if [ "$status" -gt 1 ]; then
        cat "$out/$name.table" >&2
        echo "batch-check: redeliver run $* failed (exit $status)" >&2
        exit 1
    fi
}

run one --batch 1
run batched

# one object per cell, sorted, without what differs by nature (directories, wall times,
# process exit status of a shared boot, the runner's pid an emulator killed at a timeout names)
cells() {
    jq -S '[.runs[] | {scenario, cpu, env, verdict, expected, as_expected, xfail,
                       detail: (.detail | if type == "string" then gsub("from pid [0-9]+"; "from pid N") else . end),
                       vectoring_exits, exits, guest_result, trace}] | sort_by(.scenario, .cpu, .env)' \
        "$1/summary.json"
}
cells "$out/one" >"$out/one.cells"
cells "$out/batched" >"$out/batched.cells"
n=$(jq length "$out/one.cells")
boots=$(ls -d "$out"/batched/batches/*/ 2>/dev/null | wc -l)
if ! cmp -s "$out/one.cells" "$out/batched.cells"; then
    diff -u "$out/one.cells" "$out/batched.cells" | head -60
    echo "batch-check: FAILED: batched cells differ from one boot per run (above)" >&2
    exit 1
fi
printf 'batch-check: %s cells identical; one boot per run %s s, batched %s s (%s batches)\n' \
    "$n" "$(cat "$out/one.seconds")" "$(cat "$out/batched.seconds")" "$boots"
