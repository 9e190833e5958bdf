# SPDX-License-Identifier: BSD-2-Clause
# scripts/e2e-other-hv.sh — sourced by scripts/e2e.sh (uses its rd, ok, skip, fail and
# variables, and the results of its checks 1 and 2): our guests without hv/
# (docs/other-hypervisors.md) — the pc-testdev backend under QEMU TCG, `redeliver judge` on
# consoles copied from those real runs, and the QEMU/KVM column (its n/a message where
# /dev/kvm is missing; a real run where it is usable).

# ---- 15. the pc-testdev backend under QEMU TCG: detected, 0xE4 written, the trace as bare ----
# tcg_without_testdev ROW: the row's TCG run of check 2, repeated by hand without pc-testdev
tcg_without_testdev() {
    local src=$OUT/qemu-bare/$1/qemu-bare dst=$OUT/tcg-no-testdev/$1
    rm -rf "$dst" && mkdir -p "$dst" && cp "$src/guest.bin" "$dst/" || return 1
    sed -n 's/^TERM=dumb exec //p' "$src/cmdline" | sed 's/ -device pc-testdev / /' |
        sed 's/ <\/dev\/null.*//' >"$dst/argv"
    # shellcheck disable=SC2046
    (cd "$dst" && timeout 60 $(cat argv) </dev/null >stdout.txt 2>stderr.txt)
    grep '^EV ' "$dst/serial.txt"
}
for s in gp-stack irq-stack; do
    what="$s on QEMU TCG: pc-testdev detected, port 0xE4 written, the trace as without it"
    serial=$OUT/qemu-bare/$s/qemu-bare/serial.txt
    with=$(grep '^EV ' "$serial" 2>/dev/null)
    without=$(tcg_without_testdev $s)
    if ! grep -qx 'ENV bare pc-testdev' "$serial" 2>/dev/null; then
        fail "$what" "no 'ENV bare pc-testdev' line" "$serial"
    elif ! grep -Eqx 'PCTESTDEV writes=[1-9][0-9]*' "$serial"; then
        fail "$what" "no PCTESTDEV writes=N>0 line" "$serial"
    elif [ -z "$with" ] || [ "$with" != "$without" ]; then
        fail "$what" "EV lines differ: with pc-testdev '$with', without '$without'"
    elif grep -q 'pc-testdev' "$OUT/tcg-no-testdev/$s/serial.txt"; then
        fail "$what" "the guest claims pc-testdev where QEMU has none" \
            "$OUT/tcg-no-testdev/$s/serial.txt"
    else
        ok "$what"
    fi
done
# a row whose perturbation needs hv/ (an intercepted #PF) says so under pc-testdev
if grep -q '^SKIP: pc-testdev: hypercall 3 exists only under hv/' \
    "$OUT/qemu-bare/pf-df-merge/qemu-bare/serial.txt" 2>/dev/null; then
    ok "pf-df-merge on QEMU TCG: SKIP line for the intercept only hv/ has"
else
    fail "pf-df-merge on QEMU TCG: SKIP line for the intercept only hv/ has" "no SKIP line" \
        "$OUT/qemu-bare/pf-df-merge/qemu-bare/serial.txt"
fi

# ---- 16. redeliver judge on consoles copied from the real runs of checks 1 and 2 ----
J=$OUT/judge
rm -rf "$J" && mkdir -p "$J/dir"
src=$OUT/bochs-matrix/irq-stack
cp "$src/bochs-bare/serial.txt" "$J/bare.txt" &&
    cp "$src/bochs-virt-kvm/serial.txt" "$J/kvm.txt" && cp "$src/bochs-virt-kvm/hv.txt" "$J/kvm-hv.txt" &&
    cp "$src/bochs-virt-drop-all/serial.txt" "$J/drop.txt" &&
    cp "$src/bochs-virt-drop-all/hv.txt" "$J/drop-hv.txt" &&
    cp "$OUT/qemu-bare/irq-stack/qemu-bare/serial.txt" "$J/tcg.txt" &&
    cp "$J/bare.txt" "$J/dir/bare.txt" && cp "$J/kvm.txt" "$J/dir/virt.txt" &&
    cp "$J/kvm-hv.txt" "$J/dir/hv.txt"
