/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * guest/user_entry.S — the two crossings of guest_run_user() (guest/user.c).
 *
 * guest_user_enter(frame): saves the callee-saved registers, DS, ES and RFLAGS on the
 * kernel stack, remembers RSP, and IRETQs through `frame` (RIP, CS, RFLAGS, RSP, SS, in
 * stack order) to CPL3 (SDM Vol. 2, IRET: return to outer privilege level; DS and ES,
 * whose DPL is below the new CPL, become null).
 * guest_user_exit: the return address of the user function, at CPL3: SYSCALL.
 * guest_syscall_entry: IA32_LSTAR. SYSCALL loads CS and SS from IA32_STAR and leaves RSP
 * alone (SDM Vol. 2, SYSCALL): back on the saved kernel stack, restore, return to the
 * caller of guest_user_enter.
 */
#include "guest/crossing.inc"

	.section .text
	.globl	guest_user_enter
guest_user_enter:
	CALLER_SAVE %ds, %es
	movq	%rsp, user_kernel_rsp(%rip)
	pushq	32(%rdi)		/* SS */
	pushq	24(%rdi)		/* RSP */
	pushq	16(%rdi)		/* RFLAGS */
	pushq	8(%rdi)			/* CS */
	pushq	0(%rdi)			/* RIP */
	iretq

	.globl	guest_user_exit
guest_user_exit:
	syscall

	.globl	guest_syscall_entry
guest_syscall_entry:
	CALLER_RESTORE_RET user_kernel_rsp, %es, %ds

	.section .bss
	.p2align 3
user_kernel_rsp:
	.skip	8
