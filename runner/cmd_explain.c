/* SPDX-License-Identifier: BSD-2-Clause */
/* `redeliver explain --idtv V ...`: what each re-delivery policy writes into the VM-entry
 * fields for one exit with IDT-vectoring information, why, and whether VM entry would
 * accept it (SDM 26.2.1.3, 26.3.1.5). Runs the same core/ code as hv/. */
#include "core/exception_class.h"
#include "core/injection_check.h"
#include "core/policy.h"
#include "core/text.h"
#include "core/vcpu_events.h"
#include "core/vmx_event.h"
#include "core/vmx_exit_reason.h"
#include "runner/commands.h"
#include "runner/suggest.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: redeliver explain --idtv V [options]\n"
    "  --idtv V              IDT-vectoring information (SDM 24.9.3), required\n"
    "  --idtv-error E        IDT-vectoring error code (default 0)\n"
    "  --instr-len L         VM-exit instruction length (default: 2 for INT n, 1 for\n"
    "                        INT3/INTO/ICEBP, 0 otherwise)\n"
    "  --exit-reason R       basic exit reason (default 48, EPT_VIOLATION)\n"
    "  --interruptibility I  guest interruptibility state at the exit (default 0)\n"
    "  --queue VEC[:ERR]     the hv queues this exception after the exit (shows #DF merges)\n"
    "  --policy P            one policy (default: every policy)\n"
    "Numbers are decimal, or hex with 0x. Prints, per policy, the VM-entry fields, the\n"
    "reason with its SDM section, and the result of the VM-entry injection checks.\n"
    "example: redeliver explain --idtv 0x80000b0e --policy kvm\n";

struct explain_args {
    struct vmx_exit_events x;
    bool have_idtv, have_len, have_queue;
    uint8_t queue_vector;
    bool queue_has_error;
    uint32_t queue_error;
    const struct policy *only;
};

static int bad(const char *what, const char *text)
{
    fprintf(stderr, "redeliver explain: %s '%s'\n(see redeliver explain --help)\n", what, text);
    return 2;
}

static int number(const char *opt, const char *text, uint64_t max, uint64_t *out)
{
    int rc = text_parse_u64(text, out);
    if (rc == -1) {
        fprintf(stderr, "redeliver explain: %s '%s' is not a number (decimal, or hex with 0x)\n",
                opt, text);
        return 2;
    }
    if (rc == -2 || *out > max) {
        fprintf(stderr, "redeliver explain: %s '%s' is out of range (max 0x%llx)\n", opt, text,
                (unsigned long long)max);
        return 2;
    }
    return 0;
}

static int parse_queue(struct explain_args *a, const char *text)
{
    char vec[32];
    const char *colon = strchr(text, ':');
    size_t n = colon ? (size_t)(colon - text) : strlen(text);
    if (n == 0 || n >= sizeof(vec))
        return bad("--queue: not VEC[:ERR]:", text);
    memcpy(vec, text, n);
    vec[n] = '\0';
    uint64_t v;
    if (number("--queue vector", vec, 31, &v))
        return 2;
    a->queue_vector = (uint8_t)v;
    a->queue_has_error = colon != NULL;
    a->queue_error = 0;
    if (colon) {
        if (number("--queue error code", colon + 1, UINT32_MAX, &v))
            return 2;
        a->queue_error = (uint32_t)v;
    }
    a->have_queue = true;
    return 0;
}

