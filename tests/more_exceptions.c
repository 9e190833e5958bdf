/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests/more_exceptions.c — the hardware exceptions tests/hw_exceptions.c does not raise:
 * #DE, #NM, #MF, #XM, #SS(0) and #GP with a non-zero error code (a selector).
 *
 * What: each row raises one fault from the guest's own instruction at CPL0 in 64-bit mode;
 * its delivery exits because a page it touches is not present in EPT: the IST1 stack
 * (-stack rows) or the IDT, the GDT or the TSS (one more row per exception).
 * Why: the proposal to drop hardware exceptions (and the drop-faults policy) rests on
 * re-execution raising the fault again (docs/cases.md, "Faults the guest's own instruction
 * raised"); the x87 and SSE faults add state that re-execution depends on (CR0.TS, the
 * pending x87 exception in the status word, MXCSR), and #SS and #GP(selector) carry error
 * codes that re-injection must reproduce.
 * Expected bare result: exactly one event, the fault, with the saved RIP at the faulting
 * instruction (SDM 6.5: faults report the instruction itself), resumed at its EXTABLE
 * fixup. Each row's check asserts that the event came, so a CPU that raises something else
 * or nothing is FAILED rather than an empty reference.
 */
#include "guest/guest.h"
#include "guest/scenario.h"
#include "guest/trace.h"
#include "lib/x86.h"
#include "tests/triggers.h"

#define CR0_MP           (1ul << 1)  /* SDM 2.5: WAIT/FWAIT honours TS */
#define CR0_EM           (1ul << 2)  /* SDM 2.5: x87 instructions raise #NM when set */
#define CR0_TS           (1ul << 3)  /* SDM 2.5: task switched, x87/SSE raise #NM */
#define CR4_OSFXSR       (1ul << 9)  /* SDM 2.5: SSE instructions enabled */
#define CR4_OSXMMEXCPT   (1ul << 10) /* SDM 2.5: unmasked SIMD FP exceptions raise #XM */
#define MXCSR_DEFAULT    0x1f80u     /* SDM Vol. 1 10.2.3.1: every exception masked */
#define MXCSR_ZM         (1u << 9)   /* divide-by-zero mask */
#define X87_CW_UNMASK_ZM 0x037bu     /* default 0x037f with ZM (bit 2) clear, SDM Vol. 1 8.1.5 */
#define BAD_SELECTOR     0xfff8u     /* GDT index 0x1fff, far beyond the GDT limit */

/* The first recorded event is `vector` (with `error` when the vector pushes one). */
static void check_fault(uint8_t vector, bool has_error, uint32_t error)
{
    const struct event *e = trace_first();
    report(e && e->vector == vector, "vector %u delivered", vector);
    if (has_error)
        report(e && e->vector == vector && e->error == error, "error code 0x%x", error);
}

/* --- #DE: DIV by zero (SDM 6.15 "Interrupt 0"; Vol. 2 DIV) --- */
void de_trigger(void)
{
    __asm__ volatile("xorl %%ecx, %%ecx\n\t"
                     "xorl %%edx, %%edx\n\t"
                     "movl $1, %%eax\n\t"
                     "1: divl %%ecx\n\t"
                     "2:\n\t" EXTABLE(1b, 2b)::
                         : "rax", "rcx", "rdx", "memory", "cc");
}

void de_check(void)
{
    check_fault(0, false, 0);
}

SCENARIO(de_stack) = {
    .name = "de-stack",
    .vector = 0,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .trigger = de_trigger,
    .check = de_check,
};

SCENARIO(de_idt) = {
    .name = "de-idt",
    .vector = 0,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .page = PAGE_IDT,
    .trigger = de_trigger,
    .check = de_check,
};

/* --- #NM: an x87 instruction with CR0.TS=1 (SDM 6.15 "Interrupt 7", 2.5 Table 2-2: EM=0,
 * MP=1, TS=1 raises #NM for x87 instructions). FNINIT changes nothing the guest keeps. --- */
