/* SPDX-License-Identifier: BSD-2-Clause */
/* lib/hypercall_abi.h — the test-hypercall ABI between guest/ and hv/.
 *
 * Detection: CPUID.1:ECX[31] (hypervisor present) and leaf 0x40000000 returning the
 * signature "redeliver-hv" in EBX, ECX, EDX. A call is VMCALL with RAX = number,
 * RDI/RSI = arguments; RAX returns 0 or a negative HC_E* value. On a bare CPU the guest
 * never executes VMCALL (it would raise #UD). */
#ifndef LIB_HYPERCALL_ABI_H
#define LIB_HYPERCALL_ABI_H

#define HV_CPUID_LEAF 0x40000000u
#define HV_SIGNATURE  "redeliver-hv" /* 12 bytes: EBX, ECX, EDX */

enum hypercall {
    HC_PING = 0,                  /* returns 0 */
    HC_GET_POLICY = 1,            /* RDI = guest-physical buffer, RSI = size: policy name */
    HC_EPT_UNMAP_UNTIL_FAULT = 2, /* RDI = guest-physical page: not present in EPT until the
                                     next EPT violation on it, then mapped again */
    HC_INTERCEPT_EXCEPTION = 3,   /* RDI = vector 0-31, RSI = 1 to intercept, 0 to stop: the
                                     hv takes the exception (exception bitmap) and reflects
                                     it into the guest, as shadow paging does with #PF */
    HC_ON_FAULT_WRITE = 4,        /* RDI = guest-physical address (8-byte aligned), RSI =
                                     value: when the next EPT-not-present perturbation fires,
                                     hv/ stores the value there before re-entry (the cause of
                                     the guest's fault vanishes meanwhile, docs/cases.md #10) */
    HC_COUNT
};

#define HC_OK     0
#define HC_EINVAL (-1l) /* bad argument (address outside guest memory, ...) */
#define HC_ENOSYS (-2l) /* unknown hypercall number */
#define HC_EBUSY  (-3l) /* too many perturbations armed at once */

#endif
