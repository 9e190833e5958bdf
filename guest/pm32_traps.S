/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * guest/pm32_traps.S — the handlers of the 32-bit environment (guest_run_pm32(), guest/pm32.c).
 *
 * 256 stubs, 16 bytes apart, for the 32-bit IDT's interrupt gates (SDM 6.11, 6.12.1): those
 * of the vectors that push an error code (ERROR_CODE_VECTORS, lib/error_code_vectors.h: SDM
 * 6.13, Table 6-1) push only the vector, the others a zero first, so that every frame has one layout. The common
 * handler does in 32-bit code what guest/traps.c does in 64-bit code, recording into
 * pm32_records (guest/pm32.c turns them into trace events after the return to 64-bit mode):
 * vector, error code, EIP, CS and EFLAGS as saved in the frame (SDM 6.12.1, Figure 6-4),
 * DR6 and DR7 for #DB, how many handlers run (nest), the local APIC's highest vector in
 * service and pending (SDM 10.8.4) and TR. Then: EOI for an interrupt in service (SDM
 * 10.8.5) unless the row says HANDLER_NO_EOI; for #DB, TF cleared in the frame (unless
 * HANDLER_KEEP_TF), RF set (SDM 17.3.1.1) and DR6 cleared (SDM 17.2.3); traps, NMIs,
 * interrupts and faults raised delivering an external event (EXT, SDM 6.13) return; a fault
 * resumes at its EXTABLE fixup (the 32-bit address, zero-extended); anything else, and an
 * event storm, gives up: pm32_abort_reason says why and the environment is left at once
 * (guest/pm32_entry.S, pm32_leave), where guest/pm32.c ends the row as FAILURE.
 * The handler tasks of task gates (pm32_task_entry) record the same from the interrupted
 * task's TSS (SDM 7.3: the processor saved its state there) and return with IRET, which,
 * NT being set, switches back through the previous-task link (SDM 7.4).
 */
#include "guest/pm32.h"
#include "lib/error_code_vectors.h"

#define APIC_BASE   0xfee00000
#define APIC_EOI    0xb0
#define APIC_ISR    0x100
#define APIC_IRR    0x200
#define EFLAGS_TF   0x100
#define EFLAGS_RF   0x10000
#define DR6_RESET   0xffff0ff0
#define F_VECTOR    32 /* the frame above PUSHAL's eight registers */
#define F_ERROR     36
#define F_EIP       40
#define F_CS        44
#define F_EFLAGS    48

/* The interrupted code's EIP, CS (the 16-bit selector only, as the EV line shows it) and
 * EFLAGS into the record at %esi: from the frame (SDM 6.12.1, Figure 6-4) or from a TSS
 * (SDM 7.2.1). Clobbers %eax. */
	.macro	RECORD_STATE eip, cs, eflags
	movl	\eip, %eax
	movl	%eax, PM32_REC_EIP(%esi)
	movzwl	\cs, %eax
	movl	%eax, PM32_REC_CS(%esi)
	movl	\eflags, %eax
	movl	%eax, PM32_REC_EFLAGS(%esi)
	.endm

	.section .text
	.code32
	.p2align 4
	.globl	pm32_stubs
pm32_stubs:
	.set	vec, 0
	.rept	256
	.p2align 4
	.if	!ERROR_CODE_VECTOR(vec)
	pushl	$0
	.endif
	pushl	$vec
	jmp	pm32_common
	.set	vec, vec + 1
	.endr

/* %eax = the highest vector set in the APIC register array at APIC_BASE + %edi (ISR or
 * IRR: eight 32-bit registers 16 bytes apart, SDM 10.8.4), 0 when none. Clobbers %ecx. */
apic_highest:
	movl	$7, %ecx
1:	movl	%ecx, %eax
	shll	$4, %eax
	addl	%edi, %eax
	movl	APIC_BASE(%eax), %eax
	testl	%eax, %eax
	jnz	2f
	decl	%ecx
	jnz	1b			/* register 0 (vectors 0-31) holds none */
	xorl	%eax, %eax
	ret
