/* SPDX-License-Identifier: BSD-2-Clause */
/* What: the meaning half of the fuzz target. One input is a sequence of up to 32 VM exits a
 * CPU can report, with what hv/ does on each (reflect an intercepted exception, raise #UD,
 * emulate an instruction, queue NMIs, interrupts, exceptions). Every policy runs the same
 * sequence in lock step, beside the independent reference (reference.c) for that policy.
 * Why: the well-formedness checks of fuzz_core.c let a core/ that loses events or merges
 * them wrongly pass; these do not (make fuzz-mutants proves it).
 * Checked at every entry, for every policy (abort() on violation):
 *  - the entry fields, CR2/DR6 payloads, guest interruptibility and shutdown equal the
 *    reference's;
 *  - kvm conserves events: the IDT-vectored event is re-injected unchanged unless the hv
 *    queued exceptions during the exit; then what is injected is the double-fault table
 *    (SDM 6.15 Table 6-5) folded over the vectored exception and the queued ones;
 *  - CR2 only with #PF or #DF, DR6 only with #DB; RF only with non-trap hw exceptions;
 *  - a policy behaves exactly as kvm until an IDT-vectored event of a type it exists to
 *    change (ref_policy_changes()) comes by;
 *  - after an emulated instruction: shadow ended, RF clear, the pending-debug field, and
 *    x86_io_breakpoint_hits() equal the reference (SDM 17.2.4, 17.2.5, 17.3.1). */
#include "core/exception_class.h"
#include "core/policy.h"
#include "core/vcpu_events.h"
#include "unit/fuzz/fuzz_input.h"
#include "unit/fuzz/reference.h"

#include <string.h>

#define STEPS  32
#define MAXQ   4
#define IDTV_V 0x80000000u
#define RF     (1ull << 16)

/* Exits hv/ handles; IDT-vectoring information is valid only for exits that can happen
 * during event delivery (SDM 27.2.4): exception, external interrupt, EPT violation, PML. */
static const uint16_t reasons[] = {0, 1, 2, 7, 8, 10, 12, 27, 30, 48, 62};
static bool may_vector(uint32_t basic)
{
    return basic == 0 || basic == 1 || basic == 48 || basic == 62;
}

struct queued {
    uint8_t op; /* 0 NMI, 1 interrupt, 2 exception, 3 exception with payload */
    uint8_t vector;
    uint32_t error;
    uint64_t payload;
};

struct step {
    struct vmx_exit_events x;
    struct queued q[MAXQ];
    unsigned nq;
    bool emulate;
    struct vmx_emulated_insn insn;
};

struct out {
    struct vmx_entry_events e;
    uint32_t intr; /* guest interruptibility after the entry */
    bool shutdown;
    uint8_t shutdown_vector; /* the exception that said shutdown (hv/ reports it) */
};

struct lane {
    const struct policy *p;
    enum ref_policy rp;
    struct vcpu_events ev;
    struct ref_vcpu ref;
    bool live;        /* not shut down */
    bool same_as_kvm; /* every vectored event so far was one p handles as kvm does */
};

/* An exception vector hv/ may queue (not 2: an NMI is queued as such). */
static uint8_t exc_vector(uint8_t b)
{
    b &= 31;
    return b == 2 ? 14 : b;
}

