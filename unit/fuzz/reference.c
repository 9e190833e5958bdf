/* SPDX-License-Identifier: BSD-2-Clause */
/* The fuzzer's reference (see reference.h), from the Intel SDM. Written apart from core/:
 * vector sets are bit masks over 0-31 read off the SDM tables, the interruption word is
 * decoded here (SDM 24.8.3, 24.9.3), and the queue is a plain state machine. */
#include "unit/fuzz/reference.h"

#include <string.h>

#define BIT(n) (1u << (n))

/* Interruption-information words, SDM 24.8.3 Table 24-16 / 24.9.3. */
#define W_VALID     0x80000000u
#define W_ERROR     0x00000800u
#define W_TYPE(w)   (((w) >> 8) & 7u)
#define W_VECTOR(w) ((uint8_t)((w)&0xffu))
#define T_EXT       0u /* external interrupt */
#define T_NMI       2u
#define T_HW        3u /* hardware exception */
#define T_SOFT_INT  4u /* INT n */
#define T_PRIV_SOFT 5u /* ICEBP (INT1) */
#define T_SOFT_EXC  6u /* INT3, INTO */

/* Guest interruptibility, SDM 24.4.2 Table 24-3. */
#define I_STI    BIT(0)
#define I_MOV_SS BIT(1)
#define I_NMI    BIT(3)

/* SDM 6.15 Table 6-4: contributory #DE, #TS, #NP, #SS, #GP (and #CP in CET editions);
 * page faults #PF and #VE. */
#define CONTRIBUTORY (BIT(0) | BIT(10) | BIT(11) | BIT(12) | BIT(13) | BIT(21))
#define PAGE_FAULTS  (BIT(14) | BIT(20))
/* SDM 6.13 / Table 6-1 "Error Code" = Yes: #DF, #TS, #NP, #SS, #GP, #PF, #AC, #CP. */
#define ERROR_CODES (BIT(8) | BIT(10) | BIT(11) | BIT(12) | BIT(13) | BIT(14) | BIT(17) | BIT(21))
/* SDM 6.15 Table 6-1 "Type" = Fault: #DE, #BR, #UD, #NM, 9, #TS, #NP, #SS, #GP, #PF, #MF,
 * #AC, #XM, #VE, #CP. Not: #DB (fault or trap), NMI, #BP/#OF (traps), #DF/#MC (aborts),
 * reserved 15 and 22-31. */
#define FAULTS                                                                                     \
    (BIT(0) | BIT(5) | BIT(6) | BIT(7) | BIT(9) | BIT(10) | BIT(11) | BIT(12) | BIT(13) |          \
     BIT(14) | BIT(16) | BIT(17) | BIT(19) | BIT(20) | BIT(21))
#define TRAPS_INTS (BIT(1) | BIT(2) | BIT(3) | BIT(4))

static bool in_set(uint32_t set, uint8_t vector)
{
    return vector < 32 && (set & BIT(vector));
}

enum ref_class ref_class(uint8_t vector)
{
    if (vector == 8)
        return REF_DOUBLE_FAULT;
    if (in_set(CONTRIBUTORY, vector))
        return REF_CONTRIBUTORY;
    if (in_set(PAGE_FAULTS, vector))
        return REF_PAGE_FAULT;
    return REF_BENIGN; /* Table 6-4 benign, reserved vectors, NMI, interrupts */
}

enum ref_df ref_double_fault(uint8_t first, uint8_t second)
{
    enum ref_class a = ref_class(first), b = ref_class(second);
    switch (a) {
    case REF_DOUBLE_FAULT:
        /* SDM 6.15 Interrupt 8: a contributory or page fault while calling the #DF handler
         * shuts down; a #DF on top of #DF too (only software queues a second one) */
        return b == REF_BENIGN ? REF_SERIAL : REF_SHUTDOWN;
    case REF_PAGE_FAULT: /* Table 6-5, row "Page Fault" */
        return b == REF_CONTRIBUTORY || b == REF_PAGE_FAULT ? REF_DOUBLE : REF_SERIAL;
    case REF_CONTRIBUTORY: /* Table 6-5, row "Contributory" */
        return b == REF_CONTRIBUTORY ? REF_DOUBLE : REF_SERIAL;
    default: /* Table 6-5, row "Benign": handled serially */
        return REF_SERIAL;
    }
}

