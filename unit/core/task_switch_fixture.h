/* SPDX-License-Identifier: BSD-2-Clause */
/* unit/core/task_switch_fixture.h — a small guest memory (GDT, two TSSes, an LDT) written byte
 * by byte from the SDM's layouts, an old task in TR and a new one available, for the tests of
 * core/task_switch.c; and the VM-entry checks a switched state must pass (SDM 26.3.1.2). */
#ifndef UNIT_CORE_TASK_SWITCH_FIXTURE_H
#define UNIT_CORE_TASK_SWITCH_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/task_switch.h"

#define MEM         0x10000u
#define GDT         0x1000u
#define OLD_TSS     0x2000u
#define NEW_TSS     0x3000u
#define LDT         0x4000u
#define SEL_CS      0x08
#define SEL_DS      0x10
#define SEL_OLD     0x18
#define SEL_NEW     0x20
#define SEL_LDT     0x28
#define SEL_DATA_NP 0x30 /* a data segment, not present */
#define SEL_TSS16   0x38
#define SEL_CS3     0x40 /* code, DPL 3 */
#define NEW_EIP     0x1234u
#define NEW_ESP     0x8000u

static uint8_t mem[MEM] __attribute__((unused));

static inline bool rd(void *ctx, uint32_t a, void *buf, uint32_t len)
{
    (void)ctx;
    if ((uint64_t)a + len > MEM)
        return false;
    memcpy(buf, mem + a, len);
    return true;
}

static inline bool wr(void *ctx, uint32_t a, const void *buf, uint32_t len)
{
    (void)ctx;
    if ((uint64_t)a + len > MEM)
        return false;
    memcpy(mem + a, buf, len);
    return true;
}

static const struct ts_mem tmem __attribute__((unused)) = {0, rd, wr};

static inline uint32_t get32(uint32_t a)
{
    uint32_t v;
    memcpy(&v, mem + a, 4);
    return v;
}

static inline void put32(uint32_t a, uint32_t v)
{
    memcpy(mem + a, &v, 4);
}

/* SDM 3.4.5 Figure 3-8: base, limit (20 bits), type, S, DPL, P, D/B, G. */
static inline void desc(uint16_t sel, uint32_t base, uint32_t limit, unsigned type, unsigned s,
                        unsigned dpl, unsigned p, unsigned g)
{
    uint32_t lo = (limit & 0xffff) | (base << 16);
    uint32_t hi = ((base >> 16) & 0xff) | (type << 8) | (s << 12) | (dpl << 13) | (p << 15) |
                  (limit & 0xf0000) | (s << 22) | (g << 23) | (base & 0xff000000u);
    put32(GDT + (sel & ~7u), lo);
    put32(GDT + (sel & ~7u) + 4, hi);
}

static inline uint32_t desc_type(uint16_t sel)
{
    return (get32(GDT + (sel & ~7u) + 4) >> 8) & 0xf;
}

static struct ts_cpu cpu __attribute__((unused)),
    cpu0 __attribute__((unused)); /* cpu0: the old task as setup() made it */
static struct ts_request req __attribute__((unused));
static struct ts_result res __attribute__((unused));

