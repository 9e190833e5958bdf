/* SPDX-License-Identifier: BSD-2-Clause */
/* hv/vmx_caps.c — what this CPU model's VMX offers, and whether it offers what hv/ needs
 * (SDM Appendix A). CPU models differ here (docs/bochs-versions.md, "CPU models"), so hv/
 * reads the capability MSRs itself, prints them, and names the first feature it needs and
 * the model lacks in an `hv: UNSUPPORTED` line: the runner makes the run SKIP with that
 * reason, it never guesses what a model has (docs/protocol.md). */
#include "hv/hv.h"
#include "hv/vmcs.h"
#include "lib/console.h"
#include "lib/platform.h"
#include "lib/x86.h"

#define MSR_IA32_VMX_PINBASED_CTLS  0x481 /* SDM A.3.1: the non-TRUE MSRs exist whenever VMX */
#define MSR_IA32_VMX_PROCBASED_CTLS 0x482 /* does; the TRUE ones only with BASIC[55] */
#define VMX_BASIC_TRUE_CTLS         (1ull << 55) /* SDM A.1 */
#define CPU2_ENABLE_VPID            (1u << 5)
/* SDM A.6: VM exits store IA32_EFER.LMA into the "IA-32e mode guest" VM-entry control (SDM
 * 27.2). hv/ relies on it: the guest leaves and re-enters IA-32e mode itself (CR0.PG and
 * EFER.LME are its own, hv/vmx_setup.c; guest/ guest_run_pm32()), and the next VM entry loads
 * the guest's IA32_EFER (hv/ sets "load IA32_EFER"), whose LMA the guest-state checks require
 * to equal that control, and to equal LME when CR0.PG = 1 (SDM 26.3.1.1). A.6 also says that
 * the bit reads 1 on every processor that supports unrestricted guest, which hv/ already
 * requires: on a CPU that follows A.6 this need never fails; it stays as an explicit check of
 * the behaviour hv/ depends on (an emulator might not follow A.6). */
#define VMX_MISC_EXIT_STORES_LMA (1ull << 5)

enum cap_src {
    SRC_BASIC,
    SRC_PIN,
    SRC_PROC,
    SRC_PROC2,
    SRC_EXIT,
    SRC_ENTRY,
    SRC_EPT,
    SRC_MISC,
    SRC_N
};

struct need {
    const char *name; /* what the UNSUPPORTED line calls it */
    enum cap_src src;
    uint64_t bits;   /* allowed-1 bits (controls) or capability bits (BASIC, EPT) */
    const char *sdm; /* where the SDM enumerates it */
    bool kvm_like;   /* needed only by the kvm-like intercept profile */
};

static const struct need needs[] = {
    {"true-control-msrs", SRC_BASIC, VMX_BASIC_TRUE_CTLS, "SDM A.1", false},
    {"secondary-controls", SRC_PROC, CPU_ACTIVATE_SECONDARY, "SDM A.3.2", false},
    {"ept", SRC_PROC2, CPU2_ENABLE_EPT, "SDM A.3.3", false},
    {"unrestricted-guest", SRC_PROC2, CPU2_UNRESTRICTED_GUEST, "SDM A.3.3", false},
    {"exit-stores-efer-lma", SRC_MISC, VMX_MISC_EXIT_STORES_LMA, "SDM A.6", false},
    {"ept-4-level-wb-invept-single", SRC_EPT, EPT_CAP_NEEDED, "SDM A.10", false},
    {"nmi-exiting", SRC_PIN, PIN_NMI_EXITING, "SDM A.3.1", false},
    {"virtual-nmis", SRC_PIN, PIN_VIRTUAL_NMIS, "SDM A.3.1", false},
    {"preemption-timer", SRC_PIN, PIN_PREEMPTION_TIMER, "SDM A.3.1", false},
    {"nmi-window-exiting", SRC_PROC, CPU_NMI_WINDOW_EXITING, "SDM A.3.2", false},
    {"hlt-io-msr-bitmap-exiting", SRC_PROC,
     CPU_HLT_EXITING | CPU_UNCOND_IO_EXITING | CPU_USE_MSR_BITMAPS, "SDM A.3.2", false},
    {"mov-dr-exiting", SRC_PROC, CPU_MOV_DR_EXITING, "SDM A.3.2", true},
    {"exit-save-debug-pat-efer-timer", SRC_EXIT,
     EXIT_SAVE_DEBUG_CONTROLS | EXIT_HOST_ADDR_SPACE_SIZE | EXIT_SAVE_IA32_PAT |
         EXIT_LOAD_IA32_PAT | EXIT_SAVE_IA32_EFER | EXIT_LOAD_IA32_EFER |
         EXIT_SAVE_PREEMPTION_TIMER,
     "SDM A.4", false},
    {"entry-load-debug-pat-efer", SRC_ENTRY,
     ENTRY_LOAD_DEBUG_CONTROLS | ENTRY_LOAD_IA32_PAT | ENTRY_LOAD_IA32_EFER, "SDM A.5", false},
};

