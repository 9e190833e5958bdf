/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests/harness.c — runner self-tests, not conformance rows (tests/scenarios.cfg marks them
 * `harness = yes`). They prove that the runner classifies broken runs itself.
 * Expected: harness-hang never ends (the runner's timeout: TIMEOUT); harness-noresult ends
 * the emulator without a `Test result:` line (CRASH); harness-triple shuts the CPU down
 * (bare Bochs: PANIC, no result line, CRASH; under hv/: exit reason 2, TRIPLE-FAULT).
 */
#include "guest/guest.h"
#include "guest/scenario.h"
#include "lib/desc.h"
#include "lib/platform.h"
#include "lib/x86.h"

static void hang_trigger(void)
{
    for (;;)
        cpu_relax();
}

static void noresult_trigger(void)
{
    platform_exit();
}

/* An empty IDT: INT3 cannot be delivered (#GP), nor can the #GP (#DF), nor the #DF:
 * shutdown (SDM 6.15 "Interrupt 8", Table 6-5). */
static void triple_trigger(void)
{
    struct desc_ptr empty = {0, 0};
    __asm__ volatile("lidt %0\n\t"
                     "int3" ::"m"(empty)
                     : "memory");
}

SCENARIO(harness_triple) = {
    .name = "harness-triple",
    .perturb = PERTURB_NONE,
    .trigger = triple_trigger,
};

SCENARIO(harness_hang) = {
    .name = "harness-hang",
    .perturb = PERTURB_NONE,
    .trigger = hang_trigger,
};

SCENARIO(harness_noresult) = {
    .name = "harness-noresult",
    .perturb = PERTURB_NONE,
    .trigger = noresult_trigger,
};
