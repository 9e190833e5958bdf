/* SPDX-License-Identifier: BSD-2-Clause */
/* hv/exit.c — one VM exit: read the exit's event fields, let core/ decide what happens to an
 * IDT-vectored event (after-exit), dispatch the exit through one table indexed by basic exit
 * reason, then write what core/ wants injected (before-entry). Handlers report what
 * happened (an intercepted exception, an emulated instruction); every decision about events
 * is core/'s (core/vcpu_events.h). */
#include "core/vmx_event.h"
#include "core/vmx_exit_reason.h"
#include "hv/hv.h"
#include "hv/vmcs.h"
#include "hv/vmx_ops.h"
#include "lib/console.h"
#include "lib/string.h"
#include "lib/x86.h"

typedef enum exit_action (*exit_handler)(struct vcpu *v);

#define DR6_STICKY 0xe000ul /* BD, BS, BT */

/* The guest shut down: by itself (exit reason 2: the CPU did it, `by=cpu`) or because the
 * double-fault table said so when an exception was queued on top of one being delivered
 * (SDM 6.15, Table 6-5). For the latter the report names the exception raised and what the
 * CPU was delivering when it was raised, from IDT-vectoring information (a hardware fact,
 * not core/'s bookkeeping): a real triple fault is an exception raised while delivering #DF
 * (SDM 6.15 "Interrupt 8"), and the runner compares that with the bare CPU's shutdown
 * (docs/protocol.md). */
static void report_triple_fault(const struct vcpu *v, bool by_cpu)
{
    console_relay_flush();
    uint32_t idtv = v->exit.idt_vectoring_info;
    if (by_cpu) {
        kprintf("hv: TRIPLE-FAULT rip=0x%lx by=cpu\n", vmread(GUEST_RIP));
        return;
    }
    char delivering[8] = "none";
    if (vmx_intr_info_valid(idtv))
        ksnprintf(delivering, sizeof(delivering), "0x%02x", vmx_intr_info_vector(idtv));
    kprintf("hv: TRIPLE-FAULT rip=0x%lx by=double-fault-table raised=0x%02x delivering=%s\n",
            vmread(GUEST_RIP), v->events.shutdown_vector, delivering);
}

static enum exit_action handle_triple_fault(struct vcpu *v)
{
    report_triple_fault(v, true);
    hv_end_run(v);
}

/* A lab guest never takes thousands of exits in a row at one RIP during event delivery or for
 * an intercepted exception: a policy that keeps handing the guest an event whose delivery
 * fails again (docs/cases.md #7) livelocks, and so does an event storm that the
 * intercepts of #DB and #AC turned into exits (CVE-2015-8104, CVE-2015-5307). Say so instead
 * of waiting for the runner's timeout. */
#define LIVELOCK_EXITS 2000

/* Called for every exit: `event` says whether this one happened during delivery or was an
 * intercepted exception. */
static void check_livelock(struct vcpu *v, bool event)
{
    /* one RIP, and the same RSP and RCX: single-stepping a long REP string instruction
     * exits at one RIP thousands of times too, but RCX counts down (progress) */
    uint64_t rip = event ? vmread(GUEST_RIP) : 0, rsp = event ? vmread(GUEST_RSP) : 0;
    bool same =
        event && rip == v->livelock_rip && rsp == v->livelock_rsp && v->regs.rcx == v->livelock_rcx;
    v->livelock_exits = same ? v->livelock_exits + 1 : 0;
    v->livelock_rip = rip;
    v->livelock_rsp = rsp;
    v->livelock_rcx = v->regs.rcx;
    if (v->livelock_exits < LIVELOCK_EXITS)
        return;
    console_relay_flush();
    kprintf("hv: LIVELOCK rip=0x%lx: %lu exits in a row at one RIP (same RSP, RCX), each during "
            "event delivery or for an intercepted exception\n",
            rip, v->livelock_exits);
    hv_state_dump(v);
    hv_end_run(v);
}

static enum exit_action handle_hlt(struct vcpu *v)
{
    if (!(vmread(GUEST_RFLAGS) & X86_RFLAGS_IF))
        hv_fatal("the guest executed HLT with interrupts disabled at rip 0x%lx: it would never "
                 "wake",
                 vmread(GUEST_RIP));
    skip_instruction(v); /* with IF=1, HLT is a pause: the guest polls for its events */
    return EXIT_RESUME;
}

