/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests/invalid_tss.c — #TS (vector 10) in 64-bit mode, where task switches do not exist:
 * a delivery that needs a stack pointer beyond the TSS limit.
 *
 * What: TR holds the guest's TSS with a limit of 0x2b (guest_tss_short(), guest/tss.c),
 * which covers RSP0-2 and IST1 but not IST2-7 (SDM Figure 7-11). INT 0x80 or UD2, whose
 * gate names IST7, then cannot read its stack pointer: the delivery raises #TS with the
 * TSS selector as error code (SDM 6.14.5; 6.15 "Interrupt 10", a fault: the saved RIP is
 * the instruction). The #TS's gate uses IST1, inside the limit, and its delivery exits at
 * the IST1 stack page or at the TSS page (reading IST1); the first event's delivery reads
 * the IDT and the GDT before the TSS, so those pages have no row here.
 * Why: the #TS is raised by the delivery of another event (a software interrupt, or a
 * hardware exception) which is gone from every record but the instruction at RIP:
 * re-injecting the #TS and re-executing the instruction must agree (docs/cases.md "Faults
 * the guest's own instruction raised"). Expected bare result: one #TS(0x48) (0x49 after UD2: EXT),
 * resumed after the instruction; the check restores TR and the gate and asserts it.
 */
#include "guest/guest.h"
#include "guest/scenario.h"
#include "guest/trace.h"
#include "lib/desc.h"

#define TSS_LIMIT_IST1 0x2b /* the last byte of IST1 (offset 0x24, SDM Figure 7-11) */
#define OUT_OF_LIMIT   7    /* IST7, at offset 0x5c */

static uint8_t ts_vector; /* the gate that names IST7 */
static unsigned ts_old_ist;

static void ts_arm(uint8_t vector)
{
    ts_vector = vector;
    ts_old_ist = idt_get_ist(vector);
    idt_set_ist(vector, OUT_OF_LIMIT);
    guest_tss_short(TSS_LIMIT_IST1);
}

static void ts_int_setup(void)
{
    ts_arm(0x80);
}

static void ts_ud_setup(void)
{
    ts_arm(6);
}

static void ts_int_trigger(void)
{
    __asm__ volatile("1: int $0x80\n\t"
                     "2:\n\t" EXTABLE(1b, 2b)::
                         : "memory");
}

/* The #TS raised by the #UD's delivery has EXT set (SDM 6.13: raised while delivering an
 * earlier exception), so the common handler returns to the UD2 as after any delivery
 * fault (guest/traps.c) and the #UD would come again, forever: the row's handler behaviour
 * moves the #TS past the UD2 instead. */
extern const char ts_ud_insn[], ts_ud_resume[];

static void ts_ud_trigger(void)
{
    __asm__ volatile(".globl ts_ud_insn, ts_ud_resume\n"
                     "ts_ud_insn: ud2\n"
                     "ts_ud_resume:\n\t" EXTABLE(ts_ud_insn, ts_ud_resume)::
                         : "memory");
}

/* (a #TS without EXT, from a CPU that does not set it, resumes at the EXTABLE fixup and
 * fails the check on its error code) */
static void ts_ud_on_event(struct trap_frame *f)
{
    if (f->vector == 10 && (f->error & 1) && f->rip == (uint64_t)ts_ud_insn)
        f->rip = (uint64_t)ts_ud_resume;
}

/* #TS(TSS selector), EXT (bit 0) set when it was raised delivering the #UD (SDM 6.13). */
static void ts_check_error(uint32_t error)
{
    guest_tss_restore();
    idt_set_ist(ts_vector, ts_old_ist);
    const struct event *e = trace_first();
    report(e && e->vector == 10 && e->error == error, "#TS(0x%x) delivered", error);
    report(trace_count() == 1, "one event (%u)", trace_count());
}

static void ts_int_check(void)
{
    ts_check_error(SEL_TSS_SHORT);
}

static void ts_ud_check(void)
{
    ts_check_error(SEL_TSS_SHORT | 1);
}

#define TS_ROW(id, row, pg, set, trig, chk, ev)                                                    \
    SCENARIO(id) = {                                                                               \
        .name = row,                                                                               \
        .vector = 10,                                                                              \
        .perturb = PERTURB_EPT_NOT_PRESENT,                                                        \
        .page = pg,                                                                                \
        .setup = set,                                                                              \
        .trigger = trig,                                                                           \
        .check = chk,                                                                              \
        .on_event = ev,                                                                            \
    }

TS_ROW(ts_int_n_stack, "ts-int-n-stack", PAGE_STACK, ts_int_setup, ts_int_trigger, ts_int_check, 0);
TS_ROW(ts_int_n_tss, "ts-int-n-tss", PAGE_TSS, ts_int_setup, ts_int_trigger, ts_int_check, 0);
TS_ROW(ts_ud_stack, "ts-ud-stack", PAGE_STACK, ts_ud_setup, ts_ud_trigger, ts_ud_check,
       ts_ud_on_event);
TS_ROW(ts_ud_tss, "ts-ud-tss", PAGE_TSS, ts_ud_setup, ts_ud_trigger, ts_ud_check, ts_ud_on_event);
