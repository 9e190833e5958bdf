/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests/pm32_tasks.c — bare self-checks of the 32-bit environment's task gates and handler
 * tasks (guest/pm32.c): hardware task switches (SDM 7.3) in guest_run_pm32().
 *
 * What: #UD and #GP(0x100) through task gates in the 32-bit IDT (SDM 6.12.2: the handler
 * runs as its own task; an error code is pushed on the new task's stack), a far CALL and a far
 * JMP to a TSS selector whose T flag is set (a #DB after the switch, SDM 17.3.1.5, delivered
 * in the new task), and a #TS raised after the switch into a task whose LDT field names a
 * code segment (SDM 7.3, Table 7-1), handled by a task gate (SDM 6.15 "Interrupt 10"); an
 * external interrupt (the handler task sends the EOI) and an NMI through task gates.
 * Why: these are the runtime the task-switch rows stand on; under hv/ a task switch ends the
 * run (`hv: ERROR ... task switch`, hv/cr_access.c) until hv/ emulates it (SDM 25.4.2), so
 * these rows are not in tests/scenarios.cfg: tests/pm32_tasks.cfg, bare only
 * (docs/adding-a-scenario.md, "Events in 32-bit protected mode").
 * Expected bare result: the checks below; each asserts the event, its task (TR) and where
 * it was raised.
 */
#include "guest/guest.h"
#include "guest/pm32.h"
#include "guest/scenario.h"
#include "guest/trace.h"

void pm32t_ud(void);
void pm32t_gp(void);
void pm32t_call_task1(void);
void pm32t_jmp_task1(void);
void pm32t_sti_nop(void);
void pm32t_self_nmi(void);
extern char pm32t_ud_insn[];

__asm__(".pushsection .text\n\t"
        ".code32\n\t"
        ".globl pm32t_ud, pm32t_ud_insn\n"
        "pm32t_ud:\n"
        "pm32t_ud_insn:\n"
        "1: ud2\n"
        "2: ret\n\t" EXTABLE(1b, 2b) /* */
        ".globl pm32t_gp\n"
        "pm32t_gp:\n\t"
        "movl $0x100, %eax\n"
        "1: movw %ax, %ds\n"         /* #GP(0x100): beyond the GDT limit */
        "2: ret\n\t" EXTABLE(1b, 2b) /* */
        ".globl pm32t_call_task1\n"
        "pm32t_call_task1:\n\t"
        "lcall $0x38, $0\n\t" /* PM32_SEL_TASK0 + 8: task 1 (SDM 7.3: CALL to a TSS) */
        "ret\n\t"
        ".globl pm32t_jmp_task1\n"
        "pm32t_jmp_task1:\n\t"
        "ljmp $0x38, $0\n\t" /* task 1 JMPs back to here (PM32_SEL_TSS) */
        "ret\n\t"
        ".globl pm32t_sti_nop\n"
        "pm32t_sti_nop:\n\t"
        "sti\n\t" /* the pending interrupt is taken after the NOP (SDM 6.8.3) */
        "nop\n\t"
        "cli\n\t"
        "ret\n\t"
        ".globl pm32t_self_nmi\n"
        "pm32t_self_nmi:\n\t" /* ICR: NMI to our own APIC ID (SDM 10.6.1) */
        "movl 0xfee00020, %eax\n\t"
        "andl $0xff000000, %eax\n\t"
        "movl %eax, 0xfee00310\n\t"
        "movl $0x400, 0xfee00300\n"
        "1: testl $0x1000, 0xfee00300\n\t"
        "jnz 1b\n\t"
        "nop\n\t"
        "ret\n\t"
        ".code64\n\t"
        ".popsection");
_Static_assert(PM32_SEL_TASK0 + 8 == 0x38, "the lcall/ljmp above name task 1");

/* The i-th record came from task n's handler or ran in task n (TR). */
static void check_tr(unsigned i, uint16_t tr)
{
    const struct pm32_record *r = pm32_record_at(i);
    report(r && r->tr == tr, "record %u in task 0x%x (TR 0x%x)", i, tr, r ? r->tr : 0);
}

static void ud_setup(void)
{
    pm32_task_gate(6);
}

static void ud_trigger(void)
{
    guest_run_pm32(pm32t_ud);
}

static void ud_check(void)
{
    const struct event *e = trace_find(6);
    report(e && trace_count() == 1, "one #UD (%u events)", trace_count());
    report(e && e->rip == (uint64_t)pm32t_ud_insn && e->cs == PM32_SEL_CODE,
           "at the UD2 in fn32's task (eip 0x%lx)", e ? e->rip : 0);
    report(e && !e->has_error, "no error code on the handler task's stack");
    check_tr(0, PM32_SEL_TASK0);
}