2:	bsrl	%eax, %eax
	shll	$5, %ecx
	addl	%ecx, %eax
	ret

/* %eax = the EXTABLE fixup of the faulting EIP in %eax, 0 when it has none (lib/kernel.ld,
 * guest/guest.h EXTABLE: 16-byte entries, the 64-bit address and then the fixup's; a 32-bit
 * address is zero-extended). Clobbers %esi. */
extable_find:
	movl	$__extable_start, %esi
1:	cmpl	$__extable_end, %esi
	jae	3f
	cmpl	%eax, 0(%esi)
	jne	2f
	cmpl	$0, 4(%esi)
	jne	2f
	movl	8(%esi), %eax
	ret
2:	addl	$16, %esi
	jmp	1b
3:	xorl	%eax, %eax
	ret

/* CF = the ISR bit of vector %ebx (SDM 10.8.4). Clobbers %eax, %ecx. */
apic_in_service:
	movl	%ebx, %ecx
	shrl	$5, %ecx
	shll	$4, %ecx
	movl	APIC_BASE+APIC_ISR(%ecx), %eax
	btl	%ebx, %eax		/* bit (vector mod 32) */
	ret

/* A new record at %esi with vector %ebx and nest, DR6/DR7 (#DB), ISR, IRR and TR filled;
 * the caller writes error, EIP, CS, EFLAGS and flags. Gives up when the buffer is full. */
record_new:
	movl	pm32_count, %esi
	cmpl	$PM32_RECORDS_MAX, %esi
	jae	storm
	incl	pm32_count
	imull	$PM32_REC_SIZE, %esi
	addl	$pm32_records, %esi
	movl	%ebx, PM32_REC_VECTOR(%esi)
	movl	pm32_depth, %eax
	movl	%eax, PM32_REC_NEST(%esi)
	xorl	%eax, %eax
	xorl	%edx, %edx
	cmpl	$1, %ebx
	jne	1f
	movl	%dr6, %eax
	movl	%dr7, %edx
1:	movl	%eax, PM32_REC_DR6(%esi)
	movl	%edx, PM32_REC_DR7(%esi)
	movl	$APIC_ISR, %edi
	call	apic_highest
	movl	%eax, PM32_REC_ISR(%esi)
	movl	$APIC_IRR, %edi
	call	apic_highest
	movl	%eax, PM32_REC_IRR(%esi)
	xorl	%eax, %eax
	strw	%ax
	movl	%eax, PM32_REC_TR(%esi)
	movl	$0, PM32_REC_FLAGS(%esi)
	ret

/* EOI for interrupt vector %ebx in service, unless the row keeps it (SDM 10.8.5); a software
 * INT n leaves ISR alone. Then, for #DB, clear DR6 (SDM 17.2.3). */
end_interrupt:
	cmpl	$32, %ebx
	jb	1f
	testl	$PM32_NO_EOI, pm32_handler_flags
	jnz	2f
	call	apic_in_service
	jnc	2f
	movl	$0, APIC_BASE+APIC_EOI
	ret
1:	cmpl	$1, %ebx
	jne	2f
	movl	$DR6_RESET, %eax
	movl	%eax, %dr6
2:	ret

pm32_common:
	pushal
	movl	%esp, %ebp
	cld
	incl	pm32_depth
	movl	F_VECTOR(%ebp), %ebx
	call	record_new
	movl	F_ERROR(%ebp), %eax
	movl	%eax, PM32_REC_ERROR(%esi)
	RECORD_STATE F_EIP(%ebp), F_CS(%ebp), F_EFLAGS(%ebp)
	call	end_interrupt
	cmpl	$1, %ebx
	jne	1f
	testl	$PM32_KEEP_TF, pm32_handler_flags
	jnz	2f
	andl	$~EFLAGS_TF, F_EFLAGS(%ebp)	/* single-step once (SDM 17.3.1.4) */
