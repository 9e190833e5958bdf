/* SPDX-License-Identifier: BSD-2-Clause */
/* runner/decode_paste.c — see decode_paste.h. The recogniser is the table `rules`: a
 * field name (in a section, or anywhere as `name=`) and the kind of the value(s) after it. */
#include "runner/decode_paste.h"

#include "core/ept_qual.h"
#include "core/exception_class.h"
#include "core/vmx_event.h"
#include "core/vmx_exit_reason.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const kind_names[] = {
    [DK_IDTV] = "idtv",
    [DK_EXIT_INTR] = "exit-intr",
    [DK_ENTRY_INTR] = "entry-intr",
    [DK_EXIT_REASON] = "exit-reason",
    [DK_EPT_QUAL] = "ept-qual",
    [DK_QUAL] = "exit-qual",
    [DK_ERROR_CODE] = "error-code",
    [DK_INSTR_LEN] = "instr-len",
};

const char *decode_kind_name(enum decode_kind k)
{
    return (unsigned)k <= DK_INSTR_LEN ? kind_names[k] : "?";
}

bool decode_kind_parse(const char *s, enum decode_kind *out)
{
    for (unsigned k = 0; k < DK_KINDS; k++)
        if (strcmp(s, kind_names[k]) == 0) {
            *out = (enum decode_kind)k;
            return true;
        }
    return false;
}

/* KVM's names (arch/x86 VMX_EXIT_REASONS) where they differ from SDM Appendix C's. */
static const struct {
    const char *name;
    uint32_t reason;
} kvm_reason_names[] = {
    {"SIPI_SIGNAL", 4},         {"PENDING_INTERRUPT", 7},    {"MSR_READ", 31},
    {"MSR_WRITE", 32},          {"INVALID_STATE", 33},       {"MSR_LOAD_FAIL", 34},
    {"MWAIT_INSTRUCTION", 36},  {"MONITOR_INSTRUCTION", 39}, {"PAUSE_INSTRUCTION", 40},
    {"MCE_DURING_VMENTRY", 41}, {"EOI_INDUCED", 45},
};

bool exit_reason_by_name(const char *name, uint32_t *out)
{
    if (strncasecmp(name, "EXIT_REASON_", 12) == 0)
        name += 12;
    for (uint32_t r = 0; r < vmx_exit_reason_limit(); r++)
        if (vmx_exit_reason_known(r) && strcasecmp(name, vmx_exit_reason_name(r)) == 0) {
            *out = r;
            return true;
        }
    for (size_t i = 0; i < sizeof(kvm_reason_names) / sizeof(kvm_reason_names[0]); i++)
        if (strcasecmp(name, kvm_reason_names[i].name) == 0) {
            *out = kvm_reason_names[i].reason;
            return true;
        }
    return false;
}

/* Digits of base 16 (hex) or 10, the whole string; -1 malformed, -2 over 64 bits. */
static int parse_digits(const char *s, unsigned base, uint64_t *out)
{
    uint64_t v = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        unsigned d;
        if (isdigit((unsigned char)*s))
            d = (unsigned)(*s - '0');
        else if (base == 16 && isxdigit((unsigned char)*s))
            d = (unsigned)(tolower((unsigned char)*s) - 'a' + 10);
        else
            return -1;
        if (v > (UINT64_MAX - d) / base)
            return -2;
        v = v * base + d;
    }
    *out = v;
    return 0;
}

static bool has_0x(const char *s)
{
    return s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
}

enum radix { HEX, AUTO };

/* HEX: 0x optional (dumps and kvm_exit print hex); AUTO: the rule of decode_value_parse. */
static int parse_number(const char *s, enum radix r, uint64_t *out)
{
    if (has_0x(s))
        return parse_digits(s + 2, 16, out);
    if (r == HEX)
        return parse_digits(s, 16, out);
    size_t n = strlen(s);
    bool letters = strspn(s, "0123456789") != n;
    bool padded = s[0] == '0' && (n == 8 || n == 16);
    return parse_digits(s, letters || padded ? 16 : 10, out);
}

static bool wide(enum decode_kind k)
{
    return k == DK_EPT_QUAL || k == DK_QUAL;
}

