/* SPDX-License-Identifier: BSD-2-Clause */
/* What: the vCPU event queue (core/vcpu_events.h): pending vs injected exceptions with
 * error codes and CR2/DR6 payloads, the double-fault merge, NMI and interrupt slots with
 * their blocking rules, NMI unblocking due to IRET.
 * Why: this is the code hv/ runs on every exit; docs/cases.md #3, #4, #7, #8 depend on it. Expected
 * fields are written as literal VMCS words, not built with core's encoders.
 * Expected: re-injected #PF keeps error code and CR2; #PF during #PF -> #DF(0); a
 * contributory or #PF during #DF -> shutdown; benign first -> the second is delivered. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "unit/core/events_fixture.h"

/* One exit: reason, IDT-vectoring word, its error code, interruptibility (length 2). */
static void exit_with(struct fixture *f, uint32_t reason, uint32_t idtv, uint32_t err,
                      uint32_t intr)
{
    exit_len(f, reason, idtv, err, 2, intr);
}

static void test_reinjected_pf_keeps_error_and_cr2(void **state)
{
    (void)state;
    struct fixture f;
    start(&f, "kvm");
    exit_with(&f, 28, 0, 0, 0);
    vcpu_queue_exception_payload(&f.ev, 14, true, 0x2, 0xdead000);
    assert_true(enter(&f));
    assert_int_equal(f.e.entry_intr_info, 0x80000b0e);
    assert_int_equal(f.e.entry_exception_error, 0x2);
    assert_true(f.e.set_cr2);
    assert_int_equal(f.e.cr2, 0xdead000);
    assert_false(f.e.set_dr6);
    /* delivery of that #PF exits (stack page not present in EPT): re-delivered as it was */
    exit_with(&f, 48, 0x80000b0e, 0x2, 0);
    assert_true(enter(&f));
    assert_int_equal(f.e.entry_intr_info, 0x80000b0e);
    assert_int_equal(f.e.entry_exception_error, 0x2);
    assert_true(f.e.set_cr2);
    assert_int_equal(f.e.cr2, 0xdead000);
    /* delivered this time: nothing left */
    exit_with(&f, 10, 0, 0, 0);
    assert_false(enter(&f));
    assert_int_equal(f.e.entry_intr_info, 0);
    assert_false(f.e.set_cr2);
}

static void test_hardware_pf_has_no_payload(void **state)
{
    (void)state;
    struct fixture f;
    start(&f, "kvm");
    /* the guest's own #PF: the CPU already wrote CR2, the hv must not touch it */
    exit_with(&f, 48, 0x80000b0e, 0x6, 0);
    assert_true(enter(&f));
    assert_int_equal(f.e.entry_intr_info, 0x80000b0e);
    assert_int_equal(f.e.entry_exception_error, 0x6);
    assert_false(f.e.set_cr2);
    /* an injected #PF with payload whose delivery exits with a different event: the
     * payload does not travel to it */
    start(&f, "kvm");
    vcpu_queue_exception_payload(&f.ev, 14, true, 0x2, 0x1000);
    assert_true(enter(&f));
    exit_with(&f, 48, 0x80000b0d, 0x0, 0);
    assert_true(enter(&f));
    assert_int_equal(f.e.entry_intr_info, 0x80000b0d);
    assert_false(f.e.set_cr2);
}

static void test_db_payload(void **state)
{
    (void)state;
    struct fixture f;
    start(&f, "kvm");
    vcpu_queue_exception_payload(&f.ev, 1, false, 0, 0xffff4ff0);
    assert_true(enter(&f));
    assert_int_equal(f.e.entry_intr_info, 0x80000301);
    assert_true(f.e.set_dr6);
    assert_int_equal(f.e.dr6, 0xffff4ff0);
    assert_false(f.e.set_cr2);
    /* a payload on another vector is not applied */
    start(&f, "kvm");
    vcpu_queue_exception_payload(&f.ev, 13, true, 0, 0x1234);
    assert_true(enter(&f));
    assert_false(f.e.set_cr2 || f.e.set_dr6);
}

