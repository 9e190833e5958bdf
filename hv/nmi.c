/* SPDX-License-Identifier: BSD-2-Clause */
/* hv/nmi.c — the guest's NMIs, held and delivered by hv/ (virtual NMIs, SDM 24.6.1, 25.3).
 *
 * With NMI exiting, every NMI the guest sends itself exits (exit reason 0, type NMI) instead
 * of reaching the guest or, pending across an exit, hv/ itself (a VM exit leaves NMIs
 * unblocked in VMX root operation). hv/ queues it in core/, which injects it at the next
 * entry unless the guest is blocked (virtual-NMI blocking, MOV SS); while it waits, hv/ asks
 * for an NMI-window exit (SDM 25.3), taken as soon as the blocking ends — after the guest's
 * IRET — so the NMI arrives where the bare CPU delivers it. With virtual NMIs the CPU keeps
 * the guest's blocking by NMI as it would keep its own: delivering or injecting an NMI sets
 * it, IRET clears it, and an IRET that exits after clearing it reports that in bit 12, which
 * core/ turns back into blocking (SDM 27.2.3; row nmi-iret-unblock). This is how KVM runs
 * its guests' NMIs. */
#include "hv/hv.h"
#include "hv/vmcs.h"
#include "hv/vmx_ops.h"
#include "lib/desc.h"

/* A VM exit caused by an NMI leaves NMIs blocked in VMX root operation until the next IRET
 * (SDM 27.5.5), and with virtual NMIs VM entry does not unblock them (the guest's blocking
 * field is the virtual one): without an IRET of hv/'s own, the guest's next NMI would never
 * exit. KVM ends its NMI exits the same way (an IRET after the host's NMI handling). */
static void unblock_nmis(void)
{
    iret_to_self();
}

/* Exit reason 0 with an NMI: the guest sent it; core/ holds it until the guest can take it. */
void nmi_exit(struct vcpu *v)
{
    unblock_nmis();
    vcpu_queue_nmi(&v->events);
}

/* Before each entry: NMI-window exiting exactly while core/ holds an NMI back. */
void nmi_window_update(struct vcpu *v)
{
    bool want = (v->events.flags & VCPU_EV_NMI_PENDING) != 0;
    if (want == v->nmi_window)
        return;
    uint64_t proc = vmread(CPU_BASED_VM_EXEC_CONTROL);
    vmwrite(CPU_BASED_VM_EXEC_CONTROL,
            want ? proc | CPU_NMI_WINDOW_EXITING : proc & ~(uint64_t)CPU_NMI_WINDOW_EXITING);
    v->nmi_window = want;
}

/* The guest can take the NMI now: before_entry() injects it (exit reason 8). */
enum exit_action handle_nmi_window(struct vcpu *v)
{
    (void)v;
    return EXIT_RESUME;
}
