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
    uint64_t cr2;     /* #PF only */
    uint64_t dr6;     /* #DB only */
    uint64_t dr7;     /* #DB only: DR7 at handler entry (delivery clears GD, SDM 17.2.4) */
    bool tf, iflag;   /* RFLAGS.TF and IF as saved in the frame */
    uint8_t nest;     /* handlers in progress, this one included: 2 = a handler was re-entered */
    uint8_t isr, irr; /* local APIC: highest vector in service / pending at entry, 0 = none */
    /* the #VE of a row that armed one (guest_ve_arm()) only: the information area at
     * handler entry (SDM 25.5.7.2, guest/ve.c); has_ve false for any other vector-20 event */
    bool has_ve;
    uint32_t ve_reason, ve_busy; /* offset 0: exit reason; offset 4: FFFFFFFFH after a #VE */
    uint64_t ve_qual, ve_gla, ve_gpa;
};

/* guest/ve.c: for a vector-20 event of a row that armed a #VE page, sets has_ve and fills
 * the ve_ fields from the information area; for any other, has_ve false (an INT 20 or an
 * injected vector 20 has no information area of its own) */
void ve_read_info(struct event *e);
/* guest/ve.c: a #VE on the armed page: offset 4 cleared, the page mapped again (HC_VE_MAP);
 * the handler then returns to the access, which runs again. False for any other #VE. */
bool ve_resolve(void);

#define TRACE_MAX 32

/* Starts recording; RIPs inside [anchor, anchor + 4 KiB) print relative to "trigger". */
void trace_start(const void *anchor);
/* RIPs inside [user_fn, user_fn + 4 KiB) print relative to "user" (guest_run_user()). */
void trace_user_anchor(const void *user_fn);
/* Records the event of frame `f`; `nest` is the number of handlers in progress, this one
 * included (guest/traps.c). */
void trace_record(const struct trap_frame *f, unsigned nest);
/* Records an event that has no 64-bit trap frame, filled in by the caller: the 32-bit
 * environment's handlers record into a buffer of their own, which guest/pm32.c turns into
 * events after the return to 64-bit mode (ist = 0, cr2 = 0: no paging there). */
void trace_record_event(const struct event *e);
unsigned trace_count(void);
const struct event *trace_at(unsigned i);
/* The first recorded event, or the first with `vector`; NULL when there is none (for a row's
 * check that the event came, so that a CPU that raises nothing is FAILED). */
const struct event *trace_first(void);
const struct event *trace_find(uint8_t vector);
/* Prints every recorded event as one canonical `EV` line (docs/protocol.md). */
void trace_print(void);

#endif
