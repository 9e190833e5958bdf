# SPDX-License-Identifier: BSD-2-Clause
# scripts/e2e-hostile.sh — sourced by scripts/e2e.sh (uses its harness, cell, ok, fail):
# hostile guests end with the verdict their catalogue entries state, in bounded time, and
# the runner's detail names what happened (docs/protocol.md, "Trust").

# hostile NAME POLICY VERDICT TEXT DESCRIPTION [TIMEOUT]: run NAME bare and under POLICY;
# the cell under POLICY (or bare, when POLICY is "bare") is VERDICT and the run's
# verdict.txt has TEXT. TIMEOUT (default 20 s) bounds a bare run that never ends.
hostile() {
    local name=$1 policy=$2 verdict=$3 text=$4 what=$5 timeout=${6:-20} env dir
    if ! in_catalogue "$name"; then
        fail "$name" "no [$name] in $CFG"
        return
    fi
    harness "$name" --scenario "$name" --policy "${policy/bare/kvm}" --timeout "$timeout"
    env=$policy
    dir="$OUT/$name/$name/bochs-virt-$policy"
    [ "$policy" = bare ] && dir="$OUT/$name/$name/bochs-bare"
    if ! tap_has "$name" "^(not )?ok [0-9]+ - $name bochs $env: $verdict"; then
        fail "$what" "no TAP line '$name bochs $env: $verdict'" "$OUT/$name.log"
    elif ! grep -qF -- "$text" "$dir/verdict.txt" 2>/dev/null; then
        fail "$what" "verdict.txt does not say '$text'" "$dir/verdict.txt"
    else
        ok "$what"
    fi
}

hostile hostile-forge-hv kvm PASS "verdict:   PASS" \
    "hostile-forge-hv: hv: lines printed by the guest are guest text (kvm PASS as gp-stack)"
hostile hostile-dying-emulator bare CRASH "ended abnormally" \
    "hostile-dying-emulator: a SUCCESS trace from an emulator that then panicked is CRASH"
hostile hostile-com2 kvm ERROR "hv/'s report channel, refused" \
    "hostile-com2: a guest write to COM2 is refused by hv/ (ERROR)"
hostile hostile-apic-base kvm ERROR "IA32_APIC_BASE" \
    "hostile-apic-base: hv/ refuses a guest that moves its APIC page (MSR bitmap)"
hostile hostile-gpa-outside kvm ERROR "outside guest memory" \
    "hostile-gpa-outside: guest-physical memory beyond guest RAM is not mapped (ERROR)"
hostile hostile-hypercall-args kvm PASS "verdict:   PASS" \
    "hostile-hypercall-args: hypercall pointers outside guest RAM are refused"
hostile hostile-db-storm kvm LIVELOCK "intercepted exception" \
    "hostile-db-storm: a #DB storm (CVE-2015-8104) ends as LIVELOCK under hv, not TIMEOUT" 8
hostile hostile-ac-storm kvm LIVELOCK "intercepted exception" \
    "hostile-ac-storm: an #AC storm (CVE-2015-5307) ends as LIVELOCK under hv, not TIMEOUT" 8
hostile hostile-pm32-nofixup bare FAILED "pm32: unexpected exception 6 at eip" \
    "hostile-pm32-nofixup: a fault without a fixup in 32-bit protected mode ends the row FAILED, back in 64-bit mode"
hostile hostile-pm32-nofixup kvm ERROR "no bare reference" \
    "hostile-pm32-nofixup: under hv/ the same FAILURE, and no bare reference to pass against (ERROR)"
hostile hostile-pm32-storm bare FAILED "pm32: event storm" \
    "hostile-pm32-storm: more events than the 32-bit handlers record ends the row FAILED as a storm"

# Under load: 16 parallel runs on this machine's CPUs with --timeout 2 must not turn runs
# that pass at --jobs 2 into TIMEOUT (the timeout scales with jobs per CPU).
rd load-jobs16 run --build "$BUILD" --results "$OUT/load-jobs16" --scenario gp-stack,irq-stack \
    --policy kvm,drop-all --jobs 16 --timeout 2
if [ $rc -eq 0 ] && ! grep -q "TIMEOUT" "$OUT/load-jobs16/results.tap"; then
    ok "--jobs 16 --timeout 2: no run is TIMEOUT for waiting for a CPU"
else
    fail "--jobs 16 --timeout 2" "exit $rc or a TIMEOUT" "$log"
fi

# An exit that is not during delivery (nmi-iret-unblock): with hv/ told to forget the NMI
# blocking an exiting IRET had cleared, the row must not pass (a nested NMI, or no end).
if in_catalogue nmi-iret-unblock; then
    rd iret-noreblock run --build "$BUILD" --results "$OUT/iret-noreblock" \
        --scenario nmi-iret-unblock --policy kvm --fault no-nmi-reblock --timeout 8
    if tap_has iret-noreblock "^not ok [0-9]+ - nmi-iret-unblock bochs kvm: " &&
        ! tap_has iret-noreblock "^(not )?ok [0-9]+ - nmi-iret-unblock bochs kvm: PASS"; then
        ok "nmi-iret-unblock: a hv/ that forgets to re-block NMIs after an IRET exit fails it"
    else
        fail "nmi-iret-unblock with --fault no-nmi-reblock" "the row did not fail" "$log"
    fi
else
    fail "nmi-iret-unblock" "no [nmi-iret-unblock] in $CFG"
fi
