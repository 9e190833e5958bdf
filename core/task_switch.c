/* SPDX-License-Identifier: BSD-2-Clause */
/* The 32-bit TSS task switch of SDM 7.3 (see task_switch.h). Step numbers are those of the
 * "Task Switching" list in SDM 7.3; the checks are SDM Table 7-1's. */
#include "core/task_switch.h"
#include "core/exception_class.h"

#include <stddef.h>

#define EFLAGS_TF    (1u << 8)
#define EFLAGS_NT    (1u << 14)
#define EFLAGS_RF    (1u << 16)
#define EFLAGS_VM    (1u << 17)
#define EFLAGS_VALID 0x3f7fd5u /* the defined flags (SDM 2.3 Figure 2-5), bit 1 reads 1 */
#define CR0_PG       (1ull << 31)
#define CR0_TS       (1ull << 3)
/* DR7 L0-L3 and LE, the local enables: cleared on every task switch (SDM 17.2.4) */
#define DR7_LOCAL 0x155ull
#define TSS32_MIN 0x67u     /* a 32-bit TSS needs limit >= 67H (SDM 7.3 step 3, 7.2.2) */
#define DESC_BUSY (1u << 9) /* the B flag: bit 1 of the type, high dword (SDM 7.2.2) */

struct ts {
    struct ts_cpu *cpu;
    const struct ts_request *req;
    const struct ts_mem *mem;
    struct ts_result *res;
    bool bad; /* a memory access failed */
};

static uint32_t rd(struct ts *t, uint32_t addr, uint32_t len)
{
    uint32_t v = 0;
    if (!t->bad && !t->mem->read(t->mem->ctx, addr, &v, len))
        t->bad = true;
    return v;
}

static void wr(struct ts *t, uint32_t addr, uint32_t v, uint32_t len)
{
    if (!t->bad && !t->mem->write(t->mem->ctx, addr, &v, len))
        t->bad = true;
}

static void fault(struct ts *t, uint8_t vector, uint16_t selector, const char *why)
{
    t->res->status = TS_FAULT;
    t->res->fault_vector = vector;
    /* SDM 6.13: selector error code with EXT when an external event caused the switch */
    t->res->fault_error = (uint32_t)(selector & 0xfffcu) | (t->req->ext ? 1u : 0u);
    t->res->why = why;
}

static void refuse(struct ts *t, const char *why)
{
    t->res->status = TS_UNSUPPORTED;
    t->res->why = why;
}

/* A descriptor's two dwords into the VMX layout (SDM 3.4.5 Figure 3-8, 24.4.1). */
static void desc_to_seg(uint32_t lo, uint32_t hi, uint16_t sel, struct ts_segment *s)
{
    s->selector = sel;
    s->base = (lo >> 16) | ((hi & 0xffu) << 16) | (hi & 0xff000000u);
    s->limit = (lo & 0xffffu) | (hi & 0xf0000u);
    s->ar = (hi >> 8) & 0xf0ffu;
    if (s->ar & TS_AR_G)
        s->limit = (s->limit << 12) | 0xfffu;
}

/* The descriptor a selector names, from the GDT or the (new) LDT; false when the selector
 * is outside the table (SDM 3.4.2). Its linear address goes to *at. */
static bool fetch(struct ts *t, uint16_t sel, uint32_t *lo, uint32_t *hi, uint32_t *at)
{
    uint32_t base = t->cpu->gdt_base, limit = t->cpu->gdt_limit;
    if (sel & 4) {
        if (t->cpu->ldtr.ar & TS_AR_UNUSABLE)
            return false;
        base = t->cpu->ldtr.base;
        limit = t->cpu->ldtr.limit;
    }
    if ((uint32_t)(sel & ~7u) + 7 > limit)
        return false;
    *at = base + (sel & ~7u);
    *lo = rd(t, *at, 4);
    *hi = rd(t, *at + 4, 4);
    return !t->bad;
}

/* Loading a segment register sets the accessed bit of its descriptor (SDM 3.4.5.1). */
static void touch(struct ts *t, uint32_t at, uint32_t hi, struct ts_segment *s)
{
    if (!(hi & (1u << 8)))
        wr(t, at + 4, hi | (1u << 8), 4);
    s->ar |= 1u;
}

#define IS_CODE(ar) (((ar)&TS_AR_S) && ((ar)&8u))
#define IS_DATA(ar) (((ar)&TS_AR_S) && !((ar)&8u))

