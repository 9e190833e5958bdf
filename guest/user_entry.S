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
	.section .text
	.globl	guest_user_enter
guest_user_enter:
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movw	%ds, %ax
	pushq	%rax
	movw	%es, %ax
	pushq	%rax
	pushfq
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
	movq	user_kernel_rsp(%rip), %rsp
	popfq
	popq	%rax
	movw	%ax, %es
	popq	%rax
	movw	%ax, %ds
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	ret

	.section .bss
	.p2align 3
user_kernel_rsp:
	.skip	8
