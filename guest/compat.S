/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * guest/compat.S — guest_run_compat(fn32): run 32-bit code in IA-32e compatibility mode and
 * come back to 64-bit mode (guest/guest.h).
 *
 * The 64-bit guest enters compatibility mode by a far return to SEL_CODE32, a code segment
 * with L=0 and D=1 (SDM 5.2.1, Table 5-1; Vol. 2 RET far), on a one-page stack below 4 GiB
 * (compatibility mode uses ESP, SDM 3.2.4.1), with SS and DS the flat data segment (in
 * compatibility mode segmentation applies to them, SDM 3.4.4). There fn32, a 32-bit function
 * (.code32), is called with a 32-bit CALL; when it returns, a far JMP to SEL_CODE64 (JMP
 * ptr16:32 is valid in compatibility mode, Vol. 2 JMP) leaves the mode and restores the
 * caller's stack and registers. Events raised by fn32 are delivered through the 64-bit IDT
 * to 64-bit handlers and IRETQ returns to compatibility mode (SDM 6.14, 6.14.1); a fault
 * resumes at fn32's EXTABLE fixup, which holds its 32-bit address zero-extended.
 */
#include "guest/crossing.inc" /* and lib/desc.h's selectors */

	.section .text
	.globl	guest_run_compat
	.code64
guest_run_compat:
	CALLER_SAVE %ss, %ds, %es
	movq	%rsp, compat_saved_rsp(%rip)
	TO_COMPAT compat_stack_top, compat_entry

	.code32
compat_entry:
	call	*%edi			/* fn32: the low 32 bits of the first argument */
	ljmp	$SEL_CODE64, $compat_exit

	.code64
compat_exit:
	CALLER_RESTORE_RET compat_saved_rsp, %es, %ds, %ss

	.section .bss
	.p2align 12
compat_stack:
	.skip	4096
compat_stack_top:
	.p2align 3
compat_saved_rsp:
	.skip	8
