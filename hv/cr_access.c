/* SPDX-License-Identifier: BSD-2-Clause */
/* hv/cr_access.c — the exits a general guest (docs/foreign-guests.md) causes by changing its
 * own state: MOV to CR0/CR4 of a bit hv/ owns, and XSETBV (task switches: hv/task_switch.c).
 *
 * hv/ owns (guest/host masks, SDM 24.6.6) the CR0 and CR4 bits VMX operation fixes (CR0.NE,
 * CR4.VMXE, ...; hv/vmx_setup.c) and CR0.CD/NW: the guest reads its own values from the read
 * shadows; the processor runs with NE = 1, VMXE = 1 and caching on (hv/'s memory and the
 * guest's share the host's caches). A MOV to CR0 or CR4 that would change an owned bit
 * exits (SDM 25.1.3); the #GP(0) checks of MOV to CR (SDM Vol. 2 "MOV—Move to/from Control
 * Registers", SDM 2.5) come after that exit in priority (SDM 25.1.1), so hv/ makes them. */
#include "core/vmx_event.h"
#include "hv/hv.h"
#include "hv/vmcs.h"
#include "hv/vmx_ops.h"
#include "lib/x86.h"

/* SDM 27.2.1, Table 27-3 (28-3 in later editions): control-register accesses. */
#define CRQ_NUMBER(q) ((q)&15)
#define CRQ_TYPE(q)   (((q) >> 4) & 3) /* 0 MOV to CR, 1 MOV from CR, 2 CLTS, 3 LMSW */
#define CRQ_GPR(q)    (((q) >> 8) & 15)
#define CRQ_LMSW(q)   (((q) >> 16) & 0xffff)

#define CR0_TS        (1ul << 3)
#define CR4_PCIDE     (1ul << 17)
#define CR4_OSXSAVE   (1ul << 18)
#define EFER_LME      (1ul << 8)
#define EFER_LMA      (1ul << 10)
#define VMCS_PDPTE0   0x280a /* SDM B.2.3; PDPTE1..3 follow, 2 apart */
#define VMCS_HOST_CR4 0x6c04

static void inject_gp(struct vcpu *v)
{
    vcpu_queue_exception(&v->events, 13, true, 0); /* a fault: RIP stays at the instruction */
}

/* SDM 27.2.1 Table 27-3: GPR numbers 0-15 = RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8-R15. */
static uint64_t *gpr(struct vcpu *v, unsigned n)
{
    struct guest_regs *r = &v->regs;
    uint64_t *const map[16] = {&r->rax, &r->rcx, &r->rdx, &r->rbx, 0,       &r->rbp,
                               &r->rsi, &r->rdi, &r->r8,  &r->r9,  &r->r10, &r->r11,
                               &r->r12, &r->r13, &r->r14, &r->r15};
    return map[n & 15];
}

static uint64_t read_gpr(struct vcpu *v, unsigned n)
{
    uint64_t x = n == 4 ? vmread(GUEST_RSP) : *gpr(v, n);
    return guest_mode64() ? x : (uint32_t)x; /* outside 64-bit mode the operand is 32 bits */
}

static uint64_t visible(uint32_t field, uint32_t mask_field, uint32_t shadow_field)
{
    uint64_t mask = vmread(mask_field);
    return (vmread(field) & ~mask) | (vmread(shadow_field) & mask);
}

uint64_t cr_guest_cr0(void)
{
    return visible(GUEST_CR0, CR0_GUEST_HOST_MASK, CR0_READ_SHADOW);
}

uint64_t cr_guest_cr4(void)
{
    return visible(GUEST_CR4, CR4_GUEST_HOST_MASK, CR4_READ_SHADOW);
}

/* SDM 26.3.2.4: with EPT and PAE paging outside IA-32e mode, VM entry loads the PDPTEs from
 * the VMCS; a MOV to CR0 that hv/ emulates must load them from guest CR3 as the CPU would. */
static void load_pdptes(void)
{
    uint64_t cr3 = vmread(GUEST_CR3) & 0xffffffe0ul;
    if (!ept_gpa_is_ram(cr3, 32))
        hv_fatal("PAE paging enabled with CR3 0x%lx outside guest RAM", cr3);
    const uint64_t *pdpte = gpa_to_hva(cr3);
    for (unsigned i = 0; i < 4; i++)
        vmwrite(VMCS_PDPTE0 + 2 * i, pdpte[i]);
}

/* MOV to CR0 (or LMSW, CLTS): the checks of SDM Vol. 2 "MOV—Move to/from Control Registers",
 * then the new value split between the read shadow (owned bits) and GUEST_CR0, and the
 * IA-32e transition of SDM 9.8.5 when PG changes with EFER.LME = 1. */
