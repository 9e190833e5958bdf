/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests/nmi.c — NMI (type 2).
 *
 * What: a self-NMI through the local APIC with the NMI handler's IST stack page not present
 * in EPT. Why: NMIs are asynchronous and never regenerated; the CPU already blocks NMIs when
 * the exit happens (docs/cases.md #3). Expected bare result: the NMI handler runs exactly once.
 */
#include "guest/guest.h"
#include "guest/scenario.h"
#include "tests/triggers.h"

void trigger_nmi(void)
{
    apic_self_nmi();
    for (unsigned i = 0; i < 1000; i++) /* a late NMI would land here */
        __asm__ volatile("nop" ::: "memory");
}

SCENARIO(nmi_stack) = {
    .name = "nmi-stack",
    .vector = 2,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .trigger = trigger_nmi,
};

/* The same, then a second self-NMI. Why: blocking by NMI begins with delivery, and the
 * exit during delivery leaves it set in the guest state; a hypervisor that drops the NMI
 * leaves the guest blocked until its next IRET, so the second NMI is held back too
 * (docs/cases.md #3). Expected bare result: two NMIs, each at the instruction after
 * its ICR write. */
static void nmi_twice_trigger(void)
{
    apic_self_nmi();
    for (unsigned i = 0; i < 1000; i++)
        __asm__ volatile("nop" ::: "memory");
    apic_self_nmi();
    for (unsigned i = 0; i < 1000; i++)
        __asm__ volatile("nop" ::: "memory");
}

SCENARIO(nmi_twice) = {
    .name = "nmi-twice",
    .vector = 2,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .trigger = nmi_twice_trigger,
};
