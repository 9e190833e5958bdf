/* SPDX-License-Identifier: BSD-2-Clause */
/* unit/core/events_fixture.h — a vCPU event queue driven as hv/ drives it (exit fields ->
 * after_exit -> before_entry), shared by the event-queue tests. */
#ifndef UNIT_CORE_EVENTS_FIXTURE_H
#define UNIT_CORE_EVENTS_FIXTURE_H

#include <stdbool.h>
#include <string.h>

#include "core/injection_check.h"
#include "core/vcpu_events.h"

struct fixture {
    struct vcpu_events ev;
    struct vmx_exit_events x;
    struct vmx_entry_events e;
};

static inline void start(struct fixture *f, const char *policy)
{
    memset(f, 0, sizeof(*f));
    vcpu_events_init(&f->ev, policy_find(policy));
}

/* One exit: reason, IDT-vectoring word, its error code, instruction length, interruptibility. */
static inline void exit_len(struct fixture *f, uint32_t reason, uint32_t idtv, uint32_t err,
                            uint32_t len, uint32_t intr)
{
    memset(&f->x, 0, sizeof(f->x));
    f->x.exit_reason = reason;
    f->x.idt_vectoring_info = idtv;
    f->x.idt_vectoring_error = err;
    f->x.guest_interruptibility = intr;
    f->x.exit_instr_len = len;
    vcpu_events_after_exit(&f->ev, &f->x, NULL);
}

/* The next entry's fields, which must pass the VM-entry checks (SDM 26.2.1.3). */
static inline bool enter(struct fixture *f)
{
    memset(&f->e, 0xa5, sizeof(f->e)); /* before_entry must fill every field */
    bool r = vcpu_events_before_entry(&f->ev, &f->e);
    struct vmx_entry_caps caps;
    vmx_entry_caps_default(&caps);
    const char *why = vmx_check_entry_events(&caps, &f->e, f->x.guest_interruptibility);
    if (why)
        fail_msg("entry fields 0x%08x fail: %s", f->e.entry_intr_info, why);
    return r;
}

#endif
