/* SPDX-License-Identifier: BSD-2-Clause */
/* The re-delivery policies as a table (docs/design.md, "Policies"; see policy.h): one rule per
 * interruption type per policy. */
#include "core/policy.h"
#include "core/exception_class.h"
#include "core/policy_rules.h"
#include "core/text.h"
#include "core/vmx_event.h"

#include <stddef.h>

/* The rules, one line each, with their reasons. */
#define REINJECT_EXT                                                                               \
    {                                                                                              \
        POLICY_REINJECT, "reinject",                                                               \
            "re-inject: the interrupt was already acknowledged, nothing raises it again "          \
            "(SDM 27.2.4, 31.7.1.2; docs/cases.md #4)"                                             \
    }
#define REINJECT_NMI                                                                               \
    {                                                                                              \
        POLICY_REINJECT, "reinject",                                                               \
            "re-inject NMI and clear the blocking by NMI that the cut-short delivery set "         \
            "(SDM 31.7.1.2; docs/cases.md #3)"                                                     \
    }
#define REINJECT_HW                                                                                \
    {                                                                                              \
        POLICY_REINJECT, "reinject",                                                               \
            "re-inject with the IDT-vectoring error code: delivery was cut short by the exit "     \
            "(SDM 27.2.4, 31.7.1.2)"                                                               \
    }
#define REINJECT_SOFT                                                                              \
    {                                                                                              \
        POLICY_REINJECT, "reinject",                                                               \
            "re-inject with the VM-exit instruction length as VM-entry instruction length "        \
            "(SDM 26.5.1.1, 31.7.1.2; docs/cases.md #6)"                                           \
    }
#define REEXECUTE                                                                                  \
    {                                                                                              \
        POLICY_REEXECUTE, "reexecute",                                                             \
            "re-execute: guest RIP still points at INT n/INT3/INTO/ICEBP, re-enter without "       \
            "injecting (SDM 27.3.3; Xen, VirtualBox; docs/cases.md #6)"                            \
    }
#define IGNORE                                                                                     \
    {                                                                                              \
        POLICY_IGNORE, "ignore",                                                                   \
            "ignore: type 1 and 7 are never reported in IDT-vectoring information (SDM 24.9.3)"    \
    }
#define DROP_HW                                                                                    \
    {                                                                                              \
        POLICY_DROP, "drop",                                                                       \
            "drop hardware exception: expects re-execution to raise it again (the proposal; "      \
            "wrong for traps and injected events, SDM 6.5; docs/cases.md #1, #2, #5, #7)"          \
    }
#define DROP_FAULTS                                                                                \
    {                                                                                              \
        POLICY_DROP_FAULT, "drop-fault", "resolved per vector"                                     \
    }
#define DROP_ALL                                                                                   \
    {                                                                                              \
        POLICY_DROP, "drop",                                                                       \
            "ignore IDT-vectoring information (SimpleVisor, MiniVisor): the event is lost "        \
            "(known wrong, docs/cases.md #1-#8)"                                                   \
    }
#define RAW_COPY                                                                                   \
    {                                                                                              \
        POLICY_RAW_COPY, "raw-copy",                                                               \
            "copy the raw IDT-vectoring word (bit 12 included), error code and length into "       \
            "the VM-entry fields (ACRN, BitVisor; known wrong, docs/cases.md #12)"                 \
    }

static const struct policy policies[] = {
    /* rules by type: ext-intr, reserved, nmi, hw-exception, soft-intr, priv-soft-exception,
     * soft-exception, other */
    {"kvm",
     "re-inject every type as KVM does (soft types with instruction length, NMI unblocked), "
     "merge with new exceptions per the double-fault table",
     false,
     {REINJECT_EXT, IGNORE, REINJECT_NMI, REINJECT_HW, REINJECT_SOFT, REINJECT_SOFT, REINJECT_SOFT,
      IGNORE},
     POLICY_TG_COMPLETE},
    {"drop-hw",
     "drop hardware exceptions (type 3), re-inject the rest like kvm",
     false,
     {REINJECT_EXT, IGNORE, REINJECT_NMI, DROP_HW, REINJECT_SOFT, REINJECT_SOFT, REINJECT_SOFT,
      IGNORE},
     POLICY_TG_COMPLETE},
    {"drop-faults",
     "drop fault-class hardware exceptions, re-inject traps, aborts, #DB and the rest like "
     "kvm",
     false,
     {REINJECT_EXT, IGNORE, REINJECT_NMI, DROP_FAULTS, REINJECT_SOFT, REINJECT_SOFT, REINJECT_SOFT,
      IGNORE},
     POLICY_TG_COMPLETE},
    {"reexec-soft",
     "like kvm, but re-execute INT n/INT3/INTO/ICEBP instead of re-injecting (Xen, VirtualBox)",
     false,
     {REINJECT_EXT, IGNORE, REINJECT_NMI, REINJECT_HW, REEXECUTE, REEXECUTE, REEXECUTE, IGNORE},
     POLICY_TG_COMPLETE},
    {"drop-all",
     "ignore IDT-vectoring information (SimpleVisor, MiniVisor); known wrong",
     true,
     {DROP_ALL, DROP_ALL, DROP_ALL, DROP_ALL, DROP_ALL, DROP_ALL, DROP_ALL, DROP_ALL},
     POLICY_TG_NO_EVENT},
    {"raw-copy",
     "copy the raw IDT-vectoring word, bit 12 included, into VM-entry interruption "
     "information (ACRN, BitVisor); known wrong",
     true,
     {RAW_COPY, RAW_COPY, RAW_COPY, RAW_COPY, RAW_COPY, RAW_COPY, RAW_COPY, RAW_COPY},
     POLICY_TG_RAW_AGAIN},
    /* Our answer: drop exactly what the evidence says is safe AND worth it. The matrix shows
     * dropping safe only where re-execution raises the event again (a fault of the guest's
     * own instruction, a software event still in memory) and never cheaper: the same exits
     * during delivery, the instruction run twice, one more exit where the hypervisor had
     * raised the event (docs/ANSWER.md, "Cost"). So nothing is dropped: kvm's rules. */
    {"smart",
     "our answer from the matrix: drop nothing, since no row showed a drop that was both safe "
     "and cheaper (docs/ANSWER.md); re-inject every type as kvm",
     false,
     {REINJECT_EXT, IGNORE, REINJECT_NMI, REINJECT_HW, REINJECT_SOFT, REINJECT_SOFT, REINJECT_SOFT,
      IGNORE},
     POLICY_TG_COMPLETE},
};

