/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * boot/boot.S — a 512-byte floppy boot sector that starts a Multiboot 1 kernel which Bochs
 * itself has already placed at 1 MiB (bochsrc `optramimage1`; docs/emulators.md, "Booting
 * on Bochs").
 *
 * Real mode: enable A20 (port 0x92), load a flat GDT, enter 32-bit protected mode; then find
 * the Multiboot header in the first 8 KiB of the image and jump to its a.out-kludge entry
 * address with EAX = 0x2BADB002 and EBX = a Multiboot information block with no flags set
 * (Multiboot 1 specification, section 3.2 "Machine state").
 */
	.code16
	.section .text
	.globl _start
_start:
	cli
	xorw	%ax, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	$0x7c00, %sp
	inb	$0x92, %al		/* "fast A20" through system control port A */
	orb	$2, %al
	andb	$0xfe, %al
	outb	%al, $0x92
	lgdtl	gdt_desc
	movl	%cr0, %eax
	orl	$1, %eax		/* CR0.PE */
	movl	%eax, %cr0
	ljmpl	$0x08, $pm32

	.code32
pm32:
	movw	$0x10, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	%ax, %fs
	movw	%ax, %gs
	movl	$0x7c00, %esp
	movl	$0x100000, %esi
1:	cmpl	$0x1badb002, (%esi)	/* Multiboot 1 header magic */
	je	2f
	addl	$4, %esi
	cmpl	$0x102000, %esi
	jb	1b
	movl	$nohdr, %esi		/* no kernel: say so on both consoles, end the emulator */
	movw	$0x3f8, %dx		/* COM1 transmit register: the runner reads COM1 */
3:	lodsb
	testb	%al, %al
	jz	4f
	outb	%al, $0xe9
	outb	%al, %dx
	jmp	3b
4:	movl	$shutdown, %esi		/* "Shutdown" to port 0x8900 ends Bochs (docs/emulators.md) */
	movw	$0x8900, %dx
5:	lodsb
	testb	%al, %al
	jz	4b			/* written whole: start again until Bochs is gone */
	outb	%al, %dx
	jmp	5b
2:	movl	28(%esi), %ecx		/* entry_addr (a.out kludge, flags bit 16) */
	movl	$0x2badb002, %eax
	movl	$mbinfo, %ebx
	jmp	*%ecx

	.p2align 3
gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08: 32-bit code, flat */
	.quad	0x00cf92000000ffff	/* 0x10: data, flat */
gdt_desc:
	.word	gdt_desc - gdt - 1
	.long	gdt
	.p2align 2
mbinfo:
	.long	0			/* flags: no fields present */
nohdr:
	.asciz	"boot: no Multiboot header at 1 MiB\n"
shutdown:
	.asciz	"Shutdown"

	.org	510
	.word	0xaa55
