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
