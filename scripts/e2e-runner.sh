# SPDX-License-Identifier: BSD-2-Clause
# scripts/e2e-runner.sh — sourced by scripts/e2e.sh (uses its rd, ok, fail and variables):
# the runner's own hygiene — no emulator outlives the runner, and an emulator that prints
# without end stops at the output cap and says so (docs/runner.md).

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
# killed_runner SIGNAL WANT-STATUS: start a hanging run, send SIGNAL to the runner once its
# emulators run; they must all be gone 2 s later
killed_runner() {
    local sig=$1 want=$2 name=signal-$1 dir left=""
    what="runner gets SIG$sig while Bochs runs"
    dir="$(cd "$OUT" && pwd)/$name"
    "$REDELIVER" run --build "$BUILD" --results "$OUT/$name" --scenario harness-hang \
        --policy kvm --timeout 60 >"$OUT/$name.log" 2>&1 &
    local runner=$!
    for _ in $(seq 100); do
        [ "$(emulators_in "$dir" | wc -l)" -ge 2 ] && break
        sleep 0.1
    done
    if [ "$(emulators_in "$dir" | wc -l)" -lt 2 ]; then
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

