/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hv/vmx_run.S — VMLAUNCH/VMRESUME with the guest's general-purpose registers, and the
 * VM-exit entry point (HOST_RIP). The VMCS holds RSP, RIP and RFLAGS (SDM 24.4.1); the
 * other registers are swapped here. A VM exit loads HOST_RSP, which points at the saved
 * host registers and the guest_regs pointer (SDM 27.5.3).
 */
#define HOST_RSP 0x6c14

	.text
	.globl	vmx_run
vmx_run:			/* int vmx_run(struct guest_regs *regs, int launched) */
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	pushq	%rdi		/* regs, found again at 0(%rsp) after the exit */
	movq	$HOST_RSP, %rax
	vmwrite	%rsp, %rax
	jbe	fail_before_entry
	movl	%esi, %eax	/* launched? */
	movq	%rdi, %rsi
	testl	%eax, %eax
	movq	0*8(%rsi), %rax
	movq	1*8(%rsi), %rbx
	movq	2*8(%rsi), %rcx
	movq	3*8(%rsi), %rdx
	movq	5*8(%rsi), %rdi
	movq	6*8(%rsi), %rbp
	movq	7*8(%rsi), %r8
	movq	8*8(%rsi), %r9
	movq	9*8(%rsi), %r10
	movq	10*8(%rsi), %r11
	movq	11*8(%rsi), %r12
	movq	12*8(%rsi), %r13
	movq	13*8(%rsi), %r14
	movq	14*8(%rsi), %r15
	movq	4*8(%rsi), %rsi	/* last: rsi was the pointer; flags from testl survive movs */
	jnz	1f
	vmlaunch
	jmp	entry_failed
1:	vmresume
entry_failed:			/* fall-through: VMfailInvalid (CF) or VMfailValid (ZF) */
	movl	$1, %eax
	jc	2f
	movl	$2, %eax
2:	popq	%rdi
	jmp	restore_host

fail_before_entry:		/* the VMWRITE of HOST_RSP failed: nothing was entered */
	movl	$3, %eax
	popq	%rdi
	jmp	restore_host

	.globl	vmx_exit_entry
vmx_exit_entry:
	pushq	%rsi
	movq	8(%rsp), %rsi	/* regs */
	movq	%rax, 0*8(%rsi)
	movq	%rbx, 1*8(%rsi)
	movq	%rcx, 2*8(%rsi)
	movq	%rdx, 3*8(%rsi)
	popq	%rax
	movq	%rax, 4*8(%rsi)
	movq	%rdi, 5*8(%rsi)
	movq	%rbp, 6*8(%rsi)
	movq	%r8, 7*8(%rsi)
	movq	%r9, 8*8(%rsi)
	movq	%r10, 9*8(%rsi)
	movq	%r11, 10*8(%rsi)
	movq	%r12, 11*8(%rsi)
	movq	%r13, 12*8(%rsi)
	movq	%r14, 13*8(%rsi)
	movq	%r15, 14*8(%rsi)
	popq	%rdi
	xorl	%eax, %eax
restore_host:
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
