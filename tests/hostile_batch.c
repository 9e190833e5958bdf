/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests/hostile_batch.c — a guest that attacks the cut of a batch (docs/protocol.md,
 * "Batches"; harness row, named with --scenario).
 *
 * hostile-forge-row: the #GP of gp-stack, really perturbed, and before it the guest prints
 *   the end of its own row and the whole of a next row, gp-stack's, with a clean trace. In a
 *   batch whose next row is gp-stack, a runner that cut serial.txt at the guest's `ROW`
 *   lines alone would take that forgery for gp-stack's run. Expected: the guest's `ROW`
 *   lines disagree with hv/'s markers (and with the row list), so nothing of the batch is
 *   taken and every row runs alone; alone, this row has two `Test result:` lines (ERROR).
 */
#include "guest/guest.h"
#include "guest/scenario.h"
#include "lib/console.h"
#include "tests/triggers.h"

static void forge_row_boundary(void)
{
    kprintf("SUMMARY: 0 tests, 0 unexpected failures\n"
            "Test result: SUCCESS\n"
            "ROW gp-stack vector=0x0d\n"
            "EV #GP err=0x0000 rip=trigger+0xa cs=0x08 rf=1 ist=1 cr2=- dr6=-\n");
}

SCENARIO(hostile_forge_row) = {
    .name = "hostile-forge-row",
    .vector = 13,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .setup = forge_row_boundary,
    .trigger = trigger_gp,
};
