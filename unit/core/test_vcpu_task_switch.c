/* SPDX-License-Identifier: BSD-2-Clause */
/* What: a task-switch exit through a task gate in the IDT driven through the real after-exit /
 * task-switch / before-entry path of core/ under every policy (core/vcpu_task_switch.c,
 * policy_task_gate()), with the emulation's result stated here instead of run.
 * Why: the emulated switch is the rest of the vectored event's delivery (SDM 25.4.2, 27.2.4);
 * what each policy makes of the event decides whether the guest gets the error code, NMI
 * blocking, the right saved EIP, or the event twice.
 * Expected: kvm, smart, drop-hw, drop-faults and reexec-soft complete the delivery (a task-gate
 * rule of their own, not their re-injection rule) and inject nothing; drop-all switches without
 * the event; raw-copy injects the raw word again; EXT is clear only for INT n, INT3, INTO
 * (SDM 6.13); faults merge with the interrupted exception (SDM 6.15);
 * a T-flag trap is a #DB with DR6.BT (SDM 17.2.3); IRET unblocks NMIs (SDM 6.7.1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/task_switch.h"
#include "events_fixture.h"

#define TASK_SWITCH 9u
#define GATE        (3ull << 30)
#define SEL         0x20u
#define GP_ERR      0x0010u
#define IDTV_GP     0x80000b0du /* hardware exception #GP with error code */
#define IDTV_UD     0x80000306u
#define IDTV_NMI    0x80000202u
#define IDTV_INT80  0x80000480u /* INT 0x80 */
#define IDTV_ICEBP  0x80000501u /* ICEBP: privileged software exception, vector 1 */
#define IDTV_INT3   0x80000603u /* INT3: software exception */
#define NMI_BLOCK   VMX_INTERRUPTIBILITY_NMI

static struct fixture f;
static struct ts_request req;

/* A task-switch exit: qualification (selector, source), IDT-vectoring word, error, length. */
static void ts_exit(const char *policy, uint64_t qual, uint32_t idtv, uint32_t err, uint32_t len)
{
    start(&f, policy);
    memset(&f.x, 0, sizeof(f.x));
    f.x.exit_reason = TASK_SWITCH;
    f.x.exit_qualification = qual;
    f.x.idt_vectoring_info = idtv;
    f.x.idt_vectoring_error = err;
    f.x.exit_instr_len = len;
    vcpu_events_after_exit(&f.ev, &f.x, NULL);
    vcpu_events_task_switch(&f.ev, &f.x, &req);
}

static void done(enum ts_status status, uint8_t vector, uint32_t error, bool trap)
{
    struct ts_result r = {status, status != TS_DONE, vector, error, trap, false, ""};
    vcpu_events_task_switch_done(&f.ev, &r);
    enter(&f);
}

/* kvm, smart, and the drop / re-execute policies, whose task-switch handling reads the field
 * apart from re-injection: the #GP's error code goes on the new stack with EXT for faults, RF
 * saved; nothing is injected at the entry (injecting would deliver the #GP a second time). */
static void complete_hw_exception(void **state)
{
    (void)state;
    static const char *const complete[] = {"kvm", "smart", "drop-hw", "drop-faults", "reexec-soft"};
    for (unsigned i = 0; i < 5; i++) {
        ts_exit(complete[i], GATE | SEL, IDTV_GP, GP_ERR, 0);
        assert_string_equal(vcpu_events_note(&f.ev)->action, "complete-by-switch");
        assert_int_equal(req.selector, SEL);
        assert_int_equal(req.source, TS_SRC_IDT_GATE);
        assert_true(req.push_error);
        assert_int_equal(req.error_code, GP_ERR);
        assert_true(req.ext);
        assert_true(req.fault_rf);
        assert_int_equal(req.eip_advance, 0);
        done(TS_DONE, 0, 0, false);
        assert_int_equal(f.e.entry_intr_info, 0);
    }
}

