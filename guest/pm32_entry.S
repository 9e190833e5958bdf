/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * guest/pm32_entry.S — pm32_enter(): leave IA-32e mode, run a 32-bit function in legacy
 * protected mode with paging off, come back (guest_run_pm32(), guest/pm32.c).
 *
 * Out: a far return to SEL_CODE32 enters compatibility mode (as guest/compat.S); there, in
 * identity-mapped code, CR0.PG = 0 leaves IA-32e mode (EFER.LMA = 0) and EFER.LME = 0 (SDM
 * 9.8.5.4). Paging stays off: linear = physical. LGDT of the entry GDT (a copy of the 32-bit
 * GDT that nothing perturbs), a far JMP to its 32-bit code segment, data segments, LIDT of the
 * 32-bit IDT, LTR of the 32-bit TSS (which reads its descriptor and marks it busy, SDM Vol. 2
 * LTR); only then LGDT of the row's 32-bit GDT page, which neither LGDT nor the segment loads
 * before it have read (SDM Vol. 2 LGDT: the table itself is not read), so that the first read
 * of that page is the delivery of the row's event (the handler's CS descriptor). CPL3 is
 * entered with SYSEXIT and left with SYSENTER (SDM Vol. 2 SYSENTER/SYSEXIT): both load flat
 * CS and SS without reading the GDT, the TSS or a stack, so the way to user mode and back
 * touches none of the pages a row perturbs.
 * Back (pm32_leave, also where a 32-bit handler gives up): EFER.LME = 1, CR0.PG = 1 (CR4.PAE
 * and CR3 were kept: SDM 9.8.5 steps 1-3) activates IA-32e mode in compatibility mode, LGDT of
 * the 64-bit GDT, a far JMP to SEL_CODE64; then LIDT of the 64-bit IDT, LTR of the 64-bit TSS
 * (its descriptor written available first: it stayed busy, SDM 7.2.2) and the caller's stack,
 * segments, callee-saved registers and RFLAGS.
 */
#include "guest/crossing.inc" /* and lib/desc.h's selectors */
#include "guest/pm32.h"

#define CR0_PG            0x80000000
#define MSR_EFER          0xc0000080
#define EFER_LME          0x100
#define MSR_SYSENTER_CS   0x174
#define MSR_SYSENTER_ESP  0x175
#define MSR_SYSENTER_EIP  0x176
#define TSS_AVAILABLE     0xfd /* the access byte without the busy bit, type bit 1 (SDM 7.2.2) */

	.section .text
	.globl	pm32_enter
	.code64
/* void pm32_enter(uint32_t fn32, uint32_t user_eflags, uint32_t user) */
pm32_enter:
	CALLER_SAVE %ss, %ds, %es
	cli
	movq	%rsp, pm32_saved_rsp(%rip)
	sgdt	pm32_gdt64(%rip)
	sidt	pm32_idt64(%rip)
	movl	%edi, pm32_fn(%rip)
	movl	%esi, pm32_user_eflags(%rip)
	movl	%edx, pm32_user(%rip)
	TO_COMPAT pm32_stack_top, compat

	.code32
compat:	/* IA-32e compatibility mode, identity-mapped code (SDM 9.8.5.4) */
	movl	%cr0, %eax
	andl	$~CR0_PG, %eax
	movl	%eax, %cr0		/* EFER.LMA = 0: legacy protected mode, paging off */
	movl	$MSR_EFER, %ecx
	rdmsr
	andl	$~EFER_LME, %eax
	wrmsr
	andb	$TSS_AVAILABLE, pm32_entry_gdt+PM32_SEL_TSS+5	/* LTR wants it available */
	lgdt	pm32_entry_gdtr
	ljmp	$PM32_SEL_CODE, $legacy
legacy:
	movl	$PM32_SEL_DATA, %eax
	movw	%ax, %ss
	movl	$PM32_SEL_USER_DATA, %ecx
	cmpl	$0, pm32_user
	cmovnel	%ecx, %eax		/* CPL3 code needs DS and ES of DPL 3 */
	movw	%ax, %ds
	movw	%ax, %es
	xorl	%eax, %eax
	movw	%ax, %fs
	movw	%ax, %gs
	lidt	pm32_idtr
	movw	$PM32_SEL_TSS, %ax
	ltr	%ax
	lgdt	pm32_gdtr		/* the row's GDT page, not read until a delivery */
	movl	$pm32_stack_top, %esp
	cmpl	$0, pm32_user
	jne	user
	call	*pm32_fn
	jmp	pm32_leave

user:	/* CPL3: SYSEXIT to fn32 with its return address on the user stack, SYSENTER back */
	xorl	%edx, %edx
	movl	$MSR_SYSENTER_CS, %ecx
	movl	$PM32_SEL_CODE, %eax
	wrmsr
	movl	$MSR_SYSENTER_ESP, %ecx
	movl	$pm32_stack_top, %eax
	wrmsr
	movl	$MSR_SYSENTER_EIP, %ecx
	movl	$pm32_sysenter, %eax
	wrmsr
	movl	$pm32_user_stack_top - 4, %ecx
	movl	$pm32_user_return, (%ecx)
	movl	pm32_fn, %edx
	pushl	pm32_user_eflags
	popfl
	sysexit

	.globl	pm32_user_return
pm32_user_return:			/* CPL3: where fn32 returns */
	sysenter
pm32_sysenter:				/* CPL0, IF = 0 (SDM Vol. 2 SYSENTER) */
	jmp	pm32_leave

	.globl	pm32_leave
pm32_leave:	/* 32-bit CPL0, from fn32's return or a handler that gave up (guest/pm32_traps.S) */
	cli
	movl	$pm32_stack_top, %esp
	movl	$PM32_SEL_DATA, %eax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	cmpl	$0, pm32_user
	je	1f
	xorl	%eax, %eax		/* the SYSENTER MSRs as before: 0 */
	xorl	%edx, %edx
	movl	$MSR_SYSENTER_CS, %ecx
	wrmsr
	movl	$MSR_SYSENTER_ESP, %ecx
	wrmsr
	movl	$MSR_SYSENTER_EIP, %ecx
	wrmsr
1:	movl	$MSR_EFER, %ecx		/* SDM 9.8.5: LME, then PG (PAE and CR3 stayed) */
	rdmsr
	orl	$EFER_LME, %eax
	wrmsr
	movl	%cr0, %eax
	orl	$CR0_PG, %eax
	movl	%eax, %cr0		/* EFER.LMA = 1: compatibility mode */
	lgdt	pm32_gdt64		/* limit and the low 32 bits of the base (below 4 GiB) */
	ljmp	$SEL_CODE64, $long64

	.code64
long64:
	lidt	pm32_idt64(%rip)
	movq	pm32_gdt64+2(%rip), %rax
	andb	$TSS_AVAILABLE, SEL_TSS+5(%rax)
	movw	$SEL_TSS, %ax
	ltr	%ax
	CALLER_RESTORE_RET pm32_saved_rsp, %es, %ds, %ss

	.section .bss
	.p2align 3
pm32_saved_rsp:
	.skip	8
pm32_gdt64:
	.skip	16
pm32_idt64:
	.skip	16
pm32_fn:
	.skip	4
pm32_user_eflags:
	.skip	4
pm32_user:
	.skip	4

	/* stacks: their contents need no reset between rows (lib/kernel.ld, .noreset) */
	.section .noreset, "aw", @nobits
	.p2align 12
	.globl	pm32_stack_top, pm32_user_stack_top
pm32_stack:
	.skip	4096
pm32_stack_top:
pm32_user_stack:
	.skip	4096
pm32_user_stack_top:
