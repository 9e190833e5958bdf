/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/decode_paste.h — `redeliver decode` on what hypervisor tools print: a line of
 * KVM's or Xen's VMCS dump or a trace-cmd kvm_exit / kvm_inj_exception / kvm_inj_virq
 * event is split into tokens (whitespace, '=', ':', ',', '(', ')') and each field name a
 * table in decode_paste.c knows is decoded with the right kind. Also the kinds of
 * `decode KIND VALUE` and how a VALUE is read. Pure: no I/O. */
#ifndef RUNNER_DECODE_PASTE_H
#define RUNNER_DECODE_PASTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum decode_kind {
    DK_IDTV,            /* idtv: IDT-vectoring information (SDM 24.9.3) */
    DK_EXIT_INTR,       /* exit-intr: VM-exit interruption information (SDM 24.9.2) */
    DK_ENTRY_INTR,      /* entry-intr: VM-entry interruption information (SDM 24.8.3) */
    DK_EXIT_REASON,     /* exit-reason (SDM 24.9.1) */
    DK_EPT_QUAL,        /* ept-qual: EPT-violation exit qualification (SDM 27.2.1) */
    DK_KINDS,           /* the kinds above can be named on the command line; these cannot: */
    DK_QUAL = DK_KINDS, /* an exit qualification of an exit that is not an EPT violation */
    DK_ERROR_CODE,      /* an error code beside an interruption-information word */
    DK_INSTR_LEN,       /* an instruction length beside one */
};

/* "idtv", "exit-intr", ..., "ept-qual"; for the others what the output calls them. */
const char *decode_kind_name(enum decode_kind k);
/* A KIND of the command line; false when unknown. */
bool decode_kind_parse(const char *s, enum decode_kind *out);

/* A VALUE of `decode KIND VALUE`: hex with 0x; bare digits are hex when they hold a-f or
 * are zero-padded to 8 or 16 digits (as VMCS dumps print them), else decimal; for
 * exit-reason also a name (EPT_VIOLATION, KVM's MSR_READ, ...; any case). 0, or -1 with
 * the reason in err (not a number, out of range for the kind's 32 or 64 bits). */
int decode_value_parse(enum decode_kind k, const char *text, uint64_t *out, char *err,
                       size_t errlen);
/* A basic exit reason by name (SDM Appendix C or KVM's spelling, any case, with or
 * without EXIT_REASON_); false when unknown. */
bool exit_reason_by_name(const char *name, uint32_t *out);

#define PASTE_MAX 16

struct paste_value {
    enum decode_kind kind;
    char what[48]; /* what it was recognised as: "IDTVectoring info", "kvm_exit reason" */
    uint64_t value;
};

struct paste_line {
    size_t n;
    struct paste_value v[PASTE_MAX];
};

/* The values of one pasted line, in order. 0 (n = 0: nothing recognised), or -1 when a
 * recognised field has a bad value (err says which and why). */
int paste_recognise(const char *line, struct paste_line *out, char *err, size_t errlen);

/* One line: "<kind> (<what>): <value>: <in words>", no newline. */
void paste_value_format(char *buf, size_t len, const struct paste_value *v);

#endif
