/* SPDX-License-Identifier: BSD-2-Clause */
/* guest/stacks.c — IST stacks (SDM 6.14.5). The victim stack is exactly one page so that
 * one EPT entry covers every push of an event frame onto it. */
#include "guest/guest.h"
#include "lib/desc.h"

void stacks_init(void);
uint64_t ist_top(unsigned ist);

#define PAGE 4096
static uint8_t victim_stack[PAGE] __attribute__((aligned(PAGE)));
static uint8_t df_stack[2 * PAGE] __attribute__((aligned(PAGE)));
static uint8_t nmi_stack[2 * PAGE] __attribute__((aligned(PAGE)));
static uint8_t mc_stack[2 * PAGE] __attribute__((aligned(PAGE)));

uint64_t guest_victim_stack_page(void)
{
    return (uint64_t)victim_stack;
}

void stacks_init(void)
{
    tss_page.tss.ist[IST_VICTIM] = (uint64_t)victim_stack + sizeof(victim_stack);
    tss_page.tss.ist[IST_DF] = (uint64_t)df_stack + sizeof(df_stack);
    tss_page.tss.ist[IST_NMI] = (uint64_t)nmi_stack + sizeof(nmi_stack);
    tss_page.tss.ist[IST_MC] = (uint64_t)mc_stack + sizeof(mc_stack);
}

uint64_t ist_top(unsigned ist)
{
    return ist >= 1 && ist <= 7 ? tss_page.tss.ist[ist] : 0;
}
