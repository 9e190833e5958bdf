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

/* Always intercepted, as KVM does since CVE-2015-5307 and CVE-2015-8104: an #AC or #DB whose
 * delivery raises #AC or #DB again loops inside the CPU without an exit, where even the
 * VMX-preemption timer cannot interrupt it (measured on Bochs: hostile-db-storm). Taken and
 * reflected, each round is an exit, and hv/'s loop detection (hv/exit.c) ends the run. */
#define ALWAYS_MINIMAL ((1u << 1) | (1u << 17))
/* The kvm-like profile (docs/hv.md, "Intercept profiles") also takes #UD (6), as a
 * hypervisor that emulates instructions does, and #MC (18), as one that handles machine
 * checks first does; each is reflected like any intercepted exception. */
#define ALWAYS_KVM_LIKE (ALWAYS_MINIMAL | (1u << 6) | (1u << 18))

static uint32_t always = ALWAYS_MINIMAL;
static uint32_t intercepted = ALWAYS_MINIMAL;

void exceptions_set_profile(bool kvm_like)
{
    always = kvm_like ? ALWAYS_KVM_LIKE : ALWAYS_MINIMAL;
    intercepted = always;
}

uint32_t exception_bitmap(void)
{
    return intercepted;
}

long intercept_exception(uint64_t vector, uint64_t on)
{
    /* Vector 2 in the bitmap means nothing (SDM 24.6.3). #BP and #OF are not offered: their
     * exits report a software-exception type with an instruction length that this path
     * does not reflect. */
    if (vector > 31 || vector == 2 || vector == 3 || vector == 4 || on > 1)
        return HC_EINVAL;
    if (on)
        intercepted |= 1u << vector;
    else
        intercepted &= ~(1u << vector) | always;
    vmwrite(EXCEPTION_BITMAP, intercepted);
    return HC_OK;
}

/* A new row (hv/rows.c): only the exceptions hv/ always takes (the profile's). */
void intercept_reset(void)
{
    intercepted = always;
    vmwrite(EXCEPTION_BITMAP, intercepted);
}

#define DR6_FIXED_ONES 0xffff0ff0ul /* SDM 17.2.3 */
#define DEBUGCTL_BTF   (1ul << 1)   /* SDM 17.4.1: single-step on branches */
#define DBG_QUAL_BD    (1ul << 13)  /* general detect */
#define DBG_QUAL_RTM   (1ul << 16)
#define DR7_GD         (1ul << 13) /* SDM 17.2.4 */
#define PENDING_DBG_BS (1ul << 14)
/* SDM 24.4.2: B3-B0, enabled breakpoint (12), BS (14), RTM (16) */
#define PENDING_DBG_CAUSES (0xful | 1ul << 12 | PENDING_DBG_BS | 1ul << 16)
#define DBG_QUAL_BITS      0x1600ful /* SDM 27.2.1 Table 27-1: B3-B0, BD, BS, RTM */

/* A #DB exit: DR6 is not written, the exit qualification holds what the CPU would have put
 * there (SDM 27.1, 27.2.1); ICEBP exits as a privileged software exception (type 5) with an
 * instruction length. The pending-debug-exceptions field may still hold the same causes
 * (Bochs 2.7 leaves BS there: docs/emulators.md): cleared, or they would be raised twice. */
