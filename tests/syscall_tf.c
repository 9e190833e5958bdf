/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests/syscall_tf.c — the single-step #DB after a SYSCALL executed with RFLAGS.TF = 1.
 *
 * What: at CPL3 (guest_run_user(), guest/user.c) POPF sets TF, which takes effect after the
 * next instruction (SDM 17.3.1.4): SYSCALL. SYSCALL loads CS from IA32_STAR, RIP from
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

SCENARIO(db_syscall_tf) = {
    .name = "db-syscall-tf",
    .vector = 1,
    .perturb = PERTURB_EPT_NOT_PRESENT,
    .trigger = syscall_tf_trigger,
    .check = syscall_tf_check,
};