/* SDM 27.2.1, Table 27-7: the EPT-violation exit qualification. */
static enum exit_action handle_ept_violation(struct vcpu *v)
{
    uint64_t gpa = vmread(GUEST_PHYSICAL_ADDRESS);
    testdev_ept_violation(gpa, vmx_intr_info_valid(v->exit.idt_vectoring_info));
    if (ept_fault_restore(gpa))
        return EXIT_RESUME; /* the perturbation did its work; the access is retried */
    if (ve_fault_restore(gpa))
        return EXIT_RESUME; /* a #VE page whose violation was not converted (hv/ve.c) */
    hv_fatal("EPT violation at guest-physical 0x%lx, qualification 0x%lx, rip 0x%lx: outside "
             "guest memory",
             gpa, v->exit.exit_qualification, vmread(GUEST_RIP));
}

static const exit_handler exit_handlers[] = {
    [VMX_EXIT_EXCEPTION_NMI] = handle_exception_nmi,
    [VMX_EXIT_TRIPLE_FAULT] = handle_triple_fault,
    [VMX_EXIT_NMI_WINDOW] = handle_nmi_window,
    [VMX_EXIT_CPUID] = handle_cpuid,
    [VMX_EXIT_HLT] = handle_hlt,
    [VMX_EXIT_VMCALL] = handle_vmcall,
    [VMX_EXIT_VMCLEAR... VMX_EXIT_VMXON] = handle_vmx_instruction,
    [VMX_EXIT_INVEPT] = handle_vmx_instruction,
    [VMX_EXIT_INVVPID] = handle_vmx_instruction,
    [VMX_EXIT_PREEMPTION_TIMER] = handle_preemption_timer,
    [VMX_EXIT_DR_ACCESS] = handle_mov_dr,
    [VMX_EXIT_IO_INSTRUCTION] = handle_io,
    [VMX_EXIT_RDMSR] = handle_rdmsr,
    [VMX_EXIT_WRMSR] = handle_wrmsr,
    [VMX_EXIT_EPT_VIOLATION] = handle_ept_violation,
    [VMX_EXIT_TASK_SWITCH] = handle_task_switch,
    [VMX_EXIT_CR_ACCESS] = handle_cr_access,
    [VMX_EXIT_XSETBV] = handle_xsetbv,
};

static void read_exit_fields(struct vmx_exit_events *x)
{
    x->exit_reason = (uint32_t)vmread(VM_EXIT_REASON);
    x->exit_qualification = vmread(EXIT_QUALIFICATION);
    x->exit_intr_info = (uint32_t)vmread(VM_EXIT_INTR_INFO);
    x->exit_intr_error = (uint32_t)vmread(VM_EXIT_INTR_ERROR_CODE);
    x->idt_vectoring_info = (uint32_t)vmread(IDT_VECTORING_INFO);
    x->idt_vectoring_error = (uint32_t)vmread(IDT_VECTORING_ERROR_CODE);
    x->exit_instr_len = (uint32_t)vmread(VM_EXIT_INSTRUCTION_LEN);
    x->guest_interruptibility = (uint32_t)vmread(GUEST_INTERRUPTIBILITY_INFO);
}

static void report_entry_failure(const struct vmx_exit_events *x)
{
    uint32_t basic = vmx_exit_reason_basic(x->exit_reason);
    console_relay_flush();
    kprintf("hv: VMENTRY-FAIL reason=0x%x qual=0x%lx %s (SDM 26.7)\n", x->exit_reason,
            x->exit_qualification, vmx_exit_reason_name(basic));
}

/* An IRET that had unblocked NMIs exited before it completed (SDM 27.2.2, 27.2.3): core/
 * blocks NMIs again for the re-entry, since the IRET runs again. Not during delivery, but
 * it matters to event state: rows with proof=iret-nmi-unblock need this line
 * (docs/protocol.md). The harness knob `no-nmi-reblock` makes hv/ forget it, as a
 * hypervisor that ignores bit 12 would, so that e2e shows such a row can fail. */
