/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * guest/row_jmp.S — row_setjmp / row_longjmp: the end of a row (guest_finish(), from
 * wherever the row called it) returns to the batch loop of guest/batch.c. Saves what the
 * System V AMD64 ABI makes callee-saved (RBX, RBP, R12-R15), RSP and the return address.
 */
	.section .text
	.globl	row_setjmp
row_setjmp:			/* int row_setjmp(uint64_t buf[8]): 0 now, 1 from row_longjmp */
	movq	%rbx, 0(%rdi)
	movq	%rbp, 8(%rdi)
	movq	%r12, 16(%rdi)
	movq	%r13, 24(%rdi)
	movq	%r14, 32(%rdi)
	movq	%r15, 40(%rdi)
	leaq	8(%rsp), %rax
	movq	%rax, 48(%rdi)
	movq	(%rsp), %rax
	movq	%rax, 56(%rdi)
	xorl	%eax, %eax
	ret

	.globl	row_longjmp
row_longjmp:			/* noreturn void row_longjmp(const uint64_t buf[8]) */
	movq	0(%rdi), %rbx
	movq	8(%rdi), %rbp
	movq	16(%rdi), %r12
	movq	24(%rdi), %r13
	movq	32(%rdi), %r14
	movq	40(%rdi), %r15
	movq	48(%rdi), %rsp
	movl	$1, %eax
	jmpq	*56(%rdi)