bool ref_has_error_code(uint8_t vector)
{
    return in_set(ERROR_CODES, vector);
}

bool ref_is_fault(uint8_t vector)
{
    return in_set(FAULTS, vector);
}

bool ref_is_trap_or_int(uint8_t vector)
{
    return in_set(TRAPS_INTS, vector);
}

uint32_t ref_io_hits(uint64_t dr7, const uint64_t dr[4], bool cr4_de, uint16_t port, uint8_t size)
{
    /* SDM 17.2.4: R/Wn = 10B means I/O read or write only with CR4.DE = 1 */
    if (!cr4_de)
        return 0;
    uint32_t hits = 0;
    for (unsigned n = 0; n < 4; n++) {
        bool local = dr7 & (1ull << (2 * n)), global = dr7 & (1ull << (2 * n + 1));
        uint64_t rw = (dr7 >> (16 + 4 * n)) & 3, lenf = (dr7 >> (18 + 4 * n)) & 3;
        if (!(local || global) || rw != 2)
            continue;
        /* SDM 17.2.5: LEN 00 = 1 byte, 01 = 2, 11 = 4, 10 = 8; the low address bits are
         * ignored for the longer ranges; any byte of the access in the range matches */
        uint64_t mask = lenf == 0 ? 0 : lenf == 1 ? 1 : lenf == 3 ? 3 : 7;
        for (uint64_t b = port; b < (uint64_t)port + size; b++)
            if ((b | mask) == (dr[n] | mask))
                hits |= 1u << n;
    }
    return hits;
}

static const char *const policy_names[REF_POLICIES] = {
    "kvm", "drop-hw", "drop-faults", "reexec-soft", "drop-all", "raw-copy", "smart",
};

int ref_policy_by_name(const char *name)
{
    for (int i = 0; i < REF_POLICIES; i++)
        if (strcmp(policy_names[i], name) == 0)
            return i;
    return -1;
}

enum action { KEEP, DROP, RAW };

static enum action policy_action(enum ref_policy p, uint32_t w)
{
    unsigned type = W_TYPE(w);
    switch (p) {
    case REF_DROP_HW:
        return type == T_HW ? DROP : KEEP;
    case REF_DROP_FAULTS: /* re-execution raises a fault again, not a trap (SDM 6.5) */
        return type == T_HW && ref_is_fault(W_VECTOR(w)) ? DROP : KEEP;
    case REF_REEXEC_SOFT: /* SDM 27.3.3: RIP still at INT n / ICEBP / INT3 / INTO */
        return type == T_SOFT_INT || type == T_PRIV_SOFT || type == T_SOFT_EXC ? DROP : KEEP;
    case REF_DROP_ALL:
        return DROP;
    case REF_RAW_COPY:
        return RAW;
    default:
        return KEEP;
    }
}

bool ref_policy_changes(enum ref_policy p, uint32_t w)
{
    return policy_action(p, w) != KEEP;
}

void ref_init(struct ref_vcpu *r, enum ref_policy p)
{
    memset(r, 0, sizeof(*r));
    r->policy = p;
}

static bool soft_type(unsigned type)
{
    return type == T_SOFT_INT || type == T_PRIV_SOFT || type == T_SOFT_EXC;
}

/* Keep the IDT-vectored event: its delivery was cut short by the exit and nothing raises it
 * again (SDM 27.2.4, 31.7.1.2); soft types need the VM-exit instruction length as VM-entry
 * instruction length (SDM 26.2.1.3, 27.2.4). */