static uint64_t saved_cr0, saved_cr4;

void nm_setup(void)
{
    saved_cr0 = read_cr0();
    write_cr0((saved_cr0 & ~CR0_EM) | CR0_MP | CR0_TS);
}

void nm_trigger(void)
{
    __asm__ volatile("1: fninit\n\t"
                     "2:\n\t" EXTABLE(1b, 2b)::
                         : "memory");
}

void nm_check(void)
{
    bool ts = (read_cr0() & CR0_TS) != 0; /* nothing cleared TS: the #NM was the CPU's */
    __asm__ volatile("clts" ::: "memory");
    __asm__ volatile("fninit" ::: "memory");
    write_cr0(saved_cr0);
    check_fault(7, false, 0);
    report(ts, "CR0.TS still set after the #NM");
}

SCENARIO(nm_stack) = {
    .name = "nm-stack",
    .vector = 7,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .setup = nm_setup,
    .trigger = nm_trigger,
    .check = nm_check,
};

SCENARIO(nm_gdt) = {
    .name = "nm-gdt",
    .vector = 7,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .page = PAGE_GDT,
    .setup = nm_setup,
    .trigger = nm_trigger,
    .check = nm_check,
};

/* --- #MF: an unmasked x87 exception is pending in the status word (ES) after FDIV by zero
 * with the control word's ZM clear; the next waiting instruction, FWAIT, raises #MF with
 * CR0.NE=1 (SDM 6.15 "Interrupt 16"; Vol. 1 8.6 and 8.7). The pending exception stays in
 * the status word, so a re-executed FWAIT raises it again. --- */
static const uint16_t x87_cw_unmask_zm = X87_CW_UNMASK_ZM;
static const uint32_t float_zero; /* +0.0f */

void mf_setup(void)
{
    saved_cr0 = read_cr0();
    write_cr0((saved_cr0 & ~(CR0_EM | CR0_TS)) | CR0_MP | X86_CR0_NE);
    __asm__ volatile("fninit\n\t"
                     "fldcw %0" ::"m"(x87_cw_unmask_zm)
                     : "memory");
}

void mf_trigger(void)
{
    __asm__ volatile("fld1\n\t"
                     "fdivs %0\n\t" /* 1 / +0: ZE, unmasked: pending, no #MF yet */
                     "1: fwait\n\t"
                     "2:\n\t" EXTABLE(1b, 2b)::"m"(float_zero)
                     : "memory");
}

void mf_check(void)
{
    uint16_t sw;
    __asm__ volatile("fnstsw %0" : "=m"(sw));
    __asm__ volatile("fninit" ::: "memory"); /* clears the pending exception and the stack */
    write_cr0(saved_cr0);
    check_fault(16, false, 0);
    report((sw & 0x84) == 0x84, "x87 status word has ZE and ES (0x%x)", sw);
}

SCENARIO(mf_stack) = {
    .name = "mf-stack",
    .vector = 16,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .setup = mf_setup,
    .trigger = mf_trigger,
    .check = mf_check,
};

SCENARIO(mf_tss) = {
    .name = "mf-tss",
    .vector = 16,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .page = PAGE_TSS,
    .setup = mf_setup,
    .trigger = mf_trigger,
    .check = mf_check,
};

/* --- #XM: DIVSS by zero with MXCSR.ZM clear and CR4.OSXMMEXCPT=1 (SDM 6.15 "Interrupt 19";
 * Vol. 1 11.5.1). SIMD exceptions are precise: the DIVSS itself faults, writes no result,
 * and raises #XM again when it re-executes. The guest is built without SSE, so the
 * compiler keeps nothing in XMM0/XMM1. --- */
static const uint32_t mxcsr_unmask_zm = MXCSR_DEFAULT & ~MXCSR_ZM;
static const uint32_t mxcsr_default = MXCSR_DEFAULT;