static void test_pf_during_pf_is_df(void **state)
{
    (void)state;
    struct fixture f;
    start(&f, "kvm");
    exit_with(&f, 0, 0x80000b0e, 0x2, 0); /* #PF intercepted while delivering a #PF */
    vcpu_queue_exception_payload(&f.ev, 14, true, 0x0, 0x7000);
    assert_true(enter(&f));
    assert_int_equal(f.e.entry_intr_info, 0x80000b08);
    assert_int_equal(f.e.entry_exception_error, 0);
    assert_false(vcpu_events_shutdown(&f.ev));
    assert_string_equal(vcpu_events_note(&f.ev)->action, "merge-#DF");
    /* CR2 holds the second fault's address, as on bare metal */
    assert_true(f.e.set_cr2);
    assert_int_equal(f.e.cr2, 0x7000);
    /* contributory during contributory */
    start(&f, "kvm");
    exit_with(&f, 48, 0x80000b0d, 0x10, 0);
    vcpu_queue_exception(&f.ev, 11, true, 0x18);
    assert_true(enter(&f));
    assert_int_equal(f.e.entry_intr_info, 0x80000b08);
    assert_int_equal(f.e.entry_exception_error, 0);
    /* #PF during contributory: serial, the #PF is delivered */
    start(&f, "kvm");
    exit_with(&f, 48, 0x80000b0d, 0x10, 0);
    vcpu_queue_exception(&f.ev, 14, true, 0x4);
    assert_true(enter(&f));
    assert_int_equal(f.e.entry_intr_info, 0x80000b0e);
    assert_int_equal(f.e.entry_exception_error, 0x4);
}

static void test_df_then_fault_is_shutdown(void **state)
{
    (void)state;
    static const uint8_t second[] = {0, 10, 11, 12, 13, 14, 20, 21};
    for (size_t i = 0; i < sizeof(second); i++) {
        struct fixture f;
        start(&f, "kvm");
        exit_with(&f, 48, 0x80000b08, 0, 0);
        vcpu_queue_exception(&f.ev, second[i], second[i] != 0 && second[i] != 20, 0);
        assert_true(vcpu_events_shutdown(&f.ev));
        assert_false(enter(&f));
        assert_int_equal(f.e.entry_intr_info, 0);
        assert_string_equal(vcpu_events_note(&f.ev)->action, "shutdown");
    }
    /* benign during #DF: serial */
    struct fixture f;
    start(&f, "kvm");
    exit_with(&f, 48, 0x80000b08, 0, 0);
    vcpu_queue_exception(&f.ev, 1, false, 0);
    assert_false(vcpu_events_shutdown(&f.ev));
    assert_true(enter(&f));
    assert_int_equal(f.e.entry_intr_info, 0x80000301);
    /* the native triple-fault exit also reads as shutdown */
    start(&f, "kvm");
    exit_with(&f, 2, 0, 0, 0);
    assert_true(vcpu_events_shutdown(&f.ev));
}

static void test_benign_then_anything_is_serial(void **state)
{
    (void)state;
    static const uint8_t benign[] = {1, 3, 4, 5, 6, 7, 9, 16, 17, 18, 19};
    for (size_t i = 0; i < sizeof(benign); i++)
        for (uint8_t v = 0; v < 32; v++) {
            struct fixture f;
            bool err1 = benign[i] == 17,
                 err2 = v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21;
            start(&f, "kvm");
            exit_with(&f, 48, 0x80000300u | (err1 ? 0x800 : 0) | benign[i], 0, 0);
            vcpu_queue_exception(&f.ev, v, err2, err2 ? 0x10 : 0);
            assert_false(vcpu_events_shutdown(&f.ev));
            assert_true(enter(&f));
            assert_int_equal(f.e.entry_intr_info, 0x80000300u | (err2 ? 0x800u : 0) | v);
            assert_int_equal(f.e.entry_exception_error, err2 ? 0x10 : 0);
            /* and nothing of the first is left for later */
            exit_with(&f, 10, 0, 0, 0);
            assert_false(enter(&f));
        }
}

static void test_dropped_pf_then_new_pf_loops(void **state)
{
    (void)state;
    /* docs/cases.md #7 under drop-hw: the first #PF is forgotten, the second goes alone */
    struct fixture f;
    start(&f, "drop-hw");
    exit_with(&f, 0, 0x80000b0e, 0x2, 0);
    vcpu_queue_exception(&f.ev, 14, true, 0x2);
    assert_true(enter(&f));
    assert_int_equal(f.e.entry_intr_info, 0x80000b0e);
}