static void reflect_debug(struct vcpu *v, uint32_t info)
{
    if (vmx_intr_info_type(info) == VMX_EVENT_PRIV_SOFT_EXCEPTION) {
        vcpu_queue_soft_exception(&v->events, 1, VMX_EVENT_PRIV_SOFT_EXCEPTION,
                                  v->exit.exit_instr_len);
        return;
    }
    uint64_t q = v->exit.exit_qualification;
    /* DR6.RTM (bit 16) is active low, the qualification's RTM bit active high (SDM 17.2.3) */
    uint64_t dr6 = (DR6_FIXED_ONES | (q & DBG_QUAL_BITS)) & ~(q & DBG_QUAL_RTM);
    vcpu_queue_exception_payload(&v->events, 1, false, 0, dr6);
    uint64_t pending = vmread(GUEST_PENDING_DBG_EXCEPTIONS) & ~PENDING_DBG_CAUSES;
    /* SDM 26.3.1.5: with blocking by STI or MOV SS, TF = 1 and BTF = 0, VM entry requires BS
     * pending (the single-step the shadow holds back); the injected #DB is delivered first */
    if ((vmread(GUEST_INTERRUPTIBILITY_INFO) &
         (VMX_INTERRUPTIBILITY_STI | VMX_INTERRUPTIBILITY_MOV_SS)) &&
        (vmread(GUEST_RFLAGS) & X86_RFLAGS_TF) && !(vmread(GUEST_IA32_DEBUGCTL) & DEBUGCTL_BTF))
        pending |= PENDING_DBG_BS;
    vmwrite(GUEST_PENDING_DBG_EXCEPTIONS, pending);
    /* SDM 17.2.4: delivering a general-detect #DB clears DR7.GD, which a #DB exit has not
     * done yet (SDM 27.1); left set, the handler's own DR access would fault again */
    if (q & DBG_QUAL_BD)
        vmwrite(GUEST_DR7, vmread(GUEST_DR7) & ~DR7_GD);
}

enum exit_action handle_exception_nmi(struct vcpu *v)
{
    uint32_t info = v->exit.exit_intr_info;
    uint8_t vector = vmx_intr_info_vector(info);
    enum vmx_event_type type = vmx_intr_info_type(info);
    if (type == VMX_EVENT_NMI) { /* NMI exiting: the guest's NMI, held by core/ (hv/nmi.c) */
        nmi_exit(v);
        return EXIT_RESUME;
    }
    if (!(intercepted & (1u << vector)) ||
        (type != VMX_EVENT_HW_EXCEPTION && !(vector == 1 && type == VMX_EVENT_PRIV_SOFT_EXCEPTION)))
        hv_fatal("exception-or-NMI exit for an event hv/ did not intercept: exit-intr 0x%08x",
                 info);
    if (vector == 1) {
        reflect_debug(v, info);
        return EXIT_RESUME;
    }
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
 * injects for an instruction it emulates (docs/cases.md #11). RIP stays: #UD is a fault. */
enum exit_action handle_vmx_instruction(struct vcpu *v)
{
    vcpu_queue_exception(&v->events, 6, false, 0);
    return EXIT_RESUME;
}

bool guest_mode64(void)
{
    return (vmread(VM_ENTRY_CONTROLS) & ENTRY_IA32E_MODE_GUEST) &&
           (vmread(GUEST_CS_AR_BYTES) & CS_AR_L);
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
        .btf = (vmread(GUEST_IA32_DEBUGCTL) & DEBUGCTL_BTF) != 0,
    };
    uint64_t q = v->exit.exit_qualification;
    if (vmx_exit_reason_basic(v->exit.exit_reason) == VMX_EXIT_IO_INSTRUCTION &&
        !(q & IO_QUAL_STRING)) {
        in.io = true;
        in.io_port = IO_QUAL_PORT(q);
        in.io_size = (uint8_t)IO_QUAL_SIZE(q);
    }
    struct vmx_emulated_fields f;
    uint64_t rip = vmread(GUEST_RIP) + v->exit.exit_instr_len;
    /* SDM 26.3.1.4: bits 63:32 of RIP must be 0 unless "IA-32e mode guest" and CS.L are both
     * 1; outside 64-bit mode EIP wraps at 4 GiB as the processor's would */
    vmwrite(GUEST_RIP, guest_mode64() ? rip : (uint32_t)rip);
    vcpu_events_instruction_emulated(&v->events, &in, &f);
    if (f.write_interruptibility)
        vmwrite(GUEST_INTERRUPTIBILITY_INFO, f.guest_interruptibility);
    if (f.write_pending_dbg)
        vmwrite(GUEST_PENDING_DBG_EXCEPTIONS, f.pending_dbg_exceptions);
    if (f.clear_rf)
        vmwrite(GUEST_RFLAGS, in.rflags & ~X86_RFLAGS_RF);
}
