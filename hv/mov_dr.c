/* SPDX-License-Identifier: BSD-2-Clause */
/* hv/mov_dr.c — MOV to or from a debug register under the kvm-like intercept profile
 * (MOV-DR exiting, SDM 24.6.2; exit reason 29, SDM Appendix C), emulated as the CPU would
 * have executed it (docs/hv.md, "Intercept profiles").
 *
 * hv/ never uses the debug registers itself: DR0-DR3 and DR6 of the hardware are the
 * guest's (a VM exit does not touch them), DR7 is the guest-state field (saved on exit,
 * loaded on entry with the debug controls, SDM 27.3.1, 26.3.2.1). So the emulation reads
 * and writes those. */
#include "core/vmx_event.h"
#include "hv/hv.h"
#include "hv/vmcs.h"
#include "hv/vmx_ops.h"
#include "lib/x86.h"

/* SDM 27.2.1, Table 27-4: exit qualification for MOV DR */
#define MOVDR_QUAL_DR(q)   ((unsigned)(q)&7)
#define MOVDR_QUAL_FROM_DR (1ul << 4) /* 0: MOV to DR, 1: MOV from DR */
#define MOVDR_QUAL_GPR(q)  ((unsigned)((q) >> 8) & 0xf)

#define DR6_FIXED_ONES 0xffff0ff0ul /* SDM 17.2.3 */
#define DR6_BD         (1ul << 13)
#define DR7_GD         (1ul << 13)               /* SDM 17.2.4 */
#define DR7_FIXED_ONE  (1ul << 10)               /* SDM 17.2.4, Figure 17-1: bit 10 reads as 1 */
#define DR7_RESERVED0  (0x3ul << 14 | 1ul << 12) /* bits 12, 14, 15 read as 0 */
#define SS_AR_DPL(ar)  (((ar) >> 5) & 3)         /* SDM 24.4.1: the CPL is SS.DPL */

/* The general-purpose register of the qualification: 0 RAX, 1 RCX, 2 RDX, 3 RBX, 4 RSP,
 * 5 RBP, 6 RSI, 7 RDI, 8-15 R8-R15 (Table 27-4). RSP lives in the VMCS. */
static uint64_t *gpr(struct vcpu *v, unsigned n)
{
    struct guest_regs *r = &v->regs;
    uint64_t *const regs[16] = {&r->rax, &r->rcx, &r->rdx, &r->rbx, 0,       &r->rbp,
                                &r->rsi, &r->rdi, &r->r8,  &r->r9,  &r->r10, &r->r11,
                                &r->r12, &r->r13, &r->r14, &r->r15};
    return regs[n & 15];
}

static uint64_t read_gpr(struct vcpu *v, unsigned n)
{
    return n == 4 ? vmread(GUEST_RSP) : *gpr(v, n);
}

static void write_gpr(struct vcpu *v, unsigned n, uint64_t value)
{
    if (n == 4)
        vmwrite(GUEST_RSP, value);
    else
        *gpr(v, n) = value;
}

static uint64_t read_dr(unsigned dr)
{
    switch (dr) {
    case 0:
        return read_dr0();
    case 1:
        return read_dr1();
    case 2:
        return read_dr2();
    case 3:
        return read_dr3();
    case 6:
        return read_dr6();
    default:
        return vmread(GUEST_DR7);
    }
}

static void write_dr(unsigned dr, uint64_t value)
{
    switch (dr) {
    case 0:
        write_dr0(value);
        break;
    case 1:
        write_dr1(value);
        break;
    case 2:
        write_dr2(value);
        break;
    case 3:
        write_dr3(value);
        break;
    case 6:
        write_dr6(value | DR6_FIXED_ONES);
        break;
    default:
        vmwrite(GUEST_DR7, (value | DR7_FIXED_ONE) & ~DR7_RESERVED0);
        break;
    }
}

/* The checks of MOV DR (SDM Vol. 2, MOV—Move to/from Debug Registers; SDM 17.2), in the
 * order the instruction makes them. The exit takes priority over the #GP for CPL > 0 and
 * the #UD for DR4/DR5 with CR4.DE = 1 (SDM 25.1.3), and over the general-detect #DB, a
 * fault (SDM 17.2.4, 17.3.1.2): so each is the hypervisor's to raise. Faults leave RIP at
 * the MOV. */
enum exit_action handle_mov_dr(struct vcpu *v)
{
    uint64_t q = v->exit.exit_qualification;
    unsigned dr = MOVDR_QUAL_DR(q), reg = MOVDR_QUAL_GPR(q);
    if (SS_AR_DPL(vmread(GUEST_SS_AR_BYTES)) != 0) {
        vcpu_queue_exception(&v->events, 13, true, 0); /* #GP(0): CPL > 0 */
        return EXIT_RESUME;
    }
    if (dr == 4 || dr == 5) {
        if (vmread(GUEST_CR4) & X86_CR4_DE) {
            vcpu_queue_exception(&v->events, 6, false, 0); /* #UD, SDM 17.2.2 */
            return EXIT_RESUME;
        }
        dr += 2; /* CR4.DE = 0: DR4 and DR5 are aliases of DR6 and DR7 (SDM 17.2.2) */
    }
    uint64_t dr7 = vmread(GUEST_DR7);
    if (dr7 & DR7_GD) {
        /* SDM 17.2.4: general detect, DR6.BD set; the processor clears DR7.GD on entering
         * the #DB handler, which an injected #DB does not do for hv/ (as in hv/exceptions.c) */
        vcpu_queue_exception_payload(&v->events, 1, false, 0, DR6_FIXED_ONES | DR6_BD);
        vmwrite(GUEST_DR7, dr7 & ~DR7_GD);
        return EXIT_RESUME;
    }
    /* SDM 17.2.6: outside 64-bit mode the operand is 32 bits (writes zero the upper half,
     * reads return the lower half); in 64-bit mode the upper halves of DR6 and DR7 are
     * reserved, and writing a 1 there is #GP(0) */
    bool mode64 = guest_mode64();
    if (q & MOVDR_QUAL_FROM_DR) {
        uint64_t value = read_dr(dr);
        write_gpr(v, reg, mode64 ? value : (uint32_t)value);
    } else {
        uint64_t value = read_gpr(v, reg);
        if (!mode64)
            value = (uint32_t)value;
        else if (dr >= 6 && (value >> 32)) {
            vcpu_queue_exception(&v->events, 13, true, 0);
            return EXIT_RESUME;
        }
        write_dr(dr, value);
    }
    skip_instruction(v); /* the end of a MOV SS shadow, RF, a single-step #DB: core/'s */
    return EXIT_RESUME;
}