grep -v '^EV ' "$J/kvm.txt" >"$J/kvm-lost.txt"
sed 's/^Test result: SUCCESS$/Test result: FAILURE/' "$J/bare.txt" >"$J/bare-failed.txt"
# hv/'s report of another row (its markers renamed) and of a two-row batch: no proof
sed 's/^hv: ROW\(-END\)\? irq-stack$/hv: ROW\1 gp-stack/' "$J/kvm-hv.txt" >"$J/other-hv.txt"
cat "$J/kvm-hv.txt" "$J/kvm-hv.txt" >"$J/batch-hv.txt"
# judge NAME WANT-STATUS WANT-REGEX ARGS...
judge() {
    local name=$1 want=$2 re=$3
    shift 3
    rd "judge-$name" judge "$@"
    if [ $rc -eq "$want" ] && grep -Eq "$re" "$log"; then
        ok "judge $name: exit $want, $re"
    else
        fail "judge $name" "exit status $rc (want $want), want /$re/" "$log"
    fi
}
judge kvm-with-hv-log 0 '^virt: +PASS$' "$J/bare.txt" "$J/kvm.txt" --hv-log "$J/kvm-hv.txt"
judge drop-all-with-hv-log 1 '^virt: +LOST — ' "$J/bare.txt" "$J/drop.txt" --hv-log "$J/drop-hv.txt"
judge kvm-without-hv-log 3 '^virt: +UNPROVED — .*no hypervisor fact' "$J/bare.txt" "$J/kvm.txt"
judge hv-log-of-another-row 1 '^virt: +ERROR — hv/ marked 1 row\(s\) in hv.txt, the first .gp-stack.; the runner asked for row .irq-stack.' "$J/bare.txt" "$J/kvm.txt" \
    --hv-log "$J/other-hv.txt"
judge hv-log-of-a-batch 1 '^virt: +ERROR — hv/ marked 2 row\(s\) in hv.txt' "$J/bare.txt" "$J/kvm.txt" \
    --hv-log "$J/batch-hv.txt"
judge directory 0 '^virt: +PASS$' "$J/dir"
judge lost-without-hv-log 1 '^virt: +LOST — ' "$J/bare.txt" "$J/kvm-lost.txt"
judge tcg-pc-testdev 3 'UNPROVED — .*pc-testdev took 1 page' "$J/bare.txt" "$J/tcg.txt"
judge bare-failed 1 '^bare: +FAILED' "$J/bare-failed.txt" "$J/kvm.txt"
judge missing-file 2 'nonexistent.txt: No such file' "$J/bare.txt" "$J/nonexistent.txt"
judge not-a-console 2 'is no guest console' "$J/bare.txt" "$J/kvm-hv.txt"
judge no-hv-summary 1 '^virt: +ERROR — hv printed no' "$J/bare.txt" "$J/kvm.txt" --hv-log "$J/tcg.txt"

# ---- 17. the QEMU/KVM column ----
what="run --cpu qemu-kvm without /dev/kvm: the column n/a, why said once, exit 0"
REDELIVER_KVM_DEV=$OUT/no-kvm rd qemu-kvm-missing run --cpu qemu-kvm --scenario gp-stack \
    --build "$BUILD" --results "$OUT/qemu-kvm-missing"
n=$(grep -c "^n/a: qemu-kvm (the column): $OUT/no-kvm does not exist" "$log")
if [ $rc -ne 0 ]; then
    fail "$what" "exit status $rc, want 0" "$log"
elif [ "$n" != 1 ] || ! grep -Eq '^gp-stack +PASS +n/a +n/a' "$log"; then
    fail "$what" "want the reason once ($n) and gp-stack: qemu PASS, kvm n/a, qemu-kvm n/a" "$log"
elif ! grep -q '"env": "under-test"' "$OUT/qemu-kvm-missing/summary.json"; then
    fail "$what" "summary.json lists no under-test run" "$OUT/qemu-kvm-missing/summary.json"
else
    ok "$what"
fi
# with the machine's own /dev/kvm: a real run where it is usable, else the reason
what="run --cpu bochs --cpu qemu-kvm (gp-stack): the column UNPROVED against Bochs bare"
# --timeout 90: under nested KVM the firmware alone took 15-20 s (docs/other-hypervisors.md)
REDELIVER_KVM_DEV= rd qemu-kvm run --cpu bochs --cpu qemu-kvm --scenario gp-stack --policy kvm \
    --build "$BUILD" --timeout 90 --results "$OUT/qemu-kvm"
why=$(sed -n 's/^n\/a: qemu-kvm (the column): //p' "$log")
if [ -n "$why" ] && [ $rc -eq 0 ]; then
    skip "$what" "$why"
elif [ $rc -eq 0 ] && grep -Eq '^gp-stack +PASS +PASS v=1 +UNPROVED$' "$log" &&
    grep -Eqx 'PCTESTDEV writes=[1-9][0-9]*' "$OUT/qemu-kvm/gp-stack/qemu-kvm/serial.txt"; then
    ok "$what"
else
    fail "$what" "exit status $rc" "$log"
fi