/* An NMI through a task gate is delivered by the switch: NMIs blocked afterwards (6.7.1). */
static void complete_nmi_blocks(void **state)
{
    (void)state;
    ts_exit("kvm", GATE | SEL, IDTV_NMI, 0, 0);
    done(TS_DONE, 0, 0, false);
    assert_int_equal(f.e.entry_intr_info, 0);
    assert_true(f.e.write_interruptibility);
    assert_true(f.e.guest_interruptibility & NMI_BLOCK);
    ts_exit("drop-all", GATE | SEL, IDTV_NMI, 0, 0);
    done(TS_DONE, 0, 0, false);
    /* adds none: only what the exit saved (here none) */
    assert_false(f.e.guest_interruptibility & NMI_BLOCK);
}

/* INT n through a task gate: saved EIP past the instruction (SDM 6.12.1) under kvm and
 * reexec-soft (Xen passes the instruction length to its switch: no re-execution loop); at
 * the instruction under drop-all; no EXT (a software event, SDM 6.13). */
static void soft_interrupt_eip(void **state)
{
    (void)state;
    static const char *const complete[] = {"kvm", "reexec-soft"};
    for (unsigned i = 0; i < 2; i++) {
        ts_exit(complete[i], GATE | SEL, IDTV_INT80, 0, 2);
        assert_string_equal(vcpu_events_note(&f.ev)->action, "complete-by-switch");
        assert_int_equal(req.eip_advance, 2);
        assert_false(req.ext);
        assert_false(req.push_error);
        done(TS_DONE, 0, 0, false);
        assert_int_equal(f.e.entry_intr_info, 0);
    }
    ts_exit("drop-all", GATE | SEL, IDTV_INT80, 0, 2);
    assert_int_equal(req.eip_advance, 0);
}

/* SDM 6.13: EXT is clear for INT n, INT3 and INTO only. ICEBP (type 5) sets it, as Bochs
 * does; INT3 (type 6) does not. Both return past the instruction (SDM 27.2.4). */
static void icebp_ext(void **state)
{
    (void)state;
    ts_exit("kvm", GATE | SEL, IDTV_ICEBP, 0, 1);
    assert_true(req.ext);
    assert_int_equal(req.eip_advance, 1);
    assert_false(req.push_error);
    assert_false(req.fault_rf);
    ts_exit("kvm", GATE | SEL, IDTV_INT3, 0, 1);
    assert_false(req.ext);
    assert_int_equal(req.eip_advance, 1);
}

/* drop-all ignores the field: the switch without the event, no error code, nothing
 * injected. */
static void drop_rules(void **state)
{
    (void)state;
    ts_exit("drop-all", GATE | SEL, IDTV_GP, GP_ERR, 0);
    assert_string_equal(vcpu_events_note(&f.ev)->action, "drop");
    assert_false(req.push_error);
    assert_false(req.ext);
    done(TS_DONE, 0, 0, false);
    assert_int_equal(f.e.entry_intr_info, 0);
    /* drop-faults completes a trap as a fault: #DB (type 3, vector 1) without RF */
    ts_exit("drop-faults", GATE | SEL, 0x80000301u, 0, 0);
    assert_string_equal(vcpu_events_note(&f.ev)->action, "complete-by-switch");
    assert_true(req.ext);
    assert_false(req.fault_rf);
}

/* raw-copy: the raw word is injected again after the emulated switch (known wrong). */
static void raw_copy_again(void **state)
{
    (void)state;
    start(&f, "raw-copy");
    ts_exit("raw-copy", GATE | SEL, IDTV_UD, 0, 0);
    assert_false(req.push_error);
    struct ts_result r = {TS_DONE, true, 0, 0, false, false, ""};
    vcpu_events_task_switch_done(&f.ev, &r);
    vcpu_events_before_entry(&f.ev, &f.e);
    assert_int_equal(f.e.entry_intr_info, IDTV_UD);
}

/* A fault of the switch during a #GP's delivery: contributory on contributory, #DF(0) under
 * kvm and drop-hw, which complete it too (SDM 6.15 Table 6-5); during #UD (benign) the #TS
 * alone; drop-all never delivered the #GP, so its #TS is delivered alone. */
