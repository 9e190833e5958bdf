/* SPDX-License-Identifier: BSD-2-Clause */
/* The vCPU event state a hypervisor keeps between exits, and the after-exit /
 * before-entry pair that moves events between it and the VMCS fields.
 *
 * hv flow per exit: read the fields -> vcpu_events_after_exit() -> handle the exit (may
 * queue exceptions, NMIs, interrupts) -> vcpu_events_before_entry() -> VMWRITE the entry
 * fields. Not called for VM-entry failures (exit reason bit 31).
 *
 * Exceptions: one slot, "pending" (queued, delivery not begun) or "injected" (delivery
 * begun: re-delivered from IDT-vectoring information). Queuing an exception on top of an
 * occupied slot merges per the double-fault table (SDM 6.15 Table 6-5): #DF with error code
 * 0, or shutdown (vcpu_events_shutdown()). An exception queued while an NMI or interrupt is
 * being re-delivered is taken to have arisen from that delivery: it replaces the event,
 * as on bare metal (the interrupt was acknowledged, NMI blocking stays set).
 * Payloads (CR2 for #PF, the DR6 value for #DB) are applied at delivery only: before_entry()
 * reports them in set_cr2/set_dr6 for the entry that injects the exception. */
#ifndef CORE_VCPU_EVENTS_H
#define CORE_VCPU_EVENTS_H

#include "core/policy.h"
#include "core/vmx_event.h"
#include "core/vmx_fields.h"

#include <stdbool.h>
#include <stdint.h>

/* vcpu_events.flags: what the vCPU holds. "Injected" = delivery began (re-delivery from
 * IDT-vectoring information, or written into VM-entry fields at the last entry); "pending"
 * = queued by the hv, delivery not begun. One word so that the no-event path is cheap. */
#define VCPU_EV_EXC_PENDING   0x001u
#define VCPU_EV_EXC_INJECTED  0x002u
#define VCPU_EV_NMI_INJECTED  0x004u
#define VCPU_EV_INTR_INJECTED 0x008u
#define VCPU_EV_RAW           0x010u /* raw-copy: raw_* go to the entry fields as they are */
#define VCPU_EV_NMI_PENDING   0x020u /* one latch, like the CPU */
#define VCPU_EV_INTR_PENDING  0x040u
#define VCPU_EV_NMI_REBLOCK   0x080u /* NMI unblocking due to IRET: block again, SDM 27.2.3 */
#define VCPU_EV_SHUTDOWN      0x100u /* triple fault */
/* Task switches (core/vcpu_task_switch.c): the IDT-vectored event waits for the emulated
 * switch that completes its delivery; after it, NMI blocking set (an NMI delivered through a
 * task gate, SDM 6.7.1) or cleared (IRET, SDM 6.7.1), and the STI / MOV-SS shadow ended
 * (the instruction or delivery completed, SDM 24.4.2). */
#define VCPU_EV_TASK_GATE   0x200u
#define VCPU_EV_NMI_BLOCK   0x400u
#define VCPU_EV_NMI_UNBLOCK 0x800u
#define VCPU_EV_SHADOW_END  0x1000u

struct vcpu_exception { /* valid with VCPU_EV_EXC_PENDING or _INJECTED */
    uint8_t vector;
    uint8_t type; /* VMX_EVENT_HW_EXCEPTION, _SOFT_EXCEPTION or _PRIV_SOFT_EXCEPTION */
    bool has_error;
    bool has_payload;
    uint32_t error;
    uint32_t instr_len; /* soft types only */
    uint64_t payload;   /* CR2 for #PF (and a #DF merged from #PF), DR6 value for #DB */
};

struct vcpu_interrupt { /* valid with VCPU_EV_INTR_INJECTED */
    uint8_t vector;
    uint8_t type;       /* VMX_EVENT_EXT_INTR or VMX_EVENT_SOFT_INTR */
    uint32_t instr_len; /* soft interrupts only */
};

struct vcpu_events {
    uint32_t flags;            /* VCPU_EV_* */
    uint32_t interruptibility; /* guest interruptibility from the last exit */
    const struct policy *policy;
    struct vcpu_exception exception;
    struct vcpu_interrupt interrupt;
    uint8_t interrupt_next; /* vector queued by the hv (VCPU_EV_INTR_PENDING) */
    uint32_t raw_info, raw_error, raw_len;
    uint8_t shutdown_vector; /* the exception whose queuing said shutdown (VCPU_EV_SHUTDOWN) */
    struct {                 /* a task-gate exit (VCPU_EV_TASK_GATE): the vectored event */
        uint32_t info, error, len;
        uint8_t action; /* enum policy_task_gate */
    } task_gate;
    struct redelivery_note note; /* the last decision, updated by merges */
};

/* p NULL means the default policy (kvm). */
void vcpu_events_init(struct vcpu_events *ev, const struct policy *p);
void vcpu_events_after_exit(struct vcpu_events *ev, const struct vmx_exit_events *x,
                            struct redelivery_note *note);
void vcpu_queue_exception(struct vcpu_events *ev, uint8_t vector, bool has_error, uint32_t error);
/* CR2 for #PF, the DR6 value for #DB; vector must be 0-31 and has_error must match the vector
 * in protected mode (SDM 26.2.1.3), the caller's business. */
void vcpu_queue_exception_payload(struct vcpu_events *ev, uint8_t vector, bool has_error,
                                  uint32_t error, uint64_t payload);
/* A software exception the hv intercepted and reflects: INT1/ICEBP (type 5), INT3 or INTO
 * (type 6), re-injected with the VM-exit instruction length (SDM 24.8.3, 26.5.1.1). */
