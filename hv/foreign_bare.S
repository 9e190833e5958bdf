/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hv/foreign_bare.S — the end of a bare foreign run (docs/foreign-guests.md): hv/ acted as
 * a Multiboot 1 loader only and now hands the machine to the kernel without VMX.
 *
 * hv/multiboot_load.c copies this code below 1 MiB (BARE_TRAMPOLINE_PA, identity-mapped)
 * and calls it as void f(uint32_t copies, uint32_t n, uint32_t entry, uint32_t mbi): the
 * copies may overwrite hv/ itself. Position-independent. It leaves IA-32e mode as SDM
 * 9.8.5.4 says (compatibility mode, CR0.PG = 0, then EFER.LME = 0), runs the copies
 * (struct load_copy: dst, src, len, zero), and enters the kernel in the Multiboot 1
 * machine state: flat 32-bit segments, paging off, IF = 0, EAX = 0x2BADB002, EBX = info.
 */
	.section .rodata
	.p2align 4
	.code64
	.globl	foreign_bare_start
foreign_bare_start:
	cli
	movl	%ecx, %ebx		/* Multiboot information */
	movl	%esi, %ebp		/* number of copies */
	movl	%edi, %esi		/* the copies */
	movl	$0x7000, %esp		/* below the trampoline, above the copies */
	movl	%edx, %eax
	pushq	%rax			/* entry, read back in 32-bit code */
	leaq	tgdt(%rip), %rax
	movq	%rax, tgdt_base(%rip)
	lgdt	tgdt_desc(%rip)
	pushq	$0x08
	leaq	2f(%rip), %rax
	pushq	%rax
	lretq				/* to compatibility mode: CS = 32-bit code (SDM 9.8.5.4 step 1) */

	.code32
2:	movw	$0x10, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	%ax, %fs
	movw	%ax, %gs
	movl	%cr0, %eax
	andl	$0x7fffffff, %eax	/* CR0.PG = 0: IA32_EFER.LMA becomes 0 (step 2) */
	movl	%eax, %cr0
	xorl	%eax, %eax
	movl	%eax, %cr3
	movl	%eax, %cr4		/* PAE off: paging stays off (Multiboot 1 machine state) */
	movl	$0xc0000080, %ecx	/* IA32_EFER.LME = 0 (step 4) */
	rdmsr
	andl	$~0x100, %eax
	wrmsr
	cld
3:	testl	%ebp, %ebp
	jz	4f
	movl	0(%esi), %edi		/* dst */
	movl	8(%esi), %ecx		/* len */
	pushl	%esi
	movl	4(%esi), %esi		/* src */
	rep movsb
	popl	%esi
	movl	12(%esi), %ecx		/* zero: .bss after the file bytes */
	xorl	%eax, %eax
	rep stosb
	addl	$16, %esi
	decl	%ebp
	jmp	3b
4:	movl	(%esp), %ecx		/* entry */
	movl	$0x2badb002, %eax
	jmp	*%ecx

	.p2align 3
tgdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08: 32-bit code, flat */
	.quad	0x00cf92000000ffff	/* 0x10: data, flat */
tgdt_desc:
	.word	23
tgdt_base:
	.quad	0
	.globl	foreign_bare_end
foreign_bare_end:
