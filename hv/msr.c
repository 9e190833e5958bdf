/* SPDX-License-Identifier: BSD-2-Clause */
/* hv/msr.c — which guest MSR accesses hv/ takes, and why (docs/hv.md, "Isolation").
 *
 * The MSR bitmap (SDM 24.6.9) lets every RDMSR through: reading cannot change host state.
 * It lets through the writes of MSRs whose value is the guest's own: those the VMCS swaps on
 * every entry and exit (SYSENTER_*, EFER, FS/GS base, DEBUGCTL, PAT: SDM 26.3.2.1, 27.5.1)
 * and those hv/ never uses itself (STAR/LSTAR/CSTAR/FMASK: hv/ makes no SYSCALL;
 * KERNEL_GS_BASE: no SWAPGS; TSC_AUX: no RDTSCP; the TSC, performance counters, x2APIC
 * registers, ...). It takes the writes that would reach hv/ itself:
 *   IA32_APIC_BASE   moves (or disables) the local APIC: its page is a host-physical
 *                    address, not translated by EPT, so it can land on hv/'s code, stack or
 *                    EPT tables (SDM 10.4.4); rewriting the current value is allowed;
 *   IA32_FEATURE_CONTROL  the VMX enable and lock bits of the host (SDM 23.7);
 *   IA32_BIOS_UPDT_TRIG   loads microcode into the host CPU (SDM 9.11.6);
 *   IA32_MISC_ENABLE      host-wide switches: XD disable, CPUID limit (SDM 35);
 *   MTRRs (0x200-0x2ff)   memory types of host-physical memory, hv/'s included (SDM 11.11).
 * A taken write is refused with `hv: ERROR` naming the MSR: a clear verdict, never a
 * silently changed host. MSRs outside the bitmap's ranges always exit (SDM 24.6.9): their
 * reads are done for the guest, their writes refused. */
#include "core/vmx_exit_reason.h"
#include "hv/hv.h"
#include "hv/vmcs.h"
#include "hv/vmx_ops.h"
#include "lib/x86.h"

#define MSR_IA32_BIOS_UPDT_TRIG 0x79
#define MSR_IA32_MISC_ENABLE    0x1a0
#define MSR_MTRR_FIRST          0x200
#define MSR_MTRR_LAST           0x2ff
#define APIC_BASE_ADDR_MASK     0x000ffffffffff000ul /* SDM 10.4.4, Figure 10-5 */

static uint8_t msr_bitmap[4096] __attribute__((aligned(4096)));

/* SDM 24.6.9: read bitmap for low MSRs at 0, for high (0xc0000000-) at 1 KiB; write bitmaps
 * at 2 KiB and 3 KiB. */
static void take_write(uint32_t msr)
{
    unsigned base = msr >= 0xc0000000u ? 3072 : 2048, bit = msr & 0x1fff;
    msr_bitmap[base + bit / 8] |= (uint8_t)(1u << (bit % 8));
}

uint64_t msr_bitmap_build(void)
{
    take_write(MSR_IA32_APIC_BASE);
    take_write(MSR_IA32_FEATURE_CONTROL);
    take_write(MSR_IA32_BIOS_UPDT_TRIG);
    take_write(MSR_IA32_MISC_ENABLE);
    for (uint32_t m = MSR_MTRR_FIRST; m <= MSR_MTRR_LAST; m++)
        take_write(m);
    return (uint64_t)msr_bitmap;
}

static bool in_bitmap_range(uint32_t msr)
{
    return msr <= 0x1fff || (msr >= 0xc0000000u && msr <= 0xc0001fffu);
}

enum exit_action handle_rdmsr(struct vcpu *v)
{
    uint32_t msr = (uint32_t)v->regs.rcx;
    if (in_bitmap_range(msr))
        hv_fatal("RDMSR 0x%x exited although the bitmap lets it through", msr);
    uint64_t value = rdmsr(msr); /* a host #GP here ends the run with hv: ERROR */
    v->regs.rax = (uint32_t)value;
    v->regs.rdx = value >> 32;
    skip_instruction(v);
    return EXIT_RESUME;
}

enum exit_action handle_wrmsr(struct vcpu *v)
{
    uint32_t msr = (uint32_t)v->regs.rcx;
    uint64_t value = (v->regs.rdx << 32) | (uint32_t)v->regs.rax;
    if (msr == MSR_IA32_APIC_BASE) {
        uint64_t now = rdmsr(MSR_IA32_APIC_BASE);
        if (value == now) { /* the same base, still enabled: nothing moves */
            skip_instruction(v);
            return EXIT_RESUME;
        }
        hv_fatal("the guest wrote IA32_APIC_BASE=0x%lx (it is 0x%lx): moving or disabling the "
                 "local APIC page (host-physical 0x%lx) is refused, it could land on hv/'s "
                 "memory (docs/hv.md, \"Isolation\")",
                 value, now, value & APIC_BASE_ADDR_MASK);
    }
    hv_fatal("the guest wrote MSR 0x%x = 0x%lx: host state that hv/ does not virtualize, refused "
             "(docs/hv.md, \"Isolation\")",
             msr, value);
}

/* Guest memory must never alias hv/'s own: hv/'s image, .bss (stacks, EPT tables, VMCS)
 * must lie below guest RAM and away from the local APIC page that EPT passes through. */
void check_memory_layout(void)
{
    extern char __image_start[], __bss_end[];
    uint64_t lo = (uint64_t)__image_start, hi = (uint64_t)__bss_end;
    if (hi > GUEST_RAM_HPA || (lo < GUEST_RAM_HPA + GUEST_RAM_SIZE && hi > GUEST_RAM_HPA))
        hv_fatal("hv/ [0x%lx, 0x%lx) overlaps guest RAM at host-physical 0x%lx", lo, hi,
                 GUEST_RAM_HPA);
    if (GUEST_RAM_HPA + GUEST_RAM_SIZE > 0xfee00000ul)
        hv_fatal("guest RAM reaches the local APIC page");
}
