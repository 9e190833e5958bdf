/* SPDX-License-Identifier: BSD-2-Clause */
/* guest/tss.c — running with a TSS whose limit is shorter than the 64-bit TSS, and back
 * (guest/guest.h). The short TSS is the same memory under a second descriptor
 * (SEL_TSS_SHORT, lib/desc.c): LTR caches its limit (SDM 7.2.4), and any delivery that
 * needs a stack pointer beyond the limit raises #TS(selector) (SDM 6.14.5, 6.15 "Interrupt
 * 10"). LTR marks the descriptor busy (SDM Vol. 2 LTR), so going back first rewrites the
 * normal descriptor as available. */
#include "guest/guest.h"
#include "lib/desc.h"

static void ltr(uint16_t sel)
{
    __asm__ volatile("ltr %w0" ::"r"(sel) : "memory");
}

void guest_tss_short(uint32_t limit)
{
    gdt_set_tss(SEL_TSS_SHORT, tss_base(), limit);
    ltr(SEL_TSS_SHORT);
}

void guest_tss_restore(void)
{
    gdt_set_tss(SEL_TSS, tss_base(), sizeof(struct tss64) - 1);
    ltr(SEL_TSS);
    gdt_set_tss(SEL_TSS_SHORT, tss_base(), sizeof(struct tss64) - 1);
}