/* A flat 32-bit environment: old task in TR (busy), new task available, as the guest's. */
static inline int setup(void **state)
{
    (void)state;
    memset(mem, 0, sizeof(mem));
    desc(SEL_CS, 0, 0xfffff, 0xa, 1, 0, 1, 1); /* execute/read, not accessed */
    desc(SEL_DS, 0, 0xfffff, 0x2, 1, 0, 1, 1); /* read/write, not accessed */
    desc(SEL_OLD, OLD_TSS, 0x67, TS_TYPE_TSS32_BUSY, 0, 0, 1, 0);
    desc(SEL_NEW, NEW_TSS, 0x67, TS_TYPE_TSS32, 0, 0, 1, 0);
    desc(SEL_LDT, LDT, 0xf, TS_TYPE_LDT, 0, 0, 1, 0);
    desc(SEL_DATA_NP, 0, 0xfffff, 0x3, 1, 0, 0, 1);
    desc(SEL_TSS16, NEW_TSS, 0x2b, 1, 0, 0, 1, 0);
    desc(SEL_CS3, 0, 0xfffff, 0xb, 1, 3, 1, 1);
    put32(NEW_TSS + TSS32_EIP, NEW_EIP);
    put32(NEW_TSS + TSS32_EFLAGS, 0x2);
    for (unsigned i = 0; i < 8; i++)
        put32(NEW_TSS + TSS32_EAX + 4 * i, i == 4 ? NEW_ESP : 0x100 + i);
    for (unsigned r = 0; r < TS_NSEG; r++)
        put32(NEW_TSS + TSS32_ES + 4 * r, r == TS_CS ? SEL_CS : SEL_DS);
    put32(NEW_TSS + TSS32_CR3, 0x5000);
    memset(&cpu, 0, sizeof(cpu));
    for (unsigned i = 0; i < 8; i++)
        cpu.gpr[i] = 0xa0 + i;
    cpu.eip = 0x400;
    cpu.eflags = 0x202;
    for (unsigned r = 0; r < TS_NSEG; r++)
        cpu.seg[r] = (struct ts_segment){r == TS_CS ? SEL_CS : SEL_DS, 0, 0xffffffff,
                                         r == TS_CS ? 0xc09bu : 0xc093u};
    cpu.ldtr = (struct ts_segment){0, 0, 0, TS_AR_UNUSABLE};
    cpu.tr = (struct ts_segment){SEL_OLD, OLD_TSS, 0x67, 0x8b};
    cpu.gdt_base = GDT;
    cpu.gdt_limit = 0x47;
    cpu.cr0 = 0x11;
    cpu.cr3 = 0x9000;
    cpu.dr7 = 0x7ff; /* every enable: the local ones must go */
    memset(&req, 0, sizeof(req));
    req.selector = SEL_NEW;
    req.source = TS_SRC_CALL;
    req.eip_advance = 7;
    cpu0 = cpu;
    return 0;
}

static inline void run(void)
{
    task_switch_run(&cpu, &req, &tmem, &res);
}

/* The VM-entry checks on guest segment state that hv/ relies on after a switch (SDM
 * 26.3.1.2, protected mode, "unrestricted guest" 0): TR a usable busy 32-bit TSS; LDTR
 * unusable or a present LDT; CS and SS usable with SS.RPL = CS.RPL, SS.DPL = SS.RPL, a
 * non-conforming CS with DPL = SS.DPL (conforming: DPL <= SS.DPL); SS writable data; usable
 * DS..GS accessed, code readable, data or non-conforming code with DPL >= RPL; every usable
 * segment accessed and present. A committed result must pass them, done or faulted. */
static inline void assert_vmx_entry_ok(const struct ts_cpu *c)
{
    const struct ts_segment *cs = &c->seg[TS_CS], *ss = &c->seg[TS_SS];
    assert_false(c->tr.ar & TS_AR_UNUSABLE);
    assert_int_equal(TS_AR_TYPE(c->tr.ar), TS_TYPE_TSS32_BUSY);
    assert_true(c->ldtr.ar & TS_AR_UNUSABLE || TS_AR_TYPE(c->ldtr.ar) == TS_TYPE_LDT);
    if (c->eflags & (1u << 17)) { /* virtual-8086: base = selector << 4, AR 0xf3 */
        for (unsigned r = 0; r < TS_NSEG; r++)
            assert_int_equal(c->seg[r].ar, 0xf3);
        return;
    }
    assert_false(cs->ar & TS_AR_UNUSABLE);
    assert_false(ss->ar & TS_AR_UNUSABLE);
    assert_int_equal(ss->selector & 3u, cs->selector & 3u);
    assert_int_equal(TS_AR_DPL(ss->ar), ss->selector & 3u);
    assert_true((cs->ar & TS_AR_S) && (cs->ar & 9u) == 9u); /* accessed code */
    if (cs->ar & 4u)
        assert_true(TS_AR_DPL(cs->ar) <= TS_AR_DPL(ss->ar));
    else
        assert_int_equal(TS_AR_DPL(cs->ar), TS_AR_DPL(ss->ar));
    assert_true(TS_AR_TYPE(ss->ar) == 3 || TS_AR_TYPE(ss->ar) == 7);
    static const enum ts_seg data[4] = {TS_DS, TS_ES, TS_FS, TS_GS};
    for (unsigned i = 0; i < 4; i++) {
        const struct ts_segment *s = &c->seg[data[i]];
        if (s->ar & TS_AR_UNUSABLE)
            continue;
        assert_true((s->ar & TS_AR_S) && (s->ar & 1u));
        if (s->ar & 8u)
            assert_true(s->ar & 2u); /* code: readable */
        if (TS_AR_TYPE(s->ar) < 12)
            assert_true(TS_AR_DPL(s->ar) >= (s->selector & 3u));
    }
    for (unsigned r = 0; r < TS_NSEG; r++)
        if (!(c->seg[r].ar & TS_AR_UNUSABLE))
            assert_true(c->seg[r].ar & TS_AR_P);
}

#endif
