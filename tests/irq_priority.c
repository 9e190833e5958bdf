/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests/irq_priority.c — two external interrupts pending at once, at different priority
 * classes, with and without a task priority that holds the lower one back, and one taken
 * after a MOV SS shadow.
 *
 * What: with IF=0, self-IPIs to IRQ_LOW (class 4) and IRQ_HIGH (class 6) are both pending
 * in IRR; the window (STI) lets the local APIC deliver IRQ_HIGH first (SDM 10.8.3.1: the
 * highest priority pending vector), whose delivery exits (IST1 stack or IDT page not present
 * in EPT); the handler's EOI and IRET then let IRQ_LOW in. In the -tpr row TPR is 0x50: IRQ_LOW
 * (class 4) stays pending in IRR while IRQ_HIGH (class 6) is taken, and comes only when the
 * trigger sets TPR back to 0. The -movss row takes one interrupt after STI and MOV SS (SDM
 * 6.8.3: MOV SS inhibits interrupts until after the next instruction).
 * Why: the accepted vector leaves IRR for ISR before delivery (SDM 10.8.4), so while its
 * delivery is cut short only IDT-vectoring information holds it; lost, it stays in service
 * and, through the processor priority (SDM 10.8.3.1), also blocks every lower vector
 * (docs/cases.md #4). Expected bare result: IRQ_HIGH, then IRQ_LOW; both neither pending
 * nor in service afterwards.
 */
#include "guest/guest.h"
#include "guest/scenario.h"
#include "lib/x86.h"
#include "tests/triggers.h"

#define IRQ_LOW  0x45
#define IRQ_HIGH 0x65
#define TPR_HOLD 0x50 /* class 5: holds class 4 back, lets class 6 through */

/* Windows where a pending interrupt is taken, as tests/irq.c does. */
static inline __attribute__((always_inline)) void windows(void)
{
    for (unsigned i = 0; i < 200; i++)
        __asm__ volatile("sti; nop; cli" ::: "memory");
}

static void prio_trigger(void)
{
    apic_self_ipi_pending(IRQ_LOW);
    apic_self_ipi_pending(IRQ_HIGH);
    windows();
}

static void tpr_trigger(void)
{
    apic_set_tpr(TPR_HOLD);
    apic_self_ipi_pending(IRQ_LOW);
    apic_self_ipi_pending(IRQ_HIGH);
    windows();
    apic_set_tpr(0);
    windows();
}

/* STI, then MOV SS: the interrupt comes after the instruction that follows MOV SS. */
static void movss_trigger(void)
{
    apic_self_ipi_pending(IRQ_HIGH);
    __asm__ volatile("movw %%ss, %%ax\n\t"
                     "sti\n\t"
                     "movw %%ax, %%ss\n\t"
                     "nop\n\t"
                     "nop\n\t"
                     "cli\n\t" ::
                         : "rax", "memory");
    windows();
}

static void idle(uint8_t v)
{
    report(!apic_isr_set(v) && !apic_irr_set(v), "vector 0x%x neither pending nor in service", v);
}

static void prio_check(void)
{
    apic_set_tpr(0);
    idle(IRQ_HIGH);
    idle(IRQ_LOW);
}

static void movss_check(void)
{
    idle(IRQ_HIGH);
}

#define PRIO_ROW(id, row, pg, trig, chk)                                                           \
    SCENARIO(id) = {                                                                               \
        .name = row,                                                                               \
        .vector = IRQ_HIGH,                                                                        \
        .perturb = PERTURB_EPT_NOT_PRESENT,                                                        \
        .page = pg,                                                                                \
        .trigger = trig,                                                                           \
        .check = chk,                                                                              \
    }

PRIO_ROW(irq_prio_stack, "irq-prio-stack", PAGE_STACK, prio_trigger, prio_check);
PRIO_ROW(irq_prio_idt, "irq-prio-idt", PAGE_IDT, prio_trigger, prio_check);
PRIO_ROW(irq_tpr_stack, "irq-tpr-stack", PAGE_STACK, tpr_trigger, prio_check);
PRIO_ROW(irq_tpr_gdt, "irq-tpr-gdt", PAGE_GDT, tpr_trigger, prio_check);
PRIO_ROW(irq_movss_stack, "irq-movss-stack", PAGE_STACK, movss_trigger, movss_check);
