/* SPDX-License-Identifier: BSD-2-Clause */
/* hv/exceptions.c — intercepted guest exceptions (exit reason 0, exception bitmap, SDM
 * 24.6.3), the #UD of VMX instructions, and moving past an emulated instruction.
 *
 * An intercepted exception is reflected into the guest through core/'s queue, as a
 * shadow-paging hypervisor reflects guest #PFs. If the exit happened while another event
 * was being delivered, core/ has already re-queued that one (after-exit), and queuing the
 * new exception merges both per the double-fault table (#PF during #PF -> #DF). */
#include "core/vmx_event.h"
#include "core/vmx_exit_reason.h"
#include "hv/hv.h"
#include "hv/vmcs.h"
#include "hv/vmx_ops.h"
#include "lib/hypercall_abi.h"
#include "lib/x86.h"

static uint32_t intercepted;

long intercept_exception(uint64_t vector, uint64_t on)
{
    /* Vector 2 in the bitmap means nothing (SDM 24.6.3). #DB, #BP and #OF are not offered:
     * their exits report DR6 in the qualification or a software-exception type with an
     * instruction length, which handle_exception_nmi() does not reflect. */
    if (vector > 31 || vector == 2 || vector == 1 || vector == 3 || vector == 4 || on > 1)
        return HC_EINVAL;
    if (on)
        intercepted |= 1u << vector;
    else
        intercepted &= ~(1u << vector);
    vmwrite(EXCEPTION_BITMAP, intercepted);
    return HC_OK;
}

enum exit_action handle_exception_nmi(struct vcpu *v)
{
    uint32_t info = v->exit.exit_intr_info;
    uint8_t vector = vmx_intr_info_vector(info);
    if (vmx_intr_info_type(info) != VMX_EVENT_HW_EXCEPTION || !(intercepted & (1u << vector)))
        hv_fatal("exception-or-NMI exit for an event hv/ did not intercept: exit-intr 0x%08x",
                 info);
    bool has_error = vmx_intr_info_has_error(info);
    if (vector == 14) /* SDM 27.2.1: the exit qualification is the faulting address (CR2) */
        vcpu_queue_exception_payload(&v->events, vector, has_error, v->exit.exit_intr_error,
                                     v->exit.exit_qualification);
    else
        vcpu_queue_exception(&v->events, vector, has_error, v->exit.exit_intr_error);
    return EXIT_RESUME;
}

/* VMX instructions exit unconditionally in VMX non-root operation (SDM 25.1.2). The guest
 * sees CR4.VMXE=0 (read shadow) and CPUID without VMX, so the architectural answer is #UD
 * (SDM 30.3, VMXON: #UD when CR4.VMXE is 0): an exception the hypervisor
 * injects for an instruction it emulates (CASES.md #11). RIP stays: #UD is a fault. */
enum exit_action handle_vmx_instruction(struct vcpu *v)
{
    vcpu_queue_exception(&v->events, 6, false, 0);
    return EXIT_RESUME;
}

/* The guest instruction that caused this exit has been emulated: move RIP past it; what
 * that owes the guest in events (the end of an STI shadow, RF cleared, a single-step or
 * I/O-breakpoint #DB) is core/'s to decide (vcpu_events_instruction_emulated). hv/ never
 * touches DR0-DR3, so the hardware registers hold the guest's values. */
void skip_instruction(struct vcpu *v)
{
    struct vmx_emulated_insn in = {
        .rflags = vmread(GUEST_RFLAGS),
        .pending_dbg = vmread(GUEST_PENDING_DBG_EXCEPTIONS),
        .dr7 = vmread(GUEST_DR7),
        .dr = {read_dr0(), read_dr1(), read_dr2(), read_dr3()},
        .cr4_de = (vmread(GUEST_CR4) & X86_CR4_DE) != 0,
    };
    uint64_t q = v->exit.exit_qualification;
    if (vmx_exit_reason_basic(v->exit.exit_reason) == VMX_EXIT_IO_INSTRUCTION &&
        !(q & IO_QUAL_STRING)) {
        in.io = true;
        in.io_port = IO_QUAL_PORT(q);
        in.io_size = (uint8_t)IO_QUAL_SIZE(q);
    }
    struct vmx_emulated_fields f;
    vmwrite(GUEST_RIP, vmread(GUEST_RIP) + v->exit.exit_instr_len);
    vcpu_events_instruction_emulated(&v->events, &in, &f);
    if (f.write_interruptibility)
        vmwrite(GUEST_INTERRUPTIBILITY_INFO, f.guest_interruptibility);
    if (f.write_pending_dbg)
        vmwrite(GUEST_PENDING_DBG_EXCEPTIONS, f.pending_dbg_exceptions);
    if (f.clear_rf)
        vmwrite(GUEST_RFLAGS, in.rflags & ~X86_RFLAGS_RF);
}
