/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests/irq.c — external interrupts from the local APIC.
 *
 * What: a self-IPI whose delivery exits (the handler's IST stack page is not present in
 * EPT). Why: the interrupt was acknowledged (IRR -> ISR) before delivery began; nothing in
 * hardware raises it again, so a hypervisor that drops it loses it and leaves the vector in
 * service (docs/cases.md #4). Expected bare result: one `INT 0x40` at the instruction after the
 * STI shadow, and ISR clear after the handler's EOI.
 */
#include "guest/guest.h"
#include "guest/scenario.h"
#include "lib/desc.h"
#include "lib/x86.h"
#include "tests/triggers.h"

/* With the interrupt pending, open one window: it is taken right after the one-instruction
 * STI shadow (SDM Vol. 2B, STI), so the saved RIP is the same in every environment; then
 * more windows where any late delivery would land. Inlined: RIPs stay inside the trigger. */
static inline __attribute__((always_inline)) void take_pending_interrupt(void)
{
    __asm__ volatile("sti\n\t"
                     "nop\n\t"
                     "cli\n\t" ::
                         : "memory");
    for (unsigned i = 0; i < 1000; i++)
        __asm__ volatile("sti; nop; cli" ::: "memory");
}

void trigger_irq(void)
{
    apic_self_ipi_pending(IRQ_VECTOR);
    take_pending_interrupt();
}

/* The same IPI to a vector whose IDT gate is not present: delivery raises #NP with an
 * error code of EXT | IDT | vector << 3 (SDM 6.13, 6.15 "Interrupt 11"), and that #NP's
 * delivery exits. Dropping the #NP loses both events (docs/cases.md #5). */
#define NP_VECTOR 0x41

static void np_ext_trigger(void)
{
    idt_set_present(NP_VECTOR, false);
    apic_self_ipi_pending(NP_VECTOR);
    take_pending_interrupt();
    idt_set_present(NP_VECTOR, true);
}

static void np_ext_check(void)
{
    report(!apic_isr_set(NP_VECTOR) && !apic_irr_set(NP_VECTOR),
           "vector 0x%x neither pending nor in service after the #NP handler", NP_VECTOR);
}

/* The same two deliveries, the first one perturbed: the IDT page is not present, so the
 * interrupt's own delivery exits reading the (not-present) gate of 0x41; re-delivered, it
 * raises the #NP(EXT). Which of the two deliveries exits is the row's choice. The gate is
 * cleared before the page is taken away (setup), so that the trigger touches no IDT byte. */
static void np_ext_idt_setup(void)
{
    idt_set_present(NP_VECTOR, false);
}

static void np_ext_idt_trigger(void)
{
    apic_self_ipi_pending(NP_VECTOR);
    take_pending_interrupt();
}

static void np_ext_idt_check(void)
{
    idt_set_present(NP_VECTOR, true);
    np_ext_check();
}

SCENARIO(np_ext_idt) = {
    .name = "np-ext-idt",
    .vector = NP_VECTOR,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .page = PAGE_IDT,
    .setup = np_ext_idt_setup,
    .trigger = np_ext_idt_trigger,
    .check = np_ext_idt_check,
};

SCENARIO(np_ext_stack) = {
    .name = "np-ext-stack",
    .vector = 11,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .trigger = np_ext_trigger,
    .check = np_ext_check,
};

void irq_check(void)
{
    report(!apic_isr_set(IRQ_VECTOR) && !apic_irr_set(IRQ_VECTOR),
           "vector 0x%x neither pending nor in service after the handler", IRQ_VECTOR);
}

SCENARIO(irq_stack) = {
    .name = "irq-stack",
    .vector = IRQ_VECTOR,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .trigger = trigger_irq,
    .check = irq_check,
};
