/* SPDX-License-Identifier: BSD-2-Clause */
/* hv/inject.c — HC_INJECT_EVENT: the guest asks hv/ to inject an event at the VM entry right
 * after its VMCALL (lib/hypercall_abi.h). The event goes through core/'s queue like every
 * event hv/ injects, so that when its delivery exits, after-exit and the policy treat it as
 * they treat any other: the point of the `injected` rows (tests/injected.c).
 *
 * What cannot be injected is refused with HC_EINVAL before anything is queued (hv/ prints
 * `hv: INJECT refused ...` with the reason on its channel):
 * - type 7 (other event): Bochs 2.7 PANICs on it (docs/hv.md), and type 1 is reserved
 *   (SDM 24.8.3);
 * - whatever the VM-entry checks on event injection refuse (SDM 26.2.1.3): NMI with a vector
 *   other than 2, a hardware exception above 31, an error code where the vector has none or
 *   none where it has one (protected mode), error-code bits 31:16, reserved bits 30:12, an
 *   instruction length outside 1-15 for types 4-6;
 * - types 5 and 6 with a vector no instruction raises with that type (5: ICEBP, vector 1;
 *   6: INT3 or INTO, vectors 3 and 4, as SDM 24.8.3 advises VMMs). This is hv/'s choice, not
 *   a VM-entry check (SDM 26.2.1.3 checks no vector for types 5 and 6): core/'s one exception
 *   slot holds exceptions 0-31 only, and the guest's handlers read an error code for vectors
 *   that have one, which no software exception pushes; INT n (type 4) reaches every vector;
 * - a payload except CR2 with #PF and DR6 with #DB (type 3);
 * - an external interrupt when the guest is not interruptible (RFLAGS.IF = 0, SDM 26.3.1.4,
 *   or blocking by STI or MOV SS once the VMCALL retired), an NMI under blocking by NMI
 *   (SDM 26.3.1.5).
 *   hv/ has no interrupt-window exiting, and its NMI window serves the guest's own NMIs
 *   (hv/nmi.c): an injected event that had to wait would land where the window opens, not
 *   where the row asked, so the guest asks at a point where it can take the event at once;
 * - anything while another event is queued or being re-delivered (HC_EBUSY). */
#include "core/injection_check.h"
#include "core/vmx_event.h"
#include "hv/hv.h"
#include "hv/vmcs.h"
#include "hv/vmx_ops.h"
#include "lib/console.h"
#include "lib/hypercall_abi.h"
#include "lib/x86.h"

static long refuse(uint32_t info, const char *why)
{
    console_relay_flush();
    kprintf("hv: INJECT refused info=0x%08x: %s\n", info, why);
    return HC_EINVAL;
}

/* The type's own vector rule (types 5 and 6) and the payload rule, NULL when they hold. */
static const char *vector_rule(enum vmx_event_type type, uint8_t vector, uint64_t payload)
{
    if (type == VMX_EVENT_PRIV_SOFT_EXCEPTION && vector != 1)
        return "type 5 is ICEBP: vector 1 (hv/'s rule, after SDM 24.8.3)";
    if (type == VMX_EVENT_SOFT_EXCEPTION && vector != 3 && vector != 4)
        return "type 6 is INT3 or INTO: vector 3 or 4 (hv/'s rule, after SDM 24.8.3)";
    if (payload && !(type == VMX_EVENT_HW_EXCEPTION && (vector == 14 || vector == 1)))
        return "a payload is CR2 of a #PF or DR6 of a #DB (type 3) only";
    return NULL;
}

/* Can the guest take it now (SDM 26.3.1.4, 26.3.1.5)? hv/ opens no windows (above). */
static const char *interruptible(const struct vmx_entry_caps *caps, uint32_t info, uint32_t intr)
{
    enum vmx_event_type type = vmx_intr_info_type(info);
    if (type == VMX_EVENT_EXT_INTR && !(vmread(GUEST_RFLAGS) & X86_RFLAGS_IF))
        return "external interrupt with RFLAGS.IF = 0 (SDM 26.3.1.4); hv/ has no "
               "interrupt-window exiting";
    const char *why = vmx_check_entry_interruptibility(caps, info, intr);
    if (why)
        return why;
    if (type == VMX_EVENT_NMI && (intr & VMX_INTERRUPTIBILITY_NMI))
        return "NMI under blocking by NMI (SDM 26.3.1.5); an injected event is taken at once "
               "or refused";
    return NULL;
}

long inject_event(struct vcpu *v, uint64_t a0, uint64_t a1, uint64_t payload)
{
    uint32_t info = (uint32_t)a0, error = (uint32_t)a1;
    uint32_t len = (uint32_t)(a1 >> HC_INJECT_LEN_SHIFT);
    enum vmx_event_type type = vmx_intr_info_type(info);
    uint8_t vector = vmx_intr_info_vector(info);
    if (a0 >> 32 || a1 >> (HC_INJECT_LEN_SHIFT + 4) || !vmx_intr_info_valid(info))
        return refuse(info, "the word must be 32 bits with valid bit 31, the length 4 bits");
    if (type == VMX_EVENT_OTHER || type == VMX_EVENT_RESERVED)
        return refuse(info, "type 7 (Bochs 2.7 PANICs) and type 1 (reserved) are never injected");
    bool soft = type == VMX_EVENT_SOFT_INTR || type == VMX_EVENT_PRIV_SOFT_EXCEPTION ||
                type == VMX_EVENT_SOFT_EXCEPTION;
    if (soft ? len < 1 || len > 15 : len != 0)
        return refuse(info, "instruction length 1-15 for types 4-6, 0 otherwise (SDM 26.2.1.3)");
    if (!vmx_intr_info_has_error(info) && error)
        return refuse(info, "an error code without the deliver-error-code bit");
    struct vmx_entry_caps caps;
    vmx_entry_caps_default(&caps);
    caps.cr0_pe = (vmread(GUEST_CR0) & X86_CR0_PE) != 0;
    caps.unrestricted_guest = true; /* hv/vmx_setup.c */
    const char *why = vmx_check_entry_injection(&caps, info, error, len);
    if (!why)
        why = vector_rule(type, vector, payload);
    if (!why)
        why = interruptible(&caps, info, v->events.interruptibility);
    if (why)
        return refuse(info, why);
    if (v->events.flags)
        return HC_EBUSY;
    switch (type) {
    case VMX_EVENT_EXT_INTR:
        vcpu_queue_interrupt(&v->events, vector);
        break;
    case VMX_EVENT_NMI:
        vcpu_queue_nmi(&v->events);
        break;
    case VMX_EVENT_HW_EXCEPTION:
        if (vector == 14 || vector == 1)
            vcpu_queue_exception_payload(&v->events, vector, vmx_intr_info_has_error(info), error,
                                         payload);
        else
            vcpu_queue_exception(&v->events, vector, vmx_intr_info_has_error(info), error);
        break;
    case VMX_EVENT_SOFT_INTR:
        vcpu_queue_soft_interrupt(&v->events, vector, len);
        break;
    default: /* types 5, 6 */
        vcpu_queue_soft_exception(&v->events, vector, type, len);
        break;
    }
    return HC_OK;
}
