/* SPDX-License-Identifier: BSD-2-Clause */
/* Events owed by an instruction the hypervisor emulated (see vcpu_events.h). */
#include "core/exception_class.h"
#include "core/vcpu_events.h"

#define RFLAGS_TF       (1ull << 8)
#define DR6_FIXED_ONES  0xffff0ff0ull /* SDM 17.2.3: DR6 reads with these bits set */
#define DR6_BS          (1ull << 14)  /* single step */
#define PENDING_DBG_B03 0xfull        /* SDM 24.4.2: B3-B0 of pending debug exceptions */
#define PENDING_DBG_BS  (1ull << 14)

void vcpu_events_instruction_emulated(struct vcpu_events *ev, uint64_t rflags, uint64_t pending_dbg,
                                      struct vmx_emulated_fields *out)
{
    uint32_t shadow = VMX_INTERRUPTIBILITY_STI | VMX_INTERRUPTIBILITY_MOV_SS;
    out->write_interruptibility = (ev->interruptibility & shadow) != 0;
    ev->interruptibility &= ~shadow; /* what before_entry() compares against from now on */
    out->guest_interruptibility = ev->interruptibility;
    out->write_pending_dbg = false;
    out->pending_dbg_exceptions = pending_dbg;
    if (!(rflags & RFLAGS_TF))
        return;
    /* The #DB carries the breakpoint conditions already pending with BS; the field is then
     * cleared so the CPU does not raise them a second time after entry. Bochs 2.7 saves BS
     * there on such exits against the SDM (shared BOCHS.md): folding it in covers both. */
    vcpu_queue_exception_payload(ev, X86_DB, false, 0,
                                 DR6_FIXED_ONES | DR6_BS | (pending_dbg & PENDING_DBG_B03));
    out->write_pending_dbg = true;
    out->pending_dbg_exceptions = pending_dbg & ~(PENDING_DBG_B03 | PENDING_DBG_BS);
}