2:	orl	$EFLAGS_RF, F_EFLAGS(%ebp)	/* no instruction breakpoint again (SDM 17.3.1.1) */
	jmp	resume
	/* SDM 6.15: #DB may be a trap; NMI, #BP and #OF resume after the event; so do interrupts */
1:	cmpl	$4, %ebx
	jbe	resume_if_not_de
	cmpl	$32, %ebx
	jae	resume
	/* SDM 6.13: EXT set: raised delivering an external event; with IDT set, bits 15:3 hold
	 * its vector, acknowledged and to be ended here */
	cmpl	$10, %ebx
	jb	fixup
	cmpl	$13, %ebx
	ja	fixup
	movl	F_ERROR(%ebp), %eax
	testl	$1, %eax
	jz	fixup
	testl	$2, %eax
	jz	resume
	pushl	%ebx
	movl	%eax, %ebx
	shrl	$3, %ebx
	andl	$0xff, %ebx
	call	apic_in_service
	jnc	3f
	movl	$0, APIC_BASE+APIC_EOI
3:	popl	%ebx
	jmp	resume
resume_if_not_de:
	testl	%ebx, %ebx
	jnz	resume
fixup:	/* a fault: resume at its EXTABLE fixup */
	movl	F_EIP(%ebp), %eax
	call	extable_find
	testl	%eax, %eax
	jz	unexpected
	movl	%eax, F_EIP(%ebp)
	jmp	resume
resume:
	decl	pm32_depth
	popal
	addl	$8, %esp
	iret

unexpected:
	movl	$PM32_ABORT_UNEXPECTED, pm32_abort_reason
	movl	%ebx, pm32_abort_vector
	movl	F_EIP(%ebp), %eax
	movl	%eax, pm32_abort_eip
	jmp	pm32_leave
storm:
	movl	$PM32_ABORT_STORM, pm32_abort_reason
	movl	%ebx, pm32_abort_vector
	jmp	pm32_leave

/*
 * The entry of every handler task (guest/pm32.c, pm32_task_gate(), pm32_task()): reached by
 * a task switch (SDM 7.3) through a task gate in the IDT, or by a far CALL or JMP to the
 * task's TSS selector. The task's slot n comes from TR; its vector from pm32_task_vector[n]
 * (none for a task entered by CALL or JMP, which records nothing). The event's error code,
 * if any, is the only thing on the new task's stack (SDM 6.12.2); EIP, CS and EFLAGS are
 * the interrupted task's, which the processor saved in its TSS, the one the previous-task
 * link names. A fault resumes at its fixup by rewriting that TSS's EIP. Then IRET: with NT
 * set (a task gate, or CALL) it switches back through the link (SDM 7.4); after a JMP (NT
 * clear) a far JMP to the task that runs fn32 goes back instead. The next switch to this
 * task resumes after that instruction, so the entry is a loop; ESP is reset each time.
 */
#define TSS_LINK   0
#define TSS_EIP    32
#define TSS_EFLAGS 36
#define TSS_CS     76
#define EFLAGS_NT  0x4000

	.globl	pm32_task_entry
pm32_task_entry:
	cld
	xorl	%ebp, %ebp
	strw	%bp
	subl	$PM32_SEL_TASK0, %ebp
	shrl	$3, %ebp			/* %ebp = n */
	cmpl	$PM32_TASKS, %ebp
	jae	task_stray			/* TR is no handler task's */
	movl	pm32_task_vector(,%ebp,4), %ebx
	cmpl	$0xffffffff, %ebx
	je	task_return
	incl	pm32_depth
	call	record_new			/* %esi = the record */
	orl	$PM32_REC_TASK, PM32_REC_FLAGS(%esi)
	movl	$0, PM32_REC_ERROR(%esi)
	movl	%ebp, %eax
	incl	%eax
	shll	$12, %eax
	addl	$pm32_task_stacks - 4, %eax	/* the stack top of task n, less 4 */
	cmpl	%eax, %esp
	jne	1f
	movl	(%esp), %eax			/* an error code was pushed (SDM 6.12.2) */
	movl	%eax, PM32_REC_ERROR(%esi)
	orl	$PM32_REC_HAS_ERROR, PM32_REC_FLAGS(%esi)
