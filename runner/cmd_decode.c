/* SPDX-License-Identifier: BSD-2-Clause */
/* `redeliver decode KIND VALUE...`: VMCS event fields in words (core/ does the decoding);
 * `redeliver decode LINE...` / `decode -`: what hypervisor tools print (decode_paste.c). */
#include "core/ept_qual.h"
#include "core/exception_class.h"
#include "core/injection_check.h"
#include "core/text.h"
#include "core/vmx_event.h"
#include "core/vmx_exit_reason.h"
#include "runner/commands.h"
#include "runner/decode_paste.h"
#include "runner/suggest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "usage: redeliver decode KIND VALUE...\n"
    "       redeliver decode 'LINE'...     a line pasted from a VMCS dump or trace-cmd\n"
    "       redeliver decode [-]           such lines from stdin (when it is not a terminal)\n"
    "  KIND   idtv        IDT-vectoring information (SDM 24.9.3)\n"
    "         exit-intr   VM-exit interruption information (SDM 24.9.2)\n"
    "         entry-intr  VM-entry interruption information (SDM 24.8.3)\n"
    "         exit-reason exit-reason field (SDM 24.9.1, Appendix C), or its name\n"
    "         ept-qual    EPT-violation exit qualification (SDM 27.2.1 Table 27-7)\n"
    "  VALUE  hex with 0x; bare digits are hex when they hold a-f or are zero-padded to 8\n"
    "         or 16 digits, else decimal; 32 bits except ept-qual (64 bits)\n"
    "  LINE   KVM's and Xen's VMCS dumps (IDTVectoring: info=80000b0e errcode=00000000,\n"
    "         VMExit: intr_info=... errcode=... ilen=..., reason=00000030\n"
    "         qualification=..., EntryInterruptInfo=..., ExitReason=...), trace-cmd's\n"
    "         kvm_exit (reason EPT_VIOLATION ... info 181 0; ... intr_info 0x80000b0e\n"
    "         error_code 0x0), kvm_inj_exception (#PF (0x2)) and kvm_inj_virq (IRQ 0x40):\n"
    "         one line per value found, prefixed by what it was recognised as\n"
    "Exit status: 0 decoded, 1 some line was not recognised, 2 a bad value or usage.\n"
    "example: redeliver decode idtv 0x80000b0e\n"
    "         echo 'IDTVectoring: info=80000b0e errcode=00000000' | redeliver decode\n";

static const char *const field_title[] = {
    [VMX_FIELD_IDT_VECTORING] = "IDT-vectoring information (SDM 24.9.3)",
    [VMX_FIELD_EXIT_INTR] = "VM-exit interruption information (SDM 24.9.2)",
    [VMX_FIELD_ENTRY_INTR] = "VM-entry interruption information (SDM 24.8.3)",
};

static void decode_intr(uint32_t v, enum vmx_intr_field field)
{
    char line[160];
    struct vmx_intr_info d = vmx_intr_info_decode(v, field);
    vmx_intr_info_format_field(line, sizeof(line), v, field);
    printf("0x%08x: %s\n", v, line);
    printf("  field     %s\n", field_title[field]);
    printf("  valid     %d (bit 31)\n", d.valid);
    printf("  type      %u %s (bits 10:8)\n", d.type,
           vmx_event_type_name((enum vmx_event_type)d.type));
    printf("  vector    %u", d.vector);
    if (d.vector < 32)
        printf(" %s: %s, %s, %s", exception_mnemonic(d.vector),
               exception_kind_name(exception_kind(d.vector)),
               exception_class_name(exception_class(d.vector)),
               exception_has_error_code(d.vector) ? "pushes an error code" : "no error code");
    printf(" (bits 7:0)\n");
    printf("  error     %d %s (bit 11)\n", d.has_error,
           field == VMX_FIELD_ENTRY_INTR ? "deliver error code" : "error code valid");
    if (field == VMX_FIELD_EXIT_INTR)
        printf("  bit 12    %d NMI unblocking due to IRET\n", d.nmi_unblock);
    else if (field == VMX_FIELD_IDT_VECTORING)
        printf("  bit 12    %d undefined (never copy it into VM-entry information)\n",
               d.nmi_unblock);
    printf("  reserved  0x%08x (bits 30:%d)%s\n", d.reserved,
           field == VMX_FIELD_ENTRY_INTR ? 12 : 13,
           d.reserved ? (field == VMX_FIELD_ENTRY_INTR ? " set: VM entry fails"
                                                       : " set: not produced by a CPU")
                      : "");
    if (!d.valid)
        printf("  (not valid: the other bits carry no event)\n");
    if (field == VMX_FIELD_ENTRY_INTR && d.valid) {
        /* SDM 26.2.1.3 with hv/'s setup; error code 0, a length that fits software events */
        struct vmx_entry_caps caps;
        vmx_entry_caps_default(&caps);
        const char *why = vmx_check_entry_injection(&caps, v, 0, 1);
        printf("  checks    %s%s\n", why ? "FAIL: " : "pass (SDM 26.2.1.3)", why ? why : "");
        printf("            (assuming CR0.PE=1, error code 0, instruction length 1)\n");
    }
}

