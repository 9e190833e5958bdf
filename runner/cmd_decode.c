/* SPDX-License-Identifier: BSD-2-Clause */
/* `redeliver decode KIND VALUE`: a VMCS event field in words (core/ does the decoding). */
#include "core/ept_qual.h"
#include "core/exception_class.h"
#include "core/injection_check.h"
#include "core/text.h"
#include "core/vmx_event.h"
#include "core/vmx_exit_reason.h"
#include "runner/commands.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: redeliver decode KIND VALUE\n"
    "  KIND   idtv        IDT-vectoring information (SDM 24.9.3)\n"
    "         exit-intr   VM-exit interruption information (SDM 24.9.2)\n"
    "         entry-intr  VM-entry interruption information (SDM 24.8.3)\n"
    "         exit-reason exit-reason field (SDM 24.9.1, Appendix C)\n"
    "         ept-qual    EPT-violation exit qualification (SDM 27.2.1 Table 27-7)\n"
    "  VALUE  decimal, or hex with 0x; 32 bits except ept-qual (64 bits)\n"
    "example: redeliver decode idtv 0x80000b0e\n";

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

int cmd_decode(int argc, char **argv)
{
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        fputs(usage, stdout);
        return 0;
    }
    if (argc != 3) {
        fprintf(stderr, "redeliver decode: expected KIND VALUE\n%s", usage);
        return 2;
    }
    const char *kind = argv[1], *text = argv[2];
    static const char *const kinds[] = {"idtv", "exit-intr", "entry-intr", "exit-reason",
                                        "ept-qual"};
    bool known = false;
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        known |= !strcmp(kind, kinds[i]);
    if (!known) {
        fprintf(stderr, "redeliver decode: unknown kind '%s'\n%s", kind, usage);
        return 2;
    }
    uint64_t v;
    int rc = text_parse_u64(text, &v);
    if (rc == -1) {
        fprintf(stderr, "redeliver decode: '%s' is not a number (decimal, or hex with 0x)\n", text);
        return 2;
    }
    bool wide = !strcmp(kind, "ept-qual");
    if (rc == -2 || (!wide && v > UINT32_MAX)) {
        fprintf(stderr, "redeliver decode: '%s' is out of range for %s (%d bits)\n", text, kind,
                wide ? 64 : 32);
        return 2;
    }
    if (!strcmp(kind, "idtv"))
        decode_intr((uint32_t)v, VMX_FIELD_IDT_VECTORING);
    else if (!strcmp(kind, "exit-intr"))
        decode_intr((uint32_t)v, VMX_FIELD_EXIT_INTR);
    else if (!strcmp(kind, "entry-intr"))
        decode_intr((uint32_t)v, VMX_FIELD_ENTRY_INTR);
    else if (!strcmp(kind, "exit-reason"))
        decode_exit_reason((uint32_t)v);
    else
        decode_ept_qual(v);
    return 0;
}