static void test_nmi(void **state)
{
    (void)state;
    struct fixture f;
    start(&f, "kvm");
    exit_with(&f, 10, 0, 0, 8); /* NMIs blocked */
    vcpu_queue_nmi(&f.ev);
    assert_false(enter(&f));
    assert_true(vcpu_events_waiting(&f.ev));
    exit_with(&f, 8, 0, 0, 0); /* NMI window */
    assert_true(enter(&f));
    assert_int_equal(f.e.entry_intr_info, 0x80000202);
    assert_false(vcpu_events_waiting(&f.ev));
    /* its delivery exits: re-injected with blocking by NMI cleared (docs/cases.md #3) */
    exit_with(&f, 48, 0x80000202, 0, 8);
    assert_true(enter(&f));
    assert_int_equal(f.e.entry_intr_info, 0x80000202);
    assert_true(f.e.write_interruptibility);
    assert_int_equal(f.e.guest_interruptibility, 0);
    /* MOV-SS blocking also holds a pending NMI back */
    start(&f, "kvm");
    exit_with(&f, 10, 0, 0, 2);
    vcpu_queue_nmi(&f.ev);
    assert_false(enter(&f));
}

static void test_exception_during_nmi_replaces_it(void **state)
{
    (void)state;
    struct fixture f;
    start(&f, "kvm");
    exit_with(&f, 0, 0x80000202, 0, 8);          /* #GP intercepted while delivering an NMI */
    vcpu_queue_exception(&f.ev, 13, true, 0x13); /* error code: IDT vector 2, EXT */
    assert_true(enter(&f));
    assert_int_equal(f.e.entry_intr_info, 0x80000b0d);
    assert_false(f.e.write_interruptibility); /* NMI blocking stays as the CPU left it */
    assert_string_equal(vcpu_events_note(&f.ev)->action, "serial");
    exit_with(&f, 10, 0, 0, 8);
    assert_false(enter(&f));
}

static void test_nmi_unblocking_due_to_iret(void **state)
{
    (void)state;
    struct fixture f;
    start(&f, "kvm");
    memset(&f.x, 0, sizeof(f.x));
    f.x.exit_reason = 0;
    f.x.exit_intr_info = 0x80001b0e; /* #PF with NMI unblocking due to IRET */
    vcpu_events_after_exit(&f.ev, &f.x, NULL);
    vcpu_queue_nmi(&f.ev);
    assert_false(enter(&f)); /* the IRET re-executes with NMIs blocked */
    assert_true(f.e.write_interruptibility);
    assert_int_equal(f.e.guest_interruptibility, 8);
    /* bit 12 is undefined for #DF */
    f.x.exit_intr_info = 0x80001b08;
    vcpu_events_after_exit(&f.ev, &f.x, NULL);
    assert_true(enter(&f));
    assert_int_equal(f.e.entry_intr_info, 0x80000202);
    /* EPT violation: exit-qualification bit 12 */
    start(&f, "kvm");
    memset(&f.x, 0, sizeof(f.x));
    f.x.exit_reason = 48;
    f.x.exit_qualification = 0x1182;
    vcpu_events_after_exit(&f.ev, &f.x, NULL);
    assert_false(enter(&f));
    assert_int_equal(f.e.guest_interruptibility, 8);
    /* not when the exit happened during delivery */
    f.x.idt_vectoring_info = 0x80000b0e;
    vcpu_events_after_exit(&f.ev, &f.x, NULL);
    assert_true(enter(&f));
    assert_false(f.e.write_interruptibility);
}

static void test_interrupts(void **state)
{
    (void)state;
    struct fixture f;
    start(&f, "kvm");
    exit_with(&f, 10, 0, 0, 1); /* STI shadow */
    vcpu_queue_interrupt(&f.ev, 0x40);
    assert_false(enter(&f));
    assert_true(vcpu_events_waiting(&f.ev));
    exit_with(&f, 7, 0, 0, 0);
    assert_true(enter(&f));
    assert_int_equal(f.e.entry_intr_info, 0x80000040);
    /* delivery exits while 0x41 is queued: 0x40 first (docs/cases.md #4), then 0x41 */
    exit_with(&f, 48, 0x80000040, 0, 0);
    vcpu_queue_interrupt(&f.ev, 0x41);
    assert_true(enter(&f));
    assert_int_equal(f.e.entry_intr_info, 0x80000040);
    exit_with(&f, 10, 0, 0, 0);
    assert_true(enter(&f));
    assert_int_equal(f.e.entry_intr_info, 0x80000041);
    exit_with(&f, 10, 0, 0, 0);
    assert_false(enter(&f));
}

