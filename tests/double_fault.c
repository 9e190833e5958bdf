/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests/double_fault.c — merging an IDT-vectored exception with a new one.
 *
 * What: a #PF whose own delivery faults (#PF) because the #PF handler's IST stack page is not
 * present in the guest's page tables, with #PF intercepted by hv/ (shadow-paging style).
 * Why: under hv/, the first #PF exits and is reflected (injected); its delivery raises a
 * second #PF, which exits with the first in IDT-vectoring information. The hypervisor must
 * merge the two into #DF (SDM 6.15, Table 6-5); dropping the first delivers the second
 * alone, which faults again: livelock (docs/cases.md #7).
 * Expected bare result: one #DF (error code 0).
 */
#include "guest/guest.h"
#include "guest/scenario.h"
#include "tests/triggers.h"

SCENARIO(pf_df_merge) = {
    .name = "pf-df-merge",
    .vector = 14,
    .perturb = PERTURB_INTERCEPT_GUEST_NOT_PRESENT,
    .trigger = trigger_pf,
};

/* The same, with the #DF gate on the same absent IST1 page: delivering the #DF faults too,
 * and a fault while delivering #DF shuts the CPU down (SDM 6.15 "Interrupt 8"). The
 * hypervisor must report the shutdown, not loop and not invent an event (docs/cases.md #8).
 * Expected bare result: no event reaches a handler; the CPU shuts down. */
SCENARIO(df_shutdown) = {
    .name = "df-shutdown",
    .vector = 14,
    .perturb = PERTURB_INTERCEPT_GUEST_NOT_PRESENT,
    .also_ist1 = 1u << 8,
    .trigger = trigger_pf,
};
