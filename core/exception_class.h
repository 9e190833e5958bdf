/* SPDX-License-Identifier: BSD-2-Clause */
/* Architectural facts about exception vectors 0-31 as tables: mnemonic, fault/trap/abort
 * (SDM 6.15, Table 6-1), class for the double-fault rule (SDM 6.15, Table 6-4), whether
 * the exception pushes an error code, and the double-fault decision (Table 6-5). */
#ifndef CORE_EXCEPTION_CLASS_H
#define CORE_EXCEPTION_CLASS_H

#include <stdbool.h>
#include <stdint.h>

enum x86_vector {
    X86_DE = 0,
    X86_DB = 1,
    X86_NMI = 2,
    X86_BP = 3,
    X86_OF = 4,
    X86_BR = 5,
    X86_UD = 6,
    X86_NM = 7,
    X86_DF = 8,
    X86_CSO = 9,
    X86_TS = 10,
    X86_NP = 11,
    X86_SS = 12,
    X86_GP = 13,
    X86_PF = 14,
    X86_MF = 16,
    X86_AC = 17,
    X86_MC = 18,
    X86_XM = 19,
    X86_VE = 20,
    X86_CP = 21,
};

/* SDM 6.5 / Table 6-1, column "Type". */
enum exception_kind {
    EXC_KIND_RESERVED = 0, /* vectors 15, 22-31: Intel reserved */
    EXC_KIND_FAULT,
    EXC_KIND_TRAP,
    EXC_KIND_FAULT_OR_TRAP, /* #DB: instruction breakpoint / general detect are faults */
    EXC_KIND_ABORT,
    EXC_KIND_INTERRUPT, /* NMI */
};

/* SDM 6.15 Table 6-4; #DF itself is its own row of Table 6-5. */
enum exception_class {
    EXC_CLASS_BENIGN = 0, /* also every reserved vector, external interrupts and NMI */
    EXC_CLASS_CONTRIBUTORY,
    EXC_CLASS_PAGE_FAULT, /* #PF, and #VE which counts with page faults (SDM 6.15 Table 6-4) */
    EXC_CLASS_DOUBLE_FAULT,
};

/* SDM 6.15 Table 6-5: what the processor does when a second exception is detected while
 * delivering a first one. */
enum double_fault_outcome {
    DF_SERIAL = 0, /* the second exception is delivered; the first is not */
    DF_DOUBLE,     /* #DF with error code 0 */
    DF_SHUTDOWN,   /* triple fault (first was #DF, SDM 6.15 Interrupt 8) */
};

const char *exception_mnemonic(uint8_t vector); /* "#GP", "NMI", "#15"; "INT" for >= 32 */
enum exception_kind exception_kind(uint8_t vector);
const char *exception_kind_name(enum exception_kind kind); /* "fault", "trap", ... */
enum exception_class exception_class(uint8_t vector);
const char *exception_class_name(enum exception_class cls);
bool exception_has_error_code(uint8_t vector); /* 8, 10-14, 17, 21: SDM 6.13 / 26.2.1.3 */
enum double_fault_outcome double_fault_decide(uint8_t first, uint8_t second);
const char *double_fault_outcome_name(enum double_fault_outcome o);

#endif
