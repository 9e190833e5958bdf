/* SPDX-License-Identifier: BSD-2-Clause */
/* guest/scenario.h — a conformance scenario is one row of data (docs/design.md, "Conventions").
 *
 * A row names the vector whose delivery it perturbs and how; the runtime arms the
 * perturbation, calls the trigger, records every event the CPU delivers, and calls the
 * optional check. Rows live in tests/<family>.c; the runner's catalogue of expectations is
 * tests/scenarios.cfg. */
#ifndef GUEST_SCENARIO_H
#define GUEST_SCENARIO_H

#include <stdbool.h>
#include <stdint.h>

struct trap_frame;

enum perturbation {
    PERTURB_NONE, /* harness rows only */
    /* .page is not present in EPT until the next EPT violation on it */
    PERTURB_EPT_NOT_PRESENT,
    /* hv/ intercepts .vector and reflects it (shadow-paging style), and .page is not present
     * in the guest's own page tables */
    PERTURB_INTERCEPT_GUEST_NOT_PRESENT,
    /* nothing to arm: .vector's gate is a task gate (pm32_task_gate(), guest/guest.h), and
     * under VMX the task switch that delivery makes always exits (SDM 25.4.2), with the event
     * in IDT-vectoring information (SDM 27.2.4). .page is not used. */
    PERTURB_TASK_GATE,
};

/* The page that delivering .vector touches and the perturbation takes away
 * (docs/cases.md, "Forcing an exit during delivery": the handler's stack, the IDT, the GDT
 * entry of the handler's CS, the TSS). The vector's gate uses IST1, a one-page stack, so
 * that the TSS is read too, unless the row says .no_ist. */
enum perturb_page {
    PAGE_STACK = 0, /* the IST1 stack */
    PAGE_IDT,
    PAGE_GDT,
    PAGE_TSS,
    PAGE_RSP0, /* the one-page CPL0 stack of TSS.RSP0: events from CPL3 with .no_ist */
    /* the 32-bit environment of guest_run_pm32() (guest/pm32.c), each its own page: */
    PAGE_PM32_IDT,  /* the 32-bit IDT: the gate */
    PAGE_PM32_GDT,  /* the 32-bit GDT: the handler's CS descriptor (and SS0's from CPL3) */
    PAGE_PM32_TSS,  /* the 32-bit TSS of fn32's task: ESP0/SS0, read from CPL3 */
    PAGE_PM32_ESP0, /* the one-page stack TSS.ESP0 points to: pushed from CPL3 */
    /* No page of a handler task: the task switch that reads its TSS and pushes on its stack
     * always exits first (SDM 25.4.2) and hv/ emulates it; a page taken away there ends the
     * run (hv: ERROR, docs/hv.md), so it could not be perturbed honestly. */
    PAGE_LAST = PAGE_PM32_ESP0,
};

enum handler_flags {
    /* #DB: leave RFLAGS.TF set in the frame, so that the guest keeps single-stepping after
     * the handler's IRET (SDM 17.3.1.4) until the trigger clears TF itself */
    HANDLER_KEEP_TF = 1u << 0,
    /* interrupts: no EOI; the vector stays in service (SDM 10.8.5) until the trigger sends
     * the EOI (apic_eoi()) */
    HANDLER_NO_EOI = 1u << 1,
    /* return without IRET (POPFQ; RET, guest/noiret.S), so that an NMI handler leaves NMIs
     * blocked until the trigger's own IRET (SDM 6.7.1); events from 64-bit CPL0 code only */
    HANDLER_NO_IRET = 1u << 2,
};

struct scenario {
    const char *name;
    uint8_t vector; /* the event whose delivery is perturbed */
    enum perturbation perturb;
    enum perturb_page page;
    uint32_t also_ist1; /* exception vectors (bit n = vector n) whose gates use IST1 too */
    /* more pages taken away with .page, each until its own EPT violation (bit n = 1 << n
     * of enum perturb_page): one delivery then exits once per page it touches, e.g.
     * PAGE_STACK with 1 << PAGE_IDT exits reading the gate, then pushing the frame.
     * EPT perturbations only. */
    uint32_t also_pages;
    void (*setup)(void);   /* optional, before the perturbation is armed */
    void (*trigger)(void); /* raises the event; RIPs in the trace are relative to it */
    void (*check)(void);   /* optional in-guest checks, after the trigger */
    /* Optional: the vector's gate uses no IST, so that an event from CPL3 switches to
     * TSS.RSP0 (SDM 6.14.4, 6.14.5) and one at CPL0 stays on its stack. 0 (the default):
     * the gate uses IST1, as every row before user mode did. */
    bool no_ist;
    /* Optional: the row's handler behaviour. Called for every event the row's trigger raises,
     * after it is recorded and before the handler resumes (it may send an event, perturb a
     * page, ...). NULL: the common handler alone (guest/traps.c). */
    void (*on_event)(struct trap_frame *f);
    /* What proves the row tested something (docs/protocol.md, ROW line). Default: an exit
     * during the delivery of .vector. PROOF_IRET_NMI_UNBLOCK: an exit of an IRET that had
     * unblocked NMIs (exit qualification or exit-interruption bit 12, SDM 27.2.2, 27.2.3),
     * which is not during any delivery: the row perturbs with .on_event, not .perturb. */
    enum row_proof { PROOF_DELIVERY_EXIT = 0, PROOF_IRET_NMI_UNBLOCK } proof;
    /* Optional: a generated program (docs/fuzz.md) that scenario_resolve() turns into the
     * row; the row then needs only .name. */
    const char *program;
    /* Set by the program interpreter: the trigger arms the perturbation itself
     * (scenario_arm()) right before the event whose delivery it perturbs. */
    bool arms_itself;
    /* Optional: how the common handler (guest/traps.c) treats the events of the row's
     * trigger, bits of enum handler_flags. 0: as every row before it (clear TF after #DB,
     * EOI an interrupt in service). */
    unsigned handler;
} __attribute__((aligned(64)));

#define SCENARIO(id) __attribute__((section(".scenarios"), used)) static const struct scenario id
/* The common shape of a row, for a file of several (the other fields keep their defaults). */
#define SCENARIO_ROW(id, row, vec, perturbation, pg, set, trig, chk)                               \
    SCENARIO(id) = {                                                                               \
        .name = row,                                                                               \
        .vector = vec,                                                                             \
        .perturb = perturbation,                                                                   \
        .page = pg,                                                                                \
        .setup = set,                                                                              \
        .trigger = trig,                                                                           \
        .check = chk,                                                                              \
    }

const struct scenario *scenario_find(const char *name);
/* The row a specifier names (guest/resolve.c): a row name, or `gen:<program>`
 * (docs/fuzz.md); a row with .program and a generated specifier are built in *scratch.
 * NULL, after a message, when there is none. */
const struct scenario *scenario_resolve(const char *spec, struct scenario *scratch);
/* Arms the row's perturbation (guest/main.c); rows with .arms_itself call it themselves. */
void scenario_arm(const struct scenario *s);
/* The row being run (guest/main.c), for the handler's .on_event; NULL before it starts. */
extern const struct scenario *current_row;

#endif