void xm_setup(void)
{
    saved_cr0 = read_cr0();
    saved_cr4 = read_cr4();
    write_cr0((saved_cr0 & ~(CR0_EM | CR0_TS)) | CR0_MP);
    write_cr4(saved_cr4 | CR4_OSFXSR | CR4_OSXMMEXCPT);
    __asm__ volatile("ldmxcsr %0" ::"m"(mxcsr_unmask_zm) : "memory");
}

void xm_trigger(void)
{
    __asm__ volatile("movl $1, %%eax\n\t"
                     "cvtsi2ss %%eax, %%xmm0\n\t"
                     "xorps %%xmm1, %%xmm1\n\t"
                     "1: divss %%xmm1, %%xmm0\n\t"
                     "2:\n\t" EXTABLE(1b, 2b)::
                         : "rax", "memory");
}

void xm_check(void)
{
    uint32_t mxcsr;
    __asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
    __asm__ volatile("ldmxcsr %0" ::"m"(mxcsr_default) : "memory");
    write_cr4(saved_cr4);
    write_cr0(saved_cr0);
    check_fault(19, false, 0);
    report(mxcsr & 0x4, "MXCSR.ZE set (0x%x)", mxcsr);
}

SCENARIO(xm_stack) = {
    .name = "xm-stack",
    .vector = 19,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .setup = xm_setup,
    .trigger = xm_trigger,
    .check = xm_check,
};

SCENARIO(xm_gdt) = {
    .name = "xm-gdt",
    .vector = 19,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .page = PAGE_GDT,
    .setup = xm_setup,
    .trigger = xm_trigger,
    .check = xm_check,
};

/* --- #SS(0): in 64-bit mode a memory reference through the SS segment (base RSP or RBP)
 * at a non-canonical address raises #SS(0), not #GP(0) (SDM 3.3.7.1; 6.15 "Interrupt 12").
 * RSP + 2^63 is non-canonical; RSP itself is untouched. --- */
void ss_trigger(void)
{
    __asm__ volatile("1: movq (%%rsp,%0,1), %%rax\n\t"
                     "2:\n\t" EXTABLE(1b, 2b)::"r"(0x8000000000000000ull)
                     : "rax", "memory");
}

void ss_check(void)
{
    check_fault(12, true, 0);
}

SCENARIO(ss_stack) = {
    .name = "ss-stack",
    .vector = 12,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .trigger = ss_trigger,
    .check = ss_check,
};

SCENARIO(ss_tss) = {
    .name = "ss-tss",
    .vector = 12,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .page = PAGE_TSS,
    .trigger = ss_trigger,
    .check = ss_check,
};

/* --- #GP(selector): MOV to DS with a selector whose index is beyond the GDT limit raises
 * #GP with the selector (RPL cleared) as error code, and DS keeps its old value (SDM Vol. 2
 * MOV "Protected Mode Exceptions"; 6.13). The fixup reloads DS all the same. --- */
static void gp_sel_trigger(void)
{
    __asm__ volatile("movw %%ds, %%dx\n\t"
                     "movw %0, %%ax\n\t"
                     "1: movw %%ax, %%ds\n\t"
                     "2: movw %%dx, %%ds\n\t" EXTABLE(1b, 2b)::"i"(BAD_SELECTOR)
                     : "rax", "rdx", "memory");
}

static void gp_sel_check(void)
{
    check_fault(13, true, BAD_SELECTOR);
}

SCENARIO(gp_sel_stack) = {
    .name = "gp-sel-stack",
    .vector = 13,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .trigger = gp_sel_trigger,
    .check = gp_sel_check,
};

SCENARIO(gp_sel_idt) = {
    .name = "gp-sel-idt",
    .vector = 13,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .page = PAGE_IDT,
    .trigger = gp_sel_trigger,
    .check = gp_sel_check,
};
