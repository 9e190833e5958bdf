/* SPDX-License-Identifier: BSD-2-Clause */
/* Events owed by an instruction the hypervisor emulated (see vcpu_events.h). */
#include "core/exception_class.h"
#include "core/vcpu_events.h"

#define RFLAGS_TF       (1ull << 8)
#define RFLAGS_RF       (1ull << 16)
#define DR6_FIXED_ONES  0xffff0ff0ull /* SDM 17.2.3: DR6 reads with these bits set */
#define DR6_BS          (1ull << 14)  /* single step */
#define PENDING_DBG_B03 0xfull        /* SDM 24.4.2: B3-B0 of pending debug exceptions */
#define PENDING_DBG_BP  (1ull << 12)  /* "enabled breakpoint": one of B3-B0 is enabled */
#define PENDING_DBG_BS  (1ull << 14)
#define DR7_RW_IO       2u /* SDM 17.2.4, Table 17-1 (R/Wn): 10B = I/O reads or writes */

/* SDM 17.2.5: LENn 00 = 1 byte, 01 = 2, 11 = 4, 10 = 8 (the address is aligned to it). */
static uint64_t breakpoint_len(unsigned len_bits)
{
    static const uint8_t bytes[4] = {1, 2, 8, 4};
    return bytes[len_bits & 3];
}

uint32_t x86_io_breakpoint_hits(uint64_t dr7, const uint64_t dr[4], bool cr4_de, uint16_t port,
                                uint8_t size)
{
    uint32_t hits = 0;
    if (!cr4_de) /* R/W = 10 is undefined with CR4.DE = 0 (SDM 17.2.4): never an I/O bp */
        return 0;
    for (unsigned n = 0; n < 4; n++) {
        bool enabled = (dr7 >> (2 * n)) & 3; /* Ln or Gn */
        unsigned rw = (dr7 >> (16 + 4 * n)) & 3, len = (dr7 >> (18 + 4 * n)) & 3;
        if (!enabled || rw != DR7_RW_IO)
            continue;
        uint64_t bytes = breakpoint_len(len), start = dr[n] & ~(bytes - 1);
        /* any byte of the access inside the breakpoint's aligned range (SDM 17.2.5) */
        if (port < start + bytes && (uint64_t)port + size > start)
            hits |= 1u << n;
    }
    return hits;
}

void vcpu_events_instruction_emulated(struct vcpu_events *ev, const struct vmx_emulated_insn *in,
                                      struct vmx_emulated_fields *out)
{
    uint32_t shadow = VMX_INTERRUPTIBILITY_STI | VMX_INTERRUPTIBILITY_MOV_SS;
    out->write_interruptibility = (ev->interruptibility & shadow) != 0;
    ev->interruptibility &= ~shadow; /* what before_entry() compares against from now on */
    out->guest_interruptibility = ev->interruptibility;
    out->clear_rf = (in->rflags & RFLAGS_RF) != 0;
    out->write_pending_dbg = false;
    out->pending_dbg_exceptions = in->pending_dbg;
    uint64_t owed =
        in->io ? x86_io_breakpoint_hits(in->dr7, in->dr, in->cr4_de, in->io_port, in->io_size) : 0;
    /* hv/ emulates no branch, so with DEBUGCTL.BTF the single-step is not owed (SDM 17.4.3) */
    if ((in->rflags & RFLAGS_TF) && !in->btf)
        owed |= DR6_BS;
    if (!owed)
        return;
    /* The #DB carries the breakpoint conditions already pending too; the field is then
     * cleared so the CPU does not raise them a second time after entry. Bochs 2.7 saves BS
     * there on such exits against the SDM (docs/emulators.md): folding it in covers both. */
    vcpu_queue_exception_payload(ev, X86_DB, false, 0,
                                 DR6_FIXED_ONES | owed | (in->pending_dbg & PENDING_DBG_B03));
    out->write_pending_dbg = true;
    out->pending_dbg_exceptions =
        in->pending_dbg & ~(PENDING_DBG_B03 | PENDING_DBG_BP | PENDING_DBG_BS);
}