static const char *const src_names[SRC_N] = {"basic", "pin",   "proc", "proc2",
                                             "exit",  "entry", "ept",  "misc"};

/* Every capability as one number: the allowed-1 half of a control MSR, BASIC and
 * EPT_VPID_CAP whole. A MSR that this model's VMX does not have reads as 0: the secondary
 * controls MSR exists only when "activate secondary controls" may be 1, EPT_VPID_CAP only
 * when EPT or VPID may be (SDM A.3.3, A.10); reading them otherwise raises #GP. */
static void read_caps(uint64_t caps[SRC_N])
{
    caps[SRC_BASIC] = rdmsr(MSR_IA32_VMX_BASIC);
    bool true_ctls = caps[SRC_BASIC] & VMX_BASIC_TRUE_CTLS;
    caps[SRC_PIN] =
        rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_PINBASED : MSR_IA32_VMX_PINBASED_CTLS) >> 32;
    caps[SRC_PROC] =
        rdmsr(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED : MSR_IA32_VMX_PROCBASED_CTLS) >> 32;
    caps[SRC_EXIT] = true_ctls ? rdmsr(MSR_IA32_VMX_TRUE_EXIT) >> 32 : 0;
    caps[SRC_ENTRY] = true_ctls ? rdmsr(MSR_IA32_VMX_TRUE_ENTRY) >> 32 : 0;
    caps[SRC_PROC2] =
        caps[SRC_PROC] & CPU_ACTIVATE_SECONDARY ? rdmsr(MSR_IA32_VMX_PROCBASED_CTLS2) >> 32 : 0;
    caps[SRC_EPT] = caps[SRC_PROC2] & (CPU2_ENABLE_EPT | CPU2_ENABLE_VPID)
                        ? rdmsr(MSR_IA32_VMX_EPT_VPID_CAP)
                        : 0;
    caps[SRC_MISC] = rdmsr(MSR_IA32_VMX_MISC);
}

void vmx_caps_check(bool kvm_like)
{
    if (!(cpuid(1, 0).ecx & (1u << 5))) { /* CPUID.1:ECX.VMX, SDM 23.6 */
        console_relay_flush();
        kprintf("hv: UNSUPPORTED vmx: the CPU has no VMX (CPUID.1:ECX.VMX=0, SDM 23.6): on "
                "Bochs use a model with VMX; QEMU needs KVM with nested VMX, TCG has none\n");
        platform_exit();
    }
    uint64_t caps[SRC_N];
    read_caps(caps);
    /* for people (docs/bochs-versions.md, "CPU models"); the runner does not read it */
    kprintf("hv: vmx-caps basic=0x%lx pin=0x%lx proc=0x%lx proc2=0x%lx exit=0x%lx entry=0x%lx "
            "misc=0x%lx ept=0x%lx\n",
            caps[SRC_BASIC], caps[SRC_PIN], caps[SRC_PROC], caps[SRC_PROC2], caps[SRC_EXIT],
            caps[SRC_ENTRY], caps[SRC_MISC], caps[SRC_EPT]);
    for (unsigned i = 0; i < sizeof(needs) / sizeof(needs[0]); i++) {
        const struct need *n = &needs[i];
        if ((n->kvm_like && !kvm_like) || (caps[n->src] & n->bits) == n->bits)
            continue;
        console_relay_flush();
        kprintf("hv: UNSUPPORTED %s%s: %s capability 0x%lx lacks 0x%lx (%s)\n", n->name,
                n->kvm_like ? " (profile kvm-like)" : "", src_names[n->src], caps[n->src],
                n->bits & ~caps[n->src], n->sdm);
        platform_exit();
    }
}
