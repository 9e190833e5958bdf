/* SPDX-License-Identifier: BSD-2-Clause */
/* VM-exit reasons: the exit-reason field (SDM 24.9.1) and the names of all basic exit
 * reasons (SDM Appendix C). */
#ifndef CORE_VMX_EXIT_REASON_H
#define CORE_VMX_EXIT_REASON_H

#include <stdbool.h>
#include <stdint.h>

/* Basic exit reasons used by name in core/ and hv/ (SDM Appendix C). */
enum vmx_exit_basic {
    VMX_EXIT_EXCEPTION_NMI = 0,
    VMX_EXIT_EXTERNAL_INTERRUPT = 1,
    VMX_EXIT_TRIPLE_FAULT = 2,
    VMX_EXIT_INTERRUPT_WINDOW = 7,
    VMX_EXIT_NMI_WINDOW = 8,
    VMX_EXIT_TASK_SWITCH = 9,
    VMX_EXIT_CPUID = 10,
    VMX_EXIT_HLT = 12,
    VMX_EXIT_VMCALL = 18,
    VMX_EXIT_VMCLEAR = 19, /* 19-27: VMCLEAR, VMLAUNCH, VMPTRLD, VMPTRST, VMREAD, VMRESUME, */
    VMX_EXIT_VMXON = 27,   /*        VMWRITE, VMXOFF, VMXON */
    VMX_EXIT_CR_ACCESS = 28,
    VMX_EXIT_DR_ACCESS = 29, /* MOV DR with MOV-DR exiting */
    VMX_EXIT_IO_INSTRUCTION = 30,
    VMX_EXIT_RDMSR = 31,
    VMX_EXIT_WRMSR = 32,
    VMX_EXIT_ENTRY_FAIL_GUEST_STATE = 33,
    VMX_EXIT_ENTRY_FAIL_MSR_LOADING = 34,
    VMX_EXIT_MONITOR_TRAP_FLAG = 37,
    VMX_EXIT_ENTRY_FAIL_MACHINE_CHECK = 41,
    VMX_EXIT_APIC_ACCESS = 44,
    VMX_EXIT_EPT_VIOLATION = 48,
    VMX_EXIT_EPT_MISCONFIG = 49,
    VMX_EXIT_INVEPT = 50,
    VMX_EXIT_PREEMPTION_TIMER = 52,
    VMX_EXIT_INVVPID = 53,
    VMX_EXIT_XSETBV = 55,
    VMX_EXIT_PML_FULL = 62,
};

#define VMX_EXIT_REASON_BASIC_MASK  0x0000ffffu /* bits 15:0, SDM 24.9.1 Table 24-15 */
#define VMX_EXIT_REASON_ENCLAVE     (1u << 27)  /* exit from enclave mode */
#define VMX_EXIT_REASON_PENDING_MTF (1u << 28)
#define VMX_EXIT_REASON_FROM_ROOT   (1u << 29) /* exit from VMX root operation (SMM) */
#define VMX_EXIT_REASON_ENTRY_FAIL  (1u << 31) /* VM-entry failure, SDM 26.7 */

static inline uint32_t vmx_exit_reason_basic(uint32_t exit_reason)
{
    return exit_reason & VMX_EXIT_REASON_BASIC_MASK;
}

/* "EPT_VIOLATION", "CPUID", ...; "UNKNOWN" for numbers Appendix C does not define. */
const char *vmx_exit_reason_name(uint32_t basic_reason);
/* Appendix C defines this basic reason. */
bool vmx_exit_reason_known(uint32_t basic_reason);
/* One past the largest basic reason with a name (for exhaustive loops). */
uint32_t vmx_exit_reason_limit(void);

#endif
