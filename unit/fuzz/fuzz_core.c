/* SPDX-License-Identifier: BSD-2-Clause */
/* What: libFuzzer target over core/. The first input byte picks one of three parts:
 * the field decoders, formatters and injection checks; the event queue driven with any
 * exit fields and queue calls for one policy (robustness, this file); and the meaning of
 * the queue: every policy in lock step against an independent SDM reference
 * (fuzz_meaning.c, reference.c).
 * Why: hv/ runs this code on every VM exit with whatever the CPU reports; it must never
 * crash, a policy that is not known wrong must never hand VM entry fields that fail the
 * SDM 26.2.1.3 / 26.3.1.5 checks, and no policy may lose, duplicate or mis-merge an event
 * or put a payload on the wrong vector (`make fuzz-mutants` shows those are caught).
 * Invariants checked here (abort() on violation; fuzz_meaning.c lists its own):
 *  - formatters stay inside their buffer and NUL-terminate;
 *  - policies other than raw-copy never set bit 12 or reserved bits in VM-entry info;
 *  - after plausible exits (vmx_exit_events_implausible() == NULL) and well-formed
 *    queue calls, non-known-wrong policies produce entry fields that pass the checks;
 *  - shutdown injects nothing; the note says "vectoring" iff IDT-vectoring was valid.
 * Inputs are shaped with the reference's SDM tables (error codes), not core/'s. */
#include "core/ept_qual.h"
#include "core/exception_class.h"
#include "core/injection_check.h"
#include "core/policy.h"
#include "core/vcpu_events.h"
#include "core/vmx_event.h"
#include "core/vmx_exit_reason.h"
#include "unit/fuzz/fuzz_input.h"
#include "unit/fuzz/reference.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check_text(const char *buf, size_t len, size_t n)
{
    if (len == 0) {
        CHECK(n == 0, "formatter wrote into an empty buffer");
        return;
    }
    CHECK(n < len && buf[n] == '\0' && strlen(buf) == n, "formatter overran (%zu/%zu)", n, len);
}

static void fuzz_decoders(struct input *in)
{
    char buf[200];
    uint32_t w = (uint32_t)take(in, 4);
    size_t len = (size_t)take(in, 1) % sizeof(buf);
    for (int f = 0; f < 3; f++) {
        memset(buf, 0x55, sizeof(buf));
        size_t n = vmx_intr_info_format_field(buf, len, w, (enum vmx_intr_field)f);
        check_text(buf, len, n);
        struct vmx_intr_info d = vmx_intr_info_decode(w, (enum vmx_intr_field)f);
        uint32_t back = vmx_intr_info_encode(&d);
        CHECK((back & 0x80000fffu) == back && back == (w & 0x80000fffu), "codec 0x%08x", w);
    }
    uint64_t q = take(in, 8);
    memset(buf, 0x55, sizeof(buf));
    check_text(buf, len, ept_qual_format(buf, len, q));
    CHECK(vmx_exit_reason_name(w & 0xffff) != NULL, "exit name");
    (void)double_fault_decide((uint8_t)w, (uint8_t)(w >> 8));
    struct vmx_entry_caps caps;
    vmx_entry_caps_default(&caps);
    uint8_t c = (uint8_t)take(in, 1);
    caps.cr0_pe = c & 1, caps.unrestricted_guest = c & 2, caps.mtf = c & 4;
    caps.no_hw_errcode_check = c & 8, caps.zero_len_injection = c & 16;
    caps.virtual_nmis = c & 32;
    (void)vmx_check_entry_injection(&caps, w, (uint32_t)q, (uint32_t)(q >> 32));
    (void)vmx_check_entry_interruptibility(&caps, w, (uint32_t)(q >> 16));
}

/* What a CPU can report: the same shape as vmx_exit_events_implausible() accepts. */
static void make_plausible(struct vmx_exit_events *x)
{
    x->exit_reason &= 0xffff; /* no VM-entry failure: hv does not call core then */
    uint32_t w = x->idt_vectoring_info & 0x80001fffu;
    unsigned type = (w >> 8) & 7, vec = w & 0xff;
    if (type == 1 || type == 7)
        type = 0;
    if (type == 2)
        vec = 2;
    if (type == 3)
        vec &= 31;
    bool err = type == 3 && ref_has_error_code((uint8_t)vec);
    x->idt_vectoring_info = (w & 0x80001000u) | (type << 8) | vec | (err ? 0x800u : 0);
    x->idt_vectoring_error &= 0xffff;
    if (type >= 4 && type <= 6)
        x->exit_instr_len = 1 + x->exit_instr_len % 15;
    uint32_t intr = x->guest_interruptibility & 0xb; /* STI, MOV SS, NMI */
    if ((intr & 3) == 3)
        intr &= ~2u;
    if (x->idt_vectoring_info >> 31)
        intr &= 8;
    x->guest_interruptibility = intr;
}

