/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests/debug.c — trap-class #DB: single-step (RFLAGS.TF).
 *
 * What: the single-step #DB after `nop`, with the #DB handler's IST stack page not present
 * in EPT. Why: the instruction already retired; re-execution starts after it and raises
 * nothing, so a policy that drops hardware exceptions loses the trap (docs/cases.md #1).
 * Expected bare result: one #DB with DR6.BS set, saved RIP after the `nop`.
 */
#include "guest/guest.h"
#include "guest/scenario.h"
#include "guest/trace.h"
#include "tests/triggers.h"
#include "lib/x86.h"

/* TF set by POPF takes effect after the next instruction (SDM 17.3.1.4). */
void trigger_single_step(void)
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
    .trigger = trigger_single_step,
};

/* TF set by POPF is in effect for CPUID, which exits to hv/ and is emulated there: the
 * single-step #DB after it is the hypervisor's to raise; nothing in hardware will raise it
 * again if it is dropped (docs/cases.md #2). */
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
 * before the #DB, so re-executing from the saved RIP never raises it again (docs/cases.md #1).
 * hv/ keeps the guest's DR7 across exits through the debug-controls VM-exit/VM-entry
 * controls. */
static volatile uint64_t watched __attribute__((aligned(8)));

#define DR7_L0        (1ul << 0)
#define DR7_RW0_WRITE (1ul << 16)
#define DR7_RW0_IO    (2ul << 16) /* with CR4.DE = 1 (SDM 17.2.4) */
#define DR7_LEN0_8    (2ul << 18)
#define DR7_FIXED     0x400ul

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

/* An I/O breakpoint (DR0 = port, R/W0 = 10, CR4.DE = 1; SDM 17.2.4) on an OUT. The OUT exits
 * to hv/, which emulates it: the trap #DB with DR6.B0 after it is the hypervisor's to raise,
 * as for the single-step of db-cpuid-tf; that #DB's delivery exits. The port is COM1's
 * scratch register, which nothing reads. Expected bare result: one #DB, B0 set, at the
 * instruction after the OUT. */
#define IO_BP_PORT 0x3ff

static void io_bp_setup(void)
{
    write_cr4(read_cr4() | X86_CR4_DE);
}

static void io_bp_trigger(void)
{
    __asm__ volatile("mov %0, %%dr0\n\t"
                     "mov %1, %%dr7\n\t"
                     "outb %%al, %%dx\n\t"
                     "nop\n\t"
                     "mov %2, %%dr7\n\t" ::"r"((uint64_t)IO_BP_PORT),
                     "r"(DR7_L0 | DR7_RW0_IO | DR7_FIXED), "r"(DR7_FIXED), "a"(0), "d"(IO_BP_PORT)
                     : "memory");
}

static void io_bp_check(void)
{
    report(trace_find(1) != 0, "the I/O breakpoint raised #DB");
}

SCENARIO(db_io_bp) = {
    .name = "db-io-bp",
    .vector = 1,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .setup = io_bp_setup,
    .trigger = io_bp_trigger,
    .check = io_bp_check,
};

/* An instruction breakpoint on CPUID (R/W0 = 00; SDM 17.2.4): #DB (a fault) before CPUID; the
 * handler returns with RF = 1 so that CPUID can run (SDM 17.3.1.1), and RF is cleared when
 * CPUID completes. Under hv/ CPUID exits with RF = 1 in the guest's RFLAGS and hv/ emulates
 * it: it must clear RF as the CPU would, or the INT3 that follows pushes RF = 1. The #BP's
 * delivery exits (IST stack page not present in EPT). Expected bare result: #DB at CPUID,
 * then #BP after INT3 with rf=0. */
static void rf_cpuid_trigger(void)
{
    __asm__ volatile("lea 1f(%%rip), %%rax\n\t"
                     "mov %%rax, %%dr0\n\t"
                     "mov %0, %%dr7\n\t"
                     "xorl %%eax, %%eax\n\t"
                     "xorl %%ecx, %%ecx\n\t"
                     "1: cpuid\n\t"
                     "int3\n\t"
                     "mov %1, %%dr7\n\t" ::"r"(DR7_L0 | DR7_FIXED),
                     "r"(DR7_FIXED)
                     : "rax", "rbx", "rcx", "rdx", "memory");
}

SCENARIO(bp_rf_cpuid) = {
    .name = "bp-rf-cpuid",
    .vector = 3,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .trigger = rf_cpuid_trigger,
};

/* General detect (DR7.GD = 1; SDM 17.2.4): the next MOV to or from a debug register raises
 * #DB as a fault with DR6.BD, and delivering it clears GD so that the handler can use the
 * debug registers. hv/ intercepts #DB: its reflection must clear GD as delivery would, or
 * the handler's own DR6 write faults again and again. The #DB's delivery exits (IST stack
 * page not present in EPT). Expected bare result: one #DB, BD set, at the MOV. */
#define DR7_GD (1ul << 13)

static void general_detect_trigger(void)
{
    __asm__ volatile("mov %0, %%dr7\n\t"
                     "mov %1, %%dr0\n\t"
                     "mov %2, %%dr7\n\t" ::"r"(DR7_GD | DR7_FIXED),
                     "r"(0ul), "r"(DR7_FIXED)
                     : "memory");
}

SCENARIO(db_general_detect) = {
    .name = "db-general-detect",
    .vector = 1,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .trigger = general_detect_trigger,
};