static void fault_merges(void **state)
{
    (void)state;
    ts_exit("kvm", GATE | SEL, IDTV_GP, GP_ERR, 0);
    done(TS_FAULT, 10, 0x31, false);
    assert_int_equal(f.e.entry_intr_info, 0x80000b08u);
    assert_int_equal(f.e.entry_exception_error, 0);
    ts_exit("kvm", GATE | SEL, IDTV_UD, 0, 0);
    done(TS_FAULT, 10, 0x31, false);
    assert_int_equal(f.e.entry_intr_info, 0x80000b0au);
    assert_int_equal(f.e.entry_exception_error, 0x31);
    ts_exit("drop-hw", GATE | SEL, IDTV_GP, GP_ERR, 0);
    done(TS_FAULT, 10, 0x31, false);
    assert_int_equal(f.e.entry_intr_info, 0x80000b08u);
    ts_exit("drop-all", GATE | SEL, IDTV_GP, GP_ERR, 0);
    done(TS_FAULT, 10, 0x30, false);
    assert_int_equal(f.e.entry_intr_info, 0x80000b0au);
}

/* T = 1: #DB injected with DR6.BT as payload (SDM 17.2.3); no pending-debug bit exists for
 * it (SDM 24.4.2). */
static void t_flag_db(void **state)
{
    (void)state;
    ts_exit("kvm", GATE | SEL, IDTV_UD, 0, 0);
    done(TS_DONE, 0, 0, true);
    assert_int_equal(f.e.entry_intr_info, 0x80000301u);
    assert_true(f.e.set_dr6);
    assert_true(f.e.dr6 & DR6_BT);
    assert_false(f.e.set_rf);
}

/* CALL, JMP, IRET: EIP past the instruction; IRET ends NMI blocking (SDM 6.7.1). */
static void instructions(void **state)
{
    (void)state;
    ts_exit("kvm", (1ull << 30) | SEL, 0, 0, 1);
    assert_int_equal(req.source, TS_SRC_IRET);
    assert_int_equal(req.eip_advance, 1);
    f.ev.interruptibility = NMI_BLOCK;
    f.x.guest_interruptibility = NMI_BLOCK;
    done(TS_DONE, 0, 0, false);
    assert_true(f.e.write_interruptibility);
    assert_false(f.e.guest_interruptibility & NMI_BLOCK);
    ts_exit("drop-all", (2ull << 30) | SEL, 0, 0, 7);
    assert_int_equal(req.source, TS_SRC_JMP);
    assert_int_equal(req.eip_advance, 7);
    done(TS_DONE, 0, 0, false);
    assert_int_equal(f.e.entry_intr_info, 0);
}

/* The policy table itself, read through policy_task_gate(). */
static void policy_table(void **state)
{
    (void)state;
    const char *why;
    static const char *const complete[] = {"kvm", "smart", "drop-hw", "drop-faults", "reexec-soft"};
    for (unsigned i = 0; i < 5; i++) {
        assert_int_equal(policy_task_gate(policy_find(complete[i]), &why), POLICY_TG_COMPLETE);
        assert_non_null(strstr(why, "SDM"));
    }
    assert_int_equal(policy_task_gate(policy_find("drop-all"), &why), POLICY_TG_NO_EVENT);
    assert_non_null(strstr(why, "SDM"));
    assert_int_equal(policy_task_gate(policy_find("raw-copy"), &why), POLICY_TG_RAW_AGAIN);
    assert_non_null(strstr(why, "SDM"));
    assert_string_equal(policy_task_gate_name(POLICY_TG_NO_EVENT), "drop");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(complete_hw_exception),
        cmocka_unit_test(complete_nmi_blocks),
        cmocka_unit_test(soft_interrupt_eip),
        cmocka_unit_test(icebp_ext),
        cmocka_unit_test(drop_rules),
        cmocka_unit_test(raw_copy_again),
        cmocka_unit_test(fault_merges),
        cmocka_unit_test(t_flag_db),
        cmocka_unit_test(instructions),
        cmocka_unit_test(policy_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
