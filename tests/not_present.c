/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests/not_present.c — #NP (vector 11) from the guest's own instruction: a segment or a
 * gate that is not present.
 *
 * What: MOV to DS of SEL_DATA_NP, a data descriptor with P=0, raises #NP(0x40) (SDM Vol. 2
 * MOV, "#NP(selector)"; 6.15 "Interrupt 11"); INT 0x42 through a gate with P=0 raises
 * #NP(0x212): vector * 8 | IDT, EXT clear for a software interrupt (SDM 6.13). The #NP's
 * delivery exits at the IST1 stack, the GDT or the TSS page. The segment rows have no GDT
 * variant (the MOV itself reads the descriptor there first, using up the perturbation), the
 * gate rows no IDT variant (INT 0x42's own delivery reads the gate there first).
 * Why: both are faults whose saved RIP is the instruction (SDM 6.5), so re-execution
 * raises them again with the same error code; the gate row's #NP comes from the delivery of
 * a software interrupt, whose type re-executing policies treat differently (docs/cases.md
 * #5, #6). Expected bare result: one #NP with its error code, resumed at the fixup.
 */
#include "guest/guest.h"
#include "guest/scenario.h"
#include "guest/trace.h"
#include "lib/desc.h"

#define NP_GATE_VECTOR 0x42
#define NP_GATE_ERROR  (NP_GATE_VECTOR * 8 + 2) /* IDT (bit 1), EXT clear: SDM 6.13 */

static void np_check(uint32_t error)
{
    const struct event *e = trace_first();
    report(e && e->vector == 11 && e->error == error, "#NP(0x%x) delivered", error);
    report(trace_count() == 1, "one event (%u)", trace_count());
}

/* --- a not-present data segment --- */
static void np_seg_trigger(void)
{
    __asm__ volatile("movw %%ds, %%dx\n\t"
                     "movw %0, %%ax\n\t"
                     "1: movw %%ax, %%ds\n\t"
                     "2: movw %%dx, %%ds\n\t" EXTABLE(1b, 2b)::"i"(SEL_DATA_NP)
                     : "rax", "rdx", "memory");
}

static void np_seg_check(void)
{
    np_check(SEL_DATA_NP);
}

/* --- a not-present gate; cleared in setup, before a perturbation of the IDT page could be
 * armed, and made present again in check --- */
static void np_gate_setup(void)
{
    idt_set_present(NP_GATE_VECTOR, false);
}

static void np_gate_trigger(void)
{
    __asm__ volatile("1: int %0\n\t"
                     "2:\n\t" EXTABLE(1b, 2b)::"i"(NP_GATE_VECTOR)
                     : "memory");
}

static void np_gate_check(void)
{
    idt_set_present(NP_GATE_VECTOR, true);
    np_check(NP_GATE_ERROR);
}

#define NP_ROW(id, row, pg, set, trig, chk)                                                        \
    SCENARIO(id) = {                                                                               \
        .name = row,                                                                               \
        .vector = 11,                                                                              \
        .perturb = PERTURB_EPT_NOT_PRESENT,                                                        \
        .page = pg,                                                                                \
        .setup = set,                                                                              \
        .trigger = trig,                                                                           \
        .check = chk,                                                                              \
    }

NP_ROW(np_seg_stack, "np-seg-stack", PAGE_STACK, 0, np_seg_trigger, np_seg_check);
NP_ROW(np_seg_idt, "np-seg-idt", PAGE_IDT, 0, np_seg_trigger, np_seg_check);
NP_ROW(np_seg_tss, "np-seg-tss", PAGE_TSS, 0, np_seg_trigger, np_seg_check);
NP_ROW(np_gate_stack, "np-gate-stack", PAGE_STACK, np_gate_setup, np_gate_trigger, np_gate_check);
NP_ROW(np_gate_gdt, "np-gate-gdt", PAGE_GDT, np_gate_setup, np_gate_trigger, np_gate_check);
NP_ROW(np_gate_tss, "np-gate-tss", PAGE_TSS, np_gate_setup, np_gate_trigger, np_gate_check);
