/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests/places.c — the events of the other families, each with its delivery cut short at
 * another page: the IDT (reading the gate), the GDT (loading the handler's CS) or the TSS
 * (reading the IST1 pointer), where their own files perturb the IST1 stack or one of these.
 *
 * What: the triggers of tests/hw_exceptions.c, more_exceptions.c, soft_int.c, irq.c and
 * nmi.c, unchanged (tests/triggers.h); only the page differs (docs/cases.md, "Forcing an
 * exit during delivery"). Why: an exit at the gate read happens before anything was
 * pushed, one at the CS load after the gate was checked, one at the TSS read before the
 * stack switch (SDM 6.14.5); whatever the policy does with IDT-vectoring information must
 * not depend on where delivery stopped, and for software events the VM-exit instruction
 * length must be the same from each (SDM 27.2.4). Expected bare result: as the trigger's
 * own row (one event, the checks of that row).
 */
#include "guest/guest.h"
#include "guest/scenario.h"
#include "tests/triggers.h"

#define PLACE_ROW(id, row, vec, pg, set, trig, chk)                                                \
    SCENARIO_ROW(id, row, vec, PERTURB_EPT_NOT_PRESENT, pg, set, trig, chk)

/* hardware exceptions (faults) */
PLACE_ROW(de_gdt, "de-gdt", 0, PAGE_GDT, 0, de_trigger, de_check);
PLACE_ROW(de_tss, "de-tss", 0, PAGE_TSS, 0, de_trigger, de_check);
PLACE_ROW(ud_idt, "ud-idt", 6, PAGE_IDT, 0, ud_trigger, 0);
PLACE_ROW(ud_gdt, "ud-gdt", 6, PAGE_GDT, 0, ud_trigger, 0);
PLACE_ROW(ud_tss, "ud-tss", 6, PAGE_TSS, 0, ud_trigger, 0);
PLACE_ROW(nm_idt, "nm-idt", 7, PAGE_IDT, nm_setup, nm_trigger, nm_check);
PLACE_ROW(nm_tss, "nm-tss", 7, PAGE_TSS, nm_setup, nm_trigger, nm_check);
PLACE_ROW(ss_idt, "ss-idt", 12, PAGE_IDT, 0, ss_trigger, ss_check);
PLACE_ROW(ss_gdt, "ss-gdt", 12, PAGE_GDT, 0, ss_trigger, ss_check);
PLACE_ROW(pf_idt, "pf-idt", 14, PAGE_IDT, 0, trigger_pf, 0);
PLACE_ROW(pf_tss, "pf-tss", 14, PAGE_TSS, 0, trigger_pf, 0);
PLACE_ROW(mf_idt, "mf-idt", 16, PAGE_IDT, mf_setup, mf_trigger, mf_check);
PLACE_ROW(mf_gdt, "mf-gdt", 16, PAGE_GDT, mf_setup, mf_trigger, mf_check);
PLACE_ROW(xm_idt, "xm-idt", 19, PAGE_IDT, xm_setup, xm_trigger, xm_check);
PLACE_ROW(xm_tss, "xm-tss", 19, PAGE_TSS, xm_setup, xm_trigger, xm_check);

/* software interrupts and exceptions: INT3 (type 6), ICEBP (type 5), INT n (type 4) */
PLACE_ROW(int3_idt, "int3-idt", 3, PAGE_IDT, 0, int3_trigger, 0);
PLACE_ROW(int3_gdt, "int3-gdt", 3, PAGE_GDT, 0, int3_trigger, 0);
PLACE_ROW(int3_tss, "int3-tss", 3, PAGE_TSS, 0, int3_trigger, 0);
PLACE_ROW(icebp_idt, "icebp-idt", 1, PAGE_IDT, 0, icebp_trigger, 0);
PLACE_ROW(icebp_gdt, "icebp-gdt", 1, PAGE_GDT, 0, icebp_trigger, 0);
PLACE_ROW(icebp_tss, "icebp-tss", 1, PAGE_TSS, 0, icebp_trigger, 0);
PLACE_ROW(int_n_gdt, "int-n-gdt", 0x80, PAGE_GDT, 0, trigger_int80, 0);
PLACE_ROW(int_n_tss, "int-n-tss", 0x80, PAGE_TSS, 0, trigger_int80, 0);

/* external interrupt and NMI */
PLACE_ROW(irq_gdt, "irq-gdt", IRQ_VECTOR, PAGE_GDT, 0, trigger_irq, irq_check);
PLACE_ROW(irq_tss, "irq-tss", IRQ_VECTOR, PAGE_TSS, 0, trigger_irq, irq_check);
PLACE_ROW(nmi_gdt, "nmi-gdt", 2, PAGE_GDT, 0, trigger_nmi, 0);
PLACE_ROW(nmi_tss, "nmi-tss", 2, PAGE_TSS, 0, trigger_nmi, 0);