/* Step 13 for SS: Table 7-1 "SS segment selector is valid", "Stack segment is present",
 * "Stack segment DPL matches CPL", "Stack segment DPL matches selector RPL". */
static bool load_ss(struct ts *t, uint16_t sel, unsigned cpl)
{
    uint32_t lo, hi, at;
    struct ts_segment s;
    if (!(sel & 0xfffc) || !fetch(t, sel, &lo, &hi, &at))
        return fault(t, X86_TS, sel, "new SS null or outside its table (SDM 7.3 Table 7-1)"), false;
    desc_to_seg(lo, hi, sel, &s);
    if (!IS_DATA(s.ar) || !(s.ar & 2u))
        return fault(t, X86_TS, sel, "new SS not a writable data segment (SDM Table 7-1)"), false;
    if (!(s.ar & TS_AR_P))
        return fault(t, X86_SS, sel, "new SS not present (SDM 7.3 Table 7-1)"), false;
    if (TS_AR_DPL(s.ar) != cpl || TS_AR_DPL(s.ar) != (sel & 3u))
        return fault(t, X86_TS, sel, "new SS DPL differs from CPL or RPL (SDM Table 7-1)"), false;
    touch(t, at, hi, &s);
    t->cpu->seg[TS_SS] = s;
    return true;
}

/* Step 13 for DS, ES, FS, GS: a null selector loads an unusable register; else Table 7-1
 * "valid", "readable", "DPL >= CPL (unless conforming)" (#TS) and "present" (#NP). */
static bool load_data(struct ts *t, enum ts_seg r, uint16_t sel, unsigned cpl)
{
    uint32_t lo, hi, at;
    struct ts_segment s = {sel, 0, 0, TS_AR_UNUSABLE};
    if (sel & 0xfffc) {
        if (!fetch(t, sel, &lo, &hi, &at))
            return fault(t, X86_TS, sel, "new data selector outside its table (SDM 7-1)"), false;
        desc_to_seg(lo, hi, sel, &s);
        if (!(s.ar & TS_AR_S) || (IS_CODE(s.ar) && !(s.ar & 2u)))
            return fault(t, X86_TS, sel, "new data segment not data or readable code (SDM 7-1)"),
                   false;
        bool conforming = IS_CODE(s.ar) && (s.ar & 4u);
        if (!conforming && (TS_AR_DPL(s.ar) < cpl || TS_AR_DPL(s.ar) < (sel & 3u)))
            return fault(t, X86_TS, sel, "new data segment DPL < CPL or RPL (SDM Table 7-1)"),
                   false;
        if (!(s.ar & TS_AR_P))
            return fault(t, X86_NP, sel, "new data segment not present (SDM Table 7-1)"), false;
        touch(t, at, hi, &s);
    }
    t->cpu->seg[r] = s;
    return true;
}

/* Step 13 for CS: Table 7-1 "CS segment selector is valid", "Code segment DPL matches
 * segment selector RPL" (conforming: DPL <= RPL, as Bochs checks it), "Code segment is
 * present" (#NP). */
static bool load_cs(struct ts *t, uint16_t sel)
{
    uint32_t lo, hi, at;
    struct ts_segment s;
    if (!(sel & 0xfffc) || !fetch(t, sel, &lo, &hi, &at))
        return fault(t, X86_TS, sel, "new CS null or outside its table (SDM Table 7-1)"), false;
    desc_to_seg(lo, hi, sel, &s);
    if (!IS_CODE(s.ar))
        return fault(t, X86_TS, sel, "new CS not a code segment (SDM Table 7-1)"), false;
    bool conforming = s.ar & 4u;
    if (conforming ? TS_AR_DPL(s.ar) > (sel & 3u) : TS_AR_DPL(s.ar) != (sel & 3u))
        return fault(t, X86_TS, sel, "new CS DPL does not match its RPL (SDM Table 7-1)"), false;
    if (!(s.ar & TS_AR_P))
        return fault(t, X86_NP, sel, "new CS not present (SDM Table 7-1)"), false;
    touch(t, at, hi, &s);
    t->cpu->seg[TS_CS] = s;
    return true;
}

/* Step 12: LDTR. Null is allowed (unusable); else Table 7-1 "LDT segment selector of new
 * task is valid" (in the GDT, an LDT descriptor) and "LDT of new task is present": #TS. */
