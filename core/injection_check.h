/* SPDX-License-Identifier: BSD-2-Clause */
/* The VM-entry checks on event injection (SDM 26.2.1.3) and on the guest interruptibility
 * state that involve the injected event (SDM 26.3.1.5), each failure with its reason; and
 * what a CPU can report in IDT-vectoring information (SDM 24.9.3, 27.2.4). */
#ifndef CORE_INJECTION_CHECK_H
#define CORE_INJECTION_CHECK_H

#include "core/vmx_fields.h"

#include <stdbool.h>
#include <stdint.h>

/* What the checks depend on besides the fields themselves. */
struct vmx_entry_caps {
    bool cr0_pe;              /* guest CR0.PE */
    bool unrestricted_guest;  /* "unrestricted guest" control */
    bool mtf;                 /* "monitor trap flag" supported: type 7 allowed */
    bool no_hw_errcode_check; /* IA32_VMX_BASIC[56]: error code free for hw exceptions */
    bool zero_len_injection;  /* IA32_VMX_MISC[30]: instruction length 0 allowed */
    bool virtual_nmis;        /* "virtual NMIs" control */
};

/* The setup of hv/: protected mode, no unrestricted guest, MTF supported, no BASIC[56],
 * no MISC[30], virtual NMIs. */
void vmx_entry_caps_default(struct vmx_entry_caps *caps);

/* SDM 26.2.1.3. NULL when the injection passes, else why not (with the section). */
const char *vmx_check_entry_injection(const struct vmx_entry_caps *caps, uint32_t entry_intr_info,
                                      uint32_t entry_exception_error, uint32_t entry_instr_len);

/* SDM 26.3.1.5, the rules tying guest interruptibility to the injected event. */
const char *vmx_check_entry_interruptibility(const struct vmx_entry_caps *caps,
                                             uint32_t entry_intr_info, uint32_t interruptibility);

/* Both, for the fields before_entry() produced; `exit_interruptibility` is what the VMCS
 * holds when the hv does not write it. */
const char *vmx_check_entry_events(const struct vmx_entry_caps *caps,
                                   const struct vmx_entry_events *e,
                                   uint32_t exit_interruptibility);

/* Whether the event part of an exit is something a CPU reports: interruptibility without
 * reserved bits or STI and MOV-SS together; for valid IDT-vectoring information also
 * reserved bits clear, types 1 and 7 never, NMI only vector 2, hardware exceptions only
 * 0-31 and an error code exactly for the vectors that push one (protected mode), error
 * codes of 16 bits, instruction length 1-15 for types 4-6, STI and MOV-SS blocking
 * cleared by the delivery. NULL when plausible, else why not. */
const char *vmx_exit_events_implausible(const struct vmx_exit_events *x);

#endif