static int value_of(enum decode_kind k, const char *text, enum radix r, uint64_t *out, char *err,
                    size_t errlen)
{
    uint32_t reason;
    if (k == DK_EXIT_REASON && exit_reason_by_name(text, &reason)) {
        *out = reason;
        return 0;
    }
    int rc = parse_number(text, r, out);
    if (rc == -1) {
        snprintf(err, errlen, "'%s' is not a %s%s", text,
                 r == HEX ? "hex number" : "number (hex with 0x, or decimal)",
                 k == DK_EXIT_REASON ? " or an exit-reason name (EPT_VIOLATION, ...)" : "");
        return -1;
    }
    if (rc == -2 || (!wide(k) && *out > UINT32_MAX)) {
        snprintf(err, errlen, "'%s' is out of range for %s (%d bits)", text, decode_kind_name(k),
                 wide(k) ? 64 : 32);
        return -1;
    }
    return 0;
}

int decode_value_parse(enum decode_kind k, const char *text, uint64_t *out, char *err,
                       size_t errlen)
{
    return value_of(k, text, AUTO, out, err, errlen);
}

/* ---- the recogniser ---- */

enum how {
    VALUES,    /* the next token(s) are the values, one per kind[] entry */
    EXCEPTION, /* this token is "#PF": an exception, an optional error code after it */
    VIRQ,      /* the next token is the vector of an external interrupt */
    VIRQ_SOFT, /* the next token is the vector of INT n */
};

struct rule {
    const char *section; /* the line's last section word must be this; NULL: written word= */
    const char *word;    /* field name, any case; "#" matches any "#XX" */
    enum how how;
    enum radix radix;
    enum decode_kind kind[2]; /* kind[1] = kind[0]: one value */
};

static const struct rule rules[] = {
    /* KVM dump_vmcs and Xen vmcs_dump_vcpu */
    {"IDTVectoring", "info", VALUES, HEX, {DK_IDTV, DK_IDTV}},
    {"IDTVectoring", "errcode", VALUES, HEX, {DK_ERROR_CODE, DK_ERROR_CODE}},
    {"VMExit", "intr_info", VALUES, HEX, {DK_EXIT_INTR, DK_EXIT_INTR}},
    {"VMExit", "errcode", VALUES, HEX, {DK_ERROR_CODE, DK_ERROR_CODE}},
    {"VMExit", "ilen", VALUES, HEX, {DK_INSTR_LEN, DK_INSTR_LEN}},
    {"VMEntry", "intr_info", VALUES, HEX, {DK_ENTRY_INTR, DK_ENTRY_INTR}},
    {"VMEntry", "errcode", VALUES, HEX, {DK_ERROR_CODE, DK_ERROR_CODE}},
    {"VMEntry", "ilen", VALUES, HEX, {DK_INSTR_LEN, DK_INSTR_LEN}},
    {NULL, "reason", VALUES, HEX, {DK_EXIT_REASON, DK_EXIT_REASON}},
    {NULL, "qualification", VALUES, HEX, {DK_QUAL, DK_QUAL}},
    {NULL, "ExitReason", VALUES, HEX, {DK_EXIT_REASON, DK_EXIT_REASON}},
    {NULL, "ExitQualification", VALUES, HEX, {DK_QUAL, DK_QUAL}},
    {NULL, "EntryInterruptInfo", VALUES, HEX, {DK_ENTRY_INTR, DK_ENTRY_INTR}},
    {NULL, "ExitInterruptInfo", VALUES, HEX, {DK_EXIT_INTR, DK_EXIT_INTR}},
    {NULL, "IDTVectoringInfo", VALUES, HEX, {DK_IDTV, DK_IDTV}},
    /* trace-cmd: kvm_exit (before Linux 5.16: "info QUAL INTR_INFO"; since: info1, info2 =
     * IDT-vectoring, intr_info, error_code), kvm_inj_exception, kvm_inj_virq */
    {"kvm_exit", "reason", VALUES, HEX, {DK_EXIT_REASON, DK_EXIT_REASON}},
    {"kvm_exit", "info", VALUES, HEX, {DK_QUAL, DK_EXIT_INTR}},
    {"kvm_exit", "info1", VALUES, HEX, {DK_QUAL, DK_QUAL}},
    {"kvm_exit", "info2", VALUES, HEX, {DK_IDTV, DK_IDTV}},
    {"kvm_exit", "intr_info", VALUES, HEX, {DK_EXIT_INTR, DK_EXIT_INTR}},
    {"kvm_exit", "error_code", VALUES, HEX, {DK_ERROR_CODE, DK_ERROR_CODE}},
    {"kvm_inj_exception", "#", EXCEPTION, HEX, {DK_ENTRY_INTR, DK_ERROR_CODE}},
    {"kvm_inj_virq", "IRQ", VIRQ, AUTO, {DK_ENTRY_INTR, DK_ENTRY_INTR}},
    {"kvm_inj_virq", "Soft/INTn", VIRQ_SOFT, AUTO, {DK_ENTRY_INTR, DK_ENTRY_INTR}},
};

