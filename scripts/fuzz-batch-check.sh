#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# scripts/fuzz-batch-check.sh BUILD — generated scenarios in batches must not change a class
# (docs/fuzz.md, "Batches"): one seed's campaign, kvm and drop-all, once with --batch 1 (one
# boot per run) and once batched (the default), and every program's reference verdict and
# per-policy class in summary.json must be the same. Generated programs leave state a
# hand-written row does not (self-IPIs pending in IRR, NMIs, TF, DR7 breakpoints): a leak
# through guest/reset.c into the next row changes that row's class, and this fails.
#   FUZZ_BATCH_CHECK_SEED (default 1), FUZZ_BATCH_CHECK_COUNT (default 40)
set -eu
build=${1:?usage: scripts/fuzz-batch-check.sh BUILD}
seed=${FUZZ_BATCH_CHECK_SEED:-1}
count=${FUZZ_BATCH_CHECK_COUNT:-40}
out=$build/fuzz-batch-check
mkdir -p "$out"
command -v jq >/dev/null || { echo "fuzz-batch-check: jq is missing (scripts/deps.sh)" >&2; exit 2; }

run() { # NAME ARGS...: the campaign into $out/NAME
    name=$1
    shift
    status=0
    "$build/redeliver" fuzz --seed "$seed" --count "$count" --policy drop-all --reduce 0 \
        --build "$build" --results "$out/$name" "$@" >"$out/$name.txt" 2>&1 || status=$?
    # 1 is a kvm divergence: compared below like every other class
    if [ "$status" -gt 1 ] || [ ! -f "$out/$name/summary.json" ]; then
        cat "$out/$name.txt" >&2
        echo "fuzz-batch-check: redeliver fuzz $* failed (exit $status)" >&2
        exit 1
    fi
    grep '^rate:' "$out/$name.txt"
}

run one --batch 1
run batched

classes() {
    jq -S '[.scenarios[] | {index, spec, reference, reference_verdict, cells}] | sort_by(.index)' \
        "$1/summary.json"
}
classes "$out/one" >"$out/one.classes"
classes "$out/batched" >"$out/batched.classes"
n=$(jq length "$out/one.classes")
b=$(jq .batch "$out/batched/summary.json")
if [ "$n" -ne "$count" ] || [ "$(jq length "$out/batched.classes")" -ne "$count" ]; then
    echo "fuzz-batch-check: FAIL: $n programs in the --batch 1 campaign, want $count" >&2
    exit 1
fi
if [ "$b" -le 1 ]; then
    echo "fuzz-batch-check: FAIL: the batched campaign ran with --batch $b" >&2
    exit 1
fi
if ! diff -u "$out/one.classes" "$out/batched.classes" >"$out/classes.diff"; then
    head -60 "$out/classes.diff" >&2
    echo "fuzz-batch-check: FAIL: classes differ between --batch 1 and --batch $b (see $out/classes.diff)" >&2
    exit 1
fi
echo "fuzz-batch-check: $n programs of seed $seed, kvm and drop-all: the same classes with --batch 1 and --batch $b"
