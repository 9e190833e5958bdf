/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lib/traps.S — 256 IDT entry stubs, 16 bytes apart, and the common save/restore path.
 * The vectors that push an error code (ERROR_CODE_VECTORS, lib/error_code_vectors.h: SDM 6.13,
 * Table 6-1) push only the vector; the others push a zero first so that every frame has the
 * same layout (struct trap_frame).
 */
#include "lib/error_code_vectors.h"

	.section .text
	.p2align 4
	.globl	trap_stubs
trap_stubs:
	.set	vec, 0
	.rept	256
	.p2align 4
	.if	!ERROR_CODE_VECTOR(vec)
	pushq	$0
	.endif
	pushq	$vec
	jmp	trap_common
	.set	vec, vec + 1
	.endr

trap_common:
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, %rdi
	cld
	call	trap_handler
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	addq	$16, %rsp
	iretq
