/* SPDX-License-Identifier: BSD-2-Clause */
/* lib/hypercall_abi.h — the test-hypercall ABI between guest/ and hv/.
 *
 * Detection: CPUID.1:ECX[31] (hypervisor present) and leaf 0x40000000 returning the
 * signature "redeliver-hv" in EBX, ECX, EDX. A call is VMCALL with RAX = number,
 * RDI/RSI (and RDX where a call says so) = arguments; RAX returns 0 or a negative HC_E* value. On a
 * bare CPU the guest never executes VMCALL (it would raise #UD). Calls are made from 64-bit
 * mode: hv/ reads the registers whole, and outside it their upper halves are undefined (SDM
 * 3.4.1.1); rows in 32-bit code (guest_run_compat(), guest_run_pm32()) make their hypercalls
 * before or after it, in 64-bit C. */
#ifndef LIB_HYPERCALL_ABI_H
#define LIB_HYPERCALL_ABI_H

#define HV_CPUID_LEAF 0x40000000u
#define HV_SIGNATURE  "redeliver-hv" /* 12 bytes: EBX, ECX, EDX */

enum hypercall {
    HC_PING = 0,                  /* returns 0 */
    HC_GET_POLICY = 1,            /* RDI = guest-physical buffer, RSI = size: policy name */
    HC_EPT_UNMAP_UNTIL_FAULT = 2, /* RDI = guest-physical page: not present in EPT until the
                                     next EPT violation on it, then mapped again. HC_EBUSY
                                     on the page HC_VE_ARM holds (one kind per page) */
    HC_INTERCEPT_EXCEPTION = 3,   /* RDI = vector 0-31, RSI = 1 to intercept, 0 to stop: the
                                     hv takes the exception (exception bitmap) and reflects
                                     it into the guest, as shadow paging does with #PF */
    HC_ON_FAULT_WRITE = 4,        /* RDI = guest-physical address (8-byte aligned), RSI =
                                     value: when the next EPT-not-present perturbation fires,
                                     hv/ stores the value there before re-entry (the cause of
                                     the guest's fault vanishes meanwhile, docs/cases.md #10) */
    HC_INJECT_EVENT = 5,          /* RDI = VM-entry interruption-information word (SDM
                                     24.8.3: vector 7:0, type 10:8 in 0-6, deliver-error-code
                                     11, valid 31), RSI = error code (31:0) | VM-entry
                                     instruction length (types 4-6, 1-15) << 32, RDX = CR2
                                     for #PF or the DR6 value for #DB (type 3), else 0: hv/
                                     injects that event at the VM entry right after this
                                     VMCALL, through core/'s queue (docs/hv.md) */
    HC_ROW_START = 6,             /* RDI = guest-physical address of the row specifier, RSI =
                                     its length (at most 127): a row of the batch starts; hv/
                                     resets its per-row state and prints `hv: ROW <spec>`
                                     (docs/protocol.md, "Batches") */
    HC_ROW_END = 7,               /* the row printed its result: hv/ prints its exit counts,
                                     summary and `hv: ROW-END <spec>`, and resets */
    HC_VE_ARM = 8,                /* RDI = guest-physical page for the virtualization-
                                     exception information area, RSI = guest-physical page:
                                     hv/ points the VMCS at that area and makes the page not
                                     present in EPT with "suppress #VE" clear, so that the
                                     guest's access raises #VE (vector 20) instead of exiting
                                     (SDM 25.5.7.1). The page is present again after HC_VE_MAP,
                                     or after an EPT violation on it that did exit (its #VE
                                     no longer convertible: offset 4 of the area not 0).
                                     HC_EBUSY on a page HC_EPT_UNMAP_UNTIL_FAULT holds, or
                                     while another #VE page is armed. HC_ENOTSUP when
                                     the CPU model lacks the "EPT-violation #VE" control
                                     (docs/hv.md, "#VE") */
    HC_VE_MAP = 9,                /* RDI = the page of HC_VE_ARM: present again, "suppress
                                     #VE" set (the guest's #VE handler, guest/ve.c) */
    HC_COUNT
};

#define HC_INJECT_LEN_SHIFT 32

#define HC_OK      0
#define HC_EINVAL  (-1l) /* bad argument (address outside guest memory, ...) */
#define HC_ENOSYS  (-2l) /* unknown hypercall number */
#define HC_EBUSY   (-3l) /* too many armed at once; the page holds the other kind; queued */
#define HC_ENOTSUP (-4l) /* the CPU model lacks the VMX feature the call needs */

#endif