static const char *const sections[] = {"IDTVectoring",      "VMExit",      "VMEntry", "kvm_exit",
                                       "kvm_inj_exception", "kvm_inj_virq"};

#define MAX_TOKENS 64

struct tokens {
    size_t n;
    char *t[MAX_TOKENS];
    char sep[MAX_TOKENS]; /* the separator right after the token ('\0' at the end) */
    char buf[1024];
};

static void tokenise(const char *line, struct tokens *tk)
{
    snprintf(tk->buf, sizeof(tk->buf), "%s", line);
    tk->n = 0;
    char *p = tk->buf;
    while (*p && tk->n < MAX_TOKENS) {
        while (*p && strchr(" \t\r\n=:,()", *p))
            p++;
        if (!*p)
            break;
        tk->t[tk->n] = p;
        while (*p && !strchr(" \t\r\n=:,()", *p))
            p++;
        tk->sep[tk->n++] = *p;
        if (*p)
            *p++ = '\0';
    }
}

static bool matches(const struct rule *r, const struct tokens *tk, size_t i, const char *section)
{
    const char *w = tk->t[i];
    if (r->section ? !section || strcmp(r->section, section) != 0 : tk->sep[i] != '=')
        return false;
    if (r->how == EXCEPTION)
        return w[0] == '#' && w[1];
    return strcasecmp(w, r->word) == 0;
}

static bool exception_vector(const char *mnemonic, uint8_t *out)
{
    for (unsigned v = 0; v < 32; v++) {
        const char *m = exception_mnemonic((uint8_t)v);
        if (strcasecmp(mnemonic, m) == 0 || (m[0] != '#' && strcasecmp(mnemonic + 1, m) == 0)) {
            *out = (uint8_t)v;
            return true;
        }
    }
    return false;
}

static struct paste_value *add(struct paste_line *out, enum decode_kind k, const char *section,
                               const char *word, uint64_t v)
{
    if (out->n >= PASTE_MAX)
        return NULL;
    struct paste_value *pv = &out->v[out->n++];
    pv->kind = k;
    pv->value = v;
    snprintf(pv->what, sizeof(pv->what), "%s%s%s", section ? section : "", section ? " " : "",
             word);
    return pv;
}

/* One rule at token i; returns how many tokens it used, or -1 (err set). */
static int apply(const struct rule *r, const struct tokens *tk, size_t i, const char *section,
                 struct paste_line *out, char *err, size_t errlen)
{
    const char *word = tk->t[i];
    char why[160];
    uint64_t v;
    if (r->how == EXCEPTION) {
        uint8_t vector;
        if (!exception_vector(word, &vector)) {
            snprintf(err, errlen, "%s: '%s' is not an exception mnemonic (#DE ... #CP)", section,
                     word);
            return -1;
        }
        /* KVM injects #BP and #OF as software exceptions (SDM 24.8.3), the rest as hardware */
        bool soft = vector == X86_BP || vector == X86_OF;
        bool has_err = i + 1 < tk->n && parse_number(tk->t[i + 1], HEX, &v) == 0;
        uint32_t info = vmx_intr_info_make(
            vector, soft ? VMX_EVENT_SOFT_EXCEPTION : VMX_EVENT_HW_EXCEPTION, has_err);
        add(out, DK_ENTRY_INTR, section, word, info);
        if (has_err && value_of(DK_ERROR_CODE, tk->t[i + 1], HEX, &v, why, sizeof(why)) == 0)
            add(out, DK_ERROR_CODE, section, word, v);
        return has_err ? 2 : 1;
    }
    int need = r->how == VALUES && r->kind[1] != r->kind[0] ? 2 : 1;
    for (int k = 0; k < need; k++) {
        if (i + 1 + (size_t)k >= tk->n) {
            snprintf(err, errlen, "%s%s%s: no value after it", section ? section : "",
                     section ? " " : "", word);
            return -1;
        }
        const char *text = tk->t[i + 1 + (size_t)k];
        enum decode_kind kind = r->kind[k];
        if (value_of(kind, text, r->radix, &v, why, sizeof(why)) != 0) {
            snprintf(err, errlen, "%s%s%s: %s", section ? section : "", section ? " " : "", word,
                     why);
            return -1;
        }
        if (r->how != VALUES) {
            if (v > 255) {
                snprintf(err, errlen, "%s %s: vector '%s' is above 255", section, word, text);
                return -1;
            }
            v = vmx_intr_info_make(
                (uint8_t)v, r->how == VIRQ ? VMX_EVENT_EXT_INTR : VMX_EVENT_SOFT_INTR, false);
        }
        add(out, kind, section, word, v);
    }
    return 1 + need;
}

