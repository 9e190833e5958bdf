/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests/ve.c — virtualization exceptions (#VE, vector 20) whose delivery exits.
 *
 * What: `setup` asks hv/ (HC_VE_ARM, guest/ve.c) to make a guest page not present in EPT
 * with "suppress #VE" clear; the trigger reads it. That EPT violation is convertible (SDM
 * 25.5.7.1: CR0.PE = 1, no event being delivered, offset 4 of the information area 0), so
 * the CPU writes the information area (SDM 25.5.7.2) and raises #VE instead of exiting. The
 * #VE gate uses IST1, and the page its delivery touches (the stack, the IDT, the TSS) is
 * not present in EPT with "suppress #VE" set, the usual perturbation: an EPT violation
 * during delivery is never converted (SDM 25.5.7.1), so it exits with IDT-vectoring
 * information "hardware exception 20" and the policy decides. The handler records the #VE
 * with what it read from the area (`ve=` on its EV line), clears offset 4, asks for the
 * page back (HC_VE_MAP) and returns to the read, which then completes.
 *
 * Why: a #VE exists only in VMX non-root operation, and its information area is written
 * once, before the delivery that exits: re-executing the read cannot bring it back, since
 * offset 4 still holds FFFFFFFFH and the violation is then no longer converted (SDM
 * 25.5.7.1) but exits (hv/ maps the page; hv: VE-EXIT). Dropping the #VE loses it.
 *
 * Expected: bare, SKIP (no hypervisor). The reference is the unperturbed virtualized run
 * (`reference = virt`): exactly one #VE at the read, ve=0x30/0xffffffff/<qual>/<gla>/<gpa>.
 * On a CPU model without the "EPT-violation #VE" control hv/ prints `hv: UNSUPPORTED
 * ept-violation-ve` and the row SKIPs.
 */
#include "guest/guest.h"
#include "guest/scenario.h"

#define VE_PATTERN 0x5eed0000c0ffee14ul

static volatile uint64_t ve_value;

static void ve_setup(void)
{
    if (!hv_present())
        guest_finish("SKIP", "needs hv/: #VE exists only in VMX non-root operation (SDM 25.5.7)");
    long r = guest_ve_arm(VE_PATTERN);
    if (r == HC_ENOTSUP)
        guest_finish("SKIP", "the CPU model lacks the EPT-violation #VE control (SDM A.3.3)");
    if (r != HC_OK)
        guest_finish("ERROR", "HC_VE_ARM failed");
}

/* One read of the page: #VE at this instruction (a fault), which runs again after the
 * handler mapped the page back. */
static void ve_trigger(void)
{
    ve_value = *(volatile uint64_t *)guest_ve_page;
}

static void ve_check(void)
{
    report(ve_value == VE_PATTERN, "the read of the #VE page completed (0x%lx)", ve_value);
}

SCENARIO(ve_stack) = {
    .name = "ve-stack",
    .vector = 20,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .page = PAGE_STACK, /* the #VE's IST1 stack */
    .setup = ve_setup,
    .trigger = ve_trigger,
    .check = ve_check,
};

SCENARIO(ve_idt) = {
    .name = "ve-idt",
    .vector = 20,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .page = PAGE_IDT, /* gate 20 */
    .setup = ve_setup,
    .trigger = ve_trigger,
    .check = ve_check,
};

SCENARIO(ve_tss) = {
    .name = "ve-tss",
    .vector = 20,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .page = PAGE_TSS, /* TSS.IST1 */
    .setup = ve_setup,
    .trigger = ve_trigger,
    .check = ve_check,
};
