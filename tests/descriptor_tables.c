/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests/descriptor_tables.c — exits while delivery reads the IDT, the GDT or the TSS.
 *
 * What: the same #GP and self-IPI as tests/hw_exceptions.c and tests/irq.c, but the page
 * taken away in EPT is the IDT (the gate), the GDT (the descriptor of the handler's CS) or
 * the TSS (the IST1 pointer) instead of the handler's stack. Why: docs/cases.md names all four
 * as pages whose absence makes the exit happen during delivery; the IDT-vectoring
 * information must be the same and so must the verdicts. Expected bare result: as the
 * -stack rows. The rows that take two pages away make one delivery exit twice.
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

/* Two exits during one delivery: the IDT page and the IST1 stack page are both not present,
 * so delivering the #GP exits reading the gate, is re-delivered, and exits again pushing
 * the frame: the event is re-delivered twice (v=2). Expected bare result: as gp-stack. */
SCENARIO(gp_idt_stack) = {
    .name = "gp-idt-stack",
    .vector = 13,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .page = PAGE_STACK,
    .also_pages = 1u << PAGE_IDT,
    .trigger = trigger_gp,
};

SCENARIO(irq_idt_stack) = {
    .name = "irq-idt-stack",
    .vector = IRQ_VECTOR,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .page = PAGE_STACK,
    .also_pages = 1u << PAGE_IDT,
    .trigger = trigger_irq,
    .check = irq_check,
};

SCENARIO(nmi_idt) = {
    .name = "nmi-idt",
    .vector = 2,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .page = PAGE_IDT,
    .trigger = trigger_nmi,
};

SCENARIO(int_n_idt) = {
    .name = "int-n-idt",
    .vector = 0x80,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .page = PAGE_IDT,
    .trigger = trigger_int80,
};

SCENARIO(db_single_step_tss) = {
    .name = "db-single-step-tss",
    .vector = 1,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .page = PAGE_TSS,
    .trigger = trigger_single_step,
};

SCENARIO(pf_gdt) = {
    .name = "pf-gdt",
    .vector = 14,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .page = PAGE_GDT,
    .trigger = trigger_pf,
};
