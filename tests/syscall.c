/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests/syscall.c — the SYSCALL/SYSRET boundaries: the single-step #DB after a SYSCALL
 * executed with RFLAGS.TF = 1, and the #GP of a SYSRET to a non-canonical RIP.
 *
 * db-syscall-tf: at CPL3 (guest_run_user(), guest/user.c) POPF sets TF, which takes effect after
 * the next instruction (SDM 17.3.1.4): SYSCALL. SYSCALL loads CS from IA32_STAR, RIP from
 * IA32_LSTAR and clears the RFLAGS bits of IA32_FMASK, TF among them here, and leaves RSP
 * alone (SDM Vol. 2, SYSCALL; SDM 5.8.8). TF was 1 when SYSCALL started, so the
 * single-step trap comes after it: a #DB at CPL0 (saved CS 0x08) whose saved RIP is the
 * first instruction at IA32_LSTAR and whose saved RFLAGS has TF = 0. Its gate uses IST1,
 * whose page is not present in EPT, so the delivery exits; without an IST the CPU would
 * push the frame at the user RSP SYSCALL left in place (no privilege change, SDM 6.14.2),
 * the reason a kernel gives #DB a stack of its own.
 * Why: a trap after an instruction that changed privilege level and stack: dropping it,
 * nothing runs SYSCALL again (the handler at LSTAR runs with TF = 0), so the #DB is lost.
 * Expected: bare, one #DB with DR6.BS, cs=0x08, at guest_syscall_entry, tf=0 in the frame.
 *
 * gp-sysret-noncanonical: SYSRET (64-bit operand size) at CPL0 with RCX non-canonical
 * raises #GP(0) before anything changes (SDM Vol. 2, SYSRET: the RCX check precedes the
 * loads of CS, SS and CPL): the #GP is delivered at CPL0, saved CS 0x08, RIP at the SYSRET,
 * through the gate's stack: IST1 here, not present in EPT; without an IST, the RSP the
 * kernel had loaded, in an OS's return path the user's, at CPL0 (SDM 6.14.2: no privilege
 * change). Completing the return and faulting at CPL3 instead is the other vendor's
 * order, which QEMU TCG follows (tests/scenarios.cfg, bare.qemu).
 * A fault: dropped, SYSRET runs again and faults again.
 */
#include "guest/guest.h"
#include "guest/scenario.h"
#include "guest/trace.h"
#include "lib/x86.h"

extern char guest_syscall_entry[];

/* At CPL3: set TF, then SYSCALL back to the kernel (guest/user_entry.S). */
static void __attribute__((naked)) user_syscall_tf(void)
{
    __asm__ volatile("pushfq\n\t"
                     "orq $0x100, (%rsp)\n\t"
                     "popfq\n\t"
                     "syscall\n\t");
}

static void syscall_tf_trigger(void)
{
    guest_run_user(user_syscall_tf, 0);
}

/* The first event: #DB with DR6.BS (bit 14, SDM 17.2.3), at CPL0, at IA32_LSTAR's target. */
static void syscall_tf_check(void)
{
    const struct event *e = trace_first();
    report(e && e->vector == 1 && (e->dr6 & (1u << 14)) && e->cs == 0x08 &&
               e->rip == (uint64_t)guest_syscall_entry && !e->tf,
           "single-step #DB after SYSCALL at CPL0, at LSTAR, TF masked in the frame");
}

/* EFER.SCE = 1 or SYSRET is #UD (SDM Vol. 2, SYSRET); restored after the row. */
static uint64_t sysret_saved_efer;

static void sysret_setup(void)
{
    sysret_saved_efer = rdmsr(MSR_IA32_EFER);
    wrmsr(MSR_IA32_EFER, sysret_saved_efer | X86_EFER_SCE);
}

static void sysret_trigger(void)
{
    __asm__ volatile("movabsq $0x0000800000000000, %%rcx\n\t"
                     "movq $2, %%r11\n\t"
                     "1: sysretq\n\t"
                     "2:\n\t" EXTABLE(1b, 2b)::
                         : "rcx", "r11", "memory");
}

/* #GP(0) at CPL0 at the SYSRET (in the trigger). */
static void sysret_check(void)
{
    wrmsr(MSR_IA32_EFER, sysret_saved_efer);
    const struct event *e = trace_first();
    report(e && e->vector == 13 && e->has_error && e->error == 0 && e->cs == 0x08,
           "#GP(0) from SYSRET to a non-canonical RIP, at CPL0");
}

SCENARIO(gp_sysret_noncanonical) = {
    .name = "gp-sysret-noncanonical",
    .vector = 13,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .setup = sysret_setup,
    .trigger = sysret_trigger,
    .check = sysret_check,
};

SCENARIO(db_syscall_tf) = {
    .name = "db-syscall-tf",
    .vector = 1,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .trigger = syscall_tf_trigger,
    .check = syscall_tf_check,
};
