# SPDX-License-Identifier: BSD-2-Clause
# scripts/e2e-runner.sh — sourced by scripts/e2e.sh (uses its rd, ok, fail and variables):
# the runner's own hygiene — no emulator outlives the runner, and an emulator that prints
# without end stops at the output cap and says so (docs/runner.md); shards joined by merge.

# ---- 6. the runner's signals: no emulator outlives the runner, however it ends ----
# emulators_in DIR: pids of the processes whose working directory is inside DIR (the
# emulators of one run: other runs on this machine have other directories)
emulators_in() {
    local p c
    for p in /proc/[0-9]*; do
        c=$(readlink "$p/cwd" 2>/dev/null) || continue
        case "$c" in "$1"/*) echo "${p#/proc/}" ;; esac
    done
}
# killed_runner SIGNAL WANT-STATUS: start a hanging run (bare Bochs and bare QEMU both hang until
# the timeout; the virtualized run may end early by hv/'s watchdog), send SIGNAL to the runner once its
# emulators run; they must all be gone 2 s later
killed_runner() {
    local sig=$1 want=$2 name=signal-$1 dir left=""
    what="runner gets SIG$sig while Bochs runs"
    dir="$(cd "$OUT" && pwd)/$name"
    "$REDELIVER" run --build "$BUILD" --results "$OUT/$name" --scenario harness-hang \
        --cpu bochs --cpu qemu --policy kvm --timeout 60 >"$OUT/$name.log" 2>&1 &
    local runner=$!
    local seen=0
    for _ in $(seq 100); do
        # counted once per round: the virtualized run may end between two counts
        seen=$(emulators_in "$dir" | wc -l)
        [ "$seen" -ge 2 ] && break
        sleep 0.1
    done
    if [ "$seen" -lt 2 ]; then
        kill -KILL $runner 2>/dev/null
        wait $runner 2>/dev/null
        fail "$what" "the emulators did not start within 10 s" "$OUT/$name.log"
        return
    fi
    kill -"$sig" $runner
    wait $runner 2>/dev/null
    rc=$?
    for _ in $(seq 20); do
        left=$(emulators_in "$dir")
        [ -z "$left" ] && break
        sleep 0.1
    done
    if [ -n "$left" ]; then
        # shellcheck disable=SC2086
        kill -KILL $left 2>/dev/null
        fail "$what" "emulators still running 2 s later: ${left//$'\n'/ }" "$OUT/$name.log"
    elif [ $rc -ne "$want" ]; then
        fail "$what" "exit status $rc, want $want" "$OUT/$name.log"
    else
        ok "$what: every emulator gone, exit $rc"
    fi
}
killed_runner QUIT 130
killed_runner KILL 137

# ---- 7. output caps: an emulator that prints without end stops at the cap, and says so ----
name=capped-output
what="an emulator's runaway output stops at the 64 MiB cap"
# (100 MB, not endless: without the cap it must not fill the disk)
printf '#!/bin/sh\n# a QEMU that prints 100 MB on COM1\nhead -c 100000000 /dev/zero | tr "\\000" x >serial.txt\n' \
    >"$OUT/runaway-qemu.sh"
chmod +x "$OUT/runaway-qemu.sh"
rd $name run --cpu qemu --qemu "$OUT/runaway-qemu.sh" --scenario gp-stack --build "$BUILD" \
    --results "$OUT/$name"
size=$(stat -c %s "$OUT/$name/gp-stack/qemu-bare/serial.txt" 2>/dev/null)
if [ $rc -ne 1 ]; then
    fail "$what" "exit status $rc, want 1 (an unexpected CRASH)" "$log"
elif [ "$size" != $((64 << 20)) ]; then
    fail "$what" "serial.txt holds ${size:-no} bytes, want $((64 << 20))" "$log"
elif ! grep -q "CRASH.*output exceeded the 64 MiB cap (serial.txt)" "$log"; then
    fail "$what" "the detail does not name the cap" "$log"
else
    ok "$what: CRASH, 'output exceeded the 64 MiB cap (serial.txt)'"
fi
rm -f "$OUT/$name/gp-stack/qemu-bare/serial.txt" # 64 MiB


# ---- 8. shards and merge: two shards merged equal one run of the whole (docs/runner.md) ----
what="run --shard 1/2 and 2/2, then merge: the totals and exit status of one run"
sel=(--scenario gp-stack,irq-stack,ud-stack --policy kvm,drop-all --build "$BUILD")
rd shard-whole run "${sel[@]}" --results "$OUT/shard-whole"
whole_rc=$rc
rd shard-1 run "${sel[@]}" --shard 1/2 --results "$OUT/shard-1"
rc1=$rc
rd shard-2 run "${sel[@]}" --shard 2/2 --results "$OUT/shard-2"
rc2=$rc
rd shard-merged merge --results "$OUT/shard-merged" "$OUT/shard-1" "$OUT/shard-2"
totals() {
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["totals"])' "$1" 2>/dev/null
}
if [ $rc1 -gt 1 ] || [ $rc2 -gt 1 ]; then
    fail "$what" "a shard exited $rc1/$rc2" "$OUT/shard-2.log"
elif [ $rc -ne "$whole_rc" ]; then
    fail "$what" "merge exited $rc, the whole run $whole_rc" "$log"
elif [ -z "$(totals "$OUT/shard-whole/summary.json")" ] ||
    [ "$(totals "$OUT/shard-merged/summary.json")" != "$(totals "$OUT/shard-whole/summary.json")" ]; then
    fail "$what" "totals $(totals "$OUT/shard-merged/summary.json"), want $(totals "$OUT/shard-whole/summary.json")" "$log"
elif ! grep -q '"shard": "2/2"' "$OUT/shard-2/summary.json" ||
    ! grep -q '^shard: 1/2' "$OUT/shard-1/table.txt"; then
    fail "$what" "a shard's summary.json or table does not say which shard it is" "$OUT/shard-1.log"
elif [ ! -s "$OUT/shard-merged/irq-stack/bochs-virt-drop-all/serial.txt" ]; then
    fail "$what" "the run directories were not brought into the merged results" "$log"
else
    ok "$what: exit $rc, totals $(totals "$OUT/shard-merged/summary.json")"
fi
rd shard-missing merge --results "$OUT/shard-bad" "$OUT/shard-1"
if [ $rc -eq 2 ] && grep -q "shard 2/2 missing" "$log"; then
    ok "merge without shard 2/2: exit 2, 'shard 2/2 missing'"
else
    fail "merge without shard 2/2: exit 2, 'shard 2/2 missing'" "exit status $rc" "$log"
fi
rd shard-twice merge --results "$OUT/shard-bad" "$OUT/shard-1" "$OUT/shard-2" "$OUT/shard-whole"
if [ $rc -eq 2 ] && grep -q "is in two inputs" "$log"; then
    ok "merge with a run in two inputs: exit 2"
else
    fail "merge with a run in two inputs: exit 2" "exit status $rc" "$log"
fi
rd shard-bad-arg run --shard 3/2 --build "$BUILD" --results "$OUT/shard-bad"
if [ $rc -eq 2 ] && grep -q "1 <= K <= N <= 1000" "$log"; then
    ok "run --shard 3/2: exit 2 with the valid range"
else
    fail "run --shard 3/2: exit 2 with the valid range" "exit status $rc" "$log"
fi
