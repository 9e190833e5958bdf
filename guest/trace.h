/* SPDX-License-Identifier: BSD-2-Clause */
/* guest/trace.h — the event trace: one packed record per delivered event. */
#ifndef GUEST_TRACE_H
#define GUEST_TRACE_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/desc.h"

struct event {
    uint8_t vector;
    uint8_t ist;
    bool has_error, rf;
    uint32_t error;
    uint16_t cs;
    uint64_t rip;
    uint64_t cr2; /* #PF only */
    uint64_t dr6; /* #DB only */
};

#define TRACE_MAX 32

/* Starts recording; RIPs inside [anchor, anchor + 4 KiB) print relative to "trigger". */
void trace_start(const void *anchor);
/* RIPs inside [user_fn, user_fn + 4 KiB) print relative to "user" (guest_run_user()). */
void trace_user_anchor(const void *user_fn);
void trace_record(const struct trap_frame *f);
unsigned trace_count(void);
const struct event *trace_at(unsigned i);
/* The first recorded event, or the first with `vector`; NULL when there is none (for a row's
 * check that the event came, so that a CPU that raises nothing is FAILED). */
const struct event *trace_first(void);
const struct event *trace_find(uint8_t vector);
/* Prints every recorded event as one canonical `EV` line (docs/protocol.md). */
void trace_print(void);

#endif