static void make_exit(struct input *in, struct step *s)
{
    struct vmx_exit_events *x = &s->x;
    memset(s, 0, sizeof(*s));
    uint8_t ctl = (uint8_t)take(in, 1);
    uint32_t basic = reasons[take(in, 1) % (sizeof(reasons) / sizeof(reasons[0]))];
    x->exit_reason = basic;
    x->exit_qualification = take(in, 8);
    x->exit_instr_len = 1 + (uint32_t)(take(in, 1) % 15);
    uint8_t t = (uint8_t)take(in, 1), vec = (uint8_t)take(in, 1);
    if ((t & 1) && may_vector(basic)) {
        static const uint8_t types[] = {0, 2, 3, 4, 5, 6};
        unsigned type = types[(t >> 1) % 6];
        if (type == 2) /* SDM 24.9.3: NMI has vector 2 */
            vec = 2;
        else if (type == 3)
            vec = exc_vector(vec);
        else if (type == 5) /* ICEBP */
            vec = 1;
        else if (type == 6) /* INT3, INTO */
            vec = (vec & 1) ? 3 : 4;
        else if (type == 0)
            vec |= 0x20;
        bool err = type == 3 && ref_has_error_code(vec);
        /* bit 12 is undefined in IDT-vectoring information (SDM 24.9.3): any value */
        x->idt_vectoring_info =
            IDTV_V | (type << 8) | vec | (err ? 0x800u : 0) | ((t & 0x80) ? 0x1000u : 0);
        x->idt_vectoring_error = (uint32_t)take(in, 2);
    }
    if (basic == 0) { /* an intercepted hardware exception (hv/exceptions.c) */
        uint8_t v = exc_vector((uint8_t)take(in, 1));
        if (v == 1 || v == 3 || v == 4) /* hv/ does not intercept #DB, #BP, #OF */
            v = 13;
        x->exit_intr_info = IDTV_V | (3u << 8) | v | (ref_has_error_code(v) ? 0x800u : 0);
        if ((ctl & 0x40) && !(x->idt_vectoring_info & IDTV_V)) /* SDM 27.2.3 */
            x->exit_intr_info |= 0x1000u;
        x->exit_intr_error = (uint32_t)take(in, 2);
    }
    uint32_t intr = (uint32_t)take(in, 1) & 0xb; /* STI, MOV SS, NMI (SDM 24.4.2) */
    if ((intr & 3) == 3)
        intr &= ~2u;
    if (x->idt_vectoring_info & IDTV_V) /* delivery began: no STI/MOV-SS shadow */
        intr &= 8;
    x->guest_interruptibility = intr;

    /* what hv/ does: reflect the intercepted exception, #UD for VMXON, emulate */
    if (basic == 0) {
        uint8_t v = x->exit_intr_info & 0xff;
        s->q[s->nq++] =
            (struct queued){v == 14 ? 3 : 2, v, x->exit_intr_error & 0xffff, x->exit_qualification};
    } else if (basic == 27) {
        s->q[s->nq++] = (struct queued){2, 6, 0, 0};
    } else if ((basic == 10 || basic == 12 || basic == 30) && (ctl & 0x10)) {
        struct vmx_emulated_insn *e = &s->insn;
        s->emulate = true;
        uint8_t f = (uint8_t)take(in, 1);
        e->rflags = 2 | ((f & 1) ? 1u << 8 : 0) | ((f & 2) ? RF : 0);
        e->pending_dbg = take(in, 2) & 0x500f; /* B0-B3, bit 12, BS */
        if (!(f & 1))                          /* BS is pending only with TF (SDM 24.4.2, 27.3.4) */
            e->pending_dbg &= ~(1ull << 14);
        e->cr4_de = f & 4;
        e->btf = f & 0x20;
        e->io = basic == 30;
        e->io_port = (uint16_t)take(in, 2);
        e->io_size = (uint8_t[]){1, 2, 4, 4}[(f >> 3) & 3];
        e->dr7 = take(in, 4);
        for (int n = 0; n < 4; n++) {
            uint8_t d = (uint8_t)take(in, 1);
            e->dr[n] = (d & 0x80) ? take(in, 8) : (uint64_t)e->io_port + (int8_t)(d << 1) / 16;
        }
    }
    for (unsigned k = (ctl >> 5) & 3; k && s->nq < MAXQ; k--) {
        uint8_t op = (uint8_t)take(in, 1);
        struct queued *q = &s->q[s->nq++];
        q->op = op & 3;
        q->vector = q->op == 1 ? (uint8_t)(take(in, 1) | 0x20) : exc_vector((uint8_t)take(in, 1));
        q->error = (uint32_t)take(in, 2);
        q->payload = q->op == 3 ? take(in, 8) : 0;
    }
}

