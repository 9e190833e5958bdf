/* SPDX-License-Identifier: BSD-2-Clause */
/* hv/rows.c — the rows of a batch (docs/protocol.md, "Batches"; docs/hv.md, "Rows").
 *
 * The guest names each row as it starts (HC_ROW_START) and says when it printed the row's
 * result (HC_ROW_END). hv/ prints the row markers and each row's summary on its own channel,
 * COM2, which the guest cannot write: the runner cuts hv.txt at these markers and trusts
 * only them for where a row's hv/ facts begin and end. At both calls hv/ resets everything
 * it keeps per row, so that a row's perturbations, queued events, counts and watchdog never
 * reach the next row. */
#include "hv/hv.h"
#include "hv/vmcs.h"
#include "hv/vmx_ops.h"
#include "lib/console.h"
#include "lib/hypercall_abi.h"
#include "lib/string.h"

#define ROW_NAME_MAX 127

static char row_name[ROW_NAME_MAX + 1];
static bool row_open;

/* Everything hv/ keeps for one row goes back to what the first row found. */
static void row_reset(struct vcpu *v)
{
    ept_restore_all(); /* pages still taken away, the pending HC_ON_FAULT_WRITE */
    ve_reset();        /* the #VE page, its suppress bit, hv/'s own information area */
    intercept_reset(); /* the exception bitmap: #DB and #AC only */
    vcpu_events_init(&v->events, v->policy); /* queued and re-delivered events */
    v->exits = v->vectoring_exits = 0;
    memset(v->exits_by_reason, 0, sizeof(v->exits_by_reason));
    v->iret_unblock_exits = 0;
    memset(v->idtv_actions, 0, sizeof(v->idtv_actions));
    v->livelock_rip = v->livelock_rsp = v->livelock_rcx = v->livelock_exits = 0;
    v->watchdog_rip = v->watchdog_rsp = v->watchdog_exits = 0;
    v->watchdog_stalled = v->watchdog_silent = 0;
    vmwrite(VMX_PREEMPTION_TIMER_VALUE, watchdog_slice());
    /* the NMI window follows the (now empty) queue at the entry: hv/nmi.c */
}

/* The guest's name for the row, printable characters only: it is printed on hv/'s channel,
 * and a newline in it would forge a line there. */
static long read_row_name(uint64_t gpa, uint64_t len)
{
    if (len == 0 || len > ROW_NAME_MAX || !ept_gpa_is_ram(gpa, len))
        return HC_EINVAL;
    const char *src = gpa_to_hva(gpa);
    for (uint64_t i = 0; i < len; i++) {
        char c = src[i];
        row_name[i] = c > ' ' && c < 0x7f ? c : '?';
    }
    row_name[len] = 0;
    return HC_OK;
}

long row_start(struct vcpu *v, uint64_t gpa, uint64_t len)
{
    if (row_open)
        return HC_EBUSY; /* HC_ROW_END first */
    long r = read_row_name(gpa, len);
    if (r != HC_OK)
        return r;
    row_reset(v);
    row_open = true;
    console_relay_flush();
    kprintf("hv: ROW %s\n", row_name);
    return HC_OK;
}

void row_summary(const struct vcpu *v)
{
    print_exit_counts(v);
    print_idtv_actions(v);
    kprintf("hv: vectoring-exits=%lu exits=%lu policy=%s\n", v->vectoring_exits, v->exits,
            v->policy ? policy_name(v->policy) : "?");
}

long row_end(struct vcpu *v)
{
    if (!row_open)
        return HC_EINVAL;
    console_relay_flush();
    row_summary(v);
    kprintf("hv: ROW-END %s\n", row_name);
    row_open = false;
    row_reset(v);
    return HC_OK;
}

bool row_ended(void)
{
    return !row_open && row_name[0];
}
