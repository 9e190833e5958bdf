# SPDX-License-Identifier: BSD-2-Clause
# scripts/e2e-dims.sh — sourced by scripts/e2e.sh (uses its rd, ok, fail, tap_has and
# variables): the run dimensions beside scenario and policy. A CPU model's bochsrc names
# it and hv/ reads that model's VMX; a model that lacks what hv/ needs gives SKIP cells with
# hv/'s reason and exit 0, also when only a row needs the feature (#VE); the kvm-like
# profile reaches hv/, takes MOV-DR exits and keeps kvm equal to bare; an unknown profile
# is a usage error (docs/runner.md, docs/hv.md).

# ---- 10. CPU models and intercept profiles ----
name=dims-nehalem
what="run --cpu bochs:nehalem (no unrestricted guest)"
rd $name run --cpu bochs:nehalem --scenario gp-stack --policy kvm --build "$BUILD" \
    --results "$OUT/$name"
if [ $rc -eq 0 ] && tap_has $name "^ok [0-9]+ - gp-stack bochs:nehalem bare: PASS$" &&
    tap_has $name "^ok [0-9]+ - gp-stack bochs:nehalem kvm: SKIP$" &&
    grep -q "^SKIP: bochs:nehalem, virtualized: hv: UNSUPPORTED unrestricted-guest: " "$log"; then
    ok "$what: bare PASS, kvm SKIP with hv/'s reason, exit 0"
else
    fail "$what: bare PASS, kvm SKIP with hv/'s reason, exit 0" "exit status $rc" "$log"
fi
name=dims-sandybridge
what="run --cpu bochs:sandybridge"
rd $name run --cpu bochs:sandybridge --scenario irq-stack --policy kvm --build "$BUILD" \
    --results "$OUT/$name"
d=$OUT/$name/irq-stack/bochs:sandybridge-virt-kvm
if [ $rc -eq 0 ] && grep -q "^cpu: model=corei7_sandy_bridge_2600k," "$d/bochsrc" &&
    grep -q "^hv: vmx-caps .* proc2=0xff " "$d/hv.txt" &&
    tap_has $name "^ok [0-9]+ - irq-stack bochs:sandybridge kvm: PASS v=1$"; then
    ok "$what: its bochsrc model, hv/ reads its VMX (proc2=0xff), kvm PASS"
else
    fail "$what: its bochsrc model, hv/ reads its VMX (proc2=0xff), kvm PASS" \
        "exit status $rc" "$log"
fi
# a feature only the #VE rows need (docs/hv.md, "#VE"): hv/ says the model lacks it when the
# row asks, and the cells SKIP with hv/'s line, declared as for nehalem
name=dims-ve-sandybridge
what="run --cpu bochs:sandybridge --scenario ve-stack (no EPT-violation #VE)"
rd $name run --cpu bochs:sandybridge --scenario ve-stack --policy kvm --build "$BUILD" \
    --results "$OUT/$name"
d=$OUT/$name/ve-stack/bochs:sandybridge-virt-kvm
if [ $rc -eq 0 ] && tap_has $name "^ok [0-9]+ - ve-stack bochs:sandybridge kvm: SKIP$" &&
    tap_has $name "^ok [0-9]+ - ve-stack bochs:sandybridge ref:virt: SKIP$" &&
    grep -q "^SKIP: bochs:sandybridge, virtualized: hv: UNSUPPORTED ept-violation-ve: " "$log" &&
    grep -q "^Test result: SKIP the CPU model lacks the EPT-violation #VE control" "$d/serial.txt"; then
    ok "$what: kvm and ref:virt SKIP with hv/'s reason, exit 0"
else
    fail "$what: kvm and ref:virt SKIP with hv/'s reason, exit 0" "exit status $rc" "$log"
fi
# where the model has it, a dropped #VE is not raised again: the read exits instead
name=dims-ve-lost
what="run --scenario ve-stack --policy drop-hw (the #VE is not converted again)"
rd $name run --scenario ve-stack --policy drop-hw --build "$BUILD" --results "$OUT/$name"
d=$OUT/$name/ve-stack/bochs-virt-drop-hw
if [ $rc -eq 0 ] && tap_has $name "^not ok [0-9]+ - ve-stack bochs drop-hw: LOST v=1 xfail # TODO" &&
    grep -q "^hv: VE-EXIT gpa=0x[0-9a-f]* info\[4\]=0xffffffff: not converted" "$d/hv.txt"; then
    ok "$what: LOST (expected), hv: VE-EXIT with offset 4 = FFFFFFFFH"
else
    fail "$what: LOST (expected), hv: VE-EXIT with offset 4 = FFFFFFFFH" "exit status $rc" "$log"
fi
name=dims-kvm-like
what="run --profile kvm-like (db-general-detect: MOV DR exits)"
rd $name run --profile kvm-like --scenario db-general-detect --policy kvm --build "$BUILD" \
    --results "$OUT/$name"
d=$OUT/$name/db-general-detect/bochs-virt-kvm
if [ $rc -eq 0 ] && grep -q "^profile: kvm-like " "$log" &&
    grep -q '"profile": "kvm-like"' "$OUT/$name/summary.json" &&
    grep -q "^hv: redeliver lab hypervisor, policy=kvm, profile=kvm-like," "$d/hv.txt" &&
    grep -q " DR_ACCESS=[1-9]" "$d/hv.txt" &&
    tap_has $name "^ok [0-9]+ - db-general-detect bochs kvm: PASS v=1$"; then
    ok "$what: the profile reaches hv/, MOV DR exits, kvm PASS"
else
    fail "$what: the profile reaches hv/, MOV DR exits, kvm PASS" "exit status $rc" "$log"
fi
rd dims-bad-profile run --profile kvm --scenario gp-stack --build "$BUILD"
if [ $rc -eq 2 ] && grep -q "\-\-profile 'kvm': unknown (known: minimal, kvm-like" "$log"; then
    ok "run --profile kvm: unknown profile, exit status 2"
else
    fail "run --profile kvm: unknown profile, exit status 2" "exit status $rc" "$log"
fi
