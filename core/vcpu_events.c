/* SPDX-License-Identifier: BSD-2-Clause */
/* The vCPU event queue and the after-exit / before-entry pair (see vcpu_events.h). */
#include "core/vcpu_events.h"
#include "core/exception_class.h"
#include "core/policy_rules.h"
#include "core/vmx_exit_reason.h"

#include <stddef.h>

#define EXC_ANY (VCPU_EV_EXC_PENDING | VCPU_EV_EXC_INJECTED)
#define DELIVERED                                                                                  \
    (VCPU_EV_EXC_INJECTED | VCPU_EV_NMI_INJECTED | VCPU_EV_INTR_INJECTED | VCPU_EV_RAW)
#define BLOCK_NMI                                                                                  \
    (VMX_INTERRUPTIBILITY_STI | VMX_INTERRUPTIBILITY_MOV_SS | VMX_INTERRUPTIBILITY_NMI)
#define BLOCK_INT (VMX_INTERRUPTIBILITY_STI | VMX_INTERRUPTIBILITY_MOV_SS)
/* what a task switch asks of the next entry only (core/vcpu_task_switch.c) */
#define TS_ENTRY (VCPU_EV_NMI_BLOCK | VCPU_EV_NMI_UNBLOCK | VCPU_EV_SHADOW_END)
/* Hardware exceptions delivered with RFLAGS.RF=1 (SDM 17.3.1.1): faults and aborts
 * (SDM 6.15 Table 6-1); not #DB (an instruction breakpoint must not set it, and its trap
 * forms never do), not the traps #BP and #OF, not reserved vectors. One byte per vector so
 * that any 8-bit vector indexes it. Checked by unit/core/test_vcpu_events.c. */
static const bool rf_vector[256] = {
    [X86_DE] = 1, [X86_BR] = 1, [X86_UD] = 1, [X86_NM] = 1, [X86_DF] = 1, [X86_CSO] = 1,
    [X86_TS] = 1, [X86_NP] = 1, [X86_SS] = 1, [X86_GP] = 1, [X86_PF] = 1, [X86_MF] = 1,
    [X86_AC] = 1, [X86_MC] = 1, [X86_XM] = 1, [X86_VE] = 1, [X86_CP] = 1,
};

static const char none[] = "none";

static void set_note(struct vcpu_events *ev, bool vectoring, const char *action, const char *why)
{
    ev->note.vectoring = vectoring;
    ev->note.action = action;
    ev->note.why = why;
}

void vcpu_events_init(struct vcpu_events *ev, const struct policy *p)
{
    ev->flags = 0;
    ev->interruptibility = 0;
    ev->policy = p ? p : policy_default();
    ev->exception.vector = 0;
    ev->exception.type = 0;
    ev->exception.has_error = false;
    ev->exception.has_payload = false;
    ev->exception.error = 0;
    ev->exception.instr_len = 0;
    ev->exception.payload = 0;
    ev->interrupt.vector = 0;
    ev->interrupt.type = 0;
    ev->interrupt.instr_len = 0;
    ev->interrupt_next = 0;
    ev->raw_info = ev->raw_error = ev->raw_len = 0;
    ev->shutdown_vector = 0;
    set_note(ev, false, none, "");
}

/* SDM 27.2.3: an IRET that unblocked NMIs faulted (exit-interruption bit 12, undefined
 * for #DF) or hit an EPT violation / PML-full (qualification bit 12); the IRET will run
 * again, so NMIs must be blocked again. Only asked when no event was being delivered. */
static bool nmi_unblocked_by_iret(const struct vmx_exit_events *x, uint32_t basic)
{
    uint32_t ei = x->exit_intr_info;
    if ((ei & (VMX_INTR_INFO_VALID | VMX_INTR_INFO_NMI_UNBLOCK)) ==
            (VMX_INTR_INFO_VALID | VMX_INTR_INFO_NMI_UNBLOCK) &&
        vmx_intr_info_vector(ei) != X86_DF)
        return true;
    return (basic == VMX_EXIT_EPT_VIOLATION || basic == VMX_EXIT_PML_FULL) &&
           (x->exit_qualification & (1u << 12));
}

