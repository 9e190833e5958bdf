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
#include "guest/trace.h"

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
    /* the #VE page is hv/'s to give back (HC_VE_MAP): an EPT perturbation armed on it too
     * would be disarmed by that, or turn the #VE into an exit, so hv/ refuses it
     * (docs/hv.md, "#VE") */
    long busy = hypercall(HC_EPT_UNMAP_UNTIL_FAULT, (uint64_t)guest_ve_page, 0);
    report(busy == HC_EBUSY, "HC_EPT_UNMAP_UNTIL_FAULT on the armed #VE page refused (%ld)", busy);
}

/* One read of the page: #VE at this instruction (a fault), which runs again after the
 * handler mapped the page back. */
static void ve_trigger(void)
{
    ve_value = *(volatile uint64_t *)guest_ve_page;
}

/* SDM 27.2.1, Table 27-7: the EPT-violation exit qualification */
#define QUAL_READ       (1ul << 0)
#define QUAL_WRITE      (1ul << 1)
#define QUAL_FETCH      (1ul << 2)
#define QUAL_LINEAR_VAL (1ul << 7) /* the guest-linear address field is valid */

/* What each #VE reported, not only that the read came back: the reference run is itself
 * under hv/, so a wrong information area (hv/ naming the wrong page) would otherwise show
 * in the reference and in every policy alike and pass. */
static void check_ves(unsigned want)
{
    report(ve_value == VE_PATTERN, "the read of the #VE page completed (0x%lx)", ve_value);
    unsigned n = 0;
    uint64_t page = (uint64_t)guest_ve_page; /* identity-mapped: linear = physical */
    for (unsigned i = 0; i < trace_count(); i++) {
        const struct event *e = trace_at(i);
        if (e->vector != 20)
            continue;
        n++;
        report(e->has_ve, "#VE %u came with its information area", n);
        /* SDM 25.5.7.2: exit reason 48 (EPT violation) at offset 0, FFFFFFFFH at offset 4 */
        report(e->ve_reason == 48, "#VE %u: exit reason 48 (0x%x)", n, e->ve_reason);
        report(e->ve_busy == 0xffffffffu, "#VE %u: offset 4 FFFFFFFFH (0x%x)", n, e->ve_busy);
        report(e->ve_gpa == page, "#VE %u: guest-physical 0x%lx (0x%lx)", n, page, e->ve_gpa);
        report(e->ve_gla == page, "#VE %u: guest-linear 0x%lx (0x%lx)", n, page, e->ve_gla);
        report((e->ve_qual & (QUAL_READ | QUAL_WRITE | QUAL_FETCH | QUAL_LINEAR_VAL)) ==
                   (QUAL_READ | QUAL_LINEAR_VAL),
               "#VE %u: qualification a read with a valid linear address (0x%lx)", n, e->ve_qual);
    }
    report(n == want, "%u #VE (%u)", want, n);
}

static void ve_check(void)
{
    check_ves(1);
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

/* Two #VEs on one page: the handler of the first clears offset 4 (guest/ve.c), the row arms
 * the page again without touching the area, and the second read raises the second #VE. The
 * first one's delivery exits. A policy that drops it leaves offset 4 FFFFFFFFH, so the
 * second violation is not converted either (SDM 25.5.7.1): both are lost, not only the one
 * whose delivery exited. */
static void ve_twice_trigger(void)
{
    ve_value = *(volatile uint64_t *)guest_ve_page; /* the first #VE, delivery perturbed */
    if (guest_ve_arm_again() != HC_OK)
        guest_finish("ERROR", "HC_VE_ARM (the second) failed");
    ve_value = *(volatile uint64_t *)guest_ve_page; /* the second #VE */
}

static void ve_twice_check(void)
{
    check_ves(2);
}

SCENARIO(ve_twice_stack) = {
    .name = "ve-twice-stack",
    .vector = 20,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .page = PAGE_STACK, /* the first #VE's IST1 stack */
    .setup = ve_setup,
    .trigger = ve_twice_trigger,
    .check = ve_twice_check,
};

/* INT 20 is a software interrupt through gate 20, not a #VE: nothing wrote an information
 * area for it, so its EV line has no ve= field, bare and virtualized alike — also when it
 * runs in the same boot after a #VE row (guest/ve.c: only a row that armed a #VE page reads
 * the area, and the per-row reset zeroes it). The reference is bare; the trace comparison is
 * the check (a leaked area shows as DIFFERENT in a batch, `make batch-check`). */
static void int20_not_ve_trigger(void)
{
    __asm__ volatile("int $20\n1:\n\t" EXTABLE(1b, 1b)::: "memory");
}

SCENARIO(int20_not_ve) = {
    .name = "int20-not-ve",
    .vector = 20,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .page = PAGE_STACK, /* gate 20's IST1 stack */
    .trigger = int20_not_ve_trigger,
};