static int parse(struct explain_args *a, int argc, char **argv)
{
    a->x.exit_reason = VMX_EXIT_EPT_VIOLATION;
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        if (strncmp(opt, "--", 2) != 0)
            return bad("unexpected argument", opt);
        if (i + 1 >= argc)
            return bad("missing value after", opt);
        const char *val = argv[++i];
        uint64_t v;
        if (!strcmp(opt, "--idtv")) {
            if (number(opt, val, UINT32_MAX, &v))
                return 2;
            a->x.idt_vectoring_info = (uint32_t)v;
            a->have_idtv = true;
        } else if (!strcmp(opt, "--idtv-error")) {
            if (number(opt, val, UINT32_MAX, &v))
                return 2;
            a->x.idt_vectoring_error = (uint32_t)v;
        } else if (!strcmp(opt, "--instr-len")) {
            if (number(opt, val, UINT32_MAX, &v))
                return 2;
            a->x.exit_instr_len = (uint32_t)v;
            a->have_len = true;
        } else if (!strcmp(opt, "--exit-reason")) {
            if (number(opt, val, UINT32_MAX, &v))
                return 2;
            a->x.exit_reason = (uint32_t)v;
        } else if (!strcmp(opt, "--interruptibility")) {
            if (number(opt, val, UINT32_MAX, &v))
                return 2;
            a->x.guest_interruptibility = (uint32_t)v;
        } else if (!strcmp(opt, "--queue")) {
            if (parse_queue(a, val))
                return 2;
        } else if (!strcmp(opt, "--policy")) {
            if (strcmp(val, "all") != 0 && !(a->only = policy_find(val))) {
                struct suggest sg;
                char hint[128];
                suggest_init(&sg, val);
                for (unsigned p = 0; p < policy_count(); p++)
                    suggest_offer(&sg, policy_name(policy_at(p)));
                fprintf(stderr, "redeliver explain: unknown policy '%s' (%svalid:", val,
                        suggest_text(&sg, hint, sizeof(hint)));
                for (unsigned p = 0; p < policy_count(); p++)
                    fprintf(stderr, " %s", policy_name(policy_at(p)));
                fputs(")\n", stderr);
                return 2;
            }
        } else {
            return bad("unknown option", opt);
        }
    }
    if (!a->have_idtv) {
        fprintf(stderr, "redeliver explain: --idtv is required\n%s", usage);
        return 2;
    }
    if (a->x.exit_reason & VMX_EXIT_REASON_ENTRY_FAIL) {
        fprintf(stderr, "redeliver explain: exit reason has bit 31 (VM-entry failure): the hv "
                        "does not run the policy then (SDM 26.7)\n");
        return 2;
    }
    return 0;
}

static void default_len(struct explain_args *a)
{
    uint32_t info = a->x.idt_vectoring_info;
    if (a->have_len || !vmx_intr_info_valid(info))
        return;
    switch (vmx_intr_info_type(info)) {
    case VMX_EVENT_SOFT_INTR:
        a->x.exit_instr_len = 2; /* INT n: CD ib */
        break;
    case VMX_EVENT_PRIV_SOFT_EXCEPTION:
    case VMX_EVENT_SOFT_EXCEPTION:
        a->x.exit_instr_len = 1; /* ICEBP F1, INT3 CC, INTO CE */
        break;
    default:
        return;
    }
    printf("(assuming VM-exit instruction length %u; pass --instr-len)\n", a->x.exit_instr_len);
}

/* The checks of SDM 26.2.1.3 and 26.3.1.5 that apply to the fields written (core/'s
 * vmx_check_entry_events runs them all; it names the first that fails). */
static void print_checks(const struct vmx_entry_events *out, const char *fail)
{
    uint32_t info = out->entry_intr_info;
    enum vmx_event_type type = vmx_intr_info_type(info);
    if (fail) {
        printf("  check  FAIL: VM entry fails: %s\n", fail);
        return;
    }
    printf("  check  pass, with hv/'s VMX setup (CR0.PE 1, no unrestricted guest, MTF, virtual "
           "NMIs,\n         no IA32_VMX_BASIC[56], no IA32_VMX_MISC[30]):\n");
    if (!vmx_intr_info_valid(info)) {
        printf("         26.2.1.3  valid bit 0: the injection checks do not apply\n");
    } else {
        printf("         26.2.1.3  type %u not reserved (1; 7 only with MTF)\n", type);
        printf("         26.2.1.3  vector %u fits the type (NMI 2, hardware exception 0-31)\n",
               vmx_intr_info_vector(info));
        printf("         26.2.1.3  deliver-error-code %d: 1 exactly for a hardware exception "
               "that pushes one\n",
               vmx_intr_info_has_error(info));
        if (vmx_intr_info_has_error(info))
            printf("         26.2.1.3  error code bits 31:16 zero\n");
        printf("         26.2.1.3  reserved bits 30:12 zero (bit 12 included)\n");
        if (type == VMX_EVENT_SOFT_INTR || type == VMX_EVENT_PRIV_SOFT_EXCEPTION ||
            type == VMX_EVENT_SOFT_EXCEPTION)
            printf("         26.2.1.3  instruction length %u in 1-15 (software event)\n",
                   out->entry_instr_len);
    }
    printf("         26.3.1.5  interruptibility: bits 31:5 zero, not STI and MOV-SS both%s\n",
           !vmx_intr_info_valid(info)   ? ""
           : type == VMX_EVENT_EXT_INTR ? ", no STI or MOV-SS blocking for an interrupt"
           : type == VMX_EVENT_NMI      ? ", no MOV-SS or NMI blocking for an NMI"
                                        : "");
}