static void gp_setup(void)
{
    pm32_task_gate(13);
}

static void gp_trigger(void)
{
    guest_run_pm32(pm32t_gp);
}

static void gp_check(void)
{
    const struct event *e = trace_find(13);
    report(e && trace_count() == 1, "one #GP (%u events)", trace_count());
    report(e && e->has_error && e->error == 0x100, "#GP(0x100) from the handler task's stack");
    check_tr(0, PM32_SEL_TASK0);
}

static void t_flag_setup(void)
{
    pm32_task();                          /* task 0: unused, so that task 1 is 0x38 */
    pm32_task_tss(pm32_task())->trap = 1; /* task 1, T = 1 */
}

static void call_trigger(void)
{
    guest_run_pm32(pm32t_call_task1);
}

static void jmp_trigger(void)
{
    guest_run_pm32(pm32t_jmp_task1);
}

static void t_flag_check(void)
{
    const struct event *e = trace_find(1);
    report(e && trace_count() == 1, "one #DB (%u events)", trace_count());
    report(e && (e->dr6 & 0x8000), "DR6.BT: a task switch to a TSS with T = 1 (dr6 0x%lx)",
           e ? e->dr6 : 0);
    check_tr(0, PM32_SEL_TASK0 + 8);
}

static void ts_setup(void)
{
    pm32_task_gate(10); /* task 0: the #TS handler */
    pm32_task_break(pm32_task(), __builtin_offsetof(struct tss32, ldt), /* task 1: its LDT */
                    PM32_SEL_CODE);                                     /* is no LDT */
}

static void ts_check(void)
{
    const struct event *e = trace_find(10);
    report(e && trace_count() == 1, "one #TS (%u events)", trace_count());
    report(e && e->has_error && e->error == PM32_SEL_CODE, "#TS(0x%x) (0x%x)", PM32_SEL_CODE,
           e ? e->error : 0);
    check_tr(0, PM32_SEL_TASK0);
}

static void irq_setup(void)
{
    pm32_task_gate(0x40);
}

static void irq_trigger(void)
{
    apic_self_ipi_pending(0x40); /* pending with IF = 0; taken in 32-bit mode after STI */
    guest_run_pm32(pm32t_sti_nop);
}

static void irq_check(void)
{
    const struct event *e = trace_find(0x40);
    report(e && trace_count() == 1, "one interrupt 0x40 (%u events)", trace_count());
    report(e && e->isr == 0x40 && e->iflag, "in service at entry, IF=1 in fn32's task");
    report(!apic_isr_set(0x40), "the handler task's EOI ended it");
    check_tr(0, PM32_SEL_TASK0);
}

static void nmi_setup(void)
{
    pm32_task_gate(2);
}

static void nmi_trigger(void)
{
    guest_run_pm32(pm32t_self_nmi);
}

static void nmi_check(void)
{
    report(trace_find(2) && trace_count() == 1, "one NMI (%u events)", trace_count());
    check_tr(0, PM32_SEL_TASK0);
}

#define TASK_ROW(id, row, vec, set, trig, chk)                                                     \
    SCENARIO(id) = {                                                                               \
        .name = row,                                                                               \
        .vector = vec,                                                                             \
        .perturb = PERTURB_NONE,                                                                   \
        .setup = set,                                                                              \
        .trigger = trig,                                                                           \
        .check = chk,                                                                              \
    }

TASK_ROW(pm32_task_gate_ud, "pm32-task-gate-ud", 6, ud_setup, ud_trigger, ud_check);
TASK_ROW(pm32_task_gate_gp, "pm32-task-gate-gp", 13, gp_setup, gp_trigger, gp_check);
TASK_ROW(pm32_task_call_t, "pm32-task-call-t", 1, t_flag_setup, call_trigger, t_flag_check);
TASK_ROW(pm32_task_jmp_t, "pm32-task-jmp-t", 1, t_flag_setup, jmp_trigger, t_flag_check);
TASK_ROW(pm32_task_gate_irq, "pm32-task-gate-irq", 0x40, irq_setup, irq_trigger, irq_check);
TASK_ROW(pm32_task_gate_nmi, "pm32-task-gate-nmi", 2, nmi_setup, nmi_trigger, nmi_check);
TASK_ROW(pm32_task_ts_ldt, "pm32-task-ts-ldt", 10, ts_setup, call_trigger, ts_check);
