/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests/soft_int.c — software interrupts and exceptions: INT n (type 4), INT3 (type 6) and
 * ICEBP/INT1 (type 5), each with the handler's IST stack page not present in EPT.
 *
 * Why: re-injecting them needs the VM-exit instruction length as the VM-entry instruction
 * length (SDM 27.2.4, 26.5.1.1); re-executing them (Xen, VirtualBox) relies on the saved RIP
 * pointing at the instruction (SDM 27.3.3; docs/cases.md #6). KVM's __vmx_complete_interrupts
 * has no case for type 5. Expected bare result: one event, saved RIP after the instruction.
 */
#include "guest/guest.h"
#include "guest/scenario.h"
#include "tests/triggers.h"

void trigger_int80(void)
{
    __asm__ volatile("int $0x80" ::: "memory");
}

void int3_trigger(void)
{
    __asm__ volatile("int3" ::: "memory");
}

/* ICEBP (0xF1) delivers #DB as a privileged software exception (SDM 24.8.3, type 5). */
void icebp_trigger(void)
{
    __asm__ volatile(".byte 0xf1" ::: "memory");
}

SCENARIO(int_n_stack) = {
    .name = "int-n-stack",
    .vector = 0x80,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .trigger = trigger_int80,
};

SCENARIO(int3_stack) = {
    .name = "int3-stack",
    .vector = 3,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .trigger = int3_trigger,
};

SCENARIO(icebp_stack) = {
    .name = "icebp-stack",
    .vector = 1,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .trigger = icebp_trigger,
};