1:	movl	%ebp, %edi			/* the TSS the previous-task link names */
	shll	$12, %edi
	movzwl	pm32_task_tss_pages+TSS_LINK(%edi), %eax
	movl	$pm32_tss, %edi
	cmpl	$PM32_SEL_TSS, %eax
	je	2f
	subl	$PM32_SEL_TASK0, %eax
	shll	$9, %eax			/* (selector - TASK0) / 8 * 4096 */
	leal	pm32_task_tss_pages(%eax), %edi
2:	RECORD_STATE TSS_EIP(%edi), TSS_CS(%edi), TSS_EFLAGS(%edi)
	call	end_interrupt
	cmpl	$10, %ebx
	jne	9f
	cmpl	$0, pm32_n_breaks
	je	9f
	/* #TS with fields pm32_task_break() broke: restore them; the interrupted task is then
	 * resumed as it is (the switch into it was completed, SDM 7.3) */
	xorl	%ecx, %ecx
10:	movl	pm32_breaks(,%ecx,PM32_BREAK_SIZE), %edx
	movl	pm32_breaks+4(,%ecx,PM32_BREAK_SIZE), %eax
	movw	%ax, (%edx)
	incl	%ecx
	cmpl	pm32_n_breaks, %ecx
	jb	10b
	movl	$0, pm32_n_breaks
	/* the fields pm32_task_break() breaks are checked after the commit point (SDM 7.3
	 * Table 7-1), so their #TS interrupts the broken task before its first instruction;
	 * anywhere else (QEMU TCG saves another EIP), the interrupted state is not to be
	 * trusted: leave rather than resume it */
	cmpl	pm32_break_tss, %edi
	jne	11f
	movl	TSS_EIP(%edi), %eax
	cmpl	pm32_break_eip, %eax
	je	task_done
11:	movl	$PM32_ABORT_TS_PLACE, pm32_abort_reason
	movl	%edi, pm32_abort_vector		/* the interrupted task's TSS */
	movl	TSS_EIP(%edi), %eax
	movl	%eax, pm32_abort_eip
	jmp	pm32_leave
9:	cmpl	$1, %ebx
	jne	3f
	testl	$PM32_KEEP_TF, pm32_handler_flags
	jnz	4f
	andl	$~EFLAGS_TF, TSS_EFLAGS(%edi)
4:	orl	$EFLAGS_RF, TSS_EFLAGS(%edi)
	jmp	task_done
3:	cmpl	$32, %ebx			/* traps, NMI, interrupts: nothing to move */
	jae	task_done
	cmpl	$2, %ebx
	jb	5f
	cmpl	$4, %ebx
	jbe	task_done
5:	movl	TSS_EIP(%edi), %eax		/* a fault: its fixup */
	call	extable_find
	testl	%eax, %eax
	jz	task_unexpected
	movl	%eax, TSS_EIP(%edi)
	jmp	task_done
task_done:
	decl	pm32_depth
task_return:
	leal	1(%ebp), %eax			/* the stack top again */
	shll	$12, %eax
	addl	$pm32_task_stacks, %eax
	movl	%eax, %esp
	pushfl
	popl	%eax
	testl	$EFLAGS_NT, %eax
	jz	8f
	iret					/* back through the previous-task link */
	jmp	pm32_task_entry
8:	ljmp	$PM32_SEL_TSS, $0		/* entered by JMP: back to fn32's task */
	jmp	pm32_task_entry

task_unexpected:
	movl	$PM32_ABORT_UNEXPECTED, pm32_abort_reason
	movl	%ebx, pm32_abort_vector
	movl	TSS_EIP(%edi), %eax
	movl	%eax, pm32_abort_eip
	jmp	pm32_leave
task_stray:
	movl	$PM32_ABORT_STRAY, pm32_abort_reason
	xorl	%eax, %eax
	strw	%ax
	movl	%eax, pm32_abort_vector		/* the TR found */
	jmp	pm32_leave