static bool load_ldtr(struct ts *t, uint16_t sel)
{
    uint32_t lo, hi, at;
    struct ts_segment s = {sel, 0, 0, TS_AR_UNUSABLE};
    if (sel & 0xfffc) {
        if ((sel & 4) || !fetch(t, sel, &lo, &hi, &at))
            return fault(t, X86_TS, sel, "new LDT selector not in the GDT (SDM Table 7-1)"), false;
        desc_to_seg(lo, hi, sel, &s);
        if ((s.ar & TS_AR_S) || TS_AR_TYPE(s.ar) != TS_TYPE_LDT)
            return fault(t, X86_TS, sel, "new LDT selector names no LDT (SDM Table 7-1)"), false;
        if (!(s.ar & TS_AR_P))
            return fault(t, X86_TS, sel, "new task's LDT not present (SDM Table 7-1)"), false;
    }
    t->cpu->ldtr = s;
    return true;
}

/* Virtual-8086 task (EFLAGS.VM = 1): segments as in real mode, CPL 3 (SDM 20.2.1, 26.3.1.2). */
static void load_v86(struct ts_cpu *cpu, const uint16_t sel[TS_NSEG])
{
    for (unsigned r = 0; r < TS_NSEG; r++) {
        cpu->seg[r].selector = sel[r];
        cpu->seg[r].base = (uint32_t)sel[r] << 4;
        cpu->seg[r].limit = 0xffff;
        cpu->seg[r].ar = 0xf3;
    }
}

/* Pre-commit checks on the new TSS descriptor (SDM 7.3 step 3, Table 7-1): a 32-bit TSS in
 * the GDT, present (#NP), busy for IRET (#TS) and not busy otherwise (#GP), limit >= 67H
 * (#TS); all with the new TSS selector as error code. */
static bool check_new_tss(struct ts *t, uint32_t *lo, uint32_t *hi, uint32_t *at)
{
    uint16_t sel = t->req->selector;
    bool iret = t->req->source == TS_SRC_IRET;
    uint8_t wrong = iret ? X86_TS : X86_GP;
    if ((sel & 4) || !fetch(t, sel & ~3u, lo, hi, at)) {
        if (t->bad)
            return refuse(t, "the GDT is outside guest memory"), false;
        return fault(t, wrong, sel, "new TSS selector not in the GDT (SDM 7.3 step 1)"), false;
    }
    struct ts_segment s;
    desc_to_seg(*lo, *hi, sel, &s);
    unsigned type = TS_AR_TYPE(s.ar);
    if (!(s.ar & TS_AR_S) && (type == 1 || type == 3))
        return refuse(t, "16-bit TSS (only the 32-bit TSS of SDM 7.2.1 is emulated)"), false;
    if ((s.ar & TS_AR_S) || (type != TS_TYPE_TSS32 && type != TS_TYPE_TSS32_BUSY))
        return fault(t, wrong, sel, "new TSS selector names no TSS (SDM 7.2.2)"), false;
    if (!(s.ar & TS_AR_P))
        return fault(t, X86_NP, sel, "new TSS descriptor not present (SDM Table 7-1)"), false;
    if (iret != (type == TS_TYPE_TSS32_BUSY))
        return fault(t, wrong, sel,
                     iret ? "IRET to a TSS that is not busy (SDM 7.3 step 3, Table 7-1)"
                          : "new TSS is busy (SDM 7.3 step 3, Table 7-1; SDM 7.6)"),
               false;
    if (s.limit < TSS32_MIN)
        return fault(t, X86_TS, sel, "new TSS limit below 67H (SDM 7.3 step 3, Table 7-1)"), false;
    if (TS_AR_TYPE(t->cpu->tr.ar) != TS_TYPE_TSS32_BUSY) /* step 8 saves into a 16-bit one */
        return refuse(t, "the current TSS is not a 32-bit TSS (only the 32-bit TSS of SDM "
                         "7.2.1 is emulated)"),
               false;
    if (t->cpu->tr.limit < TSS32_MIN - 8) /* the old TSS must hold what step 8 saves */
        return fault(t, X86_TS, t->cpu->tr.selector, "old TSS limit below 5FH (SDM 7.2.1)"), false;
    return true;
}

