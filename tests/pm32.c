/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests/pm32.c — events in legacy 32-bit protected mode (IA-32e off, paging off), raised in
 * guest_run_pm32() / guest_run_pm32_user() (guest/pm32.c) and delivered through the 32-bit
 * IDT's interrupt gates (SDM 6.11, 6.12.1).
 *
 * What: a fault at CPL0 (#GP from a selector beyond the GDT limit, #UD), a fault, a software
 * interrupt and a single-step trap at CPL3, an external interrupt and an NMI at CPL0; each
 * delivery exits because one page of the 32-bit environment is not present in EPT: the IDT
 * (the gate), the GDT (the handler's CS descriptor), the TSS (ESP0 and SS0 on the switch from
 * CPL3) or the stack ESP0 points to (the frame pushed from CPL3).
 * Why: outside IA-32e mode the frame has no SS:ESP at the same privilege level and the
 * re-injected event is delivered by the VM entry through the 32-bit IDT (SDM 26.5.1.1); the
 * IDT-vectoring information and its handling are the same (SDM 27.2.4, 29.2 / docs/cases.md),
 * so every policy should do here what it does in 64-bit mode.
 * Expected bare result: exactly the row's event, with the CS it was raised at (0x08 at CPL0,
 * 0x1b at CPL3); a fault resumed at its EXTABLE fixup. The checks assert it.
 */
#include "guest/guest.h"
#include "guest/pm32.h"
#include "guest/scenario.h"
#include "guest/trace.h"

void pm32_gp_selector(void);
void pm32_ud(void);
void pm32_user_int80(void);
void pm32_user_div0(void);
void pm32_user_single_step(void);
void pm32_sti_nop(void);
void pm32_self_nmi(void);
void pm32_ud_nofixup(void);
void pm32_int80_storm(void);

/* 32-bit code (.code32): run only through guest_run_pm32() or guest_run_pm32_user(). */
__asm__(".pushsection .text\n\t"
        ".code32\n\t"
        ".globl pm32_gp_selector\n"
        "pm32_gp_selector:\n\t"
        "movl $0x100, %eax\n"        /* index 32: beyond the 32-bit GDT's limit (SDM 3.4.2) */
        "1: movw %ax, %ds\n"         /* #GP(0x100), SDM Vol. 2 MOV (segment register) */
        "2: ret\n\t" EXTABLE(1b, 2b) /* */
        ".globl pm32_ud\n"
        "pm32_ud:\n"
        "1: ud2\n"
        "2: ret\n\t" EXTABLE(1b, 2b) /* */
        ".globl pm32_user_int80\n"
        "pm32_user_int80:\n\t"
        "int $0x80\n\t" /* a trap: the saved EIP is the RET */
        "ret\n\t"
        ".globl pm32_user_div0\n"
        "pm32_user_div0:\n\t"
        "xorl %ecx, %ecx\n\t"
        "movl $1, %eax\n\t"
        "xorl %edx, %edx\n"
        "1: divl %ecx\n"             /* #DE, a fault */
        "2: ret\n\t" EXTABLE(1b, 2b) /* */
        ".globl pm32_user_single_step\n"
        "pm32_user_single_step:\n\t"
        "pushfl\n\t"
        "orl $0x100, (%esp)\n\t"
        "popfl\n\t" /* TF = 1: #DB after the instruction that follows (SDM 17.3.1.4) */
        "nop\n\t"
        "pushfl\n\t"
        "andl $~0x100, (%esp)\n\t"
        "popfl\n\t"
        "ret\n\t"
        ".globl pm32_sti_nop\n"
        "pm32_sti_nop:\n\t"
        "sti\n\t" /* the pending interrupt is taken after the NOP (SDM 6.8.3) */
        "nop\n\t"
        "cli\n\t"
        "ret\n\t"
        ".globl pm32_self_nmi\n"
        "pm32_self_nmi:\n\t" /* ICR: NMI to our own APIC ID (SDM 10.6.1), as apic_self_nmi() */
        "movl 0xfee00020, %eax\n\t"
        "andl $0xff000000, %eax\n\t"
        "movl %eax, 0xfee00310\n\t"
        "movl $0x400, 0xfee00300\n"
        "1: testl $0x1000, 0xfee00300\n\t"
        "jnz 1b\n\t"
        "nop\n\t"
        "ret\n\t"
        ".globl pm32_ud_nofixup\n"
        "pm32_ud_nofixup:\n\t"
        "ud2\n\t" /* no EXTABLE entry: the handler gives up */
        "ret\n\t"
        ".globl pm32_int80_storm\n"
        "pm32_int80_storm:\n\t"
        "movl $40, %ecx\n" /* more than PM32_RECORDS_MAX events */
        "1: int $0x80\n\t"
        "loop 1b\n\t"
        "ret\n\t"
        ".code64\n\t"
        ".popsection");

static void gp_trigger(void)
{
    guest_run_pm32(pm32_gp_selector);
}

static void ud_trigger(void)
{
    guest_run_pm32(pm32_ud);
}

static void int80_setup(void)
{
    pm32_set_dpl(0x80, 3);
}

static void int80_trigger(void)
{
    guest_run_pm32_user(pm32_user_int80, 0);
}

static void div0_trigger(void)
{
    guest_run_pm32_user(pm32_user_div0, 0);
}

