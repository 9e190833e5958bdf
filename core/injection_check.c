/* SPDX-License-Identifier: BSD-2-Clause */
/* VM-entry checks on event injection, SDM 26.2.1.3 and 26.3.1.5 (see injection_check.h). */
#include "core/injection_check.h"
#include "core/exception_class.h"
#include "core/vmx_event.h"
#include "core/vmx_exit_reason.h"

#include <stddef.h>

void vmx_entry_caps_default(struct vmx_entry_caps *caps)
{
    caps->cr0_pe = true;
    caps->unrestricted_guest = false;
    caps->mtf = true;
    caps->no_hw_errcode_check = false;
    caps->zero_len_injection = false;
    caps->virtual_nmis = true;
}

static const char *check_error_code_bit(const struct vmx_entry_caps *caps, uint32_t info)
{
    enum vmx_event_type type = vmx_intr_info_type(info);
    uint8_t vector = vmx_intr_info_vector(info);
    bool deliver = vmx_intr_info_has_error(info);
    /* SDM 26.2.1.3: protected mode unless unrestricted guest with CR0.PE = 0 */
    bool prot_mode = !caps->unrestricted_guest || caps->cr0_pe;
    bool hw = type == VMX_EVENT_HW_EXCEPTION;

    /* SDM 26.2.1.3: with IA32_VMX_BASIC[56], hw exceptions in protected mode may go either way */
    if (hw && prot_mode && caps->no_hw_errcode_check)
        return NULL;
    if (!deliver) {
        if (hw && prot_mode && exception_has_error_code(vector))
            return "deliver-error-code is 0 for a hardware exception that pushes an error "
                   "code (8, 10-14, 17, 21) in protected mode (SDM 26.2.1.3)";
        return NULL;
    }
    if (!hw)
        return "deliver-error-code is 1 for an event that is not a hardware exception "
               "(SDM 26.2.1.3)";
    if (!prot_mode)
        return "deliver-error-code is 1 with CR0.PE = 0 under unrestricted guest "
               "(SDM 26.2.1.3)";
    if (!exception_has_error_code(vector))
        return "deliver-error-code is 1 for a vector that pushes no error code (only 8, "
               "10-14, 17, 21 do) (SDM 26.2.1.3)";
    return NULL;
}

const char *vmx_check_entry_injection(const struct vmx_entry_caps *caps, uint32_t info,
                                      uint32_t error, uint32_t instr_len)
{
    if (!vmx_intr_info_valid(info))
        return NULL; /* SDM 26.2.1.3: the checks apply only when the valid bit is 1 */
    enum vmx_event_type type = vmx_intr_info_type(info);
    uint8_t vector = vmx_intr_info_vector(info);

    /* SDM 26.2.1.3: interruption type not reserved */
    if (type == VMX_EVENT_RESERVED)
        return "interruption type 1 is reserved (SDM 26.2.1.3)";
    if (type == VMX_EVENT_OTHER && !caps->mtf)
        return "interruption type 7 needs the monitor trap flag control (SDM 26.2.1.3)";
    /* SDM 26.2.1.3: vector consistent with the type */
    if (type == VMX_EVENT_NMI && vector != 2)
        return "NMI injection with a vector other than 2 (SDM 26.2.1.3)";
    if (type == VMX_EVENT_HW_EXCEPTION && vector > 31)
        return "hardware exception with a vector above 31 (SDM 26.2.1.3)";
    if (type == VMX_EVENT_OTHER && vector != 0)
        return "interruption type 7 (pending MTF) with a vector other than 0 (SDM 26.2.1.3)";
    /* SDM 26.2.1.3: deliver-error-code bit */
    const char *why = check_error_code_bit(caps, info);
    if (why)
        return why;
    /* SDM 26.2.1.3: error code bits 31:16 zero when an error code is delivered */
    if (vmx_intr_info_has_error(info) && (error & 0xffff0000u))
        return "VM-entry exception error code has bits 31:16 set (SDM 26.2.1.3)";
    /* SDM 26.2.1.3: reserved bits 30:12 zero (bit 12 too: it is undefined in IDT-vectoring) */
    if (info & VMX_INTR_INFO_RESERVED_ENTRY)
        return (info & VMX_INTR_INFO_RESERVED_ENTRY) == VMX_INTR_INFO_NMI_UNBLOCK
                   ? "reserved bit 12 set in VM-entry interruption information (SDM 26.2.1.3)"
                   : "reserved bits 30:12 set in VM-entry interruption information "
                     "(SDM 26.2.1.3)";
    /* SDM 26.2.1.3: instruction length for software interrupts and exceptions */
    if (type == VMX_EVENT_SOFT_INTR || type == VMX_EVENT_PRIV_SOFT_EXCEPTION ||
        type == VMX_EVENT_SOFT_EXCEPTION) {
        if (instr_len > 15)
            return "VM-entry instruction length above 15 for a software event (SDM 26.2.1.3)";
        if (instr_len == 0 && !caps->zero_len_injection)
            return "VM-entry instruction length 0 for a software event without "
                   "IA32_VMX_MISC[30] (SDM 26.2.1.3)";
    }
    return NULL;
}

