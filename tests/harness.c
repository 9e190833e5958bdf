/*
 * tests/harness.c — runner self-tests, not conformance rows (tests/scenarios.cfg marks them
 * `harness = yes`). They prove that the runner classifies broken runs itself.
 * Expected: harness-hang never ends (the runner's timeout: TIMEOUT); harness-noresult ends
 * the emulator without a `Test result:` line (CRASH).
 */
#include "guest/guest.h"
#include "guest/scenario.h"
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