static void queue_both(struct lane *l, const struct queued *q)
{
    bool err = ref_has_error_code(q->vector); /* protected mode (SDM 6.13) */
    switch (q->op) {
    case 0:
        vcpu_queue_nmi(&l->ev);
        ref_queue_nmi(&l->ref);
        break;
    case 1:
        vcpu_queue_interrupt(&l->ev, q->vector);
        ref_queue_interrupt(&l->ref, q->vector);
        break;
    case 2:
        vcpu_queue_exception(&l->ev, q->vector, err, q->error);
        ref_queue_exception(&l->ref, q->vector, err, q->error, false, 0);
        break;
    default:
        vcpu_queue_exception_payload(&l->ev, q->vector, err, q->error, q->payload);
        ref_queue_exception(&l->ref, q->vector, err, q->error, true, q->payload);
        break;
    }
}

static void emulate_both(struct lane *l, const struct vmx_emulated_insn *in)
{
    struct vmx_emulated_fields f;
    struct ref_emulated r;
    uint32_t before = l->ref.vmcs_intr;
    memset(&f, 0x5a, sizeof(f));
    vcpu_events_instruction_emulated(&l->ev, in, &f);
    ref_instruction_emulated(&l->ref, in, &r);
    const char *pn = policy_name(l->p);
    uint32_t intr = f.write_interruptibility ? f.guest_interruptibility : before;
    CHECK(intr == r.interruptibility, "%s: emulated: interruptibility 0x%x, want 0x%x (SDM 24.4.2)",
          pn, intr, r.interruptibility);
    uint64_t rflags = f.clear_rf ? in->rflags & ~RF : in->rflags;
    CHECK(!(rflags & RF), "%s: emulated: RF left set (SDM 17.3.1.1)", pn);
    uint64_t pd = f.write_pending_dbg ? f.pending_dbg_exceptions : in->pending_dbg;
    CHECK(pd == r.pending_dbg, "%s: emulated: pending debug 0x%llx, want 0x%llx", pn,
          (unsigned long long)pd, (unsigned long long)r.pending_dbg);
    uint32_t hits = x86_io_breakpoint_hits(in->dr7, in->dr, in->cr4_de, in->io_port, in->io_size);
    uint32_t want = ref_io_hits(in->dr7, in->dr, in->cr4_de, in->io_port, in->io_size);
    CHECK(hits == want,
          "I/O breakpoint hits 0x%x, want 0x%x: dr7 0x%llx port 0x%x size %u (SDM 17.2.5)", hits,
          want, (unsigned long long)in->dr7, in->io_port, in->io_size);
}

static void entry_of(struct lane *l, struct out *o)
{
    memset(o, 0, sizeof(*o));
    uint32_t before = l->ref.vmcs_intr; /* what the VMCS holds if the hv writes nothing */
    vcpu_events_before_entry(&l->ev, &o->e);
    o->intr = o->e.write_interruptibility ? o->e.guest_interruptibility : before;
    o->shutdown = vcpu_events_shutdown(&l->ev);
    o->shutdown_vector = l->ev.shutdown_vector;
    if (!o->e.set_cr2)
        o->e.cr2 = 0;
    if (!o->e.set_dr6)
        o->e.dr6 = 0;
}

static bool same_out(const struct out *a, const struct out *b)
{
    return a->shutdown == b->shutdown &&
           (a->shutdown ||
            (a->e.entry_intr_info == b->e.entry_intr_info &&
             a->e.entry_exception_error == b->e.entry_exception_error &&
             a->e.entry_instr_len == b->e.entry_instr_len && a->e.set_cr2 == b->e.set_cr2 &&
             a->e.cr2 == b->e.cr2 && a->e.set_dr6 == b->e.set_dr6 && a->e.dr6 == b->e.dr6 &&
             a->intr == b->intr));
}

