/* SPDX-License-Identifier: BSD-2-Clause */
/* guest/batch.h — the rows of one boot (docs/protocol.md, "Batches"): the batch area of the
 * configuration, the loop that runs each row after restoring a known state, and the end of
 * a row. */
#ifndef GUEST_BATCH_H
#define GUEST_BATCH_H

#include <stdbool.h>

/* The longest row specifier, without its NUL. */
#define ROW_SPEC_MAX 127

/* Runs every row of the batch area (or the one `scenario` of the configuration block) in
 * order: before each, guest_reset() and HC_ROW_START; `run` runs the row and ends it with
 * guest_finish(). Ends the emulator after the last row. */
__attribute__((noreturn)) void guest_batch_run(void (*run)(const char *spec));

/* After a row printed its `Test result:` line (guest_finish): HC_ROW_END, then the next
 * row, or the end of the emulator after the last one, or when the row ended inside an
 * event handler (the batch stops there; the runner runs the rest in a new boot). */
__attribute__((noreturn)) void guest_row_end(void);

/* Event handlers running now (guest/traps.c counts them). */
extern unsigned guest_handler_depth;

/* True while guest_reset() lets the previous row's pending events in: guest/traps.c then
 * only ends them (EOI, TF) and records nothing, so none reaches the next row's trace. */
extern bool guest_draining;

/* guest/reset.c: take the snapshot of the known state once, after the CPU is set up (false
 * when the image's data does not fit it); restore it before each row. */
bool guest_snapshot_take(void);
void guest_reset(void);

#endif