static void note_iret_nmi_unblock(struct vcpu *v)
{
    if (++v->iret_unblock_exits <= 16) {
        console_relay_flush();
        kprintf("hv: IRET-NMI-UNBLOCK exit=%s rip=0x%lx -> NMI blocking %s\n",
                vmx_exit_reason_name(vmx_exit_reason_basic(v->exit.exit_reason)), vmread(GUEST_RIP),
                v->no_nmi_reblock ? "NOT restored (fault knob)" : "restored");
    }
    if (v->no_nmi_reblock)
        v->events.flags &= ~VCPU_EV_NMI_REBLOCK;
}

static void log_vectoring(const struct vcpu *v, const struct redelivery_note *note)
{
    char words[96];
    vmx_intr_info_format(words, sizeof(words), v->exit.idt_vectoring_info);
    console_relay_flush();
    kprintf("hv: IDTV exit=%s idtv=0x%08x err=0x%x len=%u %s -> %s (%s)\n",
            vmx_exit_reason_name(vmx_exit_reason_basic(v->exit.exit_reason)),
            v->exit.idt_vectoring_info, v->exit.idt_vectoring_error, v->exit.exit_instr_len, words,
            note->action, note->why);
}

/* Count the decision for this exit's IDT-vectoring information, by action (the cost table
 * of docs/runner.md reads re-injections from it). */
static void count_idtv_action(struct vcpu *v, const char *action)
{
    for (unsigned i = 0; i < HV_IDTV_ACTIONS && action; i++) {
        if (!v->idtv_actions[i].action)
            v->idtv_actions[i].action = action;
        if (strcmp(v->idtv_actions[i].action, action) == 0) {
            v->idtv_actions[i].n++;
            return;
        }
    }
}

static void write_entry_fields(struct vcpu *v)
{
    struct vmx_entry_events e;
    vcpu_events_before_entry(&v->events, &e);
    vmwrite(VM_ENTRY_INTR_INFO, e.entry_intr_info);
    vmwrite(VM_ENTRY_EXCEPTION_ERROR, e.entry_exception_error);
    vmwrite(VM_ENTRY_INSTRUCTION_LEN, e.entry_instr_len);
    if (e.write_interruptibility)
        vmwrite(GUEST_INTERRUPTIBILITY_INFO, e.guest_interruptibility);
    if (e.set_cr2)
        write_cr2(e.cr2); /* CR2 is not in the VMCS: VM entry keeps the host's value */
    if (e.set_dr6)        /* BD, BS and BT are never cleared by the processor (SDM 17.2.3) */
        write_dr6(e.dr6 | (read_dr6() & DR6_STICKY));
    if (e.set_rf)
        vmwrite(GUEST_RFLAGS, vmread(GUEST_RFLAGS) | X86_RFLAGS_RF);
    nmi_window_update(v);
}

enum exit_action handle_exit(struct vcpu *v)
{
    read_exit_fields(&v->exit);
    v->exits++;
    if (v->exit.exit_reason & VMX_EXIT_REASON_ENTRY_FAIL) {
        report_entry_failure(&v->exit);
        return EXIT_END_RUN;
    }
    struct redelivery_note note = {0};
    vcpu_events_after_exit(&v->events, &v->exit, &note);
    if (v->events.flags & VCPU_EV_NMI_REBLOCK)
        note_iret_nmi_unblock(v);
    if (note.vectoring) {
        v->vectoring_exits++;
        count_idtv_action(v, note.action);
        if (v->vectoring_exits <= 16) /* enough to see what happened, not a flood */
            log_vectoring(v, &note);
    }
    uint32_t basic = vmx_exit_reason_basic(v->exit.exit_reason);
    check_livelock(v, note.vectoring || basic == VMX_EXIT_EXCEPTION_NMI);
    if (basic < HV_EXIT_REASONS)
        v->exits_by_reason[basic]++;
    exit_handler h =
        basic < sizeof(exit_handlers) / sizeof(exit_handlers[0]) ? exit_handlers[basic] : 0;
    if (!h)
        hv_fatal("unhandled VM exit %u (%s), qualification 0x%lx, rip 0x%lx", basic,
                 vmx_exit_reason_name(basic), v->exit.exit_qualification, vmread(GUEST_RIP));
    enum exit_action a = h(v);
    if (a == EXIT_RESUME && vcpu_events_shutdown(&v->events)) {
        report_triple_fault(v, false);
        return EXIT_END_RUN;
    }
    if (a == EXIT_RESUME)
        write_entry_fields(v);
    return a;
}
