/* SPDX-License-Identifier: BSD-2-Clause */
/* An independent reference for what a VMX hypervisor must inject, written from the Intel SDM
 * for the fuzzer (unit/fuzz/fuzz_meaning.c) to hold core/ against. It shares only plain data
 * layouts with core/ (struct vmx_exit_events, struct vmx_emulated_insn): no core/ function,
 * inline helper or table is called or copied. Bit layouts are decoded here again.
 *
 * Model: the hv reads an exit, ref_after_exit() applies the policy to the IDT-vectoring
 * event, the hv queues what its handlers raise (ref_queue_*), may emulate the exiting
 * instruction (ref_instruction_emulated), and ref_before_entry() says what the next VM
 * entry must inject. */
#ifndef UNIT_FUZZ_REFERENCE_H
#define UNIT_FUZZ_REFERENCE_H

#include "core/vcpu_events.h" /* struct vmx_exit_events, struct vmx_emulated_insn: data only */

#include <stdbool.h>
#include <stdint.h>

/* ---- SDM tables ---- */

/* SDM 6.15 Table 6-4 (classes for the double-fault rule). */
enum ref_class { REF_BENIGN, REF_CONTRIBUTORY, REF_PAGE_FAULT, REF_DOUBLE_FAULT };
/* SDM 6.15 Table 6-5: second exception detected while delivering the first. */
enum ref_df { REF_SERIAL, REF_DOUBLE, REF_SHUTDOWN };

enum ref_class ref_class(uint8_t vector);
enum ref_df ref_double_fault(uint8_t first, uint8_t second);
bool ref_has_error_code(uint8_t vector); /* SDM 6.13, Table 6-1 "Error Code" column */
bool ref_is_fault(uint8_t vector);       /* SDM 6.15 Table 6-1 "Type" = Fault (not #DB) */
bool ref_is_trap_or_int(uint8_t vector); /* #DB (may be a trap), NMI, #BP, #OF */
/* B0-B3 of the I/O breakpoints an IN/OUT of `size` bytes at `port` matches (SDM 17.2.4,
 * 17.2.5). */
uint32_t ref_io_hits(uint64_t dr7, const uint64_t dr[4], bool cr4_de, uint16_t port, uint8_t size);

/* ---- policies (their intent, docs/core.md "Policies") ---- */

enum ref_policy {
    REF_KVM,         /* re-inject every type */
    REF_DROP_HW,     /* drop type 3 */
    REF_DROP_FAULTS, /* drop type 3 of fault class */
    REF_REEXEC_SOFT, /* drop types 4, 5, 6: RIP still points at the instruction */
    REF_DROP_ALL,    /* drop everything */
    REF_RAW_COPY,    /* the raw IDT-vectoring words into the entry fields (known wrong) */
    REF_SMART,       /* drop nothing: no row showed a drop both safe and cheaper */
    REF_POLICIES,
};

/* By core/'s policy name ("kvm", ...); -1 when unknown. */
int ref_policy_by_name(const char *name);
/* Whether policy p treats this (valid) IDT-vectoring word differently from kvm. */
bool ref_policy_changes(enum ref_policy p, uint32_t idt_vectoring_info);

/* ---- the reference vCPU ---- */

struct ref_exception {
    bool valid;
    bool injected; /* delivery began (re-delivery, or written at the last entry) */
    uint8_t vector, type;
    bool has_error;
    uint32_t error, len;
    bool has_payload; /* CR2 (#PF, #DF merged from a #PF), DR6 value (#DB) */
    uint64_t payload;
};

struct ref_vcpu {
    enum ref_policy policy;
    bool shutdown;
    struct ref_exception exc;
    bool nmi_redeliver, nmi_pending;
    bool intr_redeliver, intr_pending;
    uint8_t intr_vector, intr_type, intr_next;
    uint32_t intr_len;
    bool raw;
    uint32_t raw_info, raw_error, raw_len;
    bool reblock_nmi;
    uint32_t vmcs_intr; /* guest interruptibility the VMCS holds now */
};

/* What the next VM entry must do. */
struct ref_entry {
    uint32_t info, error, len; /* VM-entry interruption information (0: nothing) */
    bool set_cr2, set_dr6;
    uint64_t cr2, dr6;
    uint32_t interruptibility; /* the guest's interruptibility after the entry */
    bool shutdown;             /* triple fault: the hv must not enter */
};

/* What the hv must write after emulating an instruction. */
struct ref_emulated {
    uint32_t interruptibility; /* afterwards */
    uint64_t pending_dbg;      /* afterwards */
    bool rf_clear;             /* RFLAGS.RF must be 0 afterwards */
    uint64_t owed_dr6;         /* 0: no #DB owed */
};

void ref_init(struct ref_vcpu *r, enum ref_policy p);
void ref_after_exit(struct ref_vcpu *r, const struct vmx_exit_events *x);
void ref_queue_exception(struct ref_vcpu *r, uint8_t vector, bool has_error, uint32_t error,
                         bool has_payload, uint64_t payload);
void ref_queue_nmi(struct ref_vcpu *r);
void ref_queue_interrupt(struct ref_vcpu *r, uint8_t vector);
void ref_instruction_emulated(struct ref_vcpu *r, const struct vmx_emulated_insn *in,
                              struct ref_emulated *out);
void ref_before_entry(struct ref_vcpu *r, struct ref_entry *out);

#endif
