/* SPDX-License-Identifier: BSD-2-Clause */
/* Re-delivery policies: what to do with a valid IDT-vectoring event (docs/design.md, "Policies").
 * Each policy is one row of a table: an action per interruption type. */
#ifndef CORE_POLICY_H
#define CORE_POLICY_H

#include <stdbool.h>
#include <stdint.h>

/* What the policy did with a valid IDT-vectoring event, for logs. */
struct redelivery_note {
    bool vectoring;     /* IDT-vectoring info was valid */
    const char *action; /* "reinject", "drop", "reexecute", "raw-copy", "merge-#DF", ... */
    const char *why;    /* one line, with the SDM section or docs/cases.md case */
};

/* Per-type decision of a policy. */
enum policy_action {
    POLICY_REINJECT = 0, /* re-queue as an injected event (KVM __vmx_complete_interrupts) */
    POLICY_DROP,         /* forget it: hope the CPU raises it again */
    POLICY_DROP_FAULT,   /* hardware exceptions: drop faults, re-inject the rest */
    POLICY_REEXECUTE,    /* software events: re-enter at the instruction, no injection */
    POLICY_RAW_COPY,     /* copy the raw words into the VM-entry fields */
    POLICY_IGNORE,       /* types 1 and 7 never appear in IDT-vectoring (SDM 24.9.3) */
};

struct policy; /* opaque, table-driven */

const struct policy *policy_find(const char *name); /* NULL when unknown */
unsigned policy_count(void);
const struct policy *policy_at(unsigned i); /* NULL past the end */
const char *policy_name(const struct policy *p);
const char *policy_summary(const struct policy *p); /* one line for --list */
bool policy_known_wrong(const struct policy *p);    /* drop-all, raw-copy, ... */
const struct policy *policy_default(void);          /* kvm */

/* The policy's decision for an IDT-vectoring word (valid bit assumed), and its reason.
 * POLICY_DROP_FAULT is resolved here: the result is REINJECT or DROP. */
enum policy_action policy_decide(const struct policy *p, uint32_t idt_vectoring_info,
                                 const char **why);
const char *policy_action_name(enum policy_action a);

/* A task-switch exit whose source is a task gate in the IDT happens during the delivery of
 * the event in IDT-vectoring information (SDM 25.4.2, 27.2.4): the emulated switch is the
 * rest of that delivery. A hypervisor's task-switch handler reads the field itself, apart
 * from its re-injection rule, so each policy has a task-gate rule of its own
 * (docs/design.md, "Task gates"): */
enum policy_task_gate {
    POLICY_TG_COMPLETE = 0, /* the switch completes the delivery: error code pushed, EXT,
                               NMI blocked, INT n's saved EIP past it; nothing re-injected */
    POLICY_TG_NO_EVENT,     /* ignore the field: the switch from the exit qualification alone */
    POLICY_TG_RAW_AGAIN,    /* raw-copy: switch from the qualification, then the raw event
                               is injected again, through the gate whose TSS is now busy */
};
/* The policy's task-gate rule and its reason (the event's type does not change it). */
enum policy_task_gate policy_task_gate(const struct policy *p, const char **why);
const char *policy_task_gate_name(enum policy_task_gate a);

#endif