static void fuzz_queue(struct input *in)
{
    struct vcpu_events ev;
    struct vmx_entry_caps caps;
    vmx_entry_caps_default(&caps);
    const struct policy *p = policy_at((unsigned)take(in, 1) % policy_count());
    vcpu_events_init(&ev, p);
    bool clean = true;
    bool raw = p == policy_find("raw-copy");
    for (int step = 0; step < 64 && in->n; step++) {
        uint8_t ctl = (uint8_t)take(in, 1);
        struct vmx_exit_events x;
        x.exit_reason = (uint32_t)take(in, 2);
        x.exit_qualification = take(in, 2) << (ctl & 0x30);
        x.exit_intr_info = (uint32_t)take(in, 4);
        x.exit_intr_error = (uint32_t)take(in, 2);
        x.idt_vectoring_info = (uint32_t)take(in, 4);
        x.idt_vectoring_error = (uint32_t)take(in, 4);
        x.exit_instr_len = (uint32_t)take(in, 1);
        x.guest_interruptibility = (uint32_t)take(in, 1);
        if (ctl & 0x80)
            x.exit_reason |= 0x80000000u; /* hv would not call core, but must not crash */
        if (!(ctl & 1))
            make_plausible(&x);
        if (vmx_exit_events_implausible(&x))
            clean = false;

        struct redelivery_note note;
        vcpu_events_after_exit(&ev, &x, &note);
        CHECK(note.vectoring == (x.idt_vectoring_info >> 31), "note.vectoring");
        CHECK(note.action && note.why, "note strings");

        unsigned queued = (ctl >> 1) & 3;
        for (unsigned q = 0; q < queued; q++) {
            uint8_t op = (uint8_t)take(in, 1);
            uint8_t vec = (uint8_t)take(in, 1);
            uint32_t err = (uint32_t)take(in, 2);
            bool wellformed = !(op & 0x80);
            if (wellformed)
                vec &= 31;
            bool has_err = wellformed ? ref_has_error_code(vec) : (op & 0x40) != 0;
            clean &= wellformed;
            switch (op & 3) {
            case 0:
                vcpu_queue_exception(&ev, vec, has_err, err);
                break;
            case 1:
                vcpu_queue_exception_payload(&ev, vec, has_err, err, take(in, 8));
                break;
            case 2:
                vcpu_queue_nmi(&ev);
                break;
            default:
                vcpu_queue_interrupt(&ev, (uint8_t)(vec | 0x20));
                break;
            }
        }

        struct vmx_entry_events e;
        memset(&e, 0x5a, sizeof(e));
        bool inj = vcpu_events_before_entry(&ev, &e);
        CHECK(inj == ((e.entry_intr_info >> 31) != 0), "return value vs valid bit");
        if (vcpu_events_shutdown(&ev))
            CHECK(e.entry_intr_info == 0, "injection after shutdown");
        if (!raw)
            CHECK((e.entry_intr_info & 0x7ffff000u) == 0, "%s set reserved bits: 0x%08x",
                  policy_name(p), e.entry_intr_info);
        if (clean && !policy_known_wrong(p) && !(x.exit_reason >> 31)) {
            const char *why = vmx_check_entry_events(&caps, &e, x.guest_interruptibility);
            CHECK(!why, "%s: entry 0x%08x err 0x%x len %u intr 0x%x fails: %s", policy_name(p),
                  e.entry_intr_info, e.entry_exception_error, e.entry_instr_len,
                  e.write_interruptibility ? e.guest_interruptibility : x.guest_interruptibility,
                  why);
        }
        /* a VM-entry failure leaves the queue in an unknown shape: stop judging */
        if (x.exit_reason >> 31)
            clean = false;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = {data, size};
    switch (take(&in, 1) & 3) {
    case 0:
        fuzz_decoders(&in);
        break;
    case 1:
        fuzz_queue(&in);
        break;
    default:
        fuzz_meaning(&in);
        break;
    }
    return 0;
}