/* Every field the hv writes before the entry (hv/exit.c), each with its value. */
static void print_fields(const struct explain_args *a, const struct vmx_entry_events *out,
                         bool inject)
{
    char words[160];
    uint32_t info = out->entry_intr_info;
    enum vmx_event_type type = vmx_intr_info_type(info);
    uint8_t vector = vmx_intr_info_vector(info);
    bool hw = inject && type == VMX_EVENT_HW_EXCEPTION;
    bool soft = inject && (type == VMX_EVENT_SOFT_INTR || type == VMX_EVENT_PRIV_SOFT_EXCEPTION ||
                           type == VMX_EVENT_SOFT_EXCEPTION);
    vmx_intr_info_format_field(words, sizeof(words), info, VMX_FIELD_ENTRY_INTR);
    printf("  entry  VM-entry interruption information  0x%08x %s\n", info,
           inject ? words : "(valid bit 0: nothing injected)");
    printf("         VM-entry exception error code      0x%x %s\n", out->entry_exception_error,
           vmx_intr_info_has_error(info) ? "(delivered: bit 11 set)" : "(not delivered)");
    printf("         VM-entry instruction length        %u %s\n", out->entry_instr_len,
           soft ? "(pushed RIP = RIP + length, SDM 26.5.1.1)" : "(used by software events only)");
    if (out->write_interruptibility)
        printf("         guest interruptibility             0x%x (was 0x%x)\n",
               out->guest_interruptibility, a->x.guest_interruptibility);
    else
        printf("         guest interruptibility             not written (0x%x)\n",
               a->x.guest_interruptibility);
    if (out->set_rf)
        printf("         RFLAGS.RF                          set to 1 (a fault pushes RF = 1, SDM "
               "17.3.1.1;\n                                            injection pushes RFLAGS "
               "as they are, SDM 26.5.1.1)\n");
    else if (inject)
        printf("         RFLAGS.RF                          not written (as the guest-state area "
               "has it)\n");
    if (out->set_cr2)
        printf("         CR2                                0x%llx (the #PF payload, loaded at "
               "delivery)\n",
               (unsigned long long)out->cr2);
    else if (hw && vector == X86_PF)
        printf("         CR2                                not written (holds the address "
               "since the #PF was raised, SDM 6.15)\n");
    if (out->set_dr6)
        printf("         DR6                                0x%llx (the #DB payload, SDM "
               "17.2.3)\n",
               (unsigned long long)out->dr6);
    else if (hw && vector == X86_DB)
        printf("         DR6                                not written (set before delivery "
               "began, SDM 17.2.3)\n");
}

static void explain_one(const struct explain_args *a, const struct policy *p)
{
    struct vcpu_events ev;
    struct vmx_entry_events out;
    struct redelivery_note note;
    struct vmx_entry_caps caps;

    vmx_entry_caps_default(&caps);
    vcpu_events_init(&ev, p);
    vcpu_events_after_exit(&ev, &a->x, &note);
    if (a->have_queue)
        vcpu_queue_exception(&ev, a->queue_vector, a->queue_has_error, a->queue_error);
    bool inject = vcpu_events_before_entry(&ev, &out);
    const struct redelivery_note *last = vcpu_events_note(&ev);

    printf("%s%s: %s\n", policy_name(p), policy_known_wrong(p) ? " (known wrong)" : "",
           note.action);
    printf("  why    %s\n", note.why[0] ? note.why : "IDT-vectoring information not valid");
    if (last->action != note.action)
        printf("  then   %s: %s\n", last->action, last->why);
    if (vcpu_events_shutdown(&ev)) {
        printf("  entry  none: triple fault, the hv reports shutdown (SDM 6.15 Interrupt 8)\n");
        return;
    }
    print_fields(a, &out, inject);
    print_checks(&out, vmx_check_entry_events(&caps, &out, a->x.guest_interruptibility));
}

int cmd_explain(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(usage, stdout);
            return 0;
        }
    struct explain_args a;
    memset(&a, 0, sizeof(a));
    if (parse(&a, argc, argv))
        return 2;

    char words[160];
    uint32_t reason = vmx_exit_reason_basic(a.x.exit_reason);
    vmx_intr_info_format(words, sizeof(words), a.x.idt_vectoring_info);
    printf("exit %s (%u), idtv 0x%08x: %s", vmx_exit_reason_name(reason), reason,
           a.x.idt_vectoring_info, words);
    if (vmx_intr_info_has_error(a.x.idt_vectoring_info))
        printf(", error code 0x%x", a.x.idt_vectoring_error);
    putchar('\n');
    default_len(&a);
    const char *odd = vmx_exit_events_implausible(&a.x);
    if (odd)
        printf("note: no CPU reports this: %s\n", odd);
    if (a.have_queue)
        printf("then the hv queues #%u%s\n", a.queue_vector,
               a.queue_has_error ? " with error" : "");
    putchar('\n');
    for (unsigned i = 0; i < policy_count(); i++) {
        const struct policy *p = policy_at(i);
        if (!a.only || a.only == p)
            explain_one(&a, p);
    }
    return 0;
}