/* core/ against the reference, and the payload / RF rules on their own. */
static void check_against_reference(const struct lane *l, const struct out *o,
                                    const struct ref_entry *r, int step)
{
    const char *pn = policy_name(l->p);
    const struct vmx_entry_events *e = &o->e;
    CHECK(o->shutdown == r->shutdown, "%s step %d: shutdown %d, reference %d", pn, step,
          o->shutdown, r->shutdown);
    if (r->shutdown) {
        CHECK(e->entry_intr_info == 0, "%s step %d: injects 0x%08x after shutdown", pn, step,
              e->entry_intr_info);
        return;
    }
    CHECK(e->entry_intr_info == r->info && e->entry_exception_error == r->error &&
              e->entry_instr_len == r->len,
          "%s step %d: entry 0x%08x err 0x%x len %u, reference 0x%08x err 0x%x len %u", pn, step,
          e->entry_intr_info, e->entry_exception_error, e->entry_instr_len, r->info, r->error,
          r->len);
    CHECK(e->set_cr2 == r->set_cr2 && e->cr2 == r->cr2,
          "%s step %d: CR2 %d 0x%llx, reference %d 0x%llx (entry 0x%08x)", pn, step, e->set_cr2,
          (unsigned long long)e->cr2, r->set_cr2, (unsigned long long)r->cr2, e->entry_intr_info);
    CHECK(e->set_dr6 == r->set_dr6 && e->dr6 == r->dr6,
          "%s step %d: DR6 %d 0x%llx, reference %d 0x%llx (entry 0x%08x)", pn, step, e->set_dr6,
          (unsigned long long)e->dr6, r->set_dr6, (unsigned long long)r->dr6, e->entry_intr_info);
    CHECK(o->intr == r->interruptibility, "%s step %d: interruptibility 0x%x, reference 0x%x", pn,
          step, o->intr, r->interruptibility);
    /* payloads only with their vector: CR2 with #PF or a #DF merged from one, DR6 with #DB */
    uint32_t w = e->entry_intr_info;
    bool hw = (w >> 31) && ((w >> 8) & 7) == 3;
    uint8_t v = w & 0xff;
    CHECK(!e->set_cr2 || (hw && (v == 14 || v == 8)), "%s: CR2 with 0x%08x (SDM 6.15 Int 14)", pn,
          w);
    CHECK(!e->set_dr6 || (hw && v == 1), "%s: DR6 with 0x%08x (SDM 17.2.3)", pn, w);
    /* SDM 17.3.1.1: RF is pushed as 1 for faults only; never for traps, #DB or NMI */
    CHECK(!e->set_rf || (hw && !ref_is_trap_or_int(v)), "%s: RF set with 0x%08x", pn, w);
}

/* kvm conserves the IDT-vectored event; queued exceptions fold per SDM 6.15 Table 6-5. */
static void check_conservation(const struct out *o, const struct step *s, const uint8_t *qexc,
                               unsigned nqexc, int step)
{
    uint32_t w = s->x.idt_vectoring_info;
    unsigned type = (w >> 8) & 7;
    if (!(w >> 31) && (s->x.exit_reason & 0xffff) == 2)
        return; /* the guest triple-faulted by itself */
    if (nqexc == 0) {
        if (w >> 31) {
            bool soft = type >= 4 && type <= 6;
            uint32_t want = w & 0x80000fffu;
            CHECK(!o->shutdown && o->e.entry_intr_info == want &&
                      o->e.entry_exception_error == ((w & 0x800) ? s->x.idt_vectoring_error : 0) &&
                      o->e.entry_instr_len == (soft ? s->x.exit_instr_len : 0),
                  "kvm step %d: vectored 0x%08x err 0x%x len %u not re-injected as is: entry "
                  "0x%08x err 0x%x len %u (SDM 27.2.4, 31.7.1.2)",
                  step, w, s->x.idt_vectoring_error, s->x.exit_instr_len, o->e.entry_intr_info,
                  o->e.entry_exception_error, o->e.entry_instr_len);
        } else {
            unsigned t = (o->e.entry_intr_info >> 8) & 7;
            CHECK(!(o->e.entry_intr_info >> 31) || t == 0 || t == 2,
                  "kvm step %d: injects 0x%08x with nothing vectored or queued", step,
                  o->e.entry_intr_info);
        }
        return;
    }
    int cur = (w >> 31) && type == 3 ? (int)(w & 0xff) : -1;
    bool merged = false;
    for (unsigned i = 0; i < nqexc; i++) {
        enum ref_df d = cur < 0 ? REF_SERIAL : ref_double_fault((uint8_t)cur, qexc[i]);
        if (d == REF_SHUTDOWN) {
            CHECK(o->shutdown && o->shutdown_vector == qexc[i],
                  "kvm step %d: #%d then #%u must shut down (SDM 6.15 Int 8), reported #%u", step,
                  cur, qexc[i], o->shutdown_vector);
            return;
        }
        cur = d == REF_DOUBLE ? 8 : qexc[i];
        merged = d == REF_DOUBLE;
    }
    uint32_t want =
        IDTV_V | (3u << 8) | (uint32_t)cur | (ref_has_error_code((uint8_t)cur) ? 0x800 : 0);
    CHECK(!o->shutdown && o->e.entry_intr_info == want &&
              (!merged || o->e.entry_exception_error == 0),
          "kvm step %d: vectored 0x%08x + %u queued exception(s) (last #%u) gave 0x%08x err 0x%x, "
          "want 0x%08x (SDM 6.15 Table 6-5)",
          step, w, nqexc, qexc[nqexc - 1], o->e.entry_intr_info, o->e.entry_exception_error, want);
}

