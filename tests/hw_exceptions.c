/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests/hw_exceptions.c — hardware exceptions raised by the guest's own instruction.
 *
 * What: a fault whose delivery exits (its handler's IST stack page is not present in EPT).
 * Why: the kvm list proposal says such faults can be dropped because re-execution raises
 * them again (docs/cases.md, "Faults the guest's own instruction raised").
 * Expected bare result: exactly one event, the fault, at the faulting instruction.
 */
#include "guest/guest.h"
#include "guest/scenario.h"
#include "tests/triggers.h"

/* A load from a non-canonical address raises #GP(0) (SDM 3.3.7.1, 6.15 "Interrupt 13"). */
void trigger_gp(void)
{
    __asm__ volatile("1: movq (%0), %%rax\n\t"
                     "2:\n\t" EXTABLE(1b, 2b)
                     :
                     : "r"(0x8000000000000000ull)
                     : "rax", "memory");
}

/* UD2 raises #UD (SDM Vol. 2, UD). */
void ud_trigger(void)
{
    __asm__ volatile("1: ud2\n\t"
                     "2:\n\t" EXTABLE(1b, 2b)::
                         : "memory");
}

/* A load from a linear address the guest's page tables do not map (4 GiB and up: PDPT
 * entry 4 is not present) raises #PF with CR2 = that address (SDM 4.7, 6.15 "Interrupt 14"). */
void trigger_pf(void)
{
    __asm__ volatile("1: movq (%0), %%rax\n\t"
                     "2:\n\t" EXTABLE(1b, 2b)
                     :
                     : "r"(0x100000000ull)
                     : "rax", "memory");
}

SCENARIO(ud_stack) = {
    .name = "ud-stack",
    .vector = 6,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .trigger = ud_trigger,
};

SCENARIO(pf_stack) = {
    .name = "pf-stack",
    .vector = 14,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .trigger = trigger_pf,
};

SCENARIO(gp_stack) = {
    .name = "gp-stack",
    .vector = 13,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .trigger = trigger_gp,
};

/* VMXON with CR4.VMXE=0 raises #UD on a bare CPU (SDM Vol. 3 30.3). Under hv/ it exits
 * unconditionally and hv/ injects the #UD: an exception the hypervisor raised for an
 * instruction it emulates (docs/cases.md #11). Dropping it is "safe" only because the
 * instruction exits again: the run costs one more VMXON exit (hv: exit-counts). */
static void vmxon_trigger(void)
{
    static uint64_t region_pa;
    __asm__ volatile("1: vmxon %0\n\t"
                     "2:\n\t" EXTABLE(1b, 2b)::"m"(region_pa)
                     : "memory", "cc");
}

SCENARIO(ud_vmxon) = {
    .name = "ud-vmxon",
    .vector = 6,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .trigger = vmxon_trigger,
};

/* docs/cases.md #10: a #PF whose cause vanishes while its delivery is cut short by an exit. The
 * page is not present in the guest's page tables; the #PF handler's IST stack page is not
 * present in EPT; when that EPT violation is handled, hv/ makes the guest PTE present (as
 * another vCPU could have). Re-injecting delivers a #PF whose PTE is present by now (a
 * spurious fault, which guests tolerate); dropping re-executes the load, which succeeds: the
 * guest never sees the #PF, although CR2 was written. Informational: neither is wrong. */
static uint8_t vanishing_page[4096] __attribute__((aligned(4096)));

static void pf_vanish_setup(void)
{
    if (!guest_page_set_present((uint64_t)vanishing_page, false))
        guest_finish("ERROR", "could not split the guest page tables");
    uint64_t *pte = guest_pte((uint64_t)vanishing_page);
    long r = hypercall(HC_ON_FAULT_WRITE, (uint64_t)pte, *pte | 1 /* P */);
    if (r != HC_OK && hv_present())
        guest_finish("ERROR", "HC_ON_FAULT_WRITE failed");
}

static void pf_vanish_trigger(void)
{
    __asm__ volatile("1: movq (%0), %%rax\n\t"
                     "2:\n\t" EXTABLE(1b, 2b)
                     :
                     : "r"(vanishing_page)
                     : "rax", "memory");
}

static void pf_vanish_check(void)
{
    guest_page_set_present((uint64_t)vanishing_page, true);
}

SCENARIO(pf_vanish) = {
    .name = "pf-vanish",
    .vector = 14,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .setup = pf_vanish_setup,
    .trigger = pf_vanish_trigger,
    .check = pf_vanish_check,
};