static void decode_exit_reason(uint32_t v)
{
    uint32_t basic = vmx_exit_reason_basic(v);
    printf("0x%08x: %s (basic reason %u)\n", v, vmx_exit_reason_name(basic), basic);
    if (v & VMX_EXIT_REASON_ENCLAVE)
        printf("  bit 27    exit from enclave mode\n");
    if (v & VMX_EXIT_REASON_PENDING_MTF)
        printf("  bit 28    pending MTF VM exit\n");
    if (v & VMX_EXIT_REASON_FROM_ROOT)
        printf("  bit 29    VM exit from VMX root operation\n");
    if (v & VMX_EXIT_REASON_ENTRY_FAIL)
        printf("  bit 31    VM-entry failure (SDM 26.7)\n");
    uint32_t rsvd =
        v & ~(VMX_EXIT_REASON_BASIC_MASK | VMX_EXIT_REASON_ENCLAVE | VMX_EXIT_REASON_PENDING_MTF |
              VMX_EXIT_REASON_FROM_ROOT | VMX_EXIT_REASON_ENTRY_FAIL);
    if (rsvd)
        printf("  reserved  0x%08x set\n", rsvd);
}

static void decode_ept_qual(uint64_t v)
{
    char line[200];
    ept_qual_format(line, sizeof(line), v);
    printf("0x%llx: %s\n", (unsigned long long)v, line);
}

static void decode_one(enum decode_kind k, uint64_t v)
{
    if (k == DK_IDTV)
        decode_intr((uint32_t)v, VMX_FIELD_IDT_VECTORING);
    else if (k == DK_EXIT_INTR)
        decode_intr((uint32_t)v, VMX_FIELD_EXIT_INTR);
    else if (k == DK_ENTRY_INTR)
        decode_intr((uint32_t)v, VMX_FIELD_ENTRY_INTR);
    else if (k == DK_EXIT_REASON)
        decode_exit_reason((uint32_t)v);
    else
        decode_ept_qual(v);
}

/* `decode KIND VALUE...`: every value is checked before any is printed. */
static int decode_values(enum decode_kind k, int n, char **texts)
{
    uint64_t *v = calloc((size_t)n, sizeof(*v));
    if (!v)
        return 2;
    for (int i = 0; i < n; i++) {
        char err[200];
        if (decode_value_parse(k, texts[i], &v[i], err, sizeof(err)) != 0) {
            fprintf(stderr, "redeliver decode: %s\n", err);
            free(v);
            return 2;
        }
    }
    for (int i = 0; i < n; i++)
        decode_one(k, v[i]);
    free(v);
    return 0;
}

/* One pasted line: 0 decoded (or blank), 1 not recognised, 2 a bad value. */
static int decode_line(const char *where, const char *line)
{
    size_t n = strcspn(line, "\r\n");
    char text[1024];
    snprintf(text, sizeof(text), "%.*s", (int)n, line);
    if (text[strspn(text, " \t")] == '\0')
        return 0;
    struct paste_line pl;
    char err[300], out[400];
    if (paste_recognise(text, &pl, err, sizeof(err)) != 0) {
        fprintf(stderr, "redeliver decode: %s%s\n  in: %s\n", where, err, text);
        return 2;
    }
    if (pl.n == 0) {
        printf("not recognised: %s\n", text);
        return 1;
    }
    for (size_t i = 0; i < pl.n; i++) {
        paste_value_format(out, sizeof(out), &pl.v[i]);
        printf("%s\n", out);
    }
    return 0;
}

static int worse(int a, int b)
{
    return a > b ? a : b;
}

static int decode_stdin(void)
{
    char *line = NULL, where[32];
    size_t cap = 0;
    int rc = 0;
    for (unsigned no = 1; getline(&line, &cap, stdin) >= 0; no++) {
        snprintf(where, sizeof(where), "line %u: ", no);
        rc = worse(rc, decode_line(where, line));
    }
    free(line);
    return rc;
}

static bool looks_pasted(const char *arg)
{
    return strpbrk(arg, " \t=:") != NULL;
}

int cmd_decode(int argc, char **argv)
{
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        fputs(usage, stdout);
        return 0;
    }
    if (argc == 1 && !isatty(STDIN_FILENO))
        return decode_stdin();
    if (argc == 2 && !strcmp(argv[1], "-"))
        return decode_stdin();
    if (argc >= 2 && looks_pasted(argv[1])) {
        int rc = 0;
        for (int i = 1; i < argc; i++)
            rc = worse(rc, decode_line("", argv[i]));
        return rc;
    }
    if (argc < 3) {
        fprintf(stderr,
                "redeliver decode: expected KIND VALUE..., a pasted line, or - for "
                "stdin\n%s",
                usage);
        return 2;
    }
    enum decode_kind k;
    if (!decode_kind_parse(argv[1], &k)) {
        struct suggest sg;
        char hint[96];
        suggest_init(&sg, argv[1]);
        for (unsigned i = 0; i < DK_KINDS; i++)
            suggest_offer(&sg, decode_kind_name((enum decode_kind)i));
        fprintf(stderr,
                "redeliver decode: unknown kind '%s' (%svalid: idtv, exit-intr, "
                "entry-intr, exit-reason, ept-qual; see redeliver decode --help)\n",
                argv[1], suggest_text(&sg, hint, sizeof(hint)));
        return 2;
    }
    return decode_values(k, argc - 2, argv + 2);
}
