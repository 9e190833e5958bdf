/* SPDX-License-Identifier: BSD-2-Clause */
/* hv/watchdog.c — an in-hypervisor watchdog on the VMX-preemption timer (SDM 25.5.1).
 *
 * The timer counts guest time only (it runs in VMX non-root operation, and the "save
 * VMX-preemption timer value" exit control carries what is left across exits), in units of
 * 2^X TSC ticks, X = IA32_VMX_MISC[4:0] (SDM A.6). Every WATCHDOG_SLICE_TSC ticks of guest
 * time hv/ looks at the guest. A slice with no exit but this one and the same RIP and RSP as
 * the slice before made no forward progress: WATCHDOG_STALLED_SLICES of them in a row end
 * the run as LIVELOCK. A guest that makes no exit at all for WATCHDOG_SILENT_SLICES slices
 * (a lab guest prints and ends through ports, which exit) ends as HANG. Both come with a
 * state dump, long before the runner's wall-clock timeout and independent of how loaded the
 * host is: on Bochs with `clock: sync=none` one TSC tick is one guest instruction, so the
 * watchdog counts work, not time. An event storm inside the CPU (#DB after #DB, #AC after
 * #AC) is not seen here: Bochs takes no timer exit during it, as hardware takes none; the
 * intercepts of hv/exceptions.c turn it into exits instead (docs/hv.md, "Watchdog"). */
#include "hv/hv.h"
#include "hv/multiboot_load.h"
#include "hv/vmcs.h"
#include "hv/vmx_ops.h"
#include "lib/console.h"
#include "lib/x86.h"

#define WATCHDOG_SLICE_TSC      (1ul << 24) /* 16 M guest ticks, ~1 s of Bochs at worst */
#define WATCHDOG_STALLED_SLICES 4
#define WATCHDOG_SILENT_SLICES  4 /* 67 M guest ticks without a word to hv/: HANG */

static uint32_t slice_value;

uint32_t watchdog_slice(void)
{
    if (!slice_value) {
        unsigned rate = (unsigned)(rdmsr(MSR_IA32_VMX_MISC) & 0x1f);
        slice_value = (uint32_t)(WATCHDOG_SLICE_TSC >> rate);
    }
    return slice_value;
}

/* One line with the guest state a reader needs to see where it stalled. */
void hv_state_dump(const struct vcpu *v)
{
    kprintf("hv: STATE rip=0x%lx rsp=0x%lx rflags=0x%lx cr0=0x%lx cr3=0x%lx cr4=0x%lx "
            "efer=0x%lx interruptibility=0x%lx activity=%lu pending-dbg=0x%lx dr7=0x%lx "
            "last-idtv=0x%08x exits=%lu\n",
            vmread(GUEST_RIP), vmread(GUEST_RSP), vmread(GUEST_RFLAGS), vmread(GUEST_CR0),
            vmread(GUEST_CR3), vmread(GUEST_CR4), vmread(GUEST_IA32_EFER),
            vmread(GUEST_INTERRUPTIBILITY_INFO), vmread(GUEST_ACTIVITY_STATE),
            vmread(GUEST_PENDING_DBG_EXCEPTIONS), vmread(GUEST_DR7), v->exit.idt_vectoring_info,
            v->exits);
}

/* Each slice: "stalled" (same RIP and RSP, no exit but the timer's: an event storm or a jump
 * to itself) and "silent" (no exit but the timer's: the guest never talks to hv/) are
 * counted in a row; either limit ends the run. */
enum exit_action handle_preemption_timer(struct vcpu *v)
{
    uint64_t rip = vmread(GUEST_RIP), rsp = vmread(GUEST_RSP);
    bool silent = v->exits - v->watchdog_exits == 1;
    bool stalled = silent && rip == v->watchdog_rip && rsp == v->watchdog_rsp;
    v->watchdog_stalled = stalled ? v->watchdog_stalled + 1 : 0;
    /* a foreign kernel may compute for long without an exit: silence is no hang there */
    v->watchdog_silent = silent && !foreign_active ? v->watchdog_silent + 1 : 0;
    v->watchdog_rip = rip;
    v->watchdog_rsp = rsp;
    v->watchdog_exits = v->exits;
    if (v->watchdog_stalled >= WATCHDOG_STALLED_SLICES ||
        v->watchdog_silent >= WATCHDOG_SILENT_SLICES) {
        console_relay_flush();
        if (v->watchdog_stalled >= WATCHDOG_STALLED_SLICES)
            kprintf("hv: LIVELOCK rip=0x%lx: no forward progress in %u slices of %lu guest TSC "
                    "ticks (no exit, same RIP and RSP; watchdog)\n",
                    rip, WATCHDOG_STALLED_SLICES, WATCHDOG_SLICE_TSC);
        else
            kprintf("hv: HANG rip=0x%lx: no exit in %u slices of %lu guest TSC ticks "
                    "(watchdog)\n",
                    rip, WATCHDOG_SILENT_SLICES, WATCHDOG_SLICE_TSC);
        hv_state_dump(v);
        hv_end_run(v);
    }
    vmwrite(VMX_PREEMPTION_TIMER_VALUE, watchdog_slice());
    return EXIT_RESUME;
}
