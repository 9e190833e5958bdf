/*
 * tests/nmi.c — NMI (type 2).
 *
 * What: a self-NMI through the local APIC with the NMI handler's IST stack page not present
 * in EPT. Why: NMIs are asynchronous and never regenerated; the CPU already blocks NMIs when
 * the exit happens (CASES.md #3). Expected bare result: the NMI handler runs exactly once.
 */
#include "guest/guest.h"
#include "guest/scenario.h"

static void nmi_trigger(void)
{
    apic_self_nmi();
    for (unsigned i = 0; i < 1000; i++) /* a late NMI would land here */
        __asm__ volatile("nop" ::: "memory");
}

SCENARIO(nmi_stack) = {
    .name = "nmi-stack",
    .vector = 2,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .trigger = nmi_trigger,
};
