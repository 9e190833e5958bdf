/* SPDX-License-Identifier: BSD-2-Clause */
/* What: core/task_switch.c after the commit point of SDM 7.3: Table 7-1's faults in the new
 * task's context with their error codes, the error-code push (SDM 6.12.2), and the state the
 * switch leaves, done or faulted, against the VM-entry checks of SDM 26.3.1.2.
 * Why: hv/ writes that state into the VMCS and enters the guest with it; a fault in step 13
 * leaves registers whose descriptors were never loaded, and a state VM entry rejects ends the
 * run instead of delivering the fault (review: CS 0x1b with the old ring-0 hidden CS).
 * Expected: each fault with its vector, error code and EXT (SDM 6.13); the committed state
 * passes assert_vmx_entry_ok(); a 16-bit stack pushes at SP and keeps ESP[31:16]. */
#include "task_switch_fixture.h"

#define SEL_DS3     0x48 /* data, DPL 3 */
#define SEL_CS3_RPL (SEL_CS3 | 3)
#define SEL_DS3_RPL (SEL_DS3 | 3)

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
    assert_vmx_entry_ok(&cpu);
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

/* A switch through a task gate in the IDT that pushes `error` on the new task's stack (SDM
 * 6.12.2), as core/ asks for a completed hardware exception with an error code. */
static void gate_request_with_error(uint32_t error)
{
    req.source = TS_SRC_IDT_GATE;
    req.eip_advance = 0;
    req.push_error = true;
    req.error_code = error;
}

/* SDM 6.12.2: the error code on the new task's stack; #SS when it does not fit. */
static void error_code_pushed(void **state)
{
    (void)state;
    gate_request_with_error(0xbeef);
    run();
    assert_int_equal(res.status, TS_DONE);
    assert_vmx_entry_ok(&cpu);
    assert_int_equal(cpu.gpr[4], NEW_ESP - 4);
    assert_int_equal(get32(NEW_ESP - 4), 0xbeef);
    assert_int_equal(get32(OLD_TSS + TSS32_EIP), 0x400);
    setup(state);
    req.push_error = true;
    put32(NEW_TSS + TSS32_EAX + 16, 2); /* ESP 2: the push wraps below 0 */
    desc(SEL_DS, 0, 0xffff, 0x2, 1, 0, 1, 0);
    expect_new_task_fault(12, 0);
}

/* The review's probe: a handler task at CPL 3 (CS RPL 3, SS, DS, ES, FS DPL 3) with a bad GS.
 * #TS after the commit point, at CPL 3: CS and SS selectors with RPL 3, SS loaded (DPL 3), CS
 * not yet loaded but VM entry must take it (DPL = RPL = SS.DPL), GS unusable. Before the fix
 * the old ring-0 hidden CS stayed under selector 0x43: VM entry failed. */
static void cpl3_task_fault_enters(void **state)
{
    (void)state;
    cpu0.gdt_limit = 0x4f; /* SEL_DS3 in the GDT */
    desc(SEL_DS3, 0, 0xfffff, 0x3, 1, 3, 1, 1);
    put32(NEW_TSS + TSS32_ES + 4 * TS_CS, SEL_CS3_RPL);
    for (unsigned r = 0; r < TS_NSEG; r++)
        if (r != TS_CS)
            put32(NEW_TSS + TSS32_ES + 4 * r, r == TS_GS ? 0x80 : SEL_DS3_RPL);
    req.source = TS_SRC_IDT_GATE;
    req.ext = true;
    expect_new_task_fault(10, 0x80 | 1);
    assert_int_equal(cpu.seg[TS_CS].selector, SEL_CS3_RPL);
    assert_int_equal(TS_AR_DPL(cpu.seg[TS_CS].ar), 3);
    assert_int_equal(TS_AR_DPL(cpu.seg[TS_SS].ar), 3);
    assert_int_equal(cpu.seg[TS_SS].selector, SEL_DS3_RPL);
    assert_false(cpu.seg[TS_DS].ar & TS_AR_UNUSABLE); /* loaded before GS (SDM 7.3) */
    assert_true(cpu.seg[TS_GS].ar & TS_AR_UNUSABLE);
    /* an SS fault at CPL 3: SS not loaded, still enterable */
    put32(NEW_TSS + TSS32_ES + 4 * TS_GS, SEL_DS3_RPL);
    desc(SEL_DS3, 0, 0xfffff, 0x3, 1, 3, 0, 1); /* not present: #SS */
    expect_new_task_fault(12, SEL_DS3 | 1);
    /* the whole switch to the CPL-3 task, done */
    desc(SEL_DS3, 0, 0xfffff, 0x3, 1, 3, 1, 1);
    cpu = cpu0;
    desc(SEL_NEW, NEW_TSS, 0x67, TS_TYPE_TSS32, 0, 0, 1, 0);
    run();
    assert_int_equal(res.status, TS_DONE);
    assert_vmx_entry_ok(&cpu);
    /* SS RPL 0 under CS RPL 3: no VMX guest state holds it (SDM 26.3.1.2): refused */
    put32(NEW_TSS + TSS32_ES + 4 * TS_SS, SEL_DS);
    cpu = cpu0;
    desc(SEL_NEW, NEW_TSS, 0x67, TS_TYPE_TSS32, 0, 0, 1, 0);
    run();
    assert_int_equal(res.status, TS_UNSUPPORTED);
}

/* SDM 3.4.5: SS.B = 0 is a 16-bit stack: the error code goes at SS:(SP - 4) and ESP[31:16]
 * stays (SDM 6.12.2); ESP - 4 as a 32-bit offset would be far beyond the 64-KiB limit. */
static void sixteen_bit_stack_push(void **state)
{
    (void)state;
    desc(SEL_DS, 0, 0xffff, 0x2, 1, 0, 1, 0);
    put32(GDT + SEL_DS + 4, get32(GDT + SEL_DS + 4) & ~(1u << 22)); /* B = 0 */
    put32(NEW_TSS + TSS32_EAX + 16, 0xabcd0010u);                   /* SP 0x10 */
    gate_request_with_error(0xbeef);
    run();
    assert_int_equal(res.status, TS_DONE);
    assert_int_equal(cpu.gpr[4], 0xabcd000cu);
    assert_int_equal(get32(0xc), 0xbeef);
}

/* Only a 32-bit TSS is emulated (SDM 7.2.1): a 16-bit current TSS is refused as a 16-bit new
 * one is, before anything is written. */
static void sixteen_bit_current_tss(void **state)
{
    (void)state;
    static uint8_t before[MEM];
    memcpy(before, mem, MEM);
    cpu.tr.ar = 0x83; /* busy 16-bit TSS (SDM 3.5 Table 3-2) */
    run();
    assert_int_equal(res.status, TS_UNSUPPORTED);
    assert_false(res.committed);
    assert_memory_equal(before, mem, MEM);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(data_segment_faults, setup),
        cmocka_unit_test_setup(stack_and_code_faults, setup),
        cmocka_unit_test_setup(ldt_loaded_or_faults, setup),
        cmocka_unit_test_setup(error_code_pushed, setup),
        cmocka_unit_test_setup(cpl3_task_fault_enters, setup),
        cmocka_unit_test_setup(sixteen_bit_stack_push, setup),
        cmocka_unit_test_setup(sixteen_bit_current_tss, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