/* Step 8: the old task's state into its TSS (EIP past what completed, EFLAGS image). */
static void save_old(struct ts *t, uint32_t eflags)
{
    struct ts_cpu *c = t->cpu;
    uint32_t b = c->tr.base;
    wr(t, b + TSS32_EIP, c->eip + t->req->eip_advance, 4);
    wr(t, b + TSS32_EFLAGS, eflags, 4);
    for (unsigned i = 0; i < 8; i++)
        wr(t, b + TSS32_EAX + 4 * i, c->gpr[i], 4);
    for (unsigned r = 0; r < TS_NSEG; r++)
        wr(t, b + TSS32_ES + 4 * r, c->seg[r].selector, 2);
}

static void push_error_and_check_eip(struct ts *t)
{
    struct ts_cpu *c = t->cpu;
    const struct ts_segment *ss = &c->seg[TS_SS];
    if (t->req->push_error) {
        /* SDM 6.12.2: pushed on the new task's stack, 32 bits for a 32-bit TSS; SDM 3.4.5:
         * SS.B = 0 makes a 16-bit stack, SP used and ESP[31:16] kept; SDM 6.14 / 5.3: an
         * expand-down SS (type bit 2) holds offsets above the limit */
        bool big = ss->ar & TS_AR_DB;
        uint32_t top = big ? 0xffffffffu : 0xffffu;
        uint32_t esp = (c->gpr[4] - 4) & top;
        bool ok = (ss->ar & 4u) ? esp > ss->limit && esp <= top - 3
                                : esp <= ss->limit - 3 && ss->limit >= 3;
        if (!ok)
            return fault(t, X86_SS, 0, "error code push outside the new stack (SDM 6.12.2)");
        wr(t, ss->base + esp, t->req->error_code, 4);
        c->gpr[4] = (c->gpr[4] & ~top) | esp;
    }
    if (c->eip > c->seg[TS_CS].limit) /* SDM 7.3: EIP outside the new CS limit */
        fault(t, X86_GP, 0, "new EIP beyond the new CS limit (SDM 7.3, Table 7-1 note)");
}

/* Selectors load before their descriptors (SDM 7.3 step 12); a fault in step 13 is delivered
 * at the new CS selector's RPL (Bochs: CPL from the new selector, caches invalid). VM entry
 * wants SS.RPL = CS.RPL, SS.DPL = SS.RPL, non-conforming CS.DPL = SS.DPL (SDM 26.3.1.2): until
 * loaded, CS and SS keep the old hidden parts with DPL = that CPL, DS-GS are unusable. A new
 * SS RPL other than CS's fits no VMX guest state: refused. docs/core.md, "Task switches". */
static bool placeholders(struct ts *t, const uint16_t sel[TS_NSEG], unsigned cpl)
{
    struct ts_cpu *c = t->cpu;
    if ((sel[TS_SS] & 3u) != cpl)
        return refuse(t, "new SS selector RPL differs from the new CS RPL: VMX guest state "
                         "cannot hold the task (SDM 26.3.1.2; the CPU raises #TS, Table 7-1)"),
               false;
    for (unsigned r = 0; r < TS_NSEG; r++) {
        c->seg[r].selector = sel[r];
        if (r == TS_CS || r == TS_SS)
            c->seg[r].ar = (c->seg[r].ar & ~(3u << 5)) | (cpl << 5);
        else
            c->seg[r].ar = TS_AR_UNUSABLE;
    }
    c->seg[TS_CS].ar &= ~4u; /* non-conforming: DPL = CPL whatever the old CS was */
    return true;
}