/* Exit reasons that need a second look when nothing was being delivered. */
#define SPECIAL_REASONS                                                                            \
    ((1ull << VMX_EXIT_TRIPLE_FAULT) | (1ull << VMX_EXIT_EPT_VIOLATION) |                          \
     (1ull << VMX_EXIT_PML_FULL))

/* Re-queue the IDT-vectored event as injected (KVM __vmx_complete_interrupts shape). */
static inline __attribute__((always_inline)) uint32_t
requeue(struct vcpu_events *ev, const struct vmx_exit_events *x, uint32_t f, bool prev_exception)
{
    uint32_t info = x->idt_vectoring_info;
    enum vmx_event_type type = vmx_intr_info_type(info);
    uint8_t vector = vmx_intr_info_vector(info);
    bool soft = type == VMX_EVENT_SOFT_INTR || type == VMX_EVENT_PRIV_SOFT_EXCEPTION ||
                type == VMX_EVENT_SOFT_EXCEPTION;
    /* SDM 27.2.4: VM-exit instruction length is saved for software events */
    uint32_t len = soft ? x->exit_instr_len : 0;

    if (type == VMX_EVENT_NMI)
        return f | VCPU_EV_NMI_INJECTED;
    if (type == VMX_EVENT_EXT_INTR || type == VMX_EVENT_SOFT_INTR) {
        ev->interrupt.vector = vector;
        ev->interrupt.type = (uint8_t)type;
        ev->interrupt.instr_len = len;
        return f | VCPU_EV_INTR_INJECTED;
    }
    struct vcpu_exception *e = &ev->exception;
    /* the payload stays with the exception we injected and now re-deliver */
    if (!(prev_exception && e->vector == vector && e->type == type))
        e->has_payload = false;
    e->vector = vector;
    e->type = (uint8_t)type;
    e->has_error = vmx_intr_info_has_error(info);
    e->error = e->has_error ? x->idt_vectoring_error : 0;
    e->instr_len = len;
    return (f & ~VCPU_EV_EXC_PENDING) | VCPU_EV_EXC_INJECTED;
}

/* The exit happened while an event was being delivered: apply the policy's rule. */
static inline void apply_rule(struct vcpu_events *ev, const struct vmx_exit_events *x, uint32_t f,
                              bool prev_exception, struct redelivery_note *note,
                              const struct policy_rule *r)
{
    if (r->action == POLICY_REINJECT) {
        f = requeue(ev, x, f, prev_exception);
    } else if (r->action == POLICY_RAW_COPY) {
        f |= VCPU_EV_RAW;
        ev->raw_info = x->idt_vectoring_info;
        ev->raw_error = x->idt_vectoring_error;
        ev->raw_len = x->exit_instr_len;
    }
    ev->flags = f;
    set_note(ev, true, r->action_name, r->why);
    if (note)
        *note = ev->note;
}

/* drop-faults on a hardware exception: the rule depends on the vector (kept out of the
 * common path so that it needs no call). */
static __attribute__((noinline)) void after_fault_rule_exit(struct vcpu_events *ev,
                                                            const struct vmx_exit_events *x,
                                                            uint32_t f, bool prev_exception,
                                                            struct redelivery_note *note)
{
    const struct policy_rule *r = policy_fault_rule(vmx_intr_info_vector(x->idt_vectoring_info));
    apply_rule(ev, x, f, prev_exception, note, r);
}

