/* SPDX-License-Identifier: BSD-2-Clause */
/* hv/cpuid.c — CPUID exits: pass-through, plus the hypervisor leaf that tells the guest it
 * runs under redeliver's hv (lib/hypercall_abi.h). */
#include "hv/hv.h"
#include "lib/hypercall_abi.h"
#include "lib/string.h"
#include "lib/x86.h"

#define CPUID1_ECX_VMX        (1u << 5)
#define CPUID1_ECX_HYPERVISOR (1u << 31)
#define CPUID1_ECX_OSXSAVE    (1u << 27) /* CPUID.1:ECX.OSXSAVE = CR4.OSXSAVE (SDM 2.5) */
#define CPUID7_ECX_OSPKE      (1u << 4)  /* CPUID.(EAX=07H,ECX=0):ECX.OSPKE = CR4.PKE */
#define X86_CR4_OSXSAVE       (1ul << 18)
#define X86_CR4_PKE           (1ul << 22)

enum exit_action handle_cpuid(struct vcpu *v)
{
    uint32_t leaf = (uint32_t)v->regs.rax, sub = (uint32_t)v->regs.rcx;
    struct cpuid_regs r;
    if (leaf == HV_CPUID_LEAF) {
        r.eax = HV_CPUID_LEAF; /* highest hypervisor leaf */
        memcpy(&r.ebx, HV_SIGNATURE + 0, 4);
        memcpy(&r.ecx, HV_SIGNATURE + 4, 4);
        memcpy(&r.edx, HV_SIGNATURE + 8, 4);
    } else {
        r = cpuid(leaf, sub);
        if (leaf == 1) {
            r.ecx |= CPUID1_ECX_HYPERVISOR;
            r.ecx &= ~(CPUID1_ECX_VMX | CPUID1_ECX_OSXSAVE); /* no nested VMX */
            if (cr_guest_cr4() & X86_CR4_OSXSAVE)
                r.ecx |= CPUID1_ECX_OSXSAVE;
        }
        if (leaf == 7 && sub == 0) { /* the OS bits reflect the guest's CR4, not hv/'s */
            r.ecx &= ~CPUID7_ECX_OSPKE;
            if (cr_guest_cr4() & X86_CR4_PKE)
                r.ecx |= CPUID7_ECX_OSPKE;
        }
    }
    v->regs.rax = r.eax;
    v->regs.rbx = r.ebx;
    v->regs.rcx = r.ecx;
    v->regs.rdx = r.edx;
    skip_instruction(v);
    return EXIT_RESUME;
}
