/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lib/entry.S — Multiboot 1 header and the 32-bit entry shared by hv/ and guest/.
 *
 * Entered in 32-bit protected mode with paging off (Multiboot 1 machine state): zero .bss,
 * identity-map the first 4 GiB with 2 MiB pages (SDM 4.5, IA-32e paging; PCD|PWT above
 * 3 GiB where the local APIC lives), enable PAE, EFER.LME and paging (SDM 9.8.5,
 * "Initializing IA-32e Mode"), load a 64-bit code segment and call kernel_main(magic, info).
 */
#define MB_MAGIC	0x1badb002
#define MB_FLAGS	0x00010000	/* bit 16: a.out kludge address fields are valid */
#define MSR_EFER	0xc0000080

	.section .multiboot, "a"
	.p2align 2
mb_header:
	.long	MB_MAGIC
	.long	MB_FLAGS
	.long	-(MB_MAGIC + MB_FLAGS)
	.long	mb_header		/* header_addr */
	.long	__image_start		/* load_addr */
	.long	__load_end		/* load_end_addr */
	.long	__bss_end		/* bss_end_addr */
	.long	_start32		/* entry_addr */

	.section .text.entry, "ax"
	.code32
	.globl	_start32
_start32:
	cli
	movl	%eax, %esi		/* Multiboot magic */
	movl	%ebx, %ebp		/* Multiboot information */
	movl	$__bss_start, %edi	/* optramimage does not zero .bss: do it */
	movl	$__bss_end, %ecx
	subl	%edi, %ecx
	xorl	%eax, %eax
	cld
	rep stosb

	/* PML4[0] -> PDPT; PDPT[0..3] -> PD[0..3]; PD entries map 2 MiB each. */
	movl	$boot_pdpt, %eax
	orl	$0x3, %eax
	movl	%eax, boot_pml4
	xorl	%ecx, %ecx
1:	movl	%ecx, %eax
	shll	$12, %eax
	addl	$boot_pd, %eax
	orl	$0x3, %eax
	movl	%eax, boot_pdpt(,%ecx,8)
	incl	%ecx
	cmpl	$4, %ecx
	jb	1b
	xorl	%ecx, %ecx
2:	movl	%ecx, %eax
	shll	$21, %eax
	orl	$0x83, %eax		/* P | RW | PS */
	cmpl	$1536, %ecx		/* >= 3 GiB: uncached (APIC, I/O APIC) */
	jb	3f
	orl	$0x18, %eax		/* PWT | PCD */
3:	movl	%eax, boot_pd(,%ecx,8)
	incl	%ecx
	cmpl	$2048, %ecx
	jb	2b

	movl	%cr4, %eax
	orl	$0x20, %eax		/* CR4.PAE */
	movl	%eax, %cr4
	movl	$boot_pml4, %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$0x100, %eax		/* EFER.LME */
	wrmsr
	movl	%cr0, %eax
	orl	$0x80000021, %eax	/* CR0.PG | CR0.NE | CR0.PE */
	movl	%eax, %cr0
	lgdt	boot_gdt_desc
	ljmp	$0x08, $start64

	.code64
start64:
	movw	$0x10, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	xorw	%ax, %ax
	movw	%ax, %fs
	movw	%ax, %gs
	movq	$boot_stack_top, %rsp
	movl	%esi, %edi		/* kernel_main(magic, info) */
	movl	%ebp, %esi
	call	kernel_main
4:	hlt
	jmp	4b

	.section .rodata
	.p2align 3
boot_gdt:
	.quad	0
	.quad	0x00af9a000000ffff	/* 0x08: 64-bit code */
	.quad	0x00cf92000000ffff	/* 0x10: data */
boot_gdt_desc:
	.word	boot_gdt_desc - boot_gdt - 1
	.long	boot_gdt

	.section .bss
	.p2align 12
	.globl	boot_pml4
boot_pml4:	.skip	4096
boot_pdpt:	.skip	4096
	.globl	boot_pd
boot_pd:	.skip	4 * 4096

	/* the stack kernel_main runs on: not restored between the rows of a batch (lib/kernel.ld) */
	.section .noreset, "aw", @nobits
	.p2align 12
	.globl	boot_stack_top
boot_stack:	.skip	16384
boot_stack_top:
