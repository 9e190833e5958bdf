/* SPDX-License-Identifier: BSD-2-Clause */
/* What: core/task_switch.c, the 32-bit TSS task switch of SDM 7.3, on a small guest memory
 * (GDT, two TSSes, an LDT) written here byte by byte from the SDM's layouts.
 * Why: hv/ emulates every task switch of the guest with it (SDM 25.4.2); each rule below is
 * one the SDM states, and each test fails when core/ breaks that rule.
 * Expected: the SDM 7.3 steps (busy bits, NT, back link, CR0.TS, DR7, TR, LDTR, CR3, state
 * saved and loaded, descriptors in VMX access-rights format), Table 7-1's faults with their
 * error codes before and after the commit point, the error-code push, the T flag. */
#include <setjmp.h>
#include <stdarg.h>
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

static uint8_t mem[MEM];

static bool rd(void *ctx, uint32_t a, void *buf, uint32_t len)
{
    (void)ctx;
    if ((uint64_t)a + len > MEM)
        return false;
    memcpy(buf, mem + a, len);
    return true;
}

static bool wr(void *ctx, uint32_t a, const void *buf, uint32_t len)
{
    (void)ctx;
    if ((uint64_t)a + len > MEM)
        return false;
    memcpy(mem + a, buf, len);
    return true;
}

static const struct ts_mem tmem = {0, rd, wr};

static uint32_t get32(uint32_t a)
{
    uint32_t v;
    memcpy(&v, mem + a, 4);
    return v;
}

static void put32(uint32_t a, uint32_t v)
{
    memcpy(mem + a, &v, 4);
}

/* SDM 3.4.5 Figure 3-8: base, limit (20 bits), type, S, DPL, P, D/B, G. */
static void desc(uint16_t sel, uint32_t base, uint32_t limit, unsigned type, unsigned s,
                 unsigned dpl, unsigned p, unsigned g)
{
    uint32_t lo = (limit & 0xffff) | (base << 16);
    uint32_t hi = ((base >> 16) & 0xff) | (type << 8) | (s << 12) | (dpl << 13) | (p << 15) |
                  (limit & 0xf0000) | (s << 22) | (g << 23) | (base & 0xff000000u);
    put32(GDT + (sel & ~7u), lo);
    put32(GDT + (sel & ~7u) + 4, hi);
}

static uint32_t desc_type(uint16_t sel)
{
    return (get32(GDT + (sel & ~7u) + 4) >> 8) & 0xf;
}

static struct ts_cpu cpu, cpu0; /* cpu0: the old task as setup() made it */
static struct ts_request req;
static struct ts_result res;

/* A flat 32-bit environment: old task in TR (busy), new task available, as the guest's. */
static int setup(void **state)
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

static void run(void)
{
    task_switch_run(&cpu, &req, &tmem, &res);
}

/* SDM 7.3 steps 8-11 for CALL: old state saved, EIP past the CALL; back link; new busy set,
 * old busy left; NT set; TR busy; CR0.TS; DR7 L0-L3, LE cleared; registers loaded. */
static void call_switches(void **state)
{
    (void)state;
    run();
    assert_int_equal(res.status, TS_DONE);
    assert_true(res.committed);
    assert_int_equal(get32(OLD_TSS + TSS32_EIP), 0x407);
    assert_int_equal(get32(OLD_TSS + TSS32_EFLAGS), 0x202);
    assert_int_equal(get32(OLD_TSS + TSS32_EAX + 4 * 7), 0xa7);
    assert_int_equal(get32(OLD_TSS + TSS32_ES + 4 * TS_CS), SEL_CS);
    assert_int_equal(get32(NEW_TSS + TSS32_LINK) & 0xffff, SEL_OLD);
    assert_int_equal(desc_type(SEL_NEW), TS_TYPE_TSS32_BUSY);
    assert_int_equal(desc_type(SEL_OLD), TS_TYPE_TSS32_BUSY);
    assert_int_equal(cpu.eflags, 0x4002); /* NT (SDM 7.3 step 9) */
    assert_int_equal(cpu.tr.selector, SEL_NEW);
    assert_int_equal(cpu.tr.base, NEW_TSS);
    assert_int_equal(cpu.tr.ar, 0x8b);
    assert_true(cpu.cr0 & 8);
    assert_int_equal(cpu.dr7, 0x7ff & ~0x155u);
    assert_int_equal(cpu.eip, NEW_EIP);
    assert_int_equal(cpu.gpr[4], NEW_ESP);
    assert_int_equal(cpu.gpr[0], 0x100);
    assert_int_equal(cpu.cr3, 0x9000); /* paging off: CR3 not loaded (SDM 7.3 step 12) */
    assert_false(res.load_cr3);
    assert_false(res.debug_trap);
}

/* Step 13: descriptors into the hidden parts, VMX format (SDM 24.4.1), accessed bit set in
 * memory and AR (SDM 3.4.5.1); null LDT selector -> unusable LDTR. */
static void segments_loaded(void **state)
{
    (void)state;
    run();
    assert_int_equal(cpu.seg[TS_CS].ar, 0xc09b);
    assert_int_equal(cpu.seg[TS_CS].limit, 0xffffffff);
    assert_int_equal(cpu.seg[TS_SS].ar, 0xc093);
    assert_int_equal(desc_type(SEL_CS), 0xb);
    assert_int_equal(desc_type(SEL_DS), 0x3);
    assert_true(cpu.ldtr.ar & TS_AR_UNUSABLE);
}

/* JMP: old busy cleared, new busy set, NT as in the new TSS, no back link (SDM 7.3, 7.4). */
static void jmp_switches(void **state)
{
    (void)state;
    req.source = TS_SRC_JMP;
    put32(NEW_TSS + TSS32_LINK, 0x77);
    run();
    assert_int_equal(res.status, TS_DONE);
    assert_int_equal(desc_type(SEL_OLD), TS_TYPE_TSS32);
    assert_int_equal(desc_type(SEL_NEW), TS_TYPE_TSS32_BUSY);
    assert_int_equal(cpu.eflags, 0x2);
    assert_int_equal(get32(NEW_TSS + TSS32_LINK), 0x77);
}

/* IRET: needs a busy TSS, clears NT in the saved image and the old busy flag (SDM 7.3). */
static void iret_switches(void **state)
{
    (void)state;
    req.source = TS_SRC_IRET;
    cpu.eflags = 0x4202;
    run();
    assert_int_equal(res.status, TS_FAULT); /* new TSS not busy: #TS(selector) */
    assert_int_equal(res.fault_vector, 10);
    assert_int_equal(res.fault_error, SEL_NEW);
    assert_false(res.committed);
    desc(SEL_NEW, NEW_TSS, 0x67, TS_TYPE_TSS32_BUSY, 0, 0, 1, 0);
    run();
    assert_int_equal(res.status, TS_DONE);
    assert_int_equal(get32(OLD_TSS + TSS32_EFLAGS), 0x202);
    assert_int_equal(desc_type(SEL_OLD), TS_TYPE_TSS32);
    assert_int_equal(desc_type(SEL_NEW), TS_TYPE_TSS32_BUSY);
}

/* Table 7-1 before the commit point: the old task's context, nothing written. */
static void precommit_faults(void **state)
{
    (void)state;
    static uint8_t before[MEM];
    memcpy(before, mem, MEM);
    struct ts_cpu old = cpu;
    desc(SEL_NEW, NEW_TSS, 0x67, TS_TYPE_TSS32_BUSY, 0, 0, 1, 0);
    memcpy(before, mem, MEM);
    run();
    assert_int_equal(res.fault_vector, 13); /* busy: #GP(sel) for CALL/JMP/INT */
    assert_int_equal(res.fault_error, SEL_NEW);
    assert_memory_equal(before, mem, MEM);
    assert_memory_equal(&old, &cpu, sizeof(cpu));
    desc(SEL_NEW, NEW_TSS, 0x67, TS_TYPE_TSS32, 0, 0, 0, 0);
    req.ext = true;
    run();
    assert_int_equal(res.fault_vector, 11); /* not present: #NP(sel), EXT for SDM 6.13 */
    assert_int_equal(res.fault_error, SEL_NEW | 1);
    desc(SEL_NEW, NEW_TSS, 0x66, TS_TYPE_TSS32, 0, 0, 1, 0);
    run();
    assert_int_equal(res.fault_vector, 10); /* limit < 67H: #TS(sel) */
    assert_false(res.committed);
    req.selector = SEL_DS;
    run();
    assert_int_equal(res.fault_vector, 13); /* not a TSS */
    req.selector = SEL_TSS16;
    run();
    assert_int_equal(res.status, TS_UNSUPPORTED);
    req.selector = 0x48; /* beyond the GDT limit */
    run();
    assert_int_equal(res.fault_vector, 13);
}

static void expect_new_task_fault(uint8_t vector, uint32_t error)
{
    cpu = cpu0; /* the old task again, its new TSS available */
    desc(SEL_NEW, NEW_TSS, 0x67, TS_TYPE_TSS32, 0, 0, 1, 0);
    run();
    assert_int_equal(res.status, TS_FAULT);
    assert_true(res.committed);
    assert_int_equal(res.fault_vector, vector);
    assert_int_equal(res.fault_error, error);
    assert_int_equal(cpu.tr.selector, SEL_NEW); /* in the new task's context (SDM 7.3) */
    assert_int_equal(desc_type(SEL_NEW), TS_TYPE_TSS32_BUSY);
}

/* Table 7-1 after the commit point, each condition with its vector and error code. */
static void data_segment_faults(void **state)
{
    (void)state;
    put32(NEW_TSS + TSS32_ES + 4 * TS_DS, SEL_DATA_NP);
    req.ext = true;
    expect_new_task_fault(11, SEL_DATA_NP | 1); /* DS not present: #NP */
    put32(NEW_TSS + TSS32_ES + 4 * TS_DS, 0x80);
    expect_new_task_fault(10, 0x80 | 1); /* outside the GDT: #TS */
    put32(NEW_TSS + TSS32_ES + 4 * TS_DS, SEL_NEW);
    expect_new_task_fault(10, SEL_NEW | 1); /* a system segment: #TS */
    put32(NEW_TSS + TSS32_ES + 4 * TS_DS, 0);
    cpu = cpu0;
    desc(SEL_NEW, NEW_TSS, 0x67, TS_TYPE_TSS32, 0, 0, 1, 0);
    run();
    assert_int_equal(res.status, TS_DONE); /* null data selector: allowed, unusable */
    assert_true(cpu.seg[TS_DS].ar & TS_AR_UNUSABLE);
}

static void stack_and_code_faults(void **state)
{
    (void)state;
    put32(NEW_TSS + TSS32_ES + 4 * TS_SS, 0);
    expect_new_task_fault(10, 0); /* null SS: #TS */
    put32(NEW_TSS + TSS32_ES + 4 * TS_SS, SEL_DATA_NP);
    expect_new_task_fault(12, SEL_DATA_NP); /* SS not present: #SS */
    put32(NEW_TSS + TSS32_ES + 4 * TS_SS, SEL_CS);
    expect_new_task_fault(10, SEL_CS); /* SS not writable data: #TS */
    put32(NEW_TSS + TSS32_ES + 4 * TS_SS, SEL_DS);
    put32(NEW_TSS + TSS32_ES + 4 * TS_CS, SEL_DS);
    expect_new_task_fault(10, SEL_DS); /* CS not code: #TS */
    put32(NEW_TSS + TSS32_ES + 4 * TS_CS, SEL_CS3);
    expect_new_task_fault(10, SEL_CS3); /* CS DPL 3 != RPL 0: #TS */
    put32(NEW_TSS + TSS32_ES + 4 * TS_CS, SEL_CS);
    put32(NEW_TSS + TSS32_EIP, 0x7fffffff);
    desc(SEL_CS, 0, 0xffff, 0xa, 1, 0, 1, 0);
    expect_new_task_fault(13, 0); /* EIP beyond the CS limit: #GP(0) */
}