void vcpu_queue_soft_exception(struct vcpu_events *ev, uint8_t vector, enum vmx_event_type type,
                               uint32_t instr_len);
/* A software interrupt (type 4: INT n) the hv emulates or injects, delivered with the given
 * VM-entry instruction length 1-15 (SDM 24.8.3, 26.2.1.3): the pushed RIP is guest RIP plus
 * that length (SDM 26.5.1.1), whether or not an INT instruction is there. It takes the
 * interrupt slot as delivery-begun, as KVM's kvm_queue_interrupt(soft) does: RFLAGS.IF and
 * STI / MOV-SS blocking do not hold software interrupts back (SDM 6.8.1, 26.3.1.5 name
 * external interrupts and NMIs only), so it needs no window. */
void vcpu_queue_soft_interrupt(struct vcpu_events *ev, uint8_t vector, uint32_t instr_len);
void vcpu_queue_nmi(struct vcpu_events *ev);
/* An external interrupt; the hv queues it only when the guest has RFLAGS.IF = 1. */
void vcpu_queue_interrupt(struct vcpu_events *ev, uint8_t vector);
/* Fills out; returns true when something is injected. */
bool vcpu_events_before_entry(struct vcpu_events *ev, struct vmx_entry_events *out);

/* The instruction hv/ emulated, as far as the events it owes depend on it (SDM 17.2-17.3). */
struct vmx_emulated_insn {
    uint64_t rflags;      /* guest RFLAGS (TF, RF) */
    uint64_t pending_dbg; /* guest pending-debug-exceptions field (SDM 24.4.2) */
    uint64_t dr7;         /* guest DR7 (saved in the VMCS by the debug-controls exit control) */
    uint64_t dr[4];       /* guest DR0-DR3 (not switched: the hardware registers) */
    bool cr4_de;          /* guest CR4.DE: DR7 R/W=10 is an I/O breakpoint (SDM 17.2.4) */
    bool btf;             /* guest IA32_DEBUGCTL.BTF: TF single-steps branches only (17.4.3) */
    bool io;              /* the instruction was IN or OUT (not string I/O): */
    uint16_t io_port;     /*   the port it accessed */
    uint8_t io_size;      /*   and how many bytes (1, 2 or 4) */
};

/* What hv/ writes after emulating the instruction that caused the exit. */
struct vmx_emulated_fields {
    bool write_interruptibility;
    uint32_t guest_interruptibility;
    bool write_pending_dbg;
    uint64_t pending_dbg_exceptions;
    bool clear_rf; /* write RFLAGS.RF = 0: the instruction completed (SDM 17.3.1.1) */
};

/* hv/ emulated the exiting instruction and moves RIP past it: the instruction retired, so
 * a STI / MOV-SS shadow ends (SDM 24.4.2), RFLAGS.RF is cleared (SDM 17.3.1.1), and the
 * trap-class #DB it would have raised is owed to the guest: single-step with RFLAGS.TF = 1
 * (SDM 17.3.1.4; docs/cases.md #2) and I/O breakpoints that its port access matches (SDM 17.2.4,
 * 17.2.5), with DR6.BS / Bn and any B0-B3 the pending-debug-exceptions field holds
 * (SDM 24.4.2, 27.3.4). docs/core.md, "Emulated instructions". */
void vcpu_events_instruction_emulated(struct vcpu_events *ev, const struct vmx_emulated_insn *in,
                                      struct vmx_emulated_fields *out);

/* DR6 bits B0-B3 of the enabled I/O breakpoints (DR7 R/W = 10, CR4.DE = 1) that an access of
 * `size` bytes at `port` matches (SDM 17.2.4, 17.2.5); 0 when none. */
uint32_t x86_io_breakpoint_hits(uint64_t dr7, const uint64_t dr[4], bool cr4_de, uint16_t port,
                                uint8_t size);

/* A task-switch exit (exit reason 9, SDM 25.4.2): the request core/task_switch.c emulates,
 * from the exit qualification (SDM 27.2.1 Table 27-2) and, for a task gate in the IDT, from
 * what the policy did with the IDT-vectoring information at after_exit (core/policy.h,
 * policy_task_gate()). Then, with the result of the emulation: a fault is queued (merged
 * per SDM 6.15 Table 6-5 with the hardware exception whose delivery it interrupted), a T-flag
 * debug trap is queued as #DB with DR6.BT (SDM 17.2.3; VMX has no pending-debug bit for it,
 * SDM 24.4.2 Table 24-4, so it is injected), NMI blocking and the shadow are settled.
 * docs/core.md, "Task switches". */
struct ts_request;
struct ts_result;
void vcpu_events_task_switch(struct vcpu_events *ev, const struct vmx_exit_events *x,
                             struct ts_request *req);
void vcpu_events_task_switch_done(struct vcpu_events *ev, const struct ts_result *res);
/* core/'s own, called by vcpu_events_after_exit(): a task-switch exit through a task gate in
 * the IDT during the delivery of the vectored event; `flags` are the event flags so far. */
void vcpu_events_task_gate_exit(struct vcpu_events *ev, const struct vmx_exit_events *x,
                                uint32_t flags, struct redelivery_note *note);

/* The double-fault table said shutdown (or the exit was a triple fault): the hv reports a
 * triple fault instead of entering. */
bool vcpu_events_shutdown(const struct vcpu_events *ev);
/* An NMI or interrupt waits for a window (blocking by STI, MOV SS or NMI): the hv may
 * enable NMI-window / interrupt-window exiting. */
bool vcpu_events_waiting(const struct vcpu_events *ev);
/* The latest decision, including merges done by vcpu_queue_exception*(). */
const struct redelivery_note *vcpu_events_note(const struct vcpu_events *ev);

#endif
