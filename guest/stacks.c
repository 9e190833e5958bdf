/* SPDX-License-Identifier: BSD-2-Clause */
/* guest/stacks.c — IST stacks (SDM 6.14.5) and the CPL0 stack of TSS.RSP0 (SDM 6.14.4). The
 * victim stack and the RSP0 stack are exactly one page each so that one EPT entry covers
 * every push of an event frame onto them. */
#include "guest/guest.h"
#include "lib/desc.h"

void stacks_init(void);
uint64_t ist_top(unsigned ist);

#define PAGE 4096
static uint8_t victim_stack[PAGE] __attribute__((aligned(PAGE)));
static uint8_t df_stack[2 * PAGE] __attribute__((aligned(PAGE)));
static uint8_t nmi_stack[2 * PAGE] __attribute__((aligned(PAGE)));
static uint8_t mc_stack[2 * PAGE] __attribute__((aligned(PAGE)));
/* An event from CPL3 through a gate without IST switches to TSS.RSP0 (SDM 6.14.4); at CPL0
 * nothing uses it, so rows that never enter user mode are unaffected. */
static uint8_t rsp0_stack[PAGE] __attribute__((aligned(PAGE)));

uint64_t guest_victim_stack_page(void)
{
    return (uint64_t)victim_stack;
}

uint64_t guest_rsp0_stack_page(void)
{
    return (uint64_t)rsp0_stack;
}

/* A copy of TSS.IST1-7 for the handler's frame_ist() (guest/trace.c): recording an event must
 * not read the TSS page, which a generated scenario may have taken away for a later
 * delivery (docs/fuzz.md). */
static uint64_t ist_tops[8];

void stacks_init(void)
{
    tss_page.tss.rsp[0] = (uint64_t)rsp0_stack + sizeof(rsp0_stack);
    tss_page.tss.ist[IST_VICTIM] = (uint64_t)victim_stack + sizeof(victim_stack);
    tss_page.tss.ist[IST_DF] = (uint64_t)df_stack + sizeof(df_stack);
    tss_page.tss.ist[IST_NMI] = (uint64_t)nmi_stack + sizeof(nmi_stack);
    tss_page.tss.ist[IST_MC] = (uint64_t)mc_stack + sizeof(mc_stack);
    for (unsigned i = 1; i <= 7; i++)
        ist_tops[i] = tss_page.tss.ist[i];
}

uint64_t ist_top(unsigned ist)
{
    return ist >= 1 && ist <= 7 ? ist_tops[ist] : 0;
}
