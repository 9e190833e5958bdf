/* SPDX-License-Identifier: BSD-2-Clause */
/* What: core/task_switch.c, the 32-bit TSS task switch of SDM 7.3, on a small guest memory
 * (GDT, two TSSes, an LDT) written here byte by byte from the SDM's layouts.
 * Why: hv/ emulates every task switch of the guest with it (SDM 25.4.2); each rule below is
 * one the SDM states, and each test fails when core/ breaks that rule.
 * Expected: the SDM 7.3 steps (busy bits, NT, back link, CR0.TS, DR7, TR, LDTR, CR3, state
 * saved and loaded, descriptors in VMX access-rights format), Table 7-1's faults before the
 * commit point, the T flag, the refusals. After the commit point: test_task_switch_faults.c. */
#include "task_switch_fixture.h"

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
    /* after the commit point: DS in an LDT that runs past memory. Memory the switch cannot
     * reach (hv/: outside RAM, or taken away in EPT) is refused, not a #TS the CPU would not
     * raise */
    setup(state);
    desc(SEL_LDT, MEM - 4, 0xf, TS_TYPE_LDT, 0, 0, 1, 0);
    put32(NEW_TSS + TSS32_LDT, SEL_LDT);
    put32(NEW_TSS + TSS32_ES + 4 * TS_DS, 0x0c); /* LDT index 1 */
    run();
    assert_true(res.committed);
    assert_int_equal(res.status, TS_UNSUPPORTED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(call_switches, setup),
        cmocka_unit_test_setup(segments_loaded, setup),
        cmocka_unit_test_setup(jmp_switches, setup),
        cmocka_unit_test_setup(iret_switches, setup),
        cmocka_unit_test_setup(precommit_faults, setup),
        cmocka_unit_test_setup(fault_saves_rf, setup),
        cmocka_unit_test_setup(t_flag_traps, setup),
        cmocka_unit_test_setup(cr3_with_paging, setup),
        cmocka_unit_test_setup(v86_task, setup),
        cmocka_unit_test_setup(refusals, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