void fuzz_meaning(struct input *in)
{
    struct lane lanes[REF_POLICIES];
    unsigned n = policy_count();
    CHECK(n == REF_POLICIES, "core/ has %u policies, the reference %d", n, REF_POLICIES);
    for (unsigned i = 0; i < n; i++) {
        struct lane *l = &lanes[i];
        l->p = policy_at(i);
        int rp = ref_policy_by_name(policy_name(l->p));
        CHECK(rp >= 0, "policy %s unknown to the reference", policy_name(l->p));
        l->rp = (enum ref_policy)rp;
        vcpu_events_init(&l->ev, l->p);
        ref_init(&l->ref, l->rp);
        l->live = true;
        l->same_as_kvm = true;
    }
    struct lane *kvm = &lanes[0];
    CHECK(kvm->rp == REF_KVM, "policy 0 is %s, not kvm", policy_name(kvm->p));
    for (int step = 0; step < STEPS && in->n; step++) {
        struct step s;
        make_exit(in, &s);
        struct out outs[REF_POLICIES];
        bool was_live[REF_POLICIES];
        for (unsigned i = 0; i < n; i++) {
            struct lane *l = &lanes[i];
            was_live[i] = l->live;
            if (!l->live)
                continue;
            vcpu_events_after_exit(&l->ev, &s.x, NULL);
            ref_after_exit(&l->ref, &s.x);
            if (s.emulate)
                emulate_both(l, &s.insn);
            for (unsigned k = 0; k < s.nq; k++)
                queue_both(l, &s.q[k]);
            struct ref_entry r;
            entry_of(l, &outs[i]);
            ref_before_entry(&l->ref, &r);
            check_against_reference(l, &outs[i], &r, step);
        }
        /* the exceptions queued during this exit, in order (an emulated #DB first) */
        uint8_t qexc[MAXQ + 1];
        unsigned nqexc = 0;
        if (s.emulate && (((s.insn.rflags & (1u << 8)) && !s.insn.btf) ||
                          (s.insn.io && ref_io_hits(s.insn.dr7, s.insn.dr, s.insn.cr4_de,
                                                    s.insn.io_port, s.insn.io_size))))
            qexc[nqexc++] = 1;
        for (unsigned k = 0; k < s.nq; k++)
            if (s.q[k].op >= 2)
                qexc[nqexc++] = s.q[k].vector;
        if (kvm->live)
            check_conservation(&outs[0], &s, qexc, nqexc, step);
        for (unsigned i = 1; i < n; i++) {
            struct lane *l = &lanes[i];
            if (!was_live[i] || !l->same_as_kvm)
                continue;
            CHECK(was_live[0], "%s step %d: alive, but kvm shut down", policy_name(l->p), step);
            bool changes =
                (s.x.idt_vectoring_info >> 31) && ref_policy_changes(l->rp, s.x.idt_vectoring_info);
            if (changes) {
                l->same_as_kvm = false;
                continue;
            }
            CHECK(same_out(&outs[i], &outs[0]),
                  "%s step %d: differs from kvm on 0x%08x, which it does not exist to change: "
                  "0x%08x vs kvm 0x%08x",
                  policy_name(l->p), step, s.x.idt_vectoring_info, outs[i].e.entry_intr_info,
                  outs[0].e.entry_intr_info);
        }
        for (unsigned i = 0; i < n; i++)
            if (was_live[i] && outs[i].shutdown)
                lanes[i].live = false; /* hv/ ends the run */
    }
}