static void keep(struct ref_vcpu *r, const struct vmx_exit_events *x,
                 const struct ref_exception *prev)
{
    uint32_t w = x->idt_vectoring_info;
    unsigned type = W_TYPE(w);
    uint8_t vector = W_VECTOR(w);
    uint32_t len = soft_type(type) ? x->exit_instr_len : 0;
    if (type == T_NMI) {
        r->nmi_redeliver = true;
    } else if (type == T_EXT || type == T_SOFT_INT) {
        r->intr_redeliver = true;
        r->intr_vector = vector;
        r->intr_type = (uint8_t)type;
        r->intr_len = len;
    } else if (type == T_HW || type == T_PRIV_SOFT || type == T_SOFT_EXC) {
        struct ref_exception *e = &r->exc;
        e->valid = e->injected = true;
        e->vector = vector;
        e->type = (uint8_t)type;
        e->has_error = (w & W_ERROR) != 0;
        e->error = e->has_error ? x->idt_vectoring_error : 0;
        e->len = len;
        /* the exception the hv injected with a payload keeps it (docs/core.md, "event
         * state"); one the guest raised itself has none: the CPU wrote CR2/DR6 (SDM 6.15
         * Interrupt 14, 17.2.3) */
        e->has_payload =
            prev->valid && prev->vector == vector && prev->type == type && prev->has_payload;
        e->payload = e->has_payload ? prev->payload : 0;
    }
    /* types 1 and 7: never in IDT-vectoring information (SDM 24.9.3): nothing */
}

void ref_after_exit(struct ref_vcpu *r, const struct vmx_exit_events *x)
{
    /* what the last entry injected was delivered, or is reported again in IDT-vectoring */
    struct ref_exception prev = r->exc;
    prev.valid = prev.valid && prev.injected;
    if (r->exc.injected)
        r->exc.valid = false;
    r->nmi_redeliver = r->intr_redeliver = r->raw = r->reblock_nmi = false;
    r->vmcs_intr = x->guest_interruptibility;
    if (r->shutdown)
        return;
    uint32_t w = x->idt_vectoring_info;
    if (w & W_VALID) {
        enum action a = policy_action(r->policy, w);
        if (a == KEEP) {
            keep(r, x, &prev);
        } else if (a == RAW) {
            r->raw = true;
            r->raw_info = w;
            r->raw_error = x->idt_vectoring_error;
            r->raw_len = x->exit_instr_len;
        }
        return;
    }
    uint32_t basic = x->exit_reason & 0xffff;
    uint32_t ei = x->exit_intr_info;
    /* SDM 27.2.3: NMI unblocking due to IRET (exit-interruption bit 12, undefined for #DF;
     * EPT-violation / PML-full qualification bit 12): the IRET runs again, block NMIs */
    if ((ei & W_VALID) && (ei & BIT(12)) && W_VECTOR(ei) != 8)
        r->reblock_nmi = true;
    if ((basic == 48 || basic == 62) && (x->exit_qualification & BIT(12)))
        r->reblock_nmi = true;
    if (basic == 2) /* triple fault (SDM Appendix C) */
        r->shutdown = true;
}

void ref_queue_exception(struct ref_vcpu *r, uint8_t vector, bool has_error, uint32_t error,
                         bool has_payload, uint64_t payload)
{
    if (r->shutdown)
        return;
    /* CR2 goes with #PF, the DR6 value with #DB (SDM 6.15 Interrupt 14, 17.2.3) */
    has_payload = has_payload && (vector == 14 || vector == 1);
    struct ref_exception *e = &r->exc;
    if (e->valid && e->type == T_HW) {
        enum ref_df d = ref_double_fault(e->vector, vector);
        if (d == REF_SHUTDOWN) {
            e->valid = false;
            r->shutdown = true;
            return;
        }
        if (d == REF_DOUBLE) { /* #DF, error code 0 (SDM 6.15 Interrupt 8) */
            /* CR2 is the second #PF's: written when it was detected, before the #DF */
            has_payload = has_payload && vector == 14;
            vector = 8;
            has_error = true;
            error = 0;
        }
    }
    /* an exception during delivery of an NMI, interrupt or software event replaces it */
    r->nmi_redeliver = r->intr_redeliver = false;
    e->valid = true;
    e->injected = false;
    e->vector = vector;
    e->type = T_HW;
    e->has_error = has_error;
    e->error = has_error ? error : 0;
    e->len = 0;
    e->has_payload = has_payload;
    e->payload = has_payload ? payload : 0;
}

void ref_queue_nmi(struct ref_vcpu *r)
{
    r->nmi_pending = true;
}

void ref_queue_interrupt(struct ref_vcpu *r, uint8_t vector)
{
    r->intr_pending = true;
    r->intr_next = vector;
}

