/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests/handler.c — rows that choose what the guest's handler does (struct scenario
 * .handler, guest/traps.c): keep single-stepping after a #DB, leave an interrupt in
 * service until the trigger ends it, or return from an NMI without IRET.
 *
 * What: db-keep-tf-stack sets TF and its #DB handler leaves TF set in the frame, so every
 * instruction until the trigger's POPF clears TF traps (SDM 17.3.1.4); the first #DB's
 * delivery exits (IST1 stack page not present in EPT). irq-noeoi-stack has 0x45 and 0x65
 * pending; its handler sends no EOI, so 0x65 stays in service and holds 0x45 back (SDM
 * 10.8.3.1) until the trigger's own EOI (SDM 10.8.5); 0x65's delivery exits.
 * nmi-noiret-stack's NMI handler returns without IRET, so NMIs stay blocked (SDM 6.7.1): a
 * second self-NMI waits until the trigger executes an IRET of its own; the first NMI's
 * delivery exits.
 * Why: both show what a dropped event leaves behind. A dropped single-step trap is not
 * raised again, but the next instruction's is: one event missing from a run of them, not
 * moved (docs/cases.md #1). A dropped interrupt stays in service, and the guest's next EOI
 * ends it as if it had been handled (docs/cases.md #4). The blocking that an NMI's delivery
 * begins must outlive a re-injection and end only at the guest's IRET (docs/cases.md #3).
 * Expected bare result: db-keep-tf-stack, one #DB after each instruction from the first
 * NOP to the POPF that clears TF, tf=1 in each saved RFLAGS but the last; irq-noeoi-stack, 0x65
 * (isr=0x65 irr=0x45), then 0x45 after the trigger's EOI; nothing in service at the end.
 */
#include "guest/guest.h"
#include "guest/scenario.h"
#include "guest/trace.h"
#include "lib/x86.h"

/* POPF sets TF: the trap comes after the next instruction and after each one that begins
 * with TF set (SDM 17.3.1.4), the second POPF, which clears it, included (saved tf=0). */
static void keep_tf_trigger(void)
{
    __asm__ volatile("pushfq\n\t"
                     "movq (%%rsp), %%rax\n\t"
                     "orq $0x100, (%%rsp)\n\t"
                     "andq $~0x100, %%rax\n\t"
                     "popfq\n\t"
                     "nop\n\t"
                     "nop\n\t"
                     "nop\n\t"
                     "pushq %%rax\n\t"
                     "popfq\n\t"
                     "nop\n\t" ::
                         : "rax", "memory", "cc");
}

static void keep_tf_check(void)
{
    const struct event *e = trace_first();
    report(e && e->vector == 1 && e->tf, "#DB with TF set in the saved RFLAGS");
    report(trace_count() >= 3, "single-stepped on after the handler (%u #DB)", trace_count());
    report(!(read_rflags() & X86_RFLAGS_TF), "TF clear after the trigger");
}

SCENARIO(db_keep_tf_stack) = {
    .name = "db-keep-tf-stack",
    .vector = 1,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .trigger = keep_tf_trigger,
    .check = keep_tf_check,
    .handler = HANDLER_KEEP_TF,
};

#define IRQ_LOW  0x45
#define IRQ_HIGH 0x65

static inline __attribute__((always_inline)) void windows(void)
{
    for (unsigned i = 0; i < 200; i++)
        __asm__ volatile("sti; nop; cli" ::: "memory");
}

static void noeoi_trigger(void)
{
    apic_self_ipi_pending(IRQ_LOW);
    apic_self_ipi_pending(IRQ_HIGH);
    windows(); /* 0x65 is taken and stays in service: 0x45 waits */
    apic_eoi();
    windows(); /* 0x45 is taken */
    apic_eoi();
}

static void noeoi_check(void)
{
    report(!apic_isr_set(IRQ_HIGH) && !apic_irr_set(IRQ_HIGH),
           "0x65 neither pending nor in service");
    report(!apic_isr_set(IRQ_LOW) && !apic_irr_set(IRQ_LOW), "0x45 neither pending nor in service");
}

SCENARIO(irq_noeoi_stack) = {
    .name = "irq-noeoi-stack",
    .vector = IRQ_HIGH,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .trigger = noeoi_trigger,
    .check = noeoi_check,
    .handler = HANDLER_NO_EOI,
};

/* IRETQ to the next instruction, same CPL and stack: the IRET that ends NMI blocking. */
static inline __attribute__((always_inline)) void iret_here(void)
{
    __asm__ volatile("movq %%ss, %%rax\n\t"
                     "pushq %%rax\n\t"
                     "pushq %%rsp\n\t"
                     "addq $8, (%%rsp)\n\t"
                     "pushfq\n\t"
                     "movq %%cs, %%rax\n\t"
                     "pushq %%rax\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "iretq\n"
                     "1:\n\t" ::
                         : "rax", "memory", "cc");
}

static unsigned held_back; /* events recorded before the trigger's IRET */

static void noiret_trigger(void)
{
    apic_self_nmi(); /* its handler returns without IRET: NMIs stay blocked */
    apic_self_nmi(); /* held back */
    for (unsigned i = 0; i < 1000; i++)
        cpu_relax();
    held_back = trace_count();
    iret_here(); /* the second NMI comes right after this IRET */
    for (unsigned i = 0; i < 1000; i++)
        cpu_relax();
}

static void noiret_check(void)
{
    const struct event *second = trace_count() == 2 ? trace_at(1) : 0;
    report(trace_count() == 2, "two NMIs (%u)", trace_count());
    report(held_back == 1, "the second NMI waited for the IRET (%u before it)", held_back);
    report(second && second->nest == 1, "no handler was re-entered");
}

SCENARIO(nmi_noiret_stack) = {
    .name = "nmi-noiret-stack",
    .vector = 2,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .trigger = noiret_trigger,
    .check = noiret_check,
    .handler = HANDLER_NO_IRET,
};
