/* SPDX-License-Identifier: BSD-2-Clause */
/* A task-switch exit and the event queue (see vcpu_events.h, vcpu_events_task_switch()):
 * what after_exit keeps of a task-gate exit's IDT-vectored event, what the emulated switch
 * completes of it, and what its result owes the guest at the next entry. */
#include "core/exception_class.h"
#include "core/policy.h"
#include "core/task_switch.h"
#include "core/vcpu_events.h"
#include "core/vmx_event.h"

#define DR6_FIXED_ONES 0xffff0ff0ull /* SDM 17.2.3: DR6's reserved bits read 1 */

static bool completes(const struct vcpu_events *ev)
{
    return (ev->flags & VCPU_EV_TASK_GATE) && ev->task_gate.action == POLICY_TG_COMPLETE;
}

/* A task-switch exit through a task gate in the IDT (exit qualification bits 31:30 = 3, SDM
 * 27.2.1 Table 27-2) during the delivery of the vectored event: the emulated switch is the
 * rest of that delivery, and the policy says how much of the event it completes
 * (policy_task_gate()). Kept for vcpu_events_task_switch(); only raw-copy injects again.
 * Out of line (a task-gate exit is rare), called by vcpu_events_after_exit(). */
__attribute__((noinline)) void vcpu_events_task_gate_exit(struct vcpu_events *ev,
                                                          const struct vmx_exit_events *x,
                                                          uint32_t f, struct redelivery_note *note)
{
    const char *why;
    enum policy_task_gate a = policy_task_gate(ev->policy, &why);
    ev->task_gate.info = x->idt_vectoring_info;
    ev->task_gate.error = x->idt_vectoring_error;
    ev->task_gate.len = x->exit_instr_len;
    ev->task_gate.action = (uint8_t)a;
    f |= VCPU_EV_TASK_GATE;
    if (a == POLICY_TG_RAW_AGAIN) {
        f |= VCPU_EV_RAW;
        ev->raw_info = x->idt_vectoring_info;
        ev->raw_error = x->idt_vectoring_error;
        ev->raw_len = x->exit_instr_len;
    }
    ev->flags = f;
    ev->note.vectoring = true;
    ev->note.action = policy_task_gate_name(a);
    ev->note.why = why;
    if (note)
        *note = ev->note;
}

void vcpu_events_task_switch(struct vcpu_events *ev, const struct vmx_exit_events *x,
                             struct ts_request *req)
{
    uint64_t q = x->exit_qualification;
    req->selector = (uint16_t)q; /* SDM 27.2.1 Table 27-2 */
    req->source = (enum ts_source)((q >> 30) & 3);
    req->eip_advance = 0;
    req->ext = false;
    req->push_error = false;
    req->error_code = 0;
    req->fault_rf = false;
    if (req->source != TS_SRC_IDT_GATE) {
        /* CALL, JMP, IRET complete: the old task resumes after them (SDM 7.3 step 8); the
         * VM-exit instruction length is saved for task switches (SDM 27.2.5) */
        req->eip_advance = x->exit_instr_len;
        if (req->source == TS_SRC_IRET) /* IRET ends blocking by NMI (SDM 6.7.1) */
            ev->flags |= VCPU_EV_NMI_UNBLOCK;
        return;
    }
    if (!(ev->flags & VCPU_EV_TASK_GATE))
        return; /* no valid IDT-vectoring information: nothing to complete */
    uint32_t info = ev->task_gate.info;
    enum vmx_event_type type = vmx_intr_info_type(info);
    uint8_t vector = vmx_intr_info_vector(info);
    switch ((enum policy_task_gate)ev->task_gate.action) {
    case POLICY_TG_COMPLETE:
        if (type == VMX_EVENT_SOFT_INTR || type == VMX_EVENT_PRIV_SOFT_EXCEPTION ||
            type == VMX_EVENT_SOFT_EXCEPTION) {
            /* a software event's return address is the next instruction (SDM 6.12.1,
             * 27.2.4: the instruction length is saved for it) */
            req->eip_advance = ev->task_gate.len;
        }
        /* SDM 6.13: EXT is clear only for INT n, INT3 and INTO (types 4 and 6); ICEBP
         * (type 5), like every hardware event, is external to the program */
        req->ext = type != VMX_EVENT_SOFT_INTR && type != VMX_EVENT_SOFT_EXCEPTION;
        if (type == VMX_EVENT_HW_EXCEPTION) {
            req->push_error = vmx_intr_info_has_error(info); /* SDM 6.12.2, 27.2.4 */
            req->error_code = ev->task_gate.error;
            req->fault_rf = exception_kind(vector) == EXC_KIND_FAULT; /* SDM 17.3.1.1 */
        }
        return;
    case POLICY_TG_NO_EVENT:
    case POLICY_TG_RAW_AGAIN:
        return;
    }
}

void vcpu_events_task_switch_done(struct vcpu_events *ev, const struct ts_result *res)
{
    bool complete = completes(ev);
    uint32_t info = ev->task_gate.info;
    ev->flags &= ~VCPU_EV_TASK_GATE;
    if (res->status == TS_FAULT) {
        if (complete && vmx_intr_info_type(info) == VMX_EVENT_HW_EXCEPTION) {
            /* the fault interrupted that exception's delivery: SDM 6.15 Table 6-5 decides
             * (#DF, or serial), as when the CPU raises it during delivery */
            ev->exception.vector = vmx_intr_info_vector(info);
            ev->exception.type = VMX_EVENT_HW_EXCEPTION;
            ev->exception.has_error = vmx_intr_info_has_error(info);
            ev->exception.error = ev->task_gate.error;
            ev->exception.has_payload = false;
            ev->exception.instr_len = 0;
            ev->flags |= VCPU_EV_EXC_INJECTED;
        }
        /* #TS, #NP, #GP, #SS all push an error code (SDM 6.13, Table 6-1) */
        vcpu_queue_exception(ev, res->fault_vector, true, res->fault_error);
        return;
    }
    if (res->status != TS_DONE)
        return;
    ev->flags |= VCPU_EV_SHADOW_END;
    if (complete && vmx_intr_info_type(info) == VMX_EVENT_NMI)
        ev->flags |= VCPU_EV_NMI_BLOCK; /* the NMI was delivered: blocked until IRET, 6.7.1 */
    if (res->debug_trap) /* SDM 7.2.1, 17.3.1.5: a trap before the new task's first insn */
        vcpu_queue_exception_payload(ev, X86_DB, false, 0, DR6_FIXED_ONES | DR6_BT);
}