int paste_recognise(const char *line, struct paste_line *out, char *err, size_t errlen)
{
    struct tokens tk;
    tokenise(line, &tk);
    out->n = 0;
    const char *section = NULL;
    for (size_t i = 0; i < tk.n;) {
        for (size_t s = 0; s < sizeof(sections) / sizeof(sections[0]); s++)
            if (strcasecmp(tk.t[i], sections[s]) == 0)
                section = sections[s];
        int used = 0;
        for (size_t r = 0; r < sizeof(rules) / sizeof(rules[0]) && !used; r++)
            if (matches(&rules[r], &tk, i, section))
                used = apply(&rules[r], &tk, i, rules[r].section, out, err, errlen);
        if (used < 0)
            return -1;
        i += used ? (size_t)used : 1;
    }
    /* an exit qualification is an EPT-violation qualification when the line says so */
    bool ept = false;
    for (size_t i = 0; i < out->n; i++)
        ept |= out->v[i].kind == DK_EXIT_REASON &&
               vmx_exit_reason_basic((uint32_t)out->v[i].value) == VMX_EXIT_EPT_VIOLATION;
    for (size_t i = 0; ept && i < out->n; i++)
        if (out->v[i].kind == DK_QUAL)
            out->v[i].kind = DK_EPT_QUAL;
    return 0;
}

void paste_value_format(char *buf, size_t len, const struct paste_value *v)
{
    char words[200];
    static const enum vmx_intr_field field[] = {
        [DK_IDTV] = VMX_FIELD_IDT_VECTORING,
        [DK_EXIT_INTR] = VMX_FIELD_EXIT_INTR,
        [DK_ENTRY_INTR] = VMX_FIELD_ENTRY_INTR,
    };
    uint32_t w = (uint32_t)v->value;
    switch (v->kind) {
    case DK_IDTV:
    case DK_EXIT_INTR:
    case DK_ENTRY_INTR:
        vmx_intr_info_format_field(words, sizeof(words), w, field[v->kind]);
        break;
    case DK_EXIT_REASON:
        snprintf(words, sizeof(words), "%s (basic reason %u)%s",
                 vmx_exit_reason_name(vmx_exit_reason_basic(w)), vmx_exit_reason_basic(w),
                 w & VMX_EXIT_REASON_ENTRY_FAIL ? ", VM-entry failure" : "");
        break;
    case DK_EPT_QUAL:
        ept_qual_format(words, sizeof(words), v->value);
        break;
    case DK_QUAL:
        snprintf(words, sizeof(words), "not decoded (only an EPT violation's is)");
        break;
    default: /* an error code or instruction length: the number is all there is */
        words[0] = '\0';
        break;
    }
    if (v->kind == DK_INSTR_LEN)
        snprintf(buf, len, "%s (%s): %llu", decode_kind_name(v->kind), v->what,
                 (unsigned long long)v->value);
    else if (!words[0])
        snprintf(buf, len, "%s (%s): 0x%08x", decode_kind_name(v->kind), v->what, w);
    else if (wide(v->kind))
        snprintf(buf, len, "%s (%s): 0x%llx: %s", decode_kind_name(v->kind), v->what,
                 (unsigned long long)v->value, words);
    else
        snprintf(buf, len, "%s (%s): 0x%08x: %s", decode_kind_name(v->kind), v->what, w, words);
}
