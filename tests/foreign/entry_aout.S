/* SPDX-License-Identifier: BSD-2-Clause */
/* tests/foreign/entry_aout.S — Multiboot 1 header with the a.out kludge (flags bit 16,
 * specification 3.1.3): the loader takes the addresses from here, not from ELF headers
 * (the image is a flat binary). load_end_addr stops before `bss_marker`, bytes the file
 * holds but the loader must not load: .bss up to bss_end_addr must read as zeros. */
	.section .multiboot, "a"
	.p2align 2
mb_header:
	.long	0x1badb002
	.long	0x00010000
	.long	-(0x1badb002 + 0x00010000)
	.long	mb_header		/* header_addr */
	.long	__image_start		/* load_addr */
	.long	__load_end		/* load_end_addr */
	.long	__bss_end		/* bss_end_addr */
	.long	_start			/* entry_addr */

	.text
	.globl	_start
_start:
	movl	$stack_top, %esp
	pushl	%ebx
	pushl	%eax
	call	kmain
1:	hlt
	jmp	1b

	.section .bss_marker, "aw"
	.globl	bss_marker
bss_marker:
	.fill	256, 1, 0xa5		/* in the file, past load_end_addr: must not be loaded */

	.bss
	.p2align 4
	.skip	16384
stack_top:
