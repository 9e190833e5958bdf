/* hv/exceptions.c — intercepted guest exceptions (exit reason 0, exception bitmap, SDM
 * 24.6.3) and the events hv/ itself owes the guest after emulating an instruction.
 *
 * An intercepted exception is reflected into the guest through core/'s queue, as a
 * shadow-paging hypervisor reflects guest #PFs. If the exit happened while another event
 * was being delivered, core/ has already re-queued that one (after-exit), and queuing the
 * new exception merges both per the double-fault table (#PF during #PF -> #DF). */
#include "core/vmx_event.h"
#include "hv/hv.h"
#include "hv/vmcs.h"
#include "hv/vmx_ops.h"
#include "lib/hypercall_abi.h"
#include "lib/x86.h"

#define DR6_FIXED_ONES          0xffff0ff0ul /* SDM 17.2.3: DR6 reads with these bits set */
#define DR6_BS                  (1ul << 14)  /* single step */
#define INTR_BLOCKING_STI_MOVSS 3u           /* SDM 24.4.2, interruptibility state bits 1:0 */

static uint32_t intercepted;

long intercept_exception(uint64_t vector, uint64_t on)
{
    if (vector > 31 || vector == 2 || on > 1)
        return HC_EINVAL; /* vector 2 in the bitmap means nothing (SDM 24.6.3) */
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
 * (SDM Vol. 3 30.3, VMXON: "IF CR4.VMXE = 0 THEN #UD"): an exception the hypervisor
 * injects for an instruction it emulates (CASES.md #11). RIP stays: #UD is a fault. */
enum exit_action handle_vmx_instruction(struct vcpu *v)
{
    vcpu_queue_exception(&v->events, 6, false, 0);
    return EXIT_RESUME;
}

/* The guest instruction that caused this exit has been emulated: move RIP past it, end a
 * STI / MOV SS shadow (it lasted one instruction), and owe the guest the single-step #DB
 * that RFLAGS.TF=1 would have raised after it (SDM 17.3.1.4, CASES.md #2). Bochs saves
 * BS in the pending-debug-exceptions field on such exits, contrary to the SDM (shared
 * BOCHS.md): clear it so the CPU does not raise a second #DB of its own. */
void skip_instruction(struct vcpu *v)
{
    vmwrite(GUEST_RIP, vmread(GUEST_RIP) + v->exit.exit_instr_len);
    if (v->exit.guest_interruptibility & INTR_BLOCKING_STI_MOVSS)
        vmwrite(GUEST_INTERRUPTIBILITY_INFO,
                v->exit.guest_interruptibility & ~INTR_BLOCKING_STI_MOVSS);
    if (vmread(GUEST_RFLAGS) & X86_RFLAGS_TF) {
        vmwrite(GUEST_PENDING_DBG_EXCEPTIONS, 0);
        vcpu_queue_exception_payload(&v->events, 1, false, 0, DR6_FIXED_ONES | DR6_BS);
    }
}