static void ldt_loaded_or_faults(void **state)
{
    (void)state;
    put32(NEW_TSS + TSS32_LDT, SEL_LDT);
    run();
    assert_int_equal(res.status, TS_DONE);
    assert_int_equal(cpu.ldtr.base, LDT);
    assert_int_equal(cpu.ldtr.ar, 0x82);
    put32(NEW_TSS + TSS32_LDT, SEL_CS);
    expect_new_task_fault(10, SEL_CS); /* not an LDT descriptor: #TS */
    put32(NEW_TSS + TSS32_LDT, SEL_LDT | 4);
    expect_new_task_fault(10, SEL_LDT | 4); /* TI = 1: #TS, TI kept (SDM 6.13) */
}

/* SDM 6.12.2: the error code on the new task's stack; #SS when it does not fit. */
static void error_code_pushed(void **state)
{
    (void)state;
    req.source = TS_SRC_IDT_GATE;
    req.eip_advance = 0;
    req.push_error = true;
    req.error_code = 0xbeef;
    run();
    assert_int_equal(res.status, TS_DONE);
    assert_int_equal(cpu.gpr[4], NEW_ESP - 4);
    assert_int_equal(get32(NEW_ESP - 4), 0xbeef);
    assert_int_equal(get32(OLD_TSS + TSS32_EIP), 0x400);
    setup(state);
    req.push_error = true;
    put32(NEW_TSS + TSS32_EAX + 16, 2); /* ESP 2: the push wraps below 0 */
    desc(SEL_DS, 0, 0xffff, 0x2, 1, 0, 1, 0);
    expect_new_task_fault(12, 0);
}

/* SDM 17.3.1.1: a fault-class exception saves RF = 1 in the old task's EFLAGS image. */
static void fault_saves_rf(void **state)
{
    (void)state;
    req.fault_rf = true;
    run();
    assert_int_equal(get32(OLD_TSS + TSS32_EFLAGS), 0x10202);
}

/* SDM 7.2.1, 17.2.3: T = 1 in the new TSS -> a debug trap (DR6.BT) after the switch. */
static void t_flag_traps(void **state)
{
    (void)state;
    put32(NEW_TSS + TSS32_T, 1);
    run();
    assert_int_equal(res.status, TS_DONE);
    assert_true(res.debug_trap);
}

/* SDM 7.3 step 12: CR3 is loaded from the new TSS only with paging on. */
static void cr3_with_paging(void **state)
{
    (void)state;
    cpu.cr0 |= 1ull << 31;
    run();
    assert_true(res.load_cr3);
    assert_int_equal(cpu.cr3, 0x5000);
}

/* EFLAGS.VM = 1 in the new TSS: segments as in virtual-8086 mode (SDM 20.2.1, 26.3.1.2). */
static void v86_task(void **state)
{
    (void)state;
    put32(NEW_TSS + TSS32_EFLAGS, 0x20002);
    put32(NEW_TSS + TSS32_ES + 4 * TS_CS, 0x1234);
    run();
    assert_int_equal(res.status, TS_DONE);
    assert_int_equal(cpu.seg[TS_CS].base, 0x12340);
    assert_int_equal(cpu.seg[TS_CS].ar, 0xf3);
}

static void refusals(void **state)
{
    (void)state;
    cpu.ia32e = true;
    run();
    assert_int_equal(res.status, TS_UNSUPPORTED);
    setup(state);
    desc(SEL_NEW, 0xfff0, 0x67, TS_TYPE_TSS32, 0, 0, 1, 0); /* TSS runs past memory */
    run();
    assert_int_equal(res.status, TS_UNSUPPORTED);
    assert_false(res.committed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(call_switches, setup),
        cmocka_unit_test_setup(segments_loaded, setup),
        cmocka_unit_test_setup(jmp_switches, setup),
        cmocka_unit_test_setup(iret_switches, setup),
        cmocka_unit_test_setup(precommit_faults, setup),
        cmocka_unit_test_setup(data_segment_faults, setup),
        cmocka_unit_test_setup(stack_and_code_faults, setup),
        cmocka_unit_test_setup(ldt_loaded_or_faults, setup),
        cmocka_unit_test_setup(error_code_pushed, setup),
        cmocka_unit_test_setup(fault_saves_rf, setup),
        cmocka_unit_test_setup(t_flag_traps, setup),
        cmocka_unit_test_setup(cr3_with_paging, setup),
        cmocka_unit_test_setup(v86_task, setup),
        cmocka_unit_test_setup(refusals, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