static void run(struct ts *t)
{
    struct ts_cpu *c = t->cpu;
    const struct ts_request *q = t->req;
    bool iret = q->source == TS_SRC_IRET, jmp = q->source == TS_SRC_JMP;
    bool nest = q->source == TS_SRC_CALL || q->source == TS_SRC_IDT_GATE;
    uint32_t lo, hi, at;
    if (c->ia32e)
        return refuse(t, "task switch in IA-32e mode (#GP before the exit, SDM 7.7, 25.4.2)");
    if (!check_new_tss(t, &lo, &hi, &at))
        return;
    struct ts_segment ntr;
    desc_to_seg(lo, hi, q->selector, &ntr);
    /* Step 12 reads: the whole new TSS before anything is written (step 4) */
    uint32_t n[26];
    for (unsigned i = 0; i < 26; i++)
        n[i] = rd(t, ntr.base + 4 * i, 4);
    uint32_t old_at = c->gdt_base + (c->tr.selector & ~7u);
    uint32_t old_hi = rd(t, old_at + 4, 4);
    if (t->bad)
        return refuse(t, "a TSS or the GDT is outside guest memory");

    /* Step 6: JMP and IRET clear the old task's busy flag */
    if (iret || jmp)
        wr(t, old_at + 4, old_hi & ~DESC_BUSY, 4);
    /* Step 7: IRET clears NT in the saved EFLAGS image; a fault-class exception saves RF = 1
     * (SDM 17.3.1.1) */
    uint32_t eflags = c->eflags | (q->fault_rf ? EFLAGS_RF : 0);
    if (iret)
        eflags &= ~EFLAGS_NT;
    save_old(t, eflags); /* step 8 */
    if (nest)            /* the back link (SDM 7.4) */
        wr(t, ntr.base + TSS32_LINK, c->tr.selector, 2);
    /* Step 10: CALL, JMP, interrupt or exception set the new busy flag; IRET leaves it */
    if (!iret)
        wr(t, at + 4, hi | DESC_BUSY, 4);
    if (t->bad)
        return refuse(t, "a TSS or the GDT is outside guest memory");

    /* Commit point: from here faults are in the new task's context (SDM 7.3) */
    t->res->committed = true;
    ntr.ar = (ntr.ar & ~0xfu) | TS_TYPE_TSS32_BUSY; /* step 11 */
    c->tr = ntr;
    c->cr0 |= CR0_TS;     /* SDM 2.5: CR0.TS is set on every task switch */
    c->dr7 &= ~DR7_LOCAL; /* SDM 17.2.4 */
    /* Step 12: CR3 only with paging on; EFLAGS (NT set for CALL and gate, step 9) */
    if (c->cr0 & CR0_PG) {
        c->cr3 = n[TSS32_CR3 / 4];
        t->res->load_cr3 = true;
    }
    uint32_t nf = n[TSS32_EFLAGS / 4];
    c->eflags = ((nest ? nf | EFLAGS_NT : nf) & EFLAGS_VALID) | 2u;
    c->eip = n[TSS32_EIP / 4];
    for (unsigned i = 0; i < 8; i++)
        c->gpr[i] = n[TSS32_EAX / 4 + i];
    uint16_t sel[TS_NSEG];
    for (unsigned r = 0; r < TS_NSEG; r++)
        sel[r] = (uint16_t)n[TSS32_ES / 4 + r];
    /* Step 13: LDTR, then SS, DS, ES, FS, GS, CS; the CPL is the new CS selector's RPL */
    unsigned cpl = sel[TS_CS] & 3u;
    if (c->eflags & EFLAGS_VM)
        load_v86(c, sel); /* the selectors make the whole state (SDM 20.2.1) */
    else if (!placeholders(t, sel, cpl))
        return;
    c->ldtr.selector = (uint16_t)n[TSS32_LDT / 4];
    c->ldtr.ar = TS_AR_UNUSABLE;
    bool trap = n[TSS32_T / 4] & 1u;

    if (!load_ldtr(t, (uint16_t)n[TSS32_LDT / 4]))
        return;
    if (!(c->eflags & EFLAGS_VM)) {
        if (!load_ss(t, sel[TS_SS], cpl))
            return;
        static const enum ts_seg data[4] = {TS_DS, TS_ES, TS_FS, TS_GS};
        for (unsigned i = 0; i < 4; i++)
            if (!load_data(t, data[i], sel[data[i]], cpl))
                return;
        if (!load_cs(t, sel[TS_CS]))
            return;
    }
    if (t->bad)
        return refuse(t, "a descriptor table is outside guest memory");
    push_error_and_check_eip(t);
    if (t->bad)
        return refuse(t, "the new task's stack is outside guest memory");
    if (t->res->status == TS_DONE)
        t->res->debug_trap = trap; /* SDM 7.2.1, 17.3.1.5: #DB (BT) before its first insn */
}

void task_switch_run(struct ts_cpu *cpu, const struct ts_request *req, const struct ts_mem *mem,
                     struct ts_result *res)
{
    struct ts_cpu work = *cpu; /* nothing changes unless the switch commits */
    struct ts t = {&work, req, mem, res, false};
    res->status = TS_DONE;
    res->committed = false;
    res->fault_vector = 0;
    res->fault_error = 0;
    res->debug_trap = false;
    res->load_cr3 = false;
    res->why = "task switch done (SDM 7.3)";
    run(&t);
    if (t.bad && res->status != TS_UNSUPPORTED) /* a fault found on memory it could not reach */
        refuse(&t, "a descriptor table or stack is outside reachable guest memory");
    if (res->committed)
        *cpu = work;
}