#define POLICIES (sizeof(policies) / sizeof(policies[0]))

static const struct policy_rule drop_fault = {
    POLICY_DROP, "drop",
    "drop fault: the faulting instruction re-executes and faults again (SDM 6.5)"};
static const struct policy_rule keep_trap = {
    POLICY_REINJECT, "reinject",
    "re-inject: trap, abort or #DB (fault or trap, cannot tell) already took effect, "
    "re-execution does not raise it again (SDM 6.5; docs/cases.md #1, #2)"};

const struct policy_rule *policy_fault_rule(uint8_t vector)
{
    /* SDM 6.5 Table 6-1: only fault-class exceptions are raised again by re-execution;
     * #DB may be a trap (data breakpoint, single step) and is re-injected (docs/cases.md #1, #2) */
    return exception_kind(vector) == EXC_KIND_FAULT ? &drop_fault : &keep_trap;
}

unsigned policy_count(void)
{
    return (unsigned)POLICIES;
}

const struct policy *policy_at(unsigned i)
{
    return i < POLICIES ? &policies[i] : NULL;
}

const struct policy *policy_find(const char *name)
{
    for (unsigned i = 0; name && i < POLICIES; i++)
        if (text_equal(policies[i].name, name))
            return &policies[i];
    return NULL;
}

const struct policy *policy_default(void)
{
    return &policies[0];
}

const char *policy_name(const struct policy *p)
{
    return p->name;
}

const char *policy_summary(const struct policy *p)
{
    return p->summary;
}

bool policy_known_wrong(const struct policy *p)
{
    return p->known_wrong;
}

const char *policy_action_name(enum policy_action a)
{
    static const char *const names[] = {"reinject",  "drop",     "drop-fault",
                                        "reexecute", "raw-copy", "ignore"};
    return (unsigned)a < 6 ? names[a] : "?";
}

enum policy_action policy_decide(const struct policy *p, uint32_t info, const char **why)
{
    const struct policy_rule *r = &p->rule[vmx_intr_info_type(info)];
    if (r->action == POLICY_DROP_FAULT)
        r = policy_fault_rule(vmx_intr_info_vector(info));
    *why = r->why;
    return (enum policy_action)r->action;
}

const char *policy_task_gate_name(enum policy_task_gate a)
{
    static const char *const names[] = {"complete-by-switch", "drop", "raw-copy"};
    return (unsigned)a < 3 ? names[a] : "?";
}

/* The policy's task-gate rule. Task-switch exits are a rule of their own: the hypervisors the
 * policies stand for handle the IDT-vectoring information there in their task-switch code,
 * not with their re-injection rule (docs/design.md, "Task gates"). */
enum policy_task_gate policy_task_gate(const struct policy *p, const char **why)
{
    switch ((enum policy_task_gate)p->task_gate) {
    case POLICY_TG_COMPLETE:
        *why = "the emulated task switch completes the delivery: error code pushed on the new "
               "task's stack (SDM 6.12.2), EXT (SDM 6.13), NMIs blocked (SDM 6.7.1), a software "
               "event's saved EIP past it (SDM 27.2.5); not re-injected, or the event would be "
               "delivered twice (SDM 25.4.2, 27.2.4)";
        return POLICY_TG_COMPLETE;
    case POLICY_TG_RAW_AGAIN:
        *why = "raw-copy: the switch is emulated from the exit qualification, then the raw "
               "word is injected again through the gate, whose TSS is now busy (SDM 7.3 "
               "Table 7-1: #GP; known wrong)";
        return POLICY_TG_RAW_AGAIN;
    case POLICY_TG_NO_EVENT:
        break;
    }
    *why = "ignore the field: the switch is emulated from the exit qualification alone: no "
           "error code pushed (SDM 6.12.2), no EXT (SDM 6.13), NMI blocking only as the exit "
           "saved it (SDM 31.7.1.2), INT n's EIP not advanced (SDM 27.2.5)";
    return POLICY_TG_NO_EVENT;
}
