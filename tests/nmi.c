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
#include "lib/desc.h"
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

/* An exit that is not during delivery but matters to event state. The first NMI's handler
 * sends a second self-NMI, which waits (blocking by NMI), and has the GDT page taken away in
 * EPT: the handler's IRET, which unblocks NMIs when it begins, exits loading CS from the GDT
 * (exit qualification bit 12: NMI unblocking due to IRET, SDM 27.2.3). hv/ must block NMIs
 * again for the re-entry (SDM 27.2.3; docs/cases.md #3): the IRET runs again and completes,
 * and only then is the second NMI delivered. A hypervisor that forgets takes the second NMI
 * on the IRET instruction, inside the first handler. Expected bare result: two NMIs, the
 * second at the instruction the first returned to. */
static unsigned nmis;

static void nmi_iret_on_event(struct trap_frame *f)
{
    if (f->vector != 2 || nmis++)
        return;
    apic_self_nmi();
    long r = hv_ept_unmap_until_fault(gdt_base());
    if (r != HC_OK && hv_present())
        guest_finish("ERROR", "could not take the GDT page away");
}

static void nmi_iret_trigger(void)
{
    apic_self_nmi();
    for (unsigned i = 0; i < 1000; i++)
        __asm__ volatile("nop" ::: "memory");
}

static void nmi_iret_check(void)
{
    report(nmis == 2, "two NMIs delivered (%u)", nmis);
}

SCENARIO(nmi_iret_unblock) = {
    .name = "nmi-iret-unblock",
    .vector = 2,
    .perturb = PERTURB_NONE,
    .trigger = nmi_iret_trigger,
    .check = nmi_iret_check,
    .on_event = nmi_iret_on_event,
    .proof = PROOF_IRET_NMI_UNBLOCK,
};