static bool emulate_cr0(uint64_t val)
{
    uint64_t mask = vmread(CR0_GUEST_HOST_MASK);
    uint64_t old = cr_guest_cr0();
    uint64_t cr4 = cr_guest_cr4(), efer = vmread(GUEST_IA32_EFER);
    bool pg_on = !(old & X86_CR0_PG) && (val & X86_CR0_PG);
    bool pg_off = (old & X86_CR0_PG) && !(val & X86_CR0_PG);
    if ((val >> 32) || ((val & X86_CR0_PG) && !(val & X86_CR0_PE)) ||
        ((val & X86_CR0_NW) && !(val & X86_CR0_CD)) ||
        (pg_on && (efer & EFER_LME) && !(cr4 & X86_CR4_PAE)) ||
        (pg_off && (guest_mode64() || (cr4 & CR4_PCIDE))))
        return false;
    uint64_t fixed0 = rdmsr(MSR_IA32_VMX_CR0_FIXED0) & ~(X86_CR0_PE | X86_CR0_PG);
    uint64_t real = ((val & ~mask) | fixed0) & ~(X86_CR0_CD | X86_CR0_NW);
    vmwrite(CR0_READ_SHADOW, val & mask);
    vmwrite(GUEST_CR0, real);
    if ((pg_on || pg_off) && (efer & EFER_LME)) {
        efer = pg_on ? efer | EFER_LMA : efer & ~EFER_LMA;
        vmwrite(GUEST_IA32_EFER, efer);
        uint64_t entry = vmread(VM_ENTRY_CONTROLS);
        vmwrite(VM_ENTRY_CONTROLS,
                pg_on ? entry | ENTRY_IA32E_MODE_GUEST : entry & ~ENTRY_IA32E_MODE_GUEST);
    }
    if ((val & X86_CR0_PG) && (cr4 & X86_CR4_PAE) && !(efer & EFER_LMA))
        load_pdptes();
    return true;
}

enum exit_action handle_cr_access(struct vcpu *v)
{
    uint64_t q = v->exit.exit_qualification;
    uint64_t cr0 = cr_guest_cr0();
    bool ok;
    switch (CRQ_TYPE(q)) {
    case 0:
        if (CRQ_NUMBER(q) == 0) {
            ok = emulate_cr0(read_gpr(v, CRQ_GPR(q)));
        } else if (CRQ_NUMBER(q) == 4) {
            /* only the owned bits exit, and each is one the guest may not set: VMXE (CPUID
             * shows no VMX, hv/cpuid.c) or one the CPU lacks (~IA32_VMX_CR4_FIXED1) */
            ok = false;
        } else {
            hv_fatal("MOV to CR%lu exited (qualification 0x%lx): not enabled, not emulated",
                     CRQ_NUMBER(q), q);
        }
        break;
    case 2: /* CLTS */
        ok = emulate_cr0(cr0 & ~CR0_TS);
        break;
    case 3: /* LMSW: bits 3:0 only, and it cannot clear PE (SDM Vol. 2 "LMSW") */
        ok = emulate_cr0((cr0 & ~0xful) | (CRQ_LMSW(q) & 0xf) | (cr0 & X86_CR0_PE));
        break;
    default:
        hv_fatal("MOV from CR%lu exited (qualification 0x%lx): not enabled", CRQ_NUMBER(q), q);
    }
    if (ok)
        skip_instruction(v);
    else
        inject_gp(v);
    return EXIT_RESUME;
}

/* XSETBV always exits (SDM 25.1.2). #UD (CR4.OSXSAVE = 0) and #GP at CPL > 0 come before the
 * exit (SDM 25.1.1); the value checks of SDM Vol. 2 "XSETBV" and SDM 13.3 come after, here.
 * hv/ then executes it for the guest: XCR0 is not switched by VM entry or exit, and hv/ runs
 * without x87/SSE state (-mgeneral-regs-only). */
enum exit_action handle_xsetbv(struct vcpu *v)
{
    uint32_t index = (uint32_t)v->regs.rcx;
    uint64_t val = (uint32_t)v->regs.rax | (v->regs.rdx << 32);
    struct cpuid_regs d = cpuid(0xd, 0);
    uint64_t supported = d.eax | (uint64_t)d.edx << 32;
    bool avx512 = val & 0xe0, avx512_all = (val & 0xe0) == 0xe0;
    if (index != 0 || !(val & 1) || (val & ~supported) || ((val & 4) && !(val & 2)) ||
        (avx512 && (!avx512_all || !(val & 4))) || (((val >> 3) & 1) != ((val >> 4) & 1))) {
        inject_gp(v);
        return EXIT_RESUME;
    }
    if (!(read_cr4() & CR4_OSXSAVE)) { /* XSETBV in root needs the host's CR4.OSXSAVE */
        write_cr4(read_cr4() | CR4_OSXSAVE);
        vmwrite(VMCS_HOST_CR4, read_cr4());
    }
    __asm__ volatile("xsetbv" ::"c"(index), "a"((uint32_t)val), "d"((uint32_t)(val >> 32)));
    skip_instruction(v);
    return EXIT_RESUME;
}
