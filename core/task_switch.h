/* SPDX-License-Identifier: BSD-2-Clause */
/* The hardware task switch of a 32-bit TSS (SDM 7.3, "Task Switching", steps 1-13), as a
 * hypervisor emulates it after a task-switch VM exit (SDM 25.4.2: every task switch in VMX
 * non-root operation exits; exit qualification SDM 27.2.1 Table 27-2). Pure: the vCPU state
 * comes in, guest memory is read and written through callbacks (linear addresses), the new
 * state and the result go out. docs/core.md, "Task switches".
 *
 * What it does: the checks of SDM Table 7-1 "Conditions Checked During a Task Switch" with
 * their #TS / #NP / #GP / #SS and error codes (before the commit point in the old task's
 * context, nothing changed; after it in the new task's), the old task's state saved, busy
 * bits, NT and the back link (CALL, task gate) or NT and busy cleared (IRET, JMP), TR, CR0.TS,
 * DR7's local enables, LDTR, CR3 (only with paging on, SDM 7.3 step 12), EFLAGS, EIP, the
 * general registers and the segment registers with their hidden parts in VMX access-rights
 * format (SDM 24.4.1), the error code of the event pushed on the new task's stack
 * (SDM 6.12.2), EIP against the new CS limit, and the T flag's debug trap (SDM 7.2.1,
 * 17.2.3, 17.3.1.5). What it refuses (TS_UNSUPPORTED): a 16-bit TSS (new or current), IA-32e
 * mode, memory the callbacks cannot reach, a new SS RPL other than the new CS's (no VMX guest
 * state holds it, SDM 26.3.1.2). A refusal may come after guest memory was written. */
#ifndef CORE_TASK_SWITCH_H
#define CORE_TASK_SWITCH_H

#include "core/vmx_fields.h"

#include <stdbool.h>
#include <stdint.h>

/* Source of the task switch: bits 31:30 of the exit qualification (SDM 27.2.1 Table 27-2). */
enum ts_source {
    TS_SRC_CALL = 0,
    TS_SRC_IRET = 1,
    TS_SRC_JMP = 2,
    TS_SRC_IDT_GATE = 3, /* a task gate in the IDT: the exit happened during event delivery */
};

/* Segment registers in the order of their VMCS encodings (SDM Appendix B.1.2). */
enum ts_seg { TS_ES = 0, TS_CS, TS_SS, TS_DS, TS_FS, TS_GS, TS_NSEG };

/* Access rights in the VMCS format (SDM 24.4.1 Table 24-2): type 3:0, S 4, DPL 6:5, P 7,
 * AVL 12, L 13, D/B 14, G 15, unusable 16. */
#define TS_AR_TYPE(ar)     ((ar)&0xfu)
#define TS_AR_S            (1u << 4)
#define TS_AR_DPL(ar)      (((ar) >> 5) & 3u)
#define TS_AR_P            (1u << 7)
#define TS_AR_DB           (1u << 14)
#define TS_AR_G            (1u << 15)
#define TS_AR_UNUSABLE     (1u << 16)
#define TS_TYPE_TSS32      0x9u /* available 32-bit TSS (SDM 3.5 Table 3-2) */
#define TS_TYPE_TSS32_BUSY 0xbu
#define TS_TYPE_LDT        0x2u

struct ts_segment {
    uint16_t selector;
    uint32_t base;
    uint32_t limit; /* byte granular (scaled when G = 1), as in the VMCS */
    uint32_t ar;    /* VMX format, above */
};

/* The vCPU state a task switch reads and writes (32-bit protected mode). */
struct ts_cpu {
    uint32_t gpr[8]; /* EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI (the TSS order) */
    uint32_t eip;
    uint32_t eflags;
    struct ts_segment seg[TS_NSEG];
    struct ts_segment ldtr, tr;
    uint32_t gdt_base;
    uint16_t gdt_limit;
    uint64_t cr0, cr3, dr7;
    bool ia32e; /* IA32_EFER.LMA: task switches are #GP there (SDM 7.7) — refused */
};

/* Guest memory by linear address; false when the address is not guest memory. */
struct ts_mem {
    void *ctx;
    bool (*read)(void *ctx, uint32_t linear, void *buf, uint32_t len);
    bool (*write)(void *ctx, uint32_t linear, const void *buf, uint32_t len);
};

/* What to switch to and what the switch completes. */
struct ts_request {
    uint16_t selector;     /* the new TSS (exit qualification bits 15:0) */
    enum ts_source source; /* exit qualification bits 31:30 */
    uint32_t eip_advance;  /* saved EIP = EIP + this: the CALL/JMP/IRET, or the INT n whose
                              delivery the switch completes (VM-exit instruction length) */
    bool ext;              /* a fault's error code gets EXT = 1: the switch delivers an event
                              external to the program (SDM 6.13) */
    bool push_error;       /* the event pushes an error code on the new stack (SDM 6.12.2) */
    uint32_t error_code;
    bool fault_rf; /* a fault-class exception: RF = 1 in the saved EFLAGS (17.3.1.1) */
};

enum ts_status {
    TS_DONE = 0,    /* switched; cpu holds the new task */
    TS_FAULT,       /* an exception to deliver (fault_vector, fault_error) */
    TS_UNSUPPORTED, /* not emulated: `why` says what */
};

struct ts_result {
    enum ts_status status;
    bool committed;       /* past the commit point: cpu is (partly) the new task's */
    uint8_t fault_vector; /* TS_FAULT: #TS, #NP, #GP or #SS */
    uint32_t fault_error;
    bool debug_trap; /* the new TSS's T flag: #DB with DR6.BT before its first instruction */
    bool load_cr3;   /* paging on: CR3 was loaded from the new TSS (cpu->cr3) */
    const char *why; /* one line with the SDM section: the fault's or the refusal's reason */
};

/* SDM 7.3 for a 32-bit TSS; cpu is updated in place (unchanged when nothing committed). */
void task_switch_run(struct ts_cpu *cpu, const struct ts_request *req, const struct ts_mem *mem,
                     struct ts_result *res);

/* Offsets in a 32-bit TSS (SDM 7.2.1 Figure 7-2). */
#define TSS32_LINK   0x00
#define TSS32_CR3    0x1c
#define TSS32_EIP    0x20
#define TSS32_EFLAGS 0x24
#define TSS32_EAX    0x28 /* ... EDI at 0x44, 4 apart */
#define TSS32_ES     0x48 /* ... GS at 0x5c, 4 apart */
#define TSS32_LDT    0x60
#define TSS32_T      0x64 /* bit 0: debug trap */

#define DR6_BT (1u << 15) /* SDM 17.2.3: the #DB came from a task switch with T = 1 */

#endif