static void test_soft_events(void **state)
{
    (void)state;
    struct fixture f;
    start(&f, "kvm");
    exit_with(&f, 48, 0x80000480, 0, 0); /* INT 0x80, length 2 */
    assert_true(enter(&f));
    assert_int_equal(f.e.entry_intr_info, 0x80000480);
    assert_int_equal(f.e.entry_instr_len, 2);
    exit_with(&f, 48, 0x80000603, 0, 0); /* INT3 */
    assert_true(enter(&f));
    assert_int_equal(f.e.entry_intr_info, 0x80000603);
    assert_int_equal(f.e.entry_instr_len, 2);
    start(&f, "reexec-soft");
    exit_with(&f, 48, 0x80000501, 0, 0); /* ICEBP */
    assert_false(enter(&f));
    assert_string_equal(vcpu_events_note(&f.ev)->action, "reexecute");
}

/* RFLAGS.RF for injected exceptions: bare metal pushes RF=1 for faults (SDM 17.3.1.1), VM
 * entry does not set it (measured: pf-df-merge without it pushes RF=0 on Bochs; KVM commit
 * d6e8c8545651 fixed the same). Written out from SDM Table 6-1: faults and aborts, not #DB,
 * not the traps #BP/#OF, not reserved vectors. */
static void test_rf_for_injected_faults(void **state)
{
    (void)state;
    static const uint8_t rf[] = {0, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 17, 18, 19, 20, 21};
    static const uint8_t with_error[] = {8, 10, 11, 12, 13, 14, 17, 21};
    for (unsigned v = 0; v < 32; v++) {
        if (v == 2)
            continue; /* NMI is not a hardware exception */
        bool expect = memchr(rf, (int)v, sizeof(rf)) != NULL;
        bool err = memchr(with_error, (int)v, sizeof(with_error)) != NULL;
        struct fixture f;
        start(&f, "kvm");
        exit_with(&f, 10, 0, 0, 0);
        vcpu_queue_exception(&f.ev, (uint8_t)v, err, 0);
        assert_true(enter(&f));
        if (f.e.set_rf != expect)
            fail_msg("vector %u: set_rf %d, expected %d", v, f.e.set_rf, expect);
    }
    struct fixture f;
    start(&f, "kvm"); /* IDT-vectored #GP re-injected: RF as for a fresh fault */
    exit_with(&f, 48, 0x80000b0d, 0, 0);
    assert_true(enter(&f));
    assert_true(f.e.set_rf);
    start(&f, "kvm"); /* INT3 (type 6) is a trap: no RF */
    exit_with(&f, 48, 0x80000603, 0, 0);
    assert_true(enter(&f));
    assert_false(f.e.set_rf);
    start(&f, "kvm"); /* nothing injected: nothing to set */
    exit_with(&f, 10, 0, 0, 0);
    assert_false(enter(&f));
    assert_false(f.e.set_rf);
}

static void test_priority(void **state)
{
    (void)state;
    struct fixture f;
    start(&f, "kvm");
    exit_with(&f, 10, 0, 0, 0);
    vcpu_queue_interrupt(&f.ev, 0x50);
    vcpu_queue_nmi(&f.ev);
    vcpu_queue_exception(&f.ev, 6, false, 0);
    assert_true(enter(&f));
    assert_int_equal(f.e.entry_intr_info, 0x80000306);
    exit_with(&f, 10, 0, 0, 0);
    assert_true(enter(&f));
    assert_int_equal(f.e.entry_intr_info, 0x80000202);
    exit_with(&f, 10, 0, 0, 8); /* in the NMI handler: NMIs blocked, IF may be 1 */
    assert_true(enter(&f));
    assert_int_equal(f.e.entry_intr_info, 0x80000050);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reinjected_pf_keeps_error_and_cr2),
        cmocka_unit_test(test_hardware_pf_has_no_payload),
        cmocka_unit_test(test_db_payload),
        cmocka_unit_test(test_pf_during_pf_is_df),
        cmocka_unit_test(test_df_then_fault_is_shutdown),
        cmocka_unit_test(test_benign_then_anything_is_serial),
        cmocka_unit_test(test_dropped_pf_then_new_pf_loops),
        cmocka_unit_test(test_nmi),
        cmocka_unit_test(test_exception_during_nmi_replaces_it),
        cmocka_unit_test(test_nmi_unblocking_due_to_iret),
        cmocka_unit_test(test_interrupts),
        cmocka_unit_test(test_soft_events),
        cmocka_unit_test(test_priority),
        cmocka_unit_test(test_rf_for_injected_faults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
