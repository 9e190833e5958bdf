/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests/injected.c — events that the hypervisor injects, one row per interruption type.
 *
 * What: the trigger asks hv/ to inject an event at the VM entry right after its VMCALL
 * (HC_INJECT_EVENT, lib/hypercall_abi.h); the event's gate uses IST1, whose one-page stack
 * is not present in EPT, so its delivery exits and the policy decides what becomes of it.
 * After the VMCALL come NOPs: no instruction at RIP raises the event again.
 *
 * Why: "drop and let the CPU raise it again" and "re-execute the software interrupt"
 * both assume that something in the guest raises the event again. Nothing raises an
 * injected event again: an exception injected by a hypervisor or its userspace, an
 * injected NMI or interrupt, an injected INT n / INT3 / ICEBP with no instruction at RIP
 * (re-execution runs the NOPs: Xen's and VirtualBox's case; SDM 27.3.3 says guest RIP
 * points at the instruction only when there is one).
 *
 * Expected: bare, SKIP (there is no hypervisor to inject anything). The reference is the
 * unperturbed virtualized run (`reference = virt` in tests/scenarios.cfg, docs/runner.md):
 * exactly one event. Hardware exceptions and NMI/interrupts are delivered with the saved
 * RIP after the VMCALL; software events with RIP + VM-entry instruction length (SDM
 * 26.5.1.1), inside the NOPs.
 */
#include "guest/guest.h"
#include "guest/inject.h"
#include "guest/scenario.h"
#include "lib/x86.h"

#define LEN(n) INJECT_LEN(n)

static long inject_result = 1; /* HC_INJECT_EVENT's return value, checked after the trigger */

/* The same call, not inlined, for the requests hv/ must refuse (nothing is injected). */
static __attribute__((noinline)) long inject_call(uint32_t info, uint64_t err_len, uint64_t payload)
{
    long ret;
    __asm__ volatile("vmcall"
                     : "=a"(ret)
                     : "a"((uint64_t)HC_INJECT_EVENT), "D"((uint64_t)info), "S"(err_len),
                       "d"(payload)
                     : "memory");
    return ret;
}

static void needs_hv(void)
{
    if (!hv_present())
        guest_finish("SKIP", "needs hv/: injected events exist only under a hypervisor");
}

static void accepted(void)
{
    report(inject_result == HC_OK, "hv/ accepted the injection (%ld)", inject_result);
}

/* Type 0: an external interrupt needs RFLAGS.IF = 1 and no STI shadow (SDM 26.3.1.5): the
 * NOP after STI ends the shadow before the VMCALL. Never acknowledged in the local APIC, so
 * the handler sends no EOI. */
#define EXT_VECTOR 0x50

static void extint_trigger(void)
{
    __asm__ volatile("sti; nop" ::: "memory");
    inject_result = guest_inject(0x80000000u | EXT_VECTOR, 0, 0);
    __asm__ volatile("cli" ::: "memory");
}

static void nmi_trigger(void)
{
    inject_result = guest_inject(0x80000202u, 0, 0);
}

/* Type 3 with an error code: #GP(0x0010), as for a bad selector 2. */
static void gp_trigger(void)
{
    inject_result = guest_inject(0x80000b0du, 0x0010, 0);
}

/* Type 3 with error code and payload: #PF(write, not present) with CR2 = 0xdead000, which
 * hv/ loads into CR2 at delivery only (docs/core.md, "Payloads"). */
static void pf_trigger(void)
{
    inject_result = guest_inject(0x80000b0eu, 0x0002, 0xdead000);
}

/* Type 4: INT 0x80 with VM-entry instruction length 2, but NOPs at RIP. */
static void int80_trigger(void)
{
    inject_result = guest_inject(0x80000480u, LEN(2), 0);
}

/* Type 5: ICEBP (vector 1), length 1. */
static void icebp_trigger(void)
{
    inject_result = guest_inject(0x80000501u, LEN(1), 0);
}

/* Type 6: INT3 (vector 3), length 1. */
static void int3_trigger(void)
{
    inject_result = guest_inject(0x80000603u, LEN(1), 0);
}

/* What hv/ must refuse (HC_EINVAL), with nothing injected: type 7 (Bochs PANICs), type 1,
 * #GP without its error code and #UD with one (SDM 26.2.1.3), soft types with length 0 or
 * 16, NMI with vector 3, an external interrupt with RFLAGS.IF = 0, a payload on #GP. */
static void refusals_check(void)
{
    static const struct {
        uint32_t info;
        uint64_t err_len, payload;
        const char *what;
    } bad[] = {
        {0x80000700u, 0, 0, "type 7"},
        {0x80000120u, 0, 0, "type 1"},
        {0x8000030du, 0, 0, "#GP without error code"},
        {0x80000b06u, 0, 0, "#UD with error code"},
        {0x80000480u, LEN(0), 0, "INT n with length 0"},
        {0x80000480u, LEN(16), 0, "INT n with length 16"},
        {0x80000603u, 0, 0, "INT3 with length 0"},
        {0x80000203u, 0, 0, "NMI with vector 3"},
        {0x80000050u, 0, 0, "external interrupt with IF = 0"},
        {0x80000b0du, 0, 0x1000, "#GP with a payload"},
        {0x00000b0du, 0, 0, "valid bit clear"},
    };
    accepted();
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        long r = inject_call(bad[i].info, bad[i].err_len, bad[i].payload);
        report(r == HC_EINVAL, "hv/ refuses %s (0x%08x): %ld", bad[i].what, bad[i].info, r);
    }
}

SCENARIO(injected_extint) = {
    .name = "injected-extint",
    .vector = EXT_VECTOR,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .setup = needs_hv,
    .trigger = extint_trigger,
    .check = accepted,
};

SCENARIO(injected_nmi) = {
    .name = "injected-nmi",
    .vector = 2,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .setup = needs_hv,
    .trigger = nmi_trigger,
    .check = accepted,
};

SCENARIO(injected_gp) = {
    .name = "injected-gp",
    .vector = 13,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .setup = needs_hv,
    .trigger = gp_trigger,
    .check = refusals_check,
};

SCENARIO(injected_pf) = {
    .name = "injected-pf",
    .vector = 14,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .setup = needs_hv,
    .trigger = pf_trigger,
    .check = accepted,
};

SCENARIO(injected_int80) = {
    .name = "injected-int80",
    .vector = 0x80,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .setup = needs_hv,
    .trigger = int80_trigger,
    .check = accepted,
};

SCENARIO(injected_icebp) = {
    .name = "injected-icebp",
    .vector = 1,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .setup = needs_hv,
    .trigger = icebp_trigger,
    .check = accepted,
};

SCENARIO(injected_int3) = {
    .name = "injected-int3",
    .vector = 3,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .setup = needs_hv,
    .trigger = int3_trigger,
    .check = accepted,
};
