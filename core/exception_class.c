/* SPDX-License-Identifier: BSD-2-Clause */
/* Exception vector tables (see exception_class.h). One row per vector 0-31. */
#include "core/exception_class.h"

struct vector_row {
    const char *mnemonic;
    uint8_t kind; /* enum exception_kind */
    uint8_t cls;  /* enum exception_class */
    bool error_code;
};

#define ROW(m, k, c, e)                                                                            \
    {                                                                                              \
        m, EXC_KIND_##k, EXC_CLASS_##c, e                                                          \
    }
#define RSVD(m)                                                                                    \
    {                                                                                              \
        m, EXC_KIND_RESERVED, EXC_CLASS_BENIGN, false                                              \
    }

/* SDM 6.15 Table 6-1 (kind, error code) and Table 6-4 (class). */
static const struct vector_row vectors[32] = {
    ROW("#DE", FAULT, CONTRIBUTORY, false),
    ROW("#DB", FAULT_OR_TRAP, BENIGN, false),
    ROW("NMI", INTERRUPT, BENIGN, false),
    ROW("#BP", TRAP, BENIGN, false),
    ROW("#OF", TRAP, BENIGN, false),
    ROW("#BR", FAULT, BENIGN, false),
    ROW("#UD", FAULT, BENIGN, false),
    ROW("#NM", FAULT, BENIGN, false),
    ROW("#DF", ABORT, DOUBLE_FAULT, true), /* error code is always 0, SDM 6.15 */
    ROW("#CSO", FAULT, BENIGN, false),     /* coprocessor segment overrun, reserved */
    ROW("#TS", FAULT, CONTRIBUTORY, true),
    ROW("#NP", FAULT, CONTRIBUTORY, true),
    ROW("#SS", FAULT, CONTRIBUTORY, true),
    ROW("#GP", FAULT, CONTRIBUTORY, true),
    ROW("#PF", FAULT, PAGE_FAULT, true),
    RSVD("#15"),
    ROW("#MF", FAULT, BENIGN, false),
    ROW("#AC", FAULT, BENIGN, true), /* error code is always 0 */
    ROW("#MC", ABORT, BENIGN, false),
    ROW("#XM", FAULT, BENIGN, false),
    ROW("#VE", FAULT, PAGE_FAULT, false),  /* SDM 6.15 Table 6-4: #VE is in the page-fault class */
    ROW("#CP", FAULT, CONTRIBUTORY, true), /* SDM 6.15 Table 6-4 (CET editions) */
    RSVD("#22"),
    RSVD("#23"),
    RSVD("#24"),
    RSVD("#25"),
    RSVD("#26"),
    RSVD("#27"),
    RSVD("#28"),
    RSVD("#29"),
    RSVD("#30"),
    RSVD("#31"),
};

const char *exception_mnemonic(uint8_t vector)
{
    return vector < 32 ? vectors[vector].mnemonic : "INT";
}

enum exception_kind exception_kind(uint8_t vector)
{
    return vector < 32 ? (enum exception_kind)vectors[vector].kind : EXC_KIND_INTERRUPT;
}

const char *exception_kind_name(enum exception_kind kind)
{
    static const char *const names[] = {"reserved",      "fault", "trap",
                                        "fault-or-trap", "abort", "interrupt"};
    return (unsigned)kind < 6 ? names[kind] : "?";
}

enum exception_class exception_class(uint8_t vector)
{
    return vector < 32 ? (enum exception_class)vectors[vector].cls : EXC_CLASS_BENIGN;
}

const char *exception_class_name(enum exception_class cls)
{
    static const char *const names[] = {"benign", "contributory", "page-fault", "double-fault"};
    return (unsigned)cls < 4 ? names[cls] : "?";
}

bool exception_has_error_code(uint8_t vector)
{
    return vector < 32 && vectors[vector].error_code;
}

/* SDM 6.15 Table 6-5, rows = first class, columns = second class; the #DF row is the
 * Interrupt 8 rule: a contributory or page fault while calling the #DF handler shuts down.
 * A second #DF (only software queues one) is delivered as is, except after a #DF. */
static const uint8_t decision[4][4] = {
    /*              benign     contributory page-fault  double-fault */
    [EXC_CLASS_BENIGN] = {DF_SERIAL, DF_SERIAL, DF_SERIAL, DF_SERIAL},
    [EXC_CLASS_CONTRIBUTORY] = {DF_SERIAL, DF_DOUBLE, DF_SERIAL, DF_SERIAL},
    [EXC_CLASS_PAGE_FAULT] = {DF_SERIAL, DF_DOUBLE, DF_DOUBLE, DF_SERIAL},
    [EXC_CLASS_DOUBLE_FAULT] = {DF_SERIAL, DF_SHUTDOWN, DF_SHUTDOWN, DF_SHUTDOWN},
};

enum double_fault_outcome double_fault_decide(uint8_t first, uint8_t second)
{
    return (enum double_fault_outcome)decision[exception_class(first)][exception_class(second)];
}

const char *double_fault_outcome_name(enum double_fault_outcome o)
{
    static const char *const names[] = {"serial", "#DF", "shutdown"};
    return (unsigned)o < 3 ? names[o] : "?";
}
