/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests/descriptor_tables.c — exits while delivery reads the IDT, the GDT or the TSS.
 *
 * What: the same #GP and self-IPI as tests/hw_exceptions.c and tests/irq.c, but the page
 * taken away in EPT is the IDT (the gate), the GDT (the descriptor of the handler's CS) or
 * the TSS (the IST1 pointer) instead of the handler's stack. Why: docs/cases.md names all four
 * as pages whose absence makes the exit happen during delivery; the IDT-vectoring
 * information must be the same and so must the verdicts. Expected bare result: as the
 * -stack rows.
 */
#include "guest/guest.h"
#include "guest/scenario.h"
#include "tests/triggers.h"

SCENARIO(gp_idt) = {
    .name = "gp-idt",
    .vector = 13,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .page = PAGE_IDT,
    .trigger = trigger_gp,
};

SCENARIO(gp_gdt) = {
    .name = "gp-gdt",
    .vector = 13,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .page = PAGE_GDT,
    .trigger = trigger_gp,
};

SCENARIO(gp_tss) = {
    .name = "gp-tss",
    .vector = 13,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .page = PAGE_TSS,
    .trigger = trigger_gp,
};

SCENARIO(irq_idt) = {
    .name = "irq-idt",
    .vector = IRQ_VECTOR,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .page = PAGE_IDT,
    .trigger = trigger_irq,
    .check = irq_check,
};