static __attribute__((noinline)) void after_vectoring_exit(struct vcpu_events *ev,
                                                           const struct vmx_exit_events *x,
                                                           uint32_t f, bool prev_exception,
                                                           struct redelivery_note *note)
{
    if (vmx_exit_reason_basic(x->exit_reason) == VMX_EXIT_TASK_SWITCH &&
        ((x->exit_qualification >> 30) & 3) == 3)
        return vcpu_events_task_gate_exit(ev, x, f, note);
    const struct policy_rule *r = &ev->policy->rule[vmx_intr_info_type(x->idt_vectoring_info)];
    if (__builtin_expect(r->action == POLICY_DROP_FAULT, 0))
        return after_fault_rule_exit(ev, x, f, prev_exception, note);
    apply_rule(ev, x, f, prev_exception, note, r);
}

/* No delivery under way, but an exit reason or exit-interruption bit to look at. */
static __attribute__((noinline)) void
after_special_exit(struct vcpu_events *ev, const struct vmx_exit_events *x, uint32_t f)
{
    uint32_t basic = vmx_exit_reason_basic(x->exit_reason);
    if (nmi_unblocked_by_iret(x, basic))
        f |= VCPU_EV_NMI_REBLOCK;
    if (basic == VMX_EXIT_TRIPLE_FAULT)
        f |= VCPU_EV_SHUTDOWN; /* the guest shut down by itself */
    ev->flags = f;
}

void vcpu_events_after_exit(struct vcpu_events *ev, const struct vmx_exit_events *x,
                            struct redelivery_note *note)
{
    uint32_t f = ev->flags;
    /* what the last entry injected was delivered, or is reported in IDT-vectoring */
    bool prev_exception = f & VCPU_EV_EXC_INJECTED;
    f &= ~(DELIVERED | VCPU_EV_NMI_REBLOCK | VCPU_EV_TASK_GATE | TS_ENTRY);
    ev->interruptibility = x->guest_interruptibility;
    if (__builtin_expect(vmx_intr_info_valid(x->idt_vectoring_info), 0))
        return after_vectoring_exit(ev, x, f, prev_exception, note);

    uint32_t basic = vmx_exit_reason_basic(x->exit_reason);
    if (__builtin_expect((x->exit_intr_info & VMX_INTR_INFO_NMI_UNBLOCK) ||
                             (basic < 64 && ((SPECIAL_REASONS >> basic) & 1)),
                         0))
        after_special_exit(ev, x, f);
    else
        ev->flags = f;
    if (ev->note.action != none)
        set_note(ev, false, none, "");
    if (note)
        *note = ev->note;
}

static void queue_exception(struct vcpu_events *ev, uint8_t vector, bool has_error, uint32_t error,
                            bool has_payload, uint64_t payload)
{
    struct vcpu_exception *e = &ev->exception;
    uint32_t f = ev->flags;
    if (f & VCPU_EV_SHUTDOWN)
        return;
    if ((f & EXC_ANY) && e->type == VMX_EVENT_HW_EXCEPTION) {
        /* SDM 6.15 Table 6-5: second exception while delivering the first */
        enum double_fault_outcome o = double_fault_decide(e->vector, vector);
        if (o == DF_SHUTDOWN) {
            ev->flags = (f & ~EXC_ANY) | VCPU_EV_SHUTDOWN;
            ev->shutdown_vector = vector;
            set_note(ev, ev->note.vectoring, "shutdown",
                     "contributory or page fault while delivering #DF: triple fault "
                     "(SDM 6.15 Interrupt 8; docs/cases.md #8)");
            return;
        }
        if (o == DF_DOUBLE) {
            set_note(ev, ev->note.vectoring, "merge-#DF",
                     "contributory during contributory, or contributory or page fault during "
                     "page fault: #DF with error code 0 (SDM 6.15 Table 6-5; docs/cases.md #7)");
            vector = X86_DF;
            has_error = true;
            error = 0;
            /* the second #PF's CR2 stays: bare metal wrote it before #DF (SDM 6.15 Int 14) */
        } else if (f & VCPU_EV_EXC_INJECTED) {
            set_note(ev, ev->note.vectoring, "serial",
                     "benign first exception: handled serially, the new one is delivered "
                     "(SDM 6.15 Table 6-5)");
        }
    } else if (f & (EXC_ANY | VCPU_EV_NMI_INJECTED | VCPU_EV_INTR_INJECTED)) {
        set_note(ev, ev->note.vectoring, "serial",
                 "exception while delivering an interrupt, NMI or software event: the "
                 "exception is delivered, the first event is not (SDM 6.15; docs/cases.md #5)");
    }
    /* a re-delivered NMI or interrupt is replaced; NMI blocking stays as the CPU left it */
    f &= ~(EXC_ANY | VCPU_EV_NMI_INJECTED | VCPU_EV_INTR_INJECTED);
    ev->flags = f | VCPU_EV_EXC_PENDING;
    e->vector = vector;
    e->type = VMX_EVENT_HW_EXCEPTION;
    e->has_error = has_error;
    e->error = has_error ? error : 0;
    e->instr_len = 0;
    e->has_payload = has_payload;
    e->payload = has_payload ? payload : 0;
}

