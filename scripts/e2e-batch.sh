# SPDX-License-Identifier: BSD-2-Clause
# scripts/e2e-batch.sh — sourced by scripts/e2e.sh (uses its rd, ok, fail and variables):
# batches (docs/runner.md, "Batches"). Rows that crash, hang or shut down in the middle of a
# batch (harness rows forced in with --batch-all) and a guest that forges a row boundary
# must leave every verdict as one boot per run gives it.

# cells NAME: the comparable part of every cell of a run's summary.json, sorted
batch_cells() {
    jq -S '[.runs[] | {scenario, cpu, env, verdict, detail, vectoring_exits, exits,
                       guest_result, trace}] | sort_by(.scenario, .env)' "$OUT/$1/summary.json"
}

# same_as_alone NAME ARGS...: ARGS with --batch-all, then with --batch 1; the cells agree
same_as_alone() {
    local name=$1 what
    shift
    what="batched $* = one boot per run"
    rd "$name" run --build "$BUILD" --results "$OUT/$name" --batch-all "$@"
    rd "$name-alone" run --build "$BUILD" --results "$OUT/$name-alone" --batch 1 "$@"
    if ! command -v jq >/dev/null; then
        skip "$what" "jq missing"
    elif [ ! -s "$OUT/$name/summary.json" ] || [ ! -s "$OUT/$name-alone/summary.json" ]; then
        fail "$what" "no summary.json" "$OUT/$name.log"
    elif [ "$(batch_cells "$name")" != "$(batch_cells "$name-alone")" ]; then
        fail "$what" "the cells differ: $(diff <(batch_cells "$name-alone") <(batch_cells "$name") | head -5 | tr '\n' ' ')"
    else
        ok "$what"
    fi
}

# ---- 18. batches ----
crash_rows=gp-stack,harness-noresult,ud-stack,hostile-dying-emulator,pf-stack,harness-triple,irq-stack
same_as_alone batch-crash --scenario "$crash_rows" --policy kvm --timeout 20
# the rows before the crash come from the batch, the crashing row ran alone
if [ -f "$OUT/batch-crash/gp-stack/bochs-bare/batch.txt" ] &&
    [ -f "$OUT/batch-crash/harness-noresult/bochs-bare/cmdline" ] &&
    grep -q "not taken: row 2 (harness-noresult): no \`Test result:\` line" \
        "$OUT"/batch-crash/batches/bochs-bare-1/batch.txt; then
    ok "a crash in the middle of a batch: the rows before it taken, the row alone, the rest in a new batch"
else
    fail "a crash in the middle of a batch" "batch.txt or the run directories say otherwise" \
        "$OUT/batch-crash/batches/bochs-bare-1/batch.txt"
fi
same_as_alone batch-forge --scenario hostile-forge-row,gp-stack,ud-stack --policy kvm
if grep -q "the row markers disagree" "$OUT"/batch-forge/batches/bochs-virt-kvm-*/batch.txt &&
    [ -f "$OUT/batch-forge/gp-stack/bochs-virt-kvm/cmdline" ] &&
    [ ! -f "$OUT/batch-forge/gp-stack/bochs-virt-kvm/batch.txt" ]; then
    ok "a forged row boundary: nothing of the batch taken, gp-stack ran alone"
else
    fail "a forged row boundary" "the forged gp-stack row was taken" "$OUT/batch-forge.log"
fi
rd batch-zero run --batch 0
if [ $rc -eq 2 ] && grep -q "\-\-batch: '0' is not a number from 1 to" "$log"; then
    ok "run --batch 0: usage error"
else
    fail "run --batch 0: usage error" "exit status $rc" "$log"
fi