void ref_instruction_emulated(struct ref_vcpu *r, const struct vmx_emulated_insn *in,
                              struct ref_emulated *out)
{
    /* SDM 24.4.2: blocking by STI / MOV SS ends when the next instruction completes */
    r->vmcs_intr &= ~(I_STI | I_MOV_SS);
    out->interruptibility = r->vmcs_intr;
    /* SDM 17.3.1.1: RF is cleared when an instruction completes */
    out->rf_clear = true;
    uint64_t owed = 0;
    if (in->io) /* SDM 17.2.4: an I/O breakpoint is a trap after the IN/OUT */
        owed = ref_io_hits(in->dr7, in->dr, in->cr4_de, in->io_port, in->io_size);
    /* SDM 17.3.1.4: TF=1, single-step trap, DR6.BS (bit 14); with IA32_DEBUGCTL.BTF only a
     * taken branch traps (SDM 17.4.3), and none of the emulated instructions branches */
    if ((in->rflags & BIT(8)) && !in->btf)
        owed |= BIT(14);
    out->pending_dbg = in->pending_dbg;
    out->owed_dr6 = 0;
    if (!owed)
        return;
    /* SDM 17.2.3: DR6 bits 4-11 and 16-31 read as 1; B0-B3 already pending in the
     * pending-debug-exceptions field (SDM 24.4.2) are reported by the same #DB, and the
     * field is emptied (B0-B3, enabled-breakpoint bit 12, BS bit 14) */
    out->owed_dr6 = 0xffff0000ull | 0x0ff0ull | owed | (in->pending_dbg & 0xf);
    out->pending_dbg = in->pending_dbg & ~(0xfull | BIT(12) | BIT(14));
    ref_queue_exception(r, 1, false, 0, true, out->owed_dr6);
}

static uint32_t word(uint8_t vector, unsigned type, bool has_error)
{
    return W_VALID | (type << 8) | vector | (has_error ? W_ERROR : 0);
}

void ref_before_entry(struct ref_vcpu *r, struct ref_entry *out)
{
    memset(out, 0, sizeof(*out));
    uint32_t intr = r->vmcs_intr;
    out->shutdown = r->shutdown;
    if (r->shutdown) { /* the hv reports the triple fault instead of entering */
        out->interruptibility = intr;
        return;
    }
    if (r->reblock_nmi)
        intr |= I_NMI;
    struct ref_exception *e = &r->exc;
    if (r->raw) { /* raw-copy: the words as read, anything queued waits */
        out->info = r->raw_info;
        out->error = r->raw_error;
        out->len = r->raw_len;
    } else if (e->valid) {
        /* re-delivered or queued exception first: it results from the exiting
         * instruction or was already being delivered (SDM 6.9: never lost, an NMI or
         * interrupt waits for the next entry) */
        out->info = word(e->vector, e->type, e->has_error);
        out->error = e->error;
        out->len = e->len;
        e->injected = true;
        if (e->has_payload && (e->vector == 14 || e->vector == 8)) {
            out->set_cr2 = true;
            out->cr2 = e->payload;
        } else if (e->has_payload && e->vector == 1) {
            out->set_dr6 = true;
            out->dr6 = e->payload;
        }
    } else if (r->nmi_redeliver) {
        out->info = word(2, T_NMI, false);
        intr &= ~I_NMI; /* SDM 26.3.1.5 (virtual NMIs): no NMI injection under NMI blocking */
    } else if (r->intr_redeliver) {
        out->info = word(r->intr_vector, r->intr_type, false);
        out->len = r->intr_len;
    } else if (r->nmi_pending && !(intr & (I_STI | I_MOV_SS | I_NMI))) {
        /* SDM 26.3.1.5: no NMI injection under MOV-SS or NMI blocking (STI: may fail) */
        r->nmi_pending = false;
        out->info = word(2, T_NMI, false);
    } else if (r->intr_pending && !(intr & (I_STI | I_MOV_SS))) {
        /* SDM 26.3.1.5: no external-interrupt injection under STI or MOV-SS blocking */
        r->intr_pending = false;
        out->info = word(r->intr_next, T_EXT, false);
    }
    out->interruptibility = intr;
    r->vmcs_intr = intr;
}