static void single_step_trigger(void)
{
    guest_run_pm32_user(pm32_user_single_step, 0);
}

static void irq_trigger(void)
{
    apic_self_ipi_pending(0x40); /* pending with IF = 0; taken in 32-bit mode after STI */
    guest_run_pm32(pm32_sti_nop);
}

static void nmi_trigger(void)
{
    guest_run_pm32(pm32_self_nmi);
}

/* The event came once, at the CS it was raised at, through the 32-bit IDT: CS alone does not
 * prove that (PM32_SEL_CODE is 0x08, as the 64-bit SEL_CODE64), but only guest/pm32_traps.S's
 * interrupt-gate handler writes a record, and the one it wrote saw TR = PM32_SEL_TSS, the
 * 32-bit TSS that guest/pm32_entry.S loads (the 64-bit TSS is 0x18), and no handler task. */
static void check_pm32_event(uint8_t vector, uint16_t cs)
{
    const struct event *e = trace_find(vector);
    const struct pm32_record *r = pm32_record_at(0);
    report(e != 0, "vector %u delivered", vector);
    report(e && e->cs == cs, "raised with cs=0x%x (0x%x)", cs, e ? e->cs : 0);
    report(trace_count() == 1, "one event (%u)", trace_count());
    report(pm32_record_count() == 1, "one 32-bit record (%u)", pm32_record_count());
    report(r && r->vector == vector, "the 32-bit IDT delivered it (record vector %d)",
           r ? (int)r->vector : -1);
    report(r && r->tr == PM32_SEL_TSS && !(r->flags & PM32_REC_TASK),
           "TR = 0x%x in its handler (0x%x, flags 0x%x)", PM32_SEL_TSS, r ? r->tr : 0,
           r ? r->flags : 0);
}

static void gp_check(void)
{
    const struct event *e = trace_find(13);
    check_pm32_event(13, PM32_SEL_CODE);
    report(e && e->error == 0x100, "#GP(0x100) (0x%x)", e ? e->error : 0);
}

static void ud_check(void)
{
    check_pm32_event(6, PM32_SEL_CODE);
}

static void int80_check(void)
{
    check_pm32_event(0x80, PM32_SEL_USER_CODE);
    pm32_set_dpl(0x80, 0);
}

static void div0_check(void)
{
    check_pm32_event(0, PM32_SEL_USER_CODE);
}

static void single_step_check(void)
{
    const struct event *e = trace_find(1);
    check_pm32_event(1, PM32_SEL_USER_CODE);
    report(e && (e->dr6 & 0x4000), "DR6.BS (0x%lx)", e ? e->dr6 : 0);
}

static void irq_check(void)
{
    const struct event *e = trace_find(0x40);
    check_pm32_event(0x40, PM32_SEL_CODE);
    report(e && e->isr == 0x40, "0x40 in service at entry (isr 0x%x)", e ? e->isr : 0);
}

static void nmi_check(void)
{
    check_pm32_event(2, PM32_SEL_CODE);
}

#define PM32_ROW(id, row, vec, pg, set, trig, chk)                                                 \
    SCENARIO_ROW(id, row, vec, PERTURB_EPT_NOT_PRESENT, pg, set, trig, chk)

PM32_ROW(gp_pm32_idt, "gp-pm32-idt", 13, PAGE_PM32_IDT, 0, gp_trigger, gp_check);
PM32_ROW(ud_pm32_gdt, "ud-pm32-gdt", 6, PAGE_PM32_GDT, 0, ud_trigger, ud_check);
PM32_ROW(int_n_pm32_user_tss, "int-n-pm32-user-tss", 0x80, PAGE_PM32_TSS, int80_setup,
         int80_trigger, int80_check);
PM32_ROW(de_pm32_user_esp0, "de-pm32-user-esp0", 0, PAGE_PM32_ESP0, 0, div0_trigger, div0_check);
PM32_ROW(db_pm32_user_esp0, "db-pm32-user-esp0", 1, PAGE_PM32_ESP0, 0, single_step_trigger,
         single_step_check);
PM32_ROW(irq_pm32_idt, "irq-pm32-idt", 0x40, PAGE_PM32_IDT, 0, irq_trigger, irq_check);
PM32_ROW(nmi_pm32_gdt, "nmi-pm32-gdt", 2, PAGE_PM32_GDT, 0, nmi_trigger, nmi_check);

/* Hostile rows (harness, tests/scenarios.cfg; scripts/e2e-hostile.sh): a fault without a fixup
 * and an event storm in 32-bit protected mode end the row FAILED, with the reason, after the
 * return to 64-bit mode, bare and under hv/ alike. */
static void nofixup_trigger(void)
{
    guest_run_pm32(pm32_ud_nofixup);
}

static void storm_trigger(void)
{
    guest_run_pm32(pm32_int80_storm);
}

SCENARIO(hostile_pm32_nofixup) = {
    .name = "hostile-pm32-nofixup",
    .vector = 6,
    .perturb = PERTURB_EPT_NOT_PRESENT, /* under hv/, the exit that makes the cell count */
    .page = PAGE_PM32_IDT,
    .trigger = nofixup_trigger,
};

SCENARIO(hostile_pm32_storm) = {
    .name = "hostile-pm32-storm",
    .vector = 0x80,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .page = PAGE_PM32_IDT,
    .trigger = storm_trigger,
};
