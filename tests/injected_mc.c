/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests/injected_mc.c — a machine check (#MC, vector 18) that hv/ injects.
 *
 * What: hv/ injects #MC (type 3 hardware exception, no error code: SDM 6.15 "Interrupt 18")
 * at the VM entry right after the guest's VMCALL (HC_INJECT_EVENT, guest/inject.h); its gate
 * uses IST1 for the row (the #MC gate's own IST_MC stack comes back afterwards, guest/main.c),
 * and that one-page stack is not present in EPT, so the delivery exits and the policy decides.
 *
 * CR4.MCE: the guest sets it (SDM 2.5, 15.10.1; CPUID.01H:EDX.MCE bit 7 must say the CPU has
 * #MC) and restores it in check(), guest/reset.c restores CR4 again between rows. The
 * shutdown with CR4.MCE = 0 (SDM 6.15 "Interrupt 18", 15.10.1) concerns machine-check
 * conditions the processor detects, also during VM entry (SDM 26.8); event injection
 * (SDM 26.5.1, 26.5.1.1) delivers the injected vector through the guest IDT as if it had
 * been generated normally and names no CR4.MCE condition, so an injected #MC with
 * CR4.MCE = 0 is still delivered (measured once on Bochs 2.7 with CR4.MCE cleared here:
 * the same EV line, no shutdown). This row keeps CR4.MCE = 1: the case a guest's #MC handler is
 * written for, and the only one a guest OS reaches.
 *
 * Expected: bare, SKIP (nothing injects). The reference is the unperturbed run under hv/
 * (`reference = virt`): exactly one #MC at the RIP after the VMCALL, no error code.
 */
#include "guest/guest.h"
#include "guest/inject.h"
#include "guest/scenario.h"
#include "lib/x86.h"

#define CPUID_EDX_MCE (1u << 7)  /* SDM Vol. 2 CPUID, leaf 01H */
#define CR4_MCE       (1ul << 6) /* SDM 2.5 */

static long mc_result = 1;
static uint64_t mc_saved_cr4;

static void mc_setup(void)
{
    if (!hv_present())
        guest_finish("SKIP", "needs hv/: injected events exist only under a hypervisor");
    if (!(cpuid(1, 0).edx & CPUID_EDX_MCE))
        guest_finish("SKIP", "CPUID.01H:EDX.MCE = 0: this CPU model has no #MC (SDM 15.10.1)");
    mc_saved_cr4 = read_cr4();
    write_cr4(mc_saved_cr4 | CR4_MCE);
}

/* Type 3, vector 18, no error code (SDM 24.8.3, 6.15 "Interrupt 18"). */
static void mc_trigger(void)
{
    mc_result = guest_inject(0x80000312u, 0, 0);
}

static void mc_check(void)
{
    write_cr4(mc_saved_cr4);
    report(mc_result == HC_OK, "hv/ accepted the injection (%ld)", mc_result);
}

SCENARIO(injected_mc) = {
    .name = "injected-mc",
    .vector = 18,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .setup = mc_setup,
    .trigger = mc_trigger,
    .check = mc_check,
};
