/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests/ordering.c — event order around the STI shadow.
 *
 * What: an interrupt is pending with IF=0; `sti` is followed by an instruction that faults
 * (#GP), and the #GP's delivery exits (its IST stack page is not present in EPT).
 * Why: bare, the fault comes first (it is raised inside the one-instruction STI shadow,
 * SDM Vol. 2B, STI) and the interrupt is taken when the handler's IRET sets IF again. A hypervisor
 * that drops the #GP re-enters with no event to inject; the exit ended the STI shadow, so
 * the pending interrupt is taken before the instruction re-executes (docs/cases.md #9).
 * Expected bare result: #GP, then INT 0x40 at the fixup.
 */
#include "guest/guest.h"
#include "guest/scenario.h"
#include "lib/x86.h"
#include "tests/triggers.h"

static void sti_gp_trigger(void)
{
    apic_self_ipi_pending(IRQ_VECTOR);
    __asm__ volatile("sti\n\t"
                     "1: movq (%0), %%rax\n\t"
                     "2: nop\n\t"
                     "cli\n\t" EXTABLE(1b, 2b)
                     :
                     : "r"(0x8000000000000000ull)
                     : "rax", "memory");
}

SCENARIO(sti_shadow_gp) = {
    .name = "sti-shadow-gp",
    .vector = 13,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .trigger = sti_gp_trigger,
};
