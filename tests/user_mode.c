/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests/user_mode.c — events raised at CPL3 (guest_run_user(), guest/user.c).
 *
 * What: each row's trigger runs a few instructions at CPL3 that raise one event. Its
 * delivery goes to a DPL 0 handler, a change of privilege level, so the CPU switches
 * stacks: to TSS.RSP0 when the gate has no IST (.no_ist, PAGE_RSP0), else to IST1 (SDM
 * 6.14.4, 6.14.5). That stack's page is not present in EPT, so the delivery exits with the
 * event in IDT-vectoring information.
 * Why: hypervisor developers argue about events from user mode: a dropped fault
 * re-executes at CPL3 (privilege checks, alignment checks and U/S are evaluated again), a
 * re-injected software interrupt must pass the gate's DPL check again at VM entry (SDM
 * 26.5.1.1), and the user instruction is where RIP points when the delivery exits.
 * Expected bare result: one event with cs=0x33 (the user code segment, RPL 3), saved RIP
 * at the faulting user instruction (after the INT for INT n); the fault resumes at its
 * EXTABLE fixup, at CPL3, and the user function returns.
 */
#include "guest/guest.h"
#include "guest/scenario.h"
#include "guest/trace.h"
#include "lib/desc.h"
#include "lib/x86.h"

#define INT_N 0x80

/* The first recorded event is `vector` and came from CPL3 (saved CS has RPL 3, SDM 6.14.2):
 * a CPU that raises nothing (QEMU TCG and #AC) is FAILED, not an empty reference. */
static void check_one_from_user(uint8_t vector)
{
    const struct event *e = trace_first();
    report(e && e->vector == vector && (e->cs & 3) == 3, "vector %u delivered from CPL3", vector);
}

/* CLI at CPL3 with IOPL 0 (and CR4.VME/PVI clear) raises #GP(0) (SDM Vol. 2, CLI; 6.15
 * "Interrupt 13"). */
static void user_cli(void)
{
    __asm__ volatile("1: cli\n\t"
                     "2:\n\t" EXTABLE(1b, 2b)::
                         : "memory");
}

static void gp_user_trigger(void)
{
    guest_run_user(user_cli, 0);
}

static void gp_user_check(void)
{
    check_one_from_user(13);
}

SCENARIO(gp_user_rsp0) = {
    .name = "gp-user-rsp0",
    .vector = 13,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .page = PAGE_RSP0,
    .no_ist = 1,
    .trigger = gp_user_trigger,
    .check = gp_user_check,
};

SCENARIO(gp_user_ist) = {
    .name = "gp-user-ist",
    .vector = 13,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .page = PAGE_STACK,
    .trigger = gp_user_trigger,
    .check = gp_user_check,
};

/* INT n from CPL3 through a DPL 3 gate: a software interrupt (type 4), delivered to CPL0
 * on TSS.RSP0; the saved RIP is the next instruction (SDM 6.4.2, Vol. 2 INT n). */
static void user_int_n(void)
{
    __asm__ volatile("int %0" ::"i"(INT_N) : "memory");
}

static void int_n_user_setup(void)
{
    idt_set_dpl(INT_N, 3);
}

static void int_n_user_trigger(void)
{
    guest_run_user(user_int_n, 0);
}

static void int_n_user_check(void)
{
    idt_set_dpl(INT_N, 0);
    check_one_from_user(INT_N);
}

SCENARIO(int_n_user) = {
    .name = "int-n-user",
    .vector = INT_N,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .page = PAGE_RSP0,
    .no_ist = 1,
    .setup = int_n_user_setup,
    .trigger = int_n_user_trigger,
    .check = int_n_user_check,
};

/* INT n from CPL3 through a DPL 0 gate fails the gate's DPL check: #GP(n*8+2), IDT bit
 * set, EXT clear, saved RIP at the INT (SDM 6.12.1.1, 6.13). The #GP's delivery exits. */
static void user_int_n_dpl0(void)
{
    __asm__ volatile("1: int %0\n\t"
                     "2:\n\t" EXTABLE(1b, 2b)::"i"(INT_N)
                     : "memory");
}

static void int_n_user_gp_trigger(void)
{
    guest_run_user(user_int_n_dpl0, 0);
}

static void int_n_user_gp_check(void)
{
    check_one_from_user(13);
    report(trace_count() && trace_at(0)->error == INT_N * 8 + 2, "#GP error code is n*8+2");
}

SCENARIO(int_n_user_gp) = {
    .name = "int-n-user-gp",
    .vector = 13,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .page = PAGE_RSP0,
    .no_ist = 1,
    .trigger = int_n_user_gp_trigger,
    .check = int_n_user_gp_check,
};

/* With CR0.AM=1 and RFLAGS.AC=1, a 4-byte load from an address that is not a multiple of
 * 4 at CPL3 raises #AC(0) (SDM 6.15 "Interrupt 17", Table 6-7). hv/ always intercepts #AC
 * and reflects it (docs/hv.md): the delivery perturbed is that of the reflected #AC. */
static uint32_t ac_words[2] __attribute__((aligned(8)));

static void user_unaligned_load(void)
{
    __asm__ volatile("1: movl (%0), %%eax\n\t"
                     "2:\n\t" EXTABLE(1b, 2b)::"r"((char *)ac_words + 1)
                     : "rax", "memory");
}

static void ac_user_trigger(void)
{
    write_cr0(read_cr0() | X86_CR0_AM);
    guest_run_user(user_unaligned_load, X86_RFLAGS_AC);
    write_cr0(read_cr0() & ~X86_CR0_AM);
}

static void ac_user_check(void)
{
    check_one_from_user(17);
}

SCENARIO(ac_user) = {
    .name = "ac-user",
    .vector = 17,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .page = PAGE_RSP0,
    .no_ist = 1,
    .trigger = ac_user_trigger,
    .check = ac_user_check,
};

/* A user-mode load from a present supervisor page raises #PF with error code P|U/S (read),
 * CR2 the address (SDM 4.6.1, 4.7). */
static void user_load_supervisor(void)
{
    __asm__ volatile("1: movq (%0), %%rax\n\t"
                     "2:\n\t" EXTABLE(1b, 2b)::"r"(GUEST_SUPERVISOR_VA)
                     : "rax", "memory");
}

static void pf_user_trigger(void)
{
    guest_run_user(user_load_supervisor, 0);
}

static void pf_user_check(void)
{
    check_one_from_user(14);
    report(trace_count() && trace_at(0)->error == 0x5, "#PF error code is P|U/S (0x5)");
}

SCENARIO(pf_user) = {
    .name = "pf-user",
    .vector = 14,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .page = PAGE_RSP0,
    .no_ist = 1,
    .trigger = pf_user_trigger,
    .check = pf_user_check,
};