const char *vmx_check_entry_interruptibility(const struct vmx_entry_caps *caps, uint32_t info,
                                             uint32_t intr)
{
    /* SDM 26.3.1.5: reserved bits 31:5 zero; STI and MOV-SS blocking not both set */
    if (intr & VMX_INTERRUPTIBILITY_RESERVED)
        return "guest interruptibility bits 31:5 set (SDM 26.3.1.5)";
    if ((intr & VMX_INTERRUPTIBILITY_STI) && (intr & VMX_INTERRUPTIBILITY_MOV_SS))
        return "blocking by STI and by MOV SS both set (SDM 26.3.1.5)";
    if (!vmx_intr_info_valid(info))
        return NULL;
    enum vmx_event_type type = vmx_intr_info_type(info);
    /* SDM 26.3.1.5: no STI or MOV-SS blocking when injecting an external interrupt */
    if (type == VMX_EVENT_EXT_INTR &&
        (intr & (VMX_INTERRUPTIBILITY_STI | VMX_INTERRUPTIBILITY_MOV_SS)))
        return "external-interrupt injection with blocking by STI or MOV SS (SDM 26.3.1.5)";
    /* SDM 26.3.1.5: no MOV-SS blocking when injecting an NMI */
    if (type == VMX_EVENT_NMI && (intr & VMX_INTERRUPTIBILITY_MOV_SS))
        return "NMI injection with blocking by MOV SS (SDM 26.3.1.5)";
    /* SDM 26.3.1.5: with virtual NMIs, no (virtual-)NMI blocking when injecting an NMI */
    if (type == VMX_EVENT_NMI && caps->virtual_nmis && (intr & VMX_INTERRUPTIBILITY_NMI))
        return "NMI injection with blocking by NMI under virtual NMIs (SDM 26.3.1.5)";
    return NULL;
}

const char *vmx_check_entry_events(const struct vmx_entry_caps *caps,
                                   const struct vmx_entry_events *e, uint32_t exit_interruptibility)
{
    const char *why = vmx_check_entry_injection(caps, e->entry_intr_info, e->entry_exception_error,
                                                e->entry_instr_len);
    if (why)
        return why;
    uint32_t intr = e->write_interruptibility ? e->guest_interruptibility : exit_interruptibility;
    return vmx_check_entry_interruptibility(caps, e->entry_intr_info, intr);
}

const char *vmx_exit_events_implausible(const struct vmx_exit_events *x)
{
    uint32_t info = x->idt_vectoring_info;
    uint32_t intr = x->guest_interruptibility;
    /* SDM 27.3.4: the saved state is one the CPU can be in */
    if (intr & VMX_INTERRUPTIBILITY_RESERVED)
        return "guest interruptibility bits 31:5 set (SDM 24.4.2: reserved)";
    if ((intr & VMX_INTERRUPTIBILITY_STI) && (intr & VMX_INTERRUPTIBILITY_MOV_SS))
        return "blocking by STI and by MOV SS both set (SDM 24.4.2)";
    if (!vmx_intr_info_valid(info))
        return NULL;
    enum vmx_event_type type = vmx_intr_info_type(info);
    uint8_t vector = vmx_intr_info_vector(info);
    if (x->exit_reason & VMX_EXIT_REASON_ENTRY_FAIL)
        return "VM-entry failure: IDT-vectoring information is not saved (SDM 26.7)";
    if (info & VMX_INTR_INFO_RESERVED_EXIT)
        return "reserved bits 30:13 set (SDM 24.9.3: cleared to 0)";
    if (type == VMX_EVENT_RESERVED || type == VMX_EVENT_OTHER)
        return "type 1 or 7 is not used in IDT-vectoring information (SDM 24.9.3)";
    if (type == VMX_EVENT_NMI && vector != 2)
        return "NMI with a vector other than 2 (SDM 6.7)";
    if (type == VMX_EVENT_HW_EXCEPTION && vector > 31)
        return "hardware exception above vector 31 (SDM 6.15)";
    bool pushes = type == VMX_EVENT_HW_EXCEPTION && exception_has_error_code(vector);
    if (vmx_intr_info_has_error(info) != pushes)
        return "error-code-valid disagrees with the vector (protected mode, SDM 6.13)";
    if (pushes && (x->idt_vectoring_error & 0xffff0000u))
        return "error code wider than 16 bits (SDM 6.13)";
    if ((type == VMX_EVENT_SOFT_INTR || type == VMX_EVENT_PRIV_SOFT_EXCEPTION ||
         type == VMX_EVENT_SOFT_EXCEPTION) &&
        (x->exit_instr_len < 1 || x->exit_instr_len > 15))
        return "software event with instruction length outside 1-15 (SDM 27.2.4)";
    if (intr & (VMX_INTERRUPTIBILITY_STI | VMX_INTERRUPTIBILITY_MOV_SS))
        return "STI or MOV-SS blocking set although event delivery had begun "
               "(SDM 27.3.4; docs/cases.md, \"What a cut-short delivery has already done\")";
    return NULL;
}