void vcpu_queue_exception(struct vcpu_events *ev, uint8_t vector, bool has_error, uint32_t error)
{
    queue_exception(ev, vector, has_error, error, false, 0);
}

void vcpu_queue_exception_payload(struct vcpu_events *ev, uint8_t vector, bool has_error,
                                  uint32_t error, uint64_t payload)
{
    queue_exception(ev, vector, has_error, error, vector == X86_PF || vector == X86_DB, payload);
}

void vcpu_queue_soft_exception(struct vcpu_events *ev, uint8_t vector, enum vmx_event_type type,
                               uint32_t instr_len)
{
    queue_exception(ev, vector, false, 0, false, 0);
    /* an instruction raised it, so no delivery was under way to merge with; if one was
     * anyway (a merge or a shutdown took the slot), the slot is left as the table said */
    if ((ev->flags & VCPU_EV_EXC_PENDING) && ev->exception.vector == vector) {
        ev->exception.type = (uint8_t)type;
        ev->exception.instr_len = instr_len;
    }
}

void vcpu_queue_soft_interrupt(struct vcpu_events *ev, uint8_t vector, uint32_t instr_len)
{
    if (ev->flags & VCPU_EV_SHUTDOWN)
        return;
    ev->flags |= VCPU_EV_INTR_INJECTED;
    ev->interrupt.vector = vector;
    ev->interrupt.type = VMX_EVENT_SOFT_INTR;
    ev->interrupt.instr_len = instr_len;
}

void vcpu_queue_nmi(struct vcpu_events *ev)
{
    ev->flags |= VCPU_EV_NMI_PENDING;
}

void vcpu_queue_interrupt(struct vcpu_events *ev, uint8_t vector)
{
    ev->flags |= VCPU_EV_INTR_PENDING;
    ev->interrupt_next = vector;
}

/* Something to inject, or interruptibility to change: the slow part of before_entry. */
static __attribute__((noinline)) bool entry_with_events(struct vcpu_events *ev,
                                                        struct vmx_entry_events *out)
{
    uint32_t f = ev->flags;
    uint32_t info = 0, error = 0, len = 0;
    uint32_t intr = ev->interruptibility;
    if (f & VCPU_EV_SHUTDOWN)
        goto done;
    if (f & VCPU_EV_NMI_REBLOCK)
        intr |= VMX_INTERRUPTIBILITY_NMI; /* SDM 27.2.3 */
    if (__builtin_expect(f & TS_ENTRY, 0)) {
        if (f & VCPU_EV_NMI_BLOCK) /* an NMI delivered through a task gate, SDM 6.7.1 */
            intr |= VMX_INTERRUPTIBILITY_NMI;
        if (f & VCPU_EV_NMI_UNBLOCK) /* a task switch by IRET, SDM 6.7.1 */
            intr &= ~VMX_INTERRUPTIBILITY_NMI;
        if (f & VCPU_EV_SHADOW_END) /* the switch completed an instruction, SDM 24.4.2 */
            intr &= ~BLOCK_INT;
        f &= ~TS_ENTRY;
    }

