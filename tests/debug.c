/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests/debug.c — trap-class #DB: single-step (RFLAGS.TF).
 *
 * What: the single-step #DB after `nop`, with the #DB handler's IST stack page not present
 * in EPT. Why: the instruction already retired; re-execution starts after it and raises
 * nothing, so a policy that drops hardware exceptions loses the trap (CASES.md #1).
 * Expected bare result: one #DB with DR6.BS set, saved RIP after the `nop`.
 */
#include "guest/guest.h"
#include "guest/scenario.h"

/* TF set by POPF takes effect after the next instruction (SDM 17.3.1.4). */
static void single_step_trigger(void)
{
    __asm__ volatile("pushfq\n\t"
                     "orq $0x100, (%%rsp)\n\t"
                     "popfq\n\t"
                     "nop\n\t"
                     "nop\n\t" ::
                         : "memory", "cc");
}

SCENARIO(db_single_step) = {
    .name = "db-single-step",
    .vector = 1,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .trigger = single_step_trigger,
};

/* TF set by POPF is in effect for CPUID, which exits to hv/ and is emulated there: the
 * single-step #DB after it is the hypervisor's to raise; nothing in hardware will raise it
 * again if it is dropped (CASES.md #2). */
static void cpuid_tf_trigger(void)
{
    __asm__ volatile("pushfq\n\t"
                     "orq $0x100, (%%rsp)\n\t"
                     "xorl %%eax, %%eax\n\t"
                     "xorl %%ecx, %%ecx\n\t"
                     "popfq\n\t"
                     "cpuid\n\t"
                     "nop\n\t"
                     "nop\n\t" ::
                         : "rax", "rbx", "rcx", "rdx", "memory", "cc");
}

SCENARIO(db_cpuid_tf) = {
    .name = "db-cpuid-tf",
    .vector = 1,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .trigger = cpuid_tf_trigger,
};

/* A data breakpoint (DR0, write, 8 bytes; SDM 17.2.4, 17.2.5) is a trap: the store retired
 * before the #DB, so re-executing from the saved RIP never raises it again (CASES.md #1).
 * hv/ keeps the guest's DR7 across exits through the debug-controls VM-exit/VM-entry
 * controls. */
static volatile uint64_t watched __attribute__((aligned(8)));

#define DR7_L0        (1ul << 0)
#define DR7_RW0_WRITE (1ul << 16)
#define DR7_LEN0_8    (2ul << 18)

static void data_bp_trigger(void)
{
    __asm__ volatile("mov %0, %%dr0\n\t"
                     "mov %1, %%dr7\n\t"
                     "movq $1, (%0)\n\t"
                     "nop\n\t"
                     "mov %2, %%dr7\n\t" ::"r"(&watched),
                     "r"(DR7_L0 | DR7_RW0_WRITE | DR7_LEN0_8 | 0x400), "r"(0x400ul)
                     : "memory");
}

SCENARIO(db_data_bp) = {
    .name = "db-data-bp",
    .vector = 1,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .trigger = data_bp_trigger,
};
