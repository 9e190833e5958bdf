/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests/task_switch.c — task switches by far CALL and far JMP to a TSS selector (SDM 7.3) in
 * legacy 32-bit protected mode, and the events they owe the new task (guest/pm32.c tasks).
 *
 * What: a CALL and a JMP to a task whose TSS has T = 1 (a #DB with DR6.BT before the new
 * task's first instruction, SDM 7.2.1, 17.3.1.5), and a CALL to a task whose LDT field names
 * a code segment (#TS(0x08) after the commit point, in the new task, SDM 7.3 Table 7-1),
 * handled by a task gate (SDM 6.15 "Interrupt 10").
 * Why: the CALL or JMP is not an event: under VMX its task switch exits (SDM 25.4.2) with no
 * IDT-vectoring information, and the event the switch raises exists only if hv/'s emulation
 * raises it. That event's own delivery is what the rows perturb: dropping it loses it (the
 * switch is done, nothing raises it again); ignoring the IDT-vectoring information of the
 * #TS's task-gate exit loses its error code (SDM 6.12.2, 27.2.4).
 * How the exit is proved: db-task-*-t-idt make the 32-bit IDT page not present in EPT
 * (PERTURB_EPT_NOT_PRESENT, PAGE_PM32_IDT): the switch itself reads no gate, so the first
 * gate read is the #DB's delivery, and the runner wants its `hv:` line with vector 1.
 * ts-task-switch-ldt delivers the #TS through a task gate (PERTURB_TASK_GATE): that switch's
 * exit, with vector 10 in IDT-vectoring information, is the delivery's exit.
 * Expected bare result: one event, recorded in the task the checks name (TR).
 */
#include "guest/guest.h"
#include "guest/pm32.h"
#include "guest/scenario.h"
#include "guest/trace.h"

void tsw_call_task1(void);
void tsw_jmp_task1(void);

__asm__(".pushsection .text\n\t"
        ".code32\n\t"
        ".globl tsw_call_task1\n"
        "tsw_call_task1:\n\t"
        "lcall $0x38, $0\n\t" /* PM32_SEL_TASK0 + 8: task 1 (SDM 7.3: CALL to a TSS) */
        "ret\n\t"
        ".globl tsw_jmp_task1\n"
        "tsw_jmp_task1:\n\t"
        "ljmp $0x38, $0\n\t" /* task 1 JMPs back to here (PM32_SEL_TSS) */
        "ret\n\t"
        ".code64\n\t"
        ".popsection");
_Static_assert(PM32_SEL_TASK0 + 8 == 0x38, "the lcall/ljmp above name task 1");

#define TASK1  (PM32_SEL_TASK0 + 8)
#define DR6_BT 0x8000

/* The i-th record came from task n's handler or ran in task n (TR). */
static void check_tr(unsigned i, uint16_t tr)
{
    const struct pm32_record *r = pm32_record_at(i);
    report(r && r->tr == tr, "record %u in task 0x%x (TR 0x%x)", i, tr, r ? r->tr : 0);
}

static void t_flag_setup(void)
{
    pm32_task();                          /* task 0: unused, so that task 1 is 0x38 */
    pm32_task_tss(pm32_task())->trap = 1; /* task 1, T = 1 */
}

static void call_trigger(void)
{
    guest_run_pm32(tsw_call_task1);
}

static void jmp_trigger(void)
{
    guest_run_pm32(tsw_jmp_task1);
}

/* One #DB with DR6.BT, taken in task 1 (its interrupt gate runs in the new task). */
static void t_flag_check(void)
{
    const struct event *e = trace_find(1);
    report(e && trace_count() == 1, "one #DB (%u events)", trace_count());
    report(e && (e->dr6 & DR6_BT), "DR6.BT: a task switch to a TSS with T = 1 (dr6 0x%lx)",
           e ? e->dr6 : 0);
    check_tr(0, TASK1);
}

static void ldt_setup(void)
{
    pm32_task_gate(10); /* task 0: the #TS handler */
    pm32_task_break(pm32_task(), __builtin_offsetof(struct tss32, ldt), /* task 1: its LDT */
                    PM32_SEL_CODE);                                     /* is no LDT */
}

/* #TS(0x08), EXT clear (a CALL, not an external event: SDM 6.13), through the task gate to
 * task 0, whose link names task 1: raised after the commit point (SDM 7.3 Table 7-1). */
static void ldt_check(void)
{
    const struct event *e = trace_find(10);
    const struct pm32_record *r = pm32_record_at(0);
    report(e && trace_count() == 1, "one #TS (%u events)", trace_count());
    report(e && e->has_error && e->error == PM32_SEL_CODE, "#TS(0x%x) (0x%x)", PM32_SEL_CODE,
           e ? e->error : 0);
    report(r && (r->flags & PM32_REC_TASK), "recorded by the #TS handler task");
    check_tr(0, PM32_SEL_TASK0);
}

SCENARIO_ROW(db_task_call_t_idt, "db-task-call-t-idt", 1, PERTURB_EPT_NOT_PRESENT, PAGE_PM32_IDT,
             t_flag_setup, call_trigger, t_flag_check);
SCENARIO_ROW(db_task_jmp_t_idt, "db-task-jmp-t-idt", 1, PERTURB_EPT_NOT_PRESENT, PAGE_PM32_IDT,
             t_flag_setup, jmp_trigger, t_flag_check);
SCENARIO_ROW(ts_task_switch_ldt, "ts-task-switch-ldt", 10, PERTURB_TASK_GATE, 0, ldt_setup,
             call_trigger, ldt_check);