    struct vcpu_exception *e = &ev->exception;
    if (f & VCPU_EV_RAW) {
        info = ev->raw_info; /* raw-copy: bit 12 and all, as the known-wrong policy does */
        error = ev->raw_error;
        len = ev->raw_len;
    } else if (f & EXC_ANY) {
        /* SDM 26.5.1.1: built from decoded parts, never raw bits */
        info = vmx_intr_info_make(e->vector, (enum vmx_event_type)e->type, e->has_error);
        error = e->error;
        len = e->instr_len;
        f = (f & ~VCPU_EV_EXC_PENDING) | VCPU_EV_EXC_INJECTED;
        out->set_rf = e->type == VMX_EVENT_HW_EXCEPTION && rf_vector[e->vector];
        /* a #DF merged from #PF carries the second #PF's CR2 */
        if (e->has_payload && (e->vector == X86_PF || e->vector == X86_DF)) {
            out->set_cr2 = true;
            out->cr2 = e->payload;
        } else if (e->has_payload && e->vector == X86_DB) {
            out->set_dr6 = true;
            out->dr6 = e->payload;
        }
    } else if (f & VCPU_EV_NMI_INJECTED) {
        info = vmx_intr_info_make(X86_NMI, VMX_EVENT_NMI, false);
        intr &= ~VMX_INTERRUPTIBILITY_NMI; /* SDM 31.7.1.2: clear blocking by NMI */
    } else if (f & VCPU_EV_INTR_INJECTED) {
        info = vmx_intr_info_make(ev->interrupt.vector, (enum vmx_event_type)ev->interrupt.type,
                                  false);
        len = ev->interrupt.instr_len;
    } else if ((f & VCPU_EV_NMI_PENDING) && !(intr & BLOCK_NMI)) {
        /* SDM 26.3.1.5: no NMI injection under MOV-SS (or NMI) blocking; STI for safety */
        f = (f & ~VCPU_EV_NMI_PENDING) | VCPU_EV_NMI_INJECTED;
        info = vmx_intr_info_make(X86_NMI, VMX_EVENT_NMI, false);
    } else if ((f & VCPU_EV_INTR_PENDING) && !(intr & BLOCK_INT)) {
        /* SDM 26.3.1.5: no external-interrupt injection under STI or MOV-SS blocking */
        f = (f & ~VCPU_EV_INTR_PENDING) | VCPU_EV_INTR_INJECTED;
        ev->interrupt.vector = ev->interrupt_next;
        ev->interrupt.type = VMX_EVENT_EXT_INTR;
        ev->interrupt.instr_len = 0;
        info = vmx_intr_info_make(ev->interrupt_next, VMX_EVENT_EXT_INTR, false);
    }
    ev->flags = f;
done:
    out->entry_intr_info = info;
    out->entry_exception_error = error;
    out->entry_instr_len = len;
    out->write_interruptibility = intr != ev->interruptibility;
    out->guest_interruptibility = intr;
    return info != 0;
}

bool vcpu_events_before_entry(struct vcpu_events *ev, struct vmx_entry_events *out)
{
    out->set_cr2 = false;
    out->set_dr6 = false;
    out->set_rf = false;
    out->cr2 = 0;
    out->dr6 = 0;
    if (__builtin_expect(ev->flags != 0, 0))
        return entry_with_events(ev, out);
    out->entry_intr_info = 0;
    out->entry_exception_error = 0;
    out->entry_instr_len = 0;
    out->write_interruptibility = false;
    out->guest_interruptibility = ev->interruptibility;
    return false;
}

bool vcpu_events_shutdown(const struct vcpu_events *ev)
{
    return ev->flags & VCPU_EV_SHUTDOWN;
}

bool vcpu_events_waiting(const struct vcpu_events *ev)
{
    return ev->flags & (VCPU_EV_NMI_PENDING | VCPU_EV_INTR_PENDING);
}

const struct redelivery_note *vcpu_events_note(const struct vcpu_events *ev)
{
    return &ev->note;
}
