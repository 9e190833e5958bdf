/*
 * tests/hw_exceptions.c — hardware exceptions raised by the guest's own instruction.
 *
 * What: a fault whose delivery exits (its handler's IST stack page is not present in EPT).
 * Why: the kvm list proposal says such faults can be dropped because re-execution raises
 * them again (CASES.md, "Faults the guest's own instruction raised").
 * Expected bare result: exactly one event, the fault, at the faulting instruction.
 */
#include "guest/guest.h"
#include "guest/scenario.h"

/* A load from a non-canonical address raises #GP(0) (SDM 3.3.7.1, 6.15 "Interrupt 13"). */
static void gp_trigger(void)
{
    __asm__ volatile("1: movq (%0), %%rax\n\t"
                     "2:\n\t" EXTABLE(1b, 2b)
                     :
                     : "r"(0x8000000000000000ull)
                     : "rax", "memory");
}

/* UD2 raises #UD (SDM Vol. 2, UD). */
static void ud_trigger(void)
{
    __asm__ volatile("1: ud2\n\t"
                     "2:\n\t" EXTABLE(1b, 2b)::
                         : "memory");
}

/* A load from a linear address the guest's page tables do not map (4 GiB and up: PDPT
 * entry 4 is not present) raises #PF with CR2 = that address (SDM 4.7, 6.15 "Interrupt 14"). */
static void pf_trigger(void)
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
    .perturb = PERTURB_STACK_NOT_PRESENT,
    .trigger = ud_trigger,
};

SCENARIO(pf_stack) = {
    .name = "pf-stack",
    .vector = 14,
    .perturb = PERTURB_STACK_NOT_PRESENT,
    .trigger = pf_trigger,
};

SCENARIO(gp_stack) = {
    .name = "gp-stack",
    .vector = 13,
    .perturb = PERTURB_STACK_NOT_PRESENT,
    .trigger = gp_trigger,
};
