/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * guest/noiret.S — guest_resume_without_iret(frame): return from a handler to the
 * interrupted 64-bit CPL0 code without IRET, for rows whose handler must not IRET
 * (HANDLER_NO_IRET, guest/scenario.h): NMI blocking then stays in force until the next IRET
 * (SDM 6.7.1). The interrupted RFLAGS and RIP go below the interrupted RSP (the guest is
 * built without a red zone), every register is restored from the frame (struct trap_frame,
 * lib/desc.h), and POPFQ; RET resumes there.
 */
	.section .text
	.globl	guest_resume_without_iret
guest_resume_without_iret:
	movq	160(%rdi), %rax		/* frame RSP */
	subq	$16, %rax
	movq	136(%rdi), %rcx		/* frame RIP */
	movq	%rcx, 8(%rax)
	movq	152(%rdi), %rcx		/* frame RFLAGS */
	movq	%rcx, 0(%rax)
	movq	%rax, %rsp
	movq	0(%rdi), %r15
	movq	8(%rdi), %r14
	movq	16(%rdi), %r13
	movq	24(%rdi), %r12
	movq	32(%rdi), %r11
	movq	40(%rdi), %r10
	movq	48(%rdi), %r9
	movq	56(%rdi), %r8
	movq	64(%rdi), %rbp
	movq	80(%rdi), %rsi
	movq	88(%rdi), %rdx
	movq	96(%rdi), %rcx
	movq	104(%rdi), %rbx
	movq	112(%rdi), %rax
	movq	72(%rdi), %rdi
	popfq
	ret
