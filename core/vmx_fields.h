/* SPDX-License-Identifier: BSD-2-Clause */
/* The VMCS event fields as the hypervisor reads them after an exit and writes them before
 * an entry (SDM 24.8.3, 24.9). Plain data: the hv does the VMREAD/VMWRITE. */
#ifndef CORE_VMX_FIELDS_H
#define CORE_VMX_FIELDS_H

#include <stdbool.h>
#include <stdint.h>

struct vmx_exit_events {  /* hv reads these VMCS fields after every exit */
    uint32_t exit_reason; /* full field, bit 31 = VM-entry failure */
    uint64_t exit_qualification;
    uint32_t exit_intr_info, exit_intr_error;
    uint32_t idt_vectoring_info, idt_vectoring_error;
    uint32_t exit_instr_len;
    uint32_t guest_interruptibility;
};

struct vmx_entry_events {     /* hv writes these before every entry */
    uint32_t entry_intr_info; /* 0: nothing to inject */
    uint32_t entry_exception_error;
    uint32_t entry_instr_len;
    uint32_t guest_interruptibility;
    bool write_interruptibility;
    bool set_cr2; /* payloads applied only at delivery (hv loads CR2/DR6 itself) */
    bool set_dr6; /* dr6: the DR6 value the hv passed as #DB payload, to load (SDM 17.2.3) */
    /* OR RFLAGS.RF into the guest's RFLAGS: the processor pushes RF=1 for every fault-class
     * exception but an instruction breakpoint (SDM 17.3.1.1), yet VM entry delivers an
     * injected event with RFLAGS exactly as in the guest-state area (SDM 26.5.1.1). */
    bool set_rf;
    uint64_t cr2;
    uint64_t dr6;
};

/* Guest interruptibility state, SDM 24.4.2 Table 24-3. */
#define VMX_INTERRUPTIBILITY_STI      (1u << 0)
#define VMX_INTERRUPTIBILITY_MOV_SS   (1u << 1)
#define VMX_INTERRUPTIBILITY_SMI      (1u << 2)
#define VMX_INTERRUPTIBILITY_NMI      (1u << 3)
#define VMX_INTERRUPTIBILITY_ENCLAVE  (1u << 4)
#define VMX_INTERRUPTIBILITY_RESERVED 0xffffffe0u /* bits 31:5 */

#endif
