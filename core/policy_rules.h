/* SPDX-License-Identifier: BSD-2-Clause */
/* Internal to core/: the layout of a policy row, shared by policy.c (the table) and
 * vcpu_events.c (which reads it on the exit path without a call). hv/ sees struct policy
 * as opaque (core/policy.h). */
#ifndef CORE_POLICY_RULES_H
#define CORE_POLICY_RULES_H

#include "core/policy.h"

#include <stdbool.h>
#include <stdint.h>

struct policy_rule {
    uint8_t action;          /* enum policy_action */
    const char *action_name; /* for the note */
    const char *why;         /* one line, with the SDM section or docs/cases.md case */
};

struct policy {
    const char *name;
    const char *summary;
    bool known_wrong;
    struct policy_rule rule[8]; /* indexed by interruption type */
    /* task-switch exits through a task gate: a rule of their own, not the type's re-injection
     * rule (docs/design.md, "Task gates") */
    uint8_t task_gate; /* enum policy_task_gate */
};

/* POLICY_DROP_FAULT resolved for one hardware-exception vector. */
const struct policy_rule *policy_fault_rule(uint8_t vector);

#endif
