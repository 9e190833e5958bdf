/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests/compat.c — #OF (INTO) and #BR (BOUND), which exist only outside 64-bit mode, raised
 * in IA-32e compatibility mode (guest_run_compat(), guest/compat.S) and delivered through
 * the 64-bit IDT (SDM 6.14).
 *
 * What: a 32-bit function on a 32-bit stack raises #OF with INTO after an ADD that
 * overflows (a type 6 software exception, a trap: SDM 6.15 "Interrupt 4", Vol. 2 INTO), or
 * #BR with BOUND on an index outside its bounds (a fault: SDM 6.15 "Interrupt 5", Vol. 2
 * BOUND); the delivery exits because the IST1 stack, the IDT or the TSS page is not present
 * in EPT. There is no GDT row: entering compatibility mode loads CS, SS and DS from the GDT,
 * which uses up the one-shot perturbation of the GDT page before the event.
 * Why: INTO is the one software exception besides INT3 that re-executing policies
 * (reexec-soft) must find again at the saved RIP minus the instruction length (SDM 27.2.4,
 * docs/cases.md #6), and a 32-bit CS in the frame (CS = 0x38) must come back from every
 * re-injection; BOUND is a fault whose re-execution raises it again.
 * Expected bare result: exactly one event, cs=0x38; #OF with the saved RIP after INTO,
 * #BR with the saved RIP at BOUND, resumed at its EXTABLE fixup. The checks assert it.
 */
#include "guest/guest.h"
#include "guest/scenario.h"
#include "guest/trace.h"
#include "lib/desc.h"

void compat_into(void);
void compat_bound(void);

/* 32-bit code (.code32): run only through guest_run_compat(). */
__asm__(".pushsection .text\n\t"
        ".code32\n\t"
        ".globl compat_into\n"
        "compat_into:\n\t"
        "movl $0x7fffffff, %eax\n\t"
        "addl $1, %eax\n\t" /* signed overflow: OF=1 */
        "into\n\t"          /* #OF, a trap: the saved RIP is the RET */
        "ret\n\t"
        ".globl compat_bound\n"
        "compat_bound:\n\t"
        "movl $5, %eax\n"
        "1: boundl %eax, compat_bounds\n" /* 5 is outside [0, 1]: #BR */
        "2: ret\n\t" EXTABLE(1b, 2b) ".p2align 3\n"
                                     "compat_bounds: .long 0, 1\n\t"
                                     ".code64\n\t"
                                     ".popsection");

static void of_trigger(void)
{
    guest_run_compat(compat_into);
}

static void br_trigger(void)
{
    guest_run_compat(compat_bound);
}

/* The event came once, from compatibility mode (CS = SEL_CODE32). */
static void check_compat_event(uint8_t vector)
{
    const struct event *e = trace_find(vector);
    report(e != 0, "vector %u delivered", vector);
    report(e && e->cs == SEL_CODE32, "raised in compatibility mode (cs=0x%x)", e ? e->cs : 0);
    report(trace_count() == 1, "one event (%u)", trace_count());
}

static void of_check(void)
{
    check_compat_event(4);
}

static void br_check(void)
{
    check_compat_event(5);
}

#define COMPAT_ROW(id, row, vec, pg, trig, chk)                                                    \
    SCENARIO(id) = {                                                                               \
        .name = row,                                                                               \
        .vector = vec,                                                                             \
        .perturb = PERTURB_EPT_NOT_PRESENT,                                                        \
        .page = pg,                                                                                \
        .trigger = trig,                                                                           \
        .check = chk,                                                                              \
    }

COMPAT_ROW(of_stack, "of-stack", 4, PAGE_STACK, of_trigger, of_check);
COMPAT_ROW(of_idt, "of-idt", 4, PAGE_IDT, of_trigger, of_check);
COMPAT_ROW(of_tss, "of-tss", 4, PAGE_TSS, of_trigger, of_check);
COMPAT_ROW(br_stack, "br-stack", 5, PAGE_STACK, br_trigger, br_check);
COMPAT_ROW(br_idt, "br-idt", 5, PAGE_IDT, br_trigger, br_check);
COMPAT_ROW(br_tss, "br-tss", 5, PAGE_TSS, br_trigger, br_check);
