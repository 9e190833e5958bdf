/* SPDX-License-Identifier: BSD-2-Clause */
/* guest/pm32.h — what guest/pm32.c and the 32-bit assembly of guest/pm32_entry.S and
 * guest/pm32_traps.S share: the 32-bit GDT's selectors, the record a 32-bit handler writes,
 * and its field offsets. Rows use guest/guest.h ("legacy 32-bit protected mode"). */
#ifndef GUEST_PM32_H
#define GUEST_PM32_H

/* The 32-bit GDT (SDM 3.4.5, 7.2.2). SYSEXIT takes CS and SS at SYSENTER_CS + 16 and + 24
 * (SDM Vol. 2 SYSEXIT), so the user segments follow the kernel's. */
#define PM32_SEL_CODE      0x08 /* 32-bit code, DPL 0, flat */
#define PM32_SEL_DATA      0x10 /* data, DPL 0, flat */
#define PM32_SEL_USER_CODE 0x1b /* 32-bit code, DPL 3 (RPL 3) */
#define PM32_SEL_USER_DATA 0x23 /* data, DPL 3 (RPL 3) */
#define PM32_SEL_TSS       0x28 /* the 32-bit TSS of the task that runs fn32 */
#define PM32_SEL_TASK0     0x30 /* handler tasks: PM32_SEL_TASK0 + 8 * n, n < PM32_TASKS */
#define PM32_TASKS         4
#define PM32_GDT_ENTRIES   (PM32_SEL_TASK0 / 8 + PM32_TASKS)

/* TSS fields pm32_task_break() may break at once (a #TS handler task restores them). */
#define PM32_BREAKS     4
#define PM32_BREAK_SIZE 8 /* struct pm32_break: address, original value */

/* Events a 32-bit handler records before the return to 64-bit mode (at most). */
#define PM32_RECORDS_MAX 32

/* struct pm32_record, 4-byte fields */
#define PM32_REC_VECTOR 0
#define PM32_REC_ERROR  4
#define PM32_REC_EIP    8
#define PM32_REC_CS     12
#define PM32_REC_EFLAGS 16
#define PM32_REC_DR6    20
#define PM32_REC_DR7    24
#define PM32_REC_NEST   28
#define PM32_REC_ISR    32
#define PM32_REC_IRR    36
#define PM32_REC_TR     40
#define PM32_REC_FLAGS  44
#define PM32_REC_SIZE   48

#define PM32_REC_HAS_ERROR 1 /* a handler task found an error code on its stack */
#define PM32_REC_TASK      2 /* recorded by a handler task (task gate) */

/* Why a 32-bit handler gave up and went back to 64-bit mode (pm32_abort_reason). */
#define PM32_ABORT_NONE       0
#define PM32_ABORT_UNEXPECTED 1 /* a fault without an EXTABLE fixup */
#define PM32_ABORT_STORM      2 /* more than PM32_RECORDS_MAX events */
#define PM32_ABORT_STRAY      3 /* a handler task's entry ran with TR not a handler task's */
#define PM32_ABORT_TS_PLACE   4 /* a broken field's #TS interrupted another task or EIP */

/* pm32_handler_flags: the row's enum handler_flags that 32-bit handlers honour */
#define PM32_KEEP_TF 1 /* HANDLER_KEEP_TF */
#define PM32_NO_EOI  2 /* HANDLER_NO_EOI */

#ifndef __ASSEMBLER__
#include <stdint.h>

struct pm32_record {
    uint32_t vector, error, eip, cs, eflags, dr6, dr7, nest, isr, irr, tr, flags;
};
_Static_assert(sizeof(struct pm32_record) == PM32_REC_SIZE, "guest/pm32_traps.S offsets");
_Static_assert(__builtin_offsetof(struct pm32_record, flags) == PM32_REC_FLAGS, "offsets");
_Static_assert(__builtin_offsetof(struct pm32_record, isr) == PM32_REC_ISR, "offsets");

/* 32-bit TSS, SDM 7.2.1, Figure 7-2 */
struct tss32 {
    uint16_t link, reserved0;
    uint32_t esp0;
    uint16_t ss0, reserved1;
    uint32_t esp1;
    uint16_t ss1, reserved2;
    uint32_t esp2;
    uint16_t ss2, reserved3;
    uint32_t cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint16_t es, reserved4, cs, reserved5, ss, reserved6, ds, reserved7, fs, reserved8, gs,
        reserved9, ldt, reserved10;
    uint16_t trap; /* bit 0: T, a #DB after a task switch to this task (SDM 7.2.1, 17.3.1.5) */
    uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss32) == 104, "SDM 7.2.1: a 32-bit TSS is 104 bytes");

struct pm32_break {
    uint32_t addr, orig;
};
_Static_assert(sizeof(struct pm32_break) == PM32_BREAK_SIZE, "guest/pm32_traps.S");

/* The records of the last guest_run_pm32() (for a row's check: TR and flags, which the EV
 * line does not show). */
unsigned pm32_record_count(void);
const struct pm32_record *pm32_record_at(unsigned i);

/* Shared with the assembly (guest/pm32_traps.S, guest/pm32_entry.S) */
extern struct pm32_record pm32_records[PM32_RECORDS_MAX];
extern uint32_t pm32_count, pm32_depth, pm32_handler_flags;
extern struct pm32_break pm32_breaks[PM32_BREAKS];
extern uint32_t pm32_n_breaks;
/* The broken task's TSS and its EIP when it was broken: where its #TS must come */
extern uint32_t pm32_break_tss, pm32_break_eip;
extern uint32_t pm32_abort_reason, pm32_abort_vector, pm32_abort_eip;
#endif

#endif
