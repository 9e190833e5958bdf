/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests/task_gate.c — events delivered through task gates in the 32-bit IDT (SDM 6.11,
 * 6.12.2) to handler tasks (guest/pm32.c, pm32_task_gate()), in legacy 32-bit protected mode.
 *
 * What: a hardware exception without an error code (#UD) and with one (#GP), INT n, an NMI,
 * an external interrupt (a self-IPI: the handler task sends the EOI),
 * a handler task whose TSS has T = 1 (#DB with DR6.BT, SDM 7.2.1, 17.2.3), a handler task
 * whose TSS holds a bad GS selector (#TS in the new task, SDM 7.3 Table 7-1), the same for a
 * handler task at CPL 3 (the #TS delivered at CPL 3, through a stack switch, from a state hv/
 * must be able to enter) and for ICEBP (EXT set: SDM 6.13 clears it only for INT n, INT3,
 * INTO), and a #GP whose IDT read exits first (the event is then injected by the VM entry and
 * reaches the task gate).
 * Why: under VMX the task switch always exits (SDM 25.4.2) during the event's delivery, with
 * the event in IDT-vectoring information (SDM 27.2.4): the hypervisor's emulation of the switch
 * is the rest of the delivery. Re-injecting the event after it delivers it twice, ignoring the
 * field loses the error code (SDM 6.12.2), EXT (SDM 6.13), RF (SDM 17.3.1.1) or NMI blocking
 * (SDM 6.7.1), re-executing INT n saves its own EIP as the return address.
 * How the exit is proved: .perturb = PERTURB_TASK_GATE arms nothing; the ROW line names the
 * vector with `proof=task-switch`, and the runner wants an `hv: IDTV exit=TASK_SWITCH` line
 * with that vector: the task-switch exit during the event's delivery (docs/protocol.md).
 * Expected bare result: the row's event once, recorded by the handler task (TR = its TSS
 * selector) with the interrupted task's CS from its TSS; the checks assert the vector, the
 * task, CS and the error code, the EV line (EIP, EFLAGS.RF) is compared with the bare run's.
 */
#include "guest/guest.h"
#include "guest/pm32.h"
#include "guest/scenario.h"
#include "guest/trace.h"

/* 32-bit code of tests/pm32.c (.globl there): UD2, a #GP(0x100) from MOV DS, INT 0x80 with
 * RET after it, a self-NMI through the ICR. Each fault has its EXTABLE fixup. */
void pm32_gp_selector(void);
void pm32_ud(void);
void pm32_user_int80(void);
void pm32_self_nmi(void);
void pm32_sti_nop(void);
void tg_nmi_again(void);
void tg_icebp(void);
extern const char pm32_task_entry[];

/* A handler task's first instruction for nmi-task-gate-twice: a second self-NMI while the
 * task handles the first (SDM 6.7.1: held until the task's IRET), a few instructions for it
 * to arrive if it is not held, then the usual entry. The next switch to the task resumes
 * after its IRET, so the NMI is sent once. */
__asm__(".pushsection .text\n\t"
        ".code32\n\t"
        ".globl tg_nmi_again\n"
        "tg_nmi_again:\n\t"
        "call pm32_self_nmi\n\t" /* on the handler task's own stack */
        "nop\n\t"
        "jmp pm32_task_entry\n\t"
        ".globl tg_icebp\n"
        "tg_icebp:\n\t"
        ".byte 0xf1\n\t" /* ICEBP (INT1): #DB, a trap, VMX type 5 (SDM 24.8.3) */
        "ret\n\t"
        ".code64\n\t"
        ".popsection");

#define TASK(n)  (PM32_SEL_TASK0 + 8 * (n))
#define BAD_SEL  0x100 /* index 32: beyond the 32-bit GDT's limit (SDM 3.4.2) */
#define DR6_BT   0x8000
#define GP_ERROR 0x100

static unsigned task; /* the row's handler task (reset with .bss before every row) */

static void ud_setup(void)
{
    task = pm32_task_gate(6);
}

static void gp_setup(void)
{
    task = pm32_task_gate(13);
}

static void int80_setup(void)
{
    task = pm32_task_gate(0x80);
}

static void nmi_setup(void)
{
    task = pm32_task_gate(2);
}

static void irq_setup(void)
{
    task = pm32_task_gate(0x40);
}

static void nmi_twice_setup(void)
{
    task = pm32_task_gate(2);
    pm32_task_tss(task)->eip = (uint32_t)(uint64_t)tg_nmi_again;
}

static void t_flag_setup(void)
{
    task = pm32_task_gate(6);
    pm32_task_tss(task)->trap = 1; /* SDM 7.2.1: #DB after a switch to this task */
}

static void bad_gs_setup(void)
{
    task = pm32_task_gate(6);
    pm32_task_tss(task)->gs = BAD_SEL; /* Table 7-1: "DS, ES, FS and GS selectors valid" */
}

/* A handler task at CPL 3 (CS 0x1b; SS, DS, ES, FS 0x23) with a bad GS: the #TS comes after
 * the commit point with CS and SS loaded at RPL 3 (SDM 7.3), so it is delivered at CPL 3
 * through the ring-0 #TS gate, on the stack of the new TSS's ESP0 (SDM 6.12.1). */
static void cpl3_bad_gs_setup(void)
{
    bad_gs_setup();
    struct tss32 *t = pm32_task_tss(task);
    t->cs = PM32_SEL_USER_CODE;
    t->ss = t->ds = t->es = t->fs = PM32_SEL_USER_DATA;
}

static void icebp_setup(void)
{
    task = pm32_task_gate(1);
    pm32_task_tss(task)->gs = BAD_SEL; /* the #TS's error code shows EXT */
}

static void icebp_trigger(void)
{
    guest_run_pm32(tg_icebp);
}

static void ud_trigger(void)
{
    guest_run_pm32(pm32_ud);
}

static void gp_trigger(void)
{
    guest_run_pm32(pm32_gp_selector);
}

static void int80_trigger(void)
{
    guest_run_pm32(pm32_user_int80); /* at CPL0: the gate's DPL 0 allows it */
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

/* The i-th record was the handler task's, for `vector`. */
static const struct pm32_record *task_record(unsigned i, uint8_t vector)
{
    const struct pm32_record *r = pm32_record_at(i);
    report(r && r->vector == vector, "record %u: vector %u (%u)", i, vector, r ? r->vector : 0);
    report(r && (r->flags & PM32_REC_TASK) && r->tr == TASK(task),
           "record %u: by the handler task, TR 0x%x (0x%x)", i, TASK(task), r ? r->tr : 0);
    return r;
}

static void one_event(uint8_t vector)
{
    report(trace_count() == 1, "one event (%u)", trace_count());
    const struct pm32_record *r = task_record(0, vector);
    report(r && r->cs == PM32_SEL_CODE, "interrupted at cs 0x%x (0x%x)", PM32_SEL_CODE,
           r ? r->cs : 0);
}

static void ud_check(void)
{
    one_event(6);
    const struct pm32_record *r = pm32_record_at(0);
    report(r && !(r->flags & PM32_REC_HAS_ERROR), "no error code on the task's stack");
}

static void gp_check(void)
{
    one_event(13);
    const struct pm32_record *r = pm32_record_at(0);
    report(r && (r->flags & PM32_REC_HAS_ERROR) && r->error == GP_ERROR,
           "error code 0x%x on the task's stack, SDM 6.12.2 (0x%x)", GP_ERROR, r ? r->error : 0);
}

static void int80_check(void)
{
    one_event(0x80);
}

static void nmi_check(void)
{
    one_event(2);
}

/* Acknowledged before the switch (in service at the task's entry, SDM 10.8.4), with IF = 1
 * in the interrupted task's EFLAGS; the handler task's EOI ended it (SDM 10.8.5). */
static void irq_check(void)
{
    one_event(0x40);
    const struct pm32_record *r = pm32_record_at(0);
    report(r && r->isr == 0x40, "0x40 in service at the task's entry (isr 0x%x)", r ? r->isr : 0);
    report(r && (r->eflags & 0x200), "IF = 1 in the interrupted task (eflags 0x%x)",
           r ? r->eflags : 0);
    report(!apic_isr_set(0x40), "the handler task's EOI ended it");
}

/* Both NMIs by the handler task, the second after its IRET back: NMIs were blocked while it
 * ran (SDM 6.7.1). Delivered inside the task, the second would meet the task's own busy TSS
 * through the gate: #GP (SDM 7.3 Table 7-1). */
static void nmi_twice_check(void)
{
    report(trace_count() == 2, "two events (%u)", trace_count());
    task_record(0, 2);
    task_record(1, 2);
}

/* The #DB came first, in the handler task before its first instruction, with DR6.BT; then the
 * task ran and recorded the #UD. */
static void t_flag_check(void)
{
    const struct pm32_record *db = pm32_record_at(0);
    report(trace_count() == 2, "two events (%u)", trace_count());
    report(db && db->vector == 1 && (db->dr6 & DR6_BT), "#DB with DR6.BT first (dr6 0x%x)",
           db ? db->dr6 : 0);
    report(db && db->tr == TASK(task), "#DB in the handler task (TR 0x%x)", db ? db->tr : 0);
    task_record(1, 6);
}

/* #TS(GS selector | EXT) in the handler task (after the commit point, SDM 7.3), then the
 * task ran and recorded the #UD. */
static void bad_gs_check(void)
{
    const struct pm32_record *ts = pm32_record_at(0);
    report(trace_count() == 2, "two events (%u)", trace_count());
    report(ts && ts->vector == 10 && ts->error == (BAD_SEL | 1),
           "#TS(0x%x) first, EXT set: SDM 6.13 (vector %u err 0x%x)", BAD_SEL | 1,
           ts ? ts->vector : 0, ts ? ts->error : 0);
    report(ts && ts->tr == TASK(task), "#TS in the handler task (TR 0x%x)", ts ? ts->tr : 0);
    task_record(1, 6);
}

/* As bad_gs_check, with the #TS taken at CPL 3: interrupted at the handler task's CS 0x1b. */
static void cpl3_bad_gs_check(void)
{
    bad_gs_check();
    const struct pm32_record *ts = pm32_record_at(0);
    report(ts && ts->cs == PM32_SEL_USER_CODE, "#TS interrupted CPL 3, cs 0x%x (0x%x)",
           PM32_SEL_USER_CODE, ts ? ts->cs : 0);
}

/* #TS(GS selector | EXT): ICEBP is external to the program (SDM 6.13), then the task ran and
 * recorded the #DB. */
static void icebp_check(void)
{
    const struct pm32_record *ts = pm32_record_at(0);
    report(trace_count() == 2, "two events (%u)", trace_count());
    report(ts && ts->vector == 10 && ts->error == (BAD_SEL | 1),
           "#TS(0x%x) first, EXT set for ICEBP: SDM 6.13 (vector %u err 0x%x)", BAD_SEL | 1,
           ts ? ts->vector : 0, ts ? ts->error : 0);
    task_record(1, 1);
}

SCENARIO_ROW(ud_task_gate, "ud-task-gate", 6, PERTURB_TASK_GATE, 0, ud_setup, ud_trigger, ud_check);
SCENARIO_ROW(gp_task_gate, "gp-task-gate", 13, PERTURB_TASK_GATE, 0, gp_setup, gp_trigger,
             gp_check);
SCENARIO_ROW(int_n_task_gate, "int-n-task-gate", 0x80, PERTURB_TASK_GATE, 0, int80_setup,
             int80_trigger, int80_check);
SCENARIO_ROW(nmi_task_gate, "nmi-task-gate", 2, PERTURB_TASK_GATE, 0, nmi_setup, nmi_trigger,
             nmi_check);
SCENARIO_ROW(irq_task_gate, "irq-task-gate", 0x40, PERTURB_TASK_GATE, 0, irq_setup, irq_trigger,
             irq_check);
SCENARIO_ROW(nmi_task_gate_twice, "nmi-task-gate-twice", 2, PERTURB_TASK_GATE, 0, nmi_twice_setup,
             nmi_trigger, nmi_twice_check);
SCENARIO_ROW(db_task_switch_t, "db-task-switch-t", 6, PERTURB_TASK_GATE, 0, t_flag_setup,
             ud_trigger, t_flag_check);
SCENARIO_ROW(ts_task_switch, "ts-task-switch", 6, PERTURB_TASK_GATE, 0, bad_gs_setup, ud_trigger,
             bad_gs_check);
SCENARIO_ROW(ts_task_switch_cpl3, "ts-task-switch-cpl3", 6, PERTURB_TASK_GATE, 0, cpl3_bad_gs_setup,
             ud_trigger, cpl3_bad_gs_check);
SCENARIO_ROW(icebp_task_gate, "icebp-task-gate", 1, PERTURB_TASK_GATE, 0, icebp_setup,
             icebp_trigger, icebp_check);
SCENARIO_ROW(gp_task_gate_idt, "gp-task-gate-idt", 13, PERTURB_EPT_NOT_PRESENT, PAGE_PM32_IDT,
             gp_setup, gp_trigger, gp_check);
