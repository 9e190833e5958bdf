/* SPDX-License-Identifier: BSD-2-Clause */
/* guest/hypercall.c — the hypercall client: VMCALL under hv/; QEMU's pc-testdev for what it
 * can stand in for (guest/testdev.c); nothing on a bare CPU. */
#include "guest/guest.h"
#include "lib/console.h"
#include "lib/string.h"
#include "lib/x86.h"

bool hv_present(void)
{
    static int known = -1;
    if (known < 0) {
        known = 0;
        if (cpuid(1, 0).ecx & (1u << 31)) { /* CPUID.1:ECX[31], hypervisor present */
            struct cpuid_regs r = cpuid(HV_CPUID_LEAF, 0);
            char sig[12];
            memcpy(sig + 0, &r.ebx, 4);
            memcpy(sig + 4, &r.ecx, 4);
            memcpy(sig + 8, &r.edx, 4);
            known = !memcmp(sig, HV_SIGNATURE, 12);
        }
    }
    return known;
}

long hypercall(enum hypercall nr, uint64_t a0, uint64_t a1)
{
    if (!hv_present() && testdev_present()) /* said, so that no run claims it perturbed */
        kprintf("SKIP: pc-testdev: hypercall %d exists only under hv/\n", (int)nr);
    if (!hv_present())
        return HC_ENOSYS;
    long ret;
    __asm__ volatile("vmcall" : "=a"(ret) : "a"((uint64_t)nr), "D"(a0), "S"(a1) : "memory");
    return ret;
}

long hv_ept_unmap_until_fault(uint64_t gpa)
{
    if (!hv_present() && testdev_present())
        return testdev_take_page(gpa);
    return hypercall(HC_EPT_UNMAP_UNTIL_FAULT, gpa, 0);
}

long hv_intercept_exception(uint8_t vector, bool on)
{
    return hypercall(HC_INTERCEPT_EXCEPTION, vector, on);
}
