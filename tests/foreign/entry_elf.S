/* SPDX-License-Identifier: BSD-2-Clause */
/* tests/foreign/entry_elf.S — Multiboot 1 header with flags 0 (the loader reads the ELF
 * program headers, Multiboot 1 specification 3.1.3) and the 32-bit entry. */
	.section .multiboot, "a"
	.p2align 2
	.long	0x1badb002
	.long	0
	.long	-0x1badb002

	.text
	.globl	_start
_start:
	movl	$stack_top, %esp
	pushl	%ebx			/* Multiboot information */
	pushl	%eax			/* magic */
	call	kmain
1:	hlt
	jmp	1b

	.bss
	.p2align 4
	.skip	16384
stack_top:
